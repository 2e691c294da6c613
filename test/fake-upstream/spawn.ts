// The fake upstream in a process of its own (benchmarks: it must not share the client's CPU time).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export async function spawnFakeUpstream(args: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/fake-upstream/main.ts", "--port", "0", ...args], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d) => {
      buf += d;
      const m = /FAKE_UPSTREAM_URL=(\S+)/.exec(buf);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`fake upstream exited (${code})`)));
  });
  return { url, child };
}
