// Sign-in attempts are limited per email + client address (10 per 15 minutes), and per email
// from all addresses (50 per 15 minutes: X-Forwarded-For can be forged to get fresh buckets).
// Counters live in the shared KeyValueStore, so the limit holds across instances with Redis.
import "server-only";
import { createHash } from "node:crypto";
import { getKv } from "@/lib/store/kv";

export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const LOGIN_LIMIT_PER_ADDRESS = 10;
export const LOGIN_LIMIT_PER_EMAIL = 50;

export class LoginRateLimitedError extends Error {
  constructor() {
    super(`Too many sign-in attempts. Wait ${LOGIN_WINDOW_SECONDS / 60} minutes and try again.`);
    this.name = "LoginRateLimitedError";
  }

  /** By name, not instanceof: Next.js may bundle this module into more than one chunk. */
  static is(err: unknown): err is LoginRateLimitedError {
    return err instanceof Error && err.name === "LoginRateLimitedError";
  }
}

const digest = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 32);
const addressKey = (email: string, ip: string) => `helix:auth:login:${digest(`${email}\n${ip}`)}`;
const emailKey = (email: string) => `helix:auth:login-email:${digest(email)}`;

/** The client address as seen by the nearest proxy (the right-most X-Forwarded-For entry). */
export function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string {
  const pick = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(",") : v);
  const forwarded = pick(headers?.["x-forwarded-for"])?.split(",").map((s) => s.trim()).filter(Boolean);
  return forwarded?.at(-1) ?? pick(headers?.["x-real-ip"])?.trim() ?? "unknown";
}

/** Counts an attempt; throws LoginRateLimitedError once either limit is passed. */
export async function countLoginAttempt(email: string, ip: string): Promise<void> {
  const kv = getKv();
  const [perAddress, perEmail] = await Promise.all([
    kv.incrBy(addressKey(email, ip), 1, LOGIN_WINDOW_SECONDS),
    kv.incrBy(emailKey(email), 1, LOGIN_WINDOW_SECONDS),
  ]);
  if (perAddress > LOGIN_LIMIT_PER_ADDRESS || perEmail > LOGIN_LIMIT_PER_EMAIL) throw new LoginRateLimitedError();
}

/** A successful sign-in clears its own address's counter. */
export async function clearLoginAttempts(email: string, ip: string): Promise<void> {
  await getKv().del(addressKey(email, ip));
}
