// Shared checks for the secrets recognizers: entropy, placeholder detection, checksums and
// base64url decoding. Everything here runs on one candidate string at a time (bounded length),
// so none of it can make a scan super-linear in the prompt.

import type { RecognizerResult } from "../../types";

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = s.length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** How many of lower case, upper case and digits occur. */
export function charClassCount(s: string): number {
  return (/[a-z]/.test(s) ? 1 : 0) + (/[A-Z]/.test(s) ? 1 : 0) + (/[0-9]/.test(s) ? 1 : 0);
}

// Words that documentation and tutorials put where a real secret would go. Looked for only in
// the variable part of a token (never in a vendor prefix such as Stripe's "sk_test_"). Short
// words count only as whole words between separators: a random 160-character key contains a
// given 4-letter string by chance about once in 10^4, a 6-letter one almost never.
const PLACEHOLDER_LONG_WORDS = /example|sample|placeholder|redacted|changeme|change_me|replace|insert|dummy/i;
const PLACEHOLDER_SHORT_WORDS =
  /(?:^|[-_ .])(?:your|my|here|todo|fake|xxx+|api|key|token|secret|password|passwd|pass|pwd)(?=$|[-_ .])/i;

/**
 * True for strings that stand in for a secret rather than being one: `sk-...`, `<YOUR_API_KEY>`,
 * `${OPENAI_API_KEY}`, `{{ secret }}`, `****`, `xxxxxxxx`, `your-api-key-here`, AWS's documented
 * example keys. Keeps documentation and code samples from being redacted into nonsense.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  // Template and variable syntax: <…>, ${…}, {{…}}, $VAR, %(name)s, [name], :name.
  if (/^(?:<.*>|\$\{.*\}|\{\{.*\}\}|\{.*\}|\[.*\]|%\(.*\)s?|\$[A-Za-z_][A-Za-z0-9_]*|:[a-z_]+|%[A-Z_]+%)$/s.test(v)) return true;
  // Ellipses, masks and long runs of one character ("sk-...", "****", "xxxxxxxx", "00000000").
  if (/\.\.\.|…|\*{3}|•{2}|(.)\1{5}/.test(v)) return true;
  if (PLACEHOLDER_LONG_WORDS.test(v) || PLACEHOLDER_SHORT_WORDS.test(v)) return true;
  // AWS documents AKIAIOSFODNN7EXAMPLE and a secret ending in EXAMPLEKEY.
  if (/EXAMPLE/i.test(v)) return true;
  // Too few distinct characters to be random (e.g. "abababab…", "1234123412341234").
  const distinct = new Set(v).size;
  if (v.length >= 12 && distinct <= 4) return true;
  if (/^(?:0123456789|1234567890|abcdef|ABCDEF)/.test(v) && distinct <= 16) return true;
  return false;
}

/** Documentation's stand-ins for a password: "somepassword", "mypassword", "db_pass", "new-passwd". */
export const EXAMPLE_PASSWORD = /^(?:my|your|some|the|auth|db|user|admin|new|old|example|sample)?[_-]?(?:pass(?:word|wd)?|pwd|secret)$/i;

// CRC-32 (IEEE 802.3, as zlib.crc32), table built once.
const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of an ASCII string. */
export function crc32(ascii: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < ascii.length; i++) c = CRC_TABLE[(c ^ ascii.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Base62 (0-9A-Za-z) of a non-negative integer, left-padded with "0" to `width`. */
export function base62(n: number, width: number): string {
  let s = "";
  let v = n;
  do {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  } while (v > 0);
  return s.padStart(width, "0");
}

/**
 * GitHub's 2021 token format (also npm's `npm_` tokens): 30 random base62 characters followed by
 * the base62 CRC-32 of those 30 characters in 6 characters. `body` is the 36 characters after
 * the prefix.
 */
export function hasValidCrc32Suffix(body: string): boolean {
  if (body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/** Decodes base64url (or base64) to a string, or undefined if it is not valid. */
export function decodeBase64Url(s: string): string | undefined {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.replace(/=+$/, "").length % 4 === 1) return undefined;
  const padded = b64.replace(/=+$/, "") + "===".slice((b64.replace(/=+$/, "").length + 3) % 4);
  try {
    // atob exists in Node ≥ 16 and every browser/worker, so this module stays runtime-neutral.
    const bin = atob(padded);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** True when the recognizer should run: it supports at least one requested entity. */
export function wants(entities: ReadonlySet<string>, supported: readonly string[]): boolean {
  for (const e of supported) if (entities.has(e)) return true;
  return false;
}

export function result(
  entityType: string,
  start: number,
  end: number,
  score: number,
  recognizer: string,
): RecognizerResult {
  return { entityType, start, end, score, recognizer };
}
