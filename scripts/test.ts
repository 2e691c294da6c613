// `npm test`: the whole suite — unit and integration tests (vitest), then the API and browser
// tests against a built, running Helix (Playwright, which builds first when needed).
import { spawnSync } from "node:child_process";

function run(cmd: string, args: string[]): number {
  return spawnSync(cmd, args, { stdio: "inherit", env: process.env }).status ?? 1;
}

const unit = run("npx", ["vitest", "run"]);
const e2e = run("npx", ["playwright", "test"]);
process.exit(unit !== 0 || e2e !== 0 ? 1 : 0);
