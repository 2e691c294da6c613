// `npm start`: build if needed, then serve gateway + dashboard on PORT/HOST.
import { spawn } from "node:child_process";
import path from "node:path";
import { env } from "../lib/env";
import { ensureBuild } from "./lib/ensure-build";

const e = env();
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
