// Test-only generators of format-valid but fake secrets. Built at run time from a seeded PRNG
// so the repository holds no literal that a secret scanner (ours, GitHub's, gitleaks) would flag,
// and so the same test run always sees the same values.

import { secretRecognizers, SECRET_ENTITY_TYPES } from "./index";
import { base62, crc32 } from "./secret-utils";
import { mulberry32 } from "@/test/support/prng";

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const TOKEN_CHARS = ALNUM + "_-";
export const BASE64 = ALNUM + "+/";
export const UPPER_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const DIGITS = "0123456789";
export const HEX = "0123456789abcdef";

/** A tiny deterministic PRNG. */
export const prng = mulberry32;

let counter = 1;
/** `n` characters of `alphabet`; each call continues a fresh seeded stream. */
export function rand(alphabet: string, n: number, seed = counter++): string {
  const r = prng(seed * 7919);
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

export function base64url(s: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

const MARKER = "T3Blbk" + "FJ";

export const fake = {
  openaiProject: () => "sk-" + "proj-" + rand(TOKEN_CHARS, 74) + MARKER + rand(TOKEN_CHARS, 74),
  openaiServiceAccount: () => "sk-" + "svcacct-" + rand(TOKEN_CHARS, 74) + MARKER + rand(TOKEN_CHARS, 74),
  openaiLegacy: () => "sk-" + rand(ALNUM, 20) + MARKER + rand(ALNUM, 20),
  openaiCompatible: () => "sk-" + rand(HEX, 32),
  anthropic: () => "sk-" + "ant-" + "api03-" + rand(TOKEN_CHARS, 93) + "AA",
  awsAccessKeyId: () => "AK" + "IA" + rand(UPPER_BASE32, 16),
  awsTempKeyId: () => "AS" + "IA" + rand(UPPER_BASE32, 16),
  awsSecret: () => rand(BASE64, 40),
  github: (prefix: "ghp" | "gho" | "ghu" | "ghs" | "ghr" = "ghp") => {
    const r = rand(ALNUM, 30);
    return prefix + "_" + r + base62(crc32(r), 6);
  },
  githubBadChecksum: () => "gh" + "p_" + rand(ALNUM, 30) + "AbCdEf",
  githubFineGrained: () => "github" + "_pat_" + rand(ALNUM, 22) + "_" + rand(ALNUM, 59),
  npm: () => {
    const r = rand(ALNUM, 30);
    return "npm" + "_" + r + base62(crc32(r), 6);
  },
  slackBot: () => "xo" + "xb-" + rand(DIGITS, 12) + "-" + rand(DIGITS, 13) + "-" + rand(ALNUM, 24),
  slackUser: () => "xo" + "xp-" + rand(DIGITS, 12) + "-" + rand(DIGITS, 12) + "-" + rand(DIGITS, 13) + "-" + rand(HEX, 32),
  slackApp: () => "xa" + "pp-1-" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 11) + "-" + rand(DIGITS, 13) + "-" + rand(HEX, 64),
  slackWebhookPath: () =>
    "T" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8) + "/B" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8) + "/" + rand(ALNUM, 24),
  stripeLive: () => "sk" + "_live_" + rand(ALNUM, 99),
  stripeTest: () => "sk" + "_test_" + rand(ALNUM, 24),
  stripeRestricted: () => "rk" + "_live_" + rand(ALNUM, 24),
  stripePublishable: () => "pk" + "_live_" + rand(ALNUM, 24),
  stripeWebhook: () => "wh" + "sec_" + rand(ALNUM, 32),
  googleApiKey: () => "AI" + "za" + rand(TOKEN_CHARS, 35),
  googleClientSecret: () => "GOC" + "SPX-" + rand(TOKEN_CHARS, 28),
  groq: () => "gs" + "k_" + rand(ALNUM, 52),
  huggingface: () => "h" + "f_" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34),
  pem: (label = "RSA PRIVATE KEY", lines = 12) => {
    const body = Array.from({ length: lines }, () => rand(BASE64, 64)).join("\n");
    return `-----BEGIN ${label}-----\n${body}\n${rand(BASE64, 20)}==\n-----END ${label}-----`;
  },
  jwt: (header: object = { alg: "HS256", typ: "JWT" }, payload: object = { sub: "1234567890", iat: 1516239022 }) =>
    base64url(JSON.stringify(header)) + "." + base64url(JSON.stringify(payload)) + "." + rand(TOKEN_CHARS, 43),
  password: () => rand(ALNUM, 10) + "!" + rand(DIGITS, 2),
  opaque: (n = 40) => rand(ALNUM, n),
};

/** A finding with its text, for readable assertions. */
export interface Found {
  type: string;
  value: string;
  recognizer: string;
  score: number;
}

export function scan(text: string, entities: readonly string[] = SECRET_ENTITY_TYPES): Found[] {
  const set = new Set(entities);
  return secretRecognizers
    .flatMap((r) => r.analyze({ text, entities: set }))
    .sort((a, b) => a.start - b.start)
    .map((r) => ({ type: r.entityType, value: text.slice(r.start, r.end), recognizer: r.recognizer, score: r.score }));
}

