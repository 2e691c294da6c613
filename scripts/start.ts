// `npm start`: build if needed, then serve gateway + dashboard on PORT/HOST.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { env } from "../lib/env";
import { ensureBuild } from "./lib/ensure-build";

const e = env();
ensureBuild();
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const child = spawn(process.execPath, [nextBin, "start", "-p", String(e.PORT), "-H", e.HOST], {
  stdio: "inherit",
  // Helix drains requests and flushes logs on SIGTERM itself (lib/startup.ts).
  env: { NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true", ...process.env },
});
// SIGHUP reloads HELIX_CONFIG (lib/startup.ts).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
