// The key that signs and encrypts dashboard session cookies: NEXTAUTH_SECRET when set, otherwise a
// random secret generated once and kept in HELIX_DATA_DIR/nextauth-secret (mode 0600), so
// `npm install && npm start` needs no configuration and sessions survive a restart.
// Instances that share one database but not one data dir must all be given NEXTAUTH_SECRET.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

export const SECRET_FILE_NAME = "nextauth-secret";
let cached: string | undefined;

/** Reads or creates the secret file in dataDir; exported for tests. */
export function persistedSecret(dataDir: string): string {
  const file = path.resolve(dataDir, SECRET_FILE_NAME);
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": only one process (of several starting at once) creates it; the others read it.
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret (delete it to generate a new one, or set NEXTAUTH_SECRET)`);
  try {
    chmodSync(file, 0o600);
  } catch {
    /* a read-only mount: leave it as the operator made it */
  }
  return secret;
}

export function dashboardAuthSecret(): string {
  if (cached) return cached;
  const e = env();
  cached = e.NEXTAUTH_SECRET ?? persistedSecret(e.HELIX_DATA_DIR);
  return cached;
}

/** True when the secret came from the data dir (start-up warns when instances share a database). */
export function secretIsGenerated(): boolean {
  return !env().NEXTAUTH_SECRET;
}
