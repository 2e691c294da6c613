// Starts a real Helix (the production build, served by server.mjs as `npm start` does) as a child process for a test file.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface HelixServer {
  url: string;
  /** Base URL for the OpenAI SDK. */
  baseURL: string;
  output: () => string;
  /** The spawned server process (the server may run in it or in a child of it). */
  pid: number;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * A fresh data dir for embedded mode (PGlite) unless DATABASE_URL is given. `host` is where it
 * listens (default loopback; "0.0.0.0" lets a test reach it from this machine's own network address).
 */
export async function startHelix(env: Record<string, string | undefined> = {}, opts: { host?: string } = {}): Promise<HelixServer> {
  const port = await freePort();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The test runner's own provider/database settings must not leak into the gateway under test.
    if (v !== undefined && !/^(OPENAI|ANTHROPIC|GOOGLE|GEMINI|GROQ|DATABASE|REDIS|MASTER|HELIX|ADMIN|NEXTAUTH|AUTH)_/.test(k)) childEnv[k] = v;
  }
  childEnv.HELIX_DATA_DIR = mkdtempSync(path.join(tmpdir(), "helix-e2e-"));
  childEnv.HELIX_LOG_FLUSH_MS = "50";
  childEnv.NODE_ENV = "production";
  childEnv.NEXT_TELEMETRY_DISABLED = "1";
  childEnv.NEXT_MANUAL_SIG_HANDLE = "true";
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  const child: ChildProcess = spawn(process.execPath, ["server.mjs", "-p", String(port), "-H", opts.host ?? "127.0.0.1"], {
    cwd: ROOT,
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`helix exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`helix did not become healthy in 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    baseURL: `${url}/v1`,
    output: () => out,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
