import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { EmbedderUnavailableError } from "./errors";
import { EmbedWorkerPool } from "./worker-pool";

const run = promisify(execFile);
const hash = (busyMs = 0, dimensions = 4) => ({ key: "hash", kind: "test-hash" as const, dimensions, busyMs });

let pools: EmbedWorkerPool[] = [];
function newPool(opts: ConstructorParameters<typeof EmbedWorkerPool>[0] = {}) {
  const p = new EmbedWorkerPool({ enableTestModels: true, ...opts });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
});

describe("EmbedWorkerPool", () => {
  it("batches concurrent calls into one model call and hands each caller its own rows", async () => {
    const pool = newPool();
    await pool.load(hash(30));
    const texts = ["a", "b", "c", "d", "e", "f"];
    const alone = await Promise.all(texts.map((t) => pool.embed("hash", [t])));
    const before = pool.stats().batches;
    // While the first call runs, the other five queue up and go as one batch.
    const together = await Promise.all(texts.map((t) => pool.embed("hash", [t])));
    expect(pool.stats().batches - before).toBe(2);
    expect(pool.stats().largestBatch).toBe(5);
    for (let i = 0; i < texts.length; i++) {
      expect(Array.from(together[i].vectors[0])).toEqual(Array.from(alone[i].vectors[0]));
      // Own buffer per vector, not a view of the batch.
      expect(together[i].vectors[0].buffer.byteLength).toBe(4 * 4);
    }
  });

  it("keeps batches within maxBatchTexts", async () => {
    const pool = newPool({ maxBatchTexts: 3 });
    await pool.load(hash(20));
    await Promise.all(Array.from({ length: 7 }, (_, i) => pool.embed("hash", [`t${i}`])));
    expect(pool.stats().largestBatch).toBeLessThanOrEqual(3);
    expect(pool.stats().texts).toBe(7);
  });

  it("fails in-flight calls clearly when the worker crashes, then restarts it", async () => {
    const pool = newPool();
    await pool.load(hash());
    await pool.load({ key: "crash", kind: "test-crash" });
    const firstThread = pool.threadId;
    const [ok] = (await pool.embed("hash", ["before"])).vectors;

    const crashed = pool.embed("crash", ["boom"]);
    await expect(crashed).rejects.toBeInstanceOf(EmbedderUnavailableError);
    await expect(crashed).rejects.toThrow(/embed worker stopped \(test-crash model: crashing the embed worker on purpose\)/);
    expect(pool.stats().restarts).toBe(1);

    // The next call starts a new worker and reloads the model there transparently.
    const [again] = (await pool.embed("hash", ["before"])).vectors;
    expect(Array.from(again)).toEqual(Array.from(ok));
    expect(pool.threadId).toBeDefined();
    expect(pool.threadId).not.toBe(firstThread);
  });

  it("replaces a worker that stops answering", async () => {
    const pool = newPool({ embedTimeoutMs: 300 });
    await pool.load(hash(2_000));
    const started = Date.now();
    await expect(pool.embed("hash", ["slow"])).rejects.toThrow(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(pool.stats().restarts).toBe(1);
  });

  it("reports a missing worker script and refuses test models unless enabled", async () => {
    const missing = newPool({ workerPath: "/nonexistent/embed-worker.mjs" });
    await expect(missing.load(hash())).rejects.toThrow(/embed worker script is missing at \/nonexistent/);
    const prod = new EmbedWorkerPool();
    pools.push(prod);
    await expect(prod.load(hash())).rejects.toThrow(/only available in tests/);
  });

  it("fails queued calls on close and rejects later ones", async () => {
    const pool = newPool();
    await pool.load(hash(200));
    const inFlight = expect(pool.embed("hash", ["x"])).rejects.toThrow(/closed/);
    const queued = expect(pool.embed("hash", ["y"])).rejects.toThrow(/closed/);
    await new Promise((r) => setTimeout(r, 20));
    await pool.close();
    await inFlight;
    await queued;
    await expect(pool.embed("hash", ["z"])).rejects.toThrow(/closed/);
    expect(pool.threadId).toBeUndefined();
  });

  it("does not keep the process alive once idle", async () => {
    // A child that embeds and then just returns must exit on its own, worker or not.
    const script = `
      const { EmbedWorkerPool } = await import(${JSON.stringify(path.resolve("lib/cache/embedders/worker-pool.ts"))});
      const pool = new EmbedWorkerPool({ enableTestModels: true });
      await pool.load({ key: "hash", kind: "test-hash", dimensions: 4, busyMs: 50 });
      const r = await pool.embed("hash", ["x"]);
      console.log("dims", r.vectors[0].length);
    `;
    const started = Date.now();
    const { stdout } = await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "--input-type=module", "-e", script], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe("dims 4");
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
