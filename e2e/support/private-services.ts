// A Redis and a PostgreSQL of one test's own, on free ports, that the test may kill and start
// again (never the machine's shared ones). PostgreSQL refuses to run as root: as root, its
// commands run as the `postgres` user in a directory that user owns.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./helix-server";

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PrivateRedis {
  port: number;
  url: string;
  start: () => Promise<void>;
  /** SIGKILL: a crash, not a shutdown. */
  kill: () => Promise<void>;
}

/** A Redis on its own port; not running until start(). */
export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const ping = () =>
    new Promise<boolean>((resolve) => {
      const p = spawn("redis-cli", ["-p", String(port), "ping"], { stdio: "ignore" });
      p.on("exit", (code) => resolve(code === 0));
      p.on("error", () => resolve(false));
    });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
      await until(`redis on ${port}`, ping);
    },
    kill: async () => {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once("exit", () => resolve());
        p.kill("SIGKILL");
      });
    },
  };
}

export interface PrivatePostgres {
  port: number;
  /** The `postgres` database on this cluster (Helix migrates it at start). */
  url: string;
  start: () => Promise<void>;
  /** `pg_ctl stop -m immediate`: every backend dies at once, no checkpoint (crash recovery on start). */
  kill: () => Promise<void>;
  query: <T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
  remove: () => Promise<void>;
}

function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))) : [];
  if (versions.length > 0) return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0], "bin");
  const onPath = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (onPath.status === 0) return onPath.stdout.trim();
  throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found: install them or set PG_BIN");
}

/** A fresh PostgreSQL cluster (initdb) on its own port, started. */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = pgBin();
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "helix-pg-"));
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: "utf8", cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const connects = async () => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    c.on("error", () => {});
    try {
      await c.connect();
      await c.query("SELECT 1");
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => {});
    }
  };
  // fsync off (the OS never crashes here); synchronous_commit stays on: "immediate" must not lose commits.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const start = async () => {
    run("pg_ctl", ["-D", data, "-o", opts, "-l", path.join(dir, "postgres.log"), "-w", "-t", "30", "start"]);
    await until(`postgres on ${port}`, connects);
  };
  const kill = async () => {
    run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  };
  await start();
  return {
    port,
    url,
    start,
    kill,
    query: async (sql, params) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(sql, params as unknown[])).rows;
      } finally {
        await c.end();
      }
    },
    remove: async () => {
      spawnSync(asRoot ? "runuser" : path.join(bin, "pg_ctl"), asRoot ? ["-u", "postgres", "--", path.join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"] : ["-D", data, "-m", "immediate", "stop"], { stdio: "ignore" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
