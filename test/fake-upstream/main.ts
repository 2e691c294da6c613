// Standalone fake upstream for manual smoke tests and cross-process e2e runs:
//   npx tsx test/fake-upstream/main.ts [--port N] [--host H] [--latency MS] [--chunk-delay MS]
// The first stdout line is FAKE_UPSTREAM_URL=... so a parent process can read where it listens.
import { startFakeUpstream } from "./server";

function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  const inline = argv.find((a) => a.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

function numberArg(name: string): number | undefined {
  const v = arg(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got '${v}'\n`);
    process.exit(2);
  }
  return n;
}

export async function main(): Promise<void> {
  const fake = await startFakeUpstream({
    port: numberArg("port") ?? 0,
    host: arg("host"),
    latencyMs: numberArg("latency"),
    chunkDelayMs: numberArg("chunk-delay"),
    // A long-running process must not grow without bound; /__fake/requests is then empty.
    record: !process.argv.includes("--no-record"),
  });
  process.stdout.write(`FAKE_UPSTREAM_URL=${fake.url}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    fake.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake upstream failed to start: ${String(err)}\n`);
  process.exit(1);
});
