// `npm start`: build if needed, then serve gateway + dashboard on PORT/HOST.
import { spawn } from "node:child_process";
import path from "node:path";
import { env, type Env } from "../lib/env";
import { ensureBuild } from "./lib/ensure-build";

let e: Env;
try {
  e = env();
} catch (err) {
  // The same message the server gives (lib/startup.ts), before a build that would be wasted.
  process.stderr.write(`\nHelix cannot start:\n${err instanceof Error ? err.message : String(err)}\n\n`);
  process.exit(1);
}
ensureBuild();
// server.mjs: Next.js plus the /v1 fast path (see its header).
const child = spawn(process.execPath, [path.resolve(import.meta.dirname, "../server.mjs"), "-p", String(e.PORT), "-H", e.HOST], {
  stdio: "inherit",
  // Helix drains requests and flushes logs on SIGTERM itself (lib/startup.ts).
  env: { NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true", ...process.env },
});
// SIGHUP reloads HELIX_CONFIG (lib/startup.ts).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
