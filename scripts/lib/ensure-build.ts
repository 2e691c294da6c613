// Builds the app when there is no build or the sources changed since the last one, so that
// `npm start` on a fresh clone (or after a pull) just works without a separate build step.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

const ROOT = path.resolve(import.meta.dirname, "../..");
const INPUTS = ["app", "lib", "components", "public", "prisma/schema.prisma", "next.config.ts", "postcss.config.mjs", "instrumentation.ts", "proxy.ts", "tsconfig.json", "package-lock.json"];
const SKIP = new Set(["node_modules", ".next", "generated"]);
const STAMP = path.join(ROOT, ".next", "helix-source-hash");

function walk(p: string, out: string[]): void {
  if (!existsSync(p)) return;
  const st = statSync(p);
  if (st.isFile()) {
    if (!/\.test\.tsx?$/.test(p)) out.push(p);
    return;
  }
  for (const name of readdirSync(p).sort()) if (!SKIP.has(name)) walk(path.join(p, name), out);
}

function sourceHash(): string {
  const files: string[] = [];
  for (const input of INPUTS) walk(path.join(ROOT, input), files);
  const h = createHash("sha256");
  for (const f of files) h.update(path.relative(ROOT, f)).update("\0").update(readFileSync(f));
  return h.digest("hex");
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

export function ensurePrismaClient(): void {
  if (!existsSync(path.join(ROOT, "lib/generated/prisma/client.ts"))) run("npx", ["tsx", "scripts/prisma-generate.ts"]);
}

export function ensureBuild(): void {
  ensurePrismaClient();
  const hash = sourceHash();
  const built = existsSync(path.join(ROOT, ".next", "BUILD_ID")) && existsSync(STAMP) && readFileSync(STAMP, "utf8") === hash;
  if (built) return;
  console.log("helix: building the app (first start or sources changed)…");
  run("npx", ["next", "build"]);
  writeFileSync(STAMP, hash);
}
