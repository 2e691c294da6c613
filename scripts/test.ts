// `npm test`: the whole suite — typecheck and lint, unit and integration tests (vitest), then the
// API and browser tests against a built, running Helix (Playwright, which builds first when needed).
// Every step runs even when an earlier one fails, so one run reports everything.
import { spawnSync } from "node:child_process";

function run(cmd: string, args: string[]): number {
  return spawnSync(cmd, args, { stdio: "inherit", env: process.env }).status ?? 1;
}

const steps = [
  run("npx", ["tsc", "--noEmit", "-p", "."]),
  run("npx", ["eslint", "."]),
  run("npx", ["vitest", "run"]),
  run("npx", ["playwright", "test"]),
];
process.exit(steps.some((code) => code !== 0) ? 1 : 0);
