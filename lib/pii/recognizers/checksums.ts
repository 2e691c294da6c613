// Check-digit algorithms shared by recognizers. Each takes the raw match and does its own
// sanitising, as Presidio's validate_result methods do with replacement_pairs.
import { createHash } from "node:crypto";

/** Digits only ("4012-8888 8888" → "401288888888"). */
export function digitsOf(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) out += s[i];
  }
  return out;
}

/** Removes the given characters (Presidio's sanitize_value with (c, "") pairs). */
export function strip(s: string, chars: string): string {
  let out = "";
  for (const ch of s) if (!chars.includes(ch)) out += ch;
  return out;
}

/** Luhn (mod 10) over a digit string. */
export function luhn(digits: string): boolean {
  if (digits.length === 0 || !/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Weighted digit sum: Σ digits[i] * weights[i]. */
export function weightedSum(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits.charCodeAt(i) - 48) * weights[i];
  return sum;
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Verhoeff check (Aadhaar). */
export function verhoeff(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = VERHOEFF_D[c][VERHOEFF_P[i % 8][d]];
  }
  return c === 0;
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Base58Check (Bitcoin P2PKH/P2SH): the last 4 bytes are double-SHA-256 of the rest. */
export function base58Check(s: string): boolean {
  let n = BigInt(0);
  const b58 = BigInt(58);
  for (const ch of s) {
    const v = BASE58.indexOf(ch);
    if (v < 0) return false;
    n = n * b58 + BigInt(v);
  }
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let leading = 0;
  while (leading < s.length && s[leading] === "1") leading++;
  const bytes = Buffer.concat([Buffer.alloc(leading), n === BigInt(0) ? Buffer.alloc(0) : Buffer.from(hex, "hex")]);
  if (bytes.length < 5) return false;
  const body = bytes.subarray(0, bytes.length - 4);
  const sum = createHash("sha256").update(createHash("sha256").update(body).digest()).digest();
  return sum.subarray(0, 4).equals(bytes.subarray(bytes.length - 4));
}

const BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32M_CONST = 0x2bc830a3;

function bech32Polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ gen[i]) >>> 0;
  }
  return chk;
}

/** Bech32 / Bech32m checksum (BIP-173 / BIP-350), as Presidio's validate_bech32_address. */
export function bech32Valid(s: string): boolean {
  if (s.length > 90) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  if (s.toLowerCase() !== s && s.toUpperCase() !== s) return false;
  const bech = s.toLowerCase();
  const pos = bech.lastIndexOf("1");
  if (pos < 1 || pos + 7 > bech.length) return false;
  const hrp = bech.slice(0, pos);
  const data: number[] = [];
  for (const ch of bech.slice(pos + 1)) {
    const v = BECH32_CHARSET.indexOf(ch);
    if (v < 0) return false;
    data.push(v);
  }
  const expanded: number[] = [];
  for (const ch of hrp) expanded.push(ch.charCodeAt(0) >> 5);
  expanded.push(0);
  for (const ch of hrp) expanded.push(ch.charCodeAt(0) & 31);
  const c = bech32Polymod(expanded.concat(data));
  return c === 1 || c === BECH32M_CONST;
}

// Keccak-256 (the pre-standard SHA-3 Ethereum uses; node:crypto's sha3-256 pads differently).
const KECCAK_RC = [
  "0x1", "0x8082", "0x800000000000808a", "0x8000000080008000", "0x808b", "0x80000001", "0x8000000080008081",
  "0x8000000000008009", "0x8a", "0x88", "0x80008009", "0x8000000a", "0x8000808b", "0x800000000000008b",
  "0x8000000000008089", "0x8000000000008003", "0x8000000000008002", "0x8000000000000080", "0x800a",
  "0x800000008000000a", "0x8000000080008081", "0x8000000000008080", "0x80000001", "0x8000000080008008",
].map((h) => BigInt(h));
const KECCAK_ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
const MASK64 = (BigInt(1) << BigInt(64)) - BigInt(1);

function rotl(x: bigint, n: number): bigint {
  if (n === 0) return x;
  return ((x << BigInt(n)) | (x >> BigInt(64 - n))) & MASK64;
}

function keccakF(s: bigint[]): void {
  for (let round = 0; round < 24; round++) {
    const c: bigint[] = [];
    for (let x = 0; x < 5; x++) c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
    for (let x = 0; x < 5; x++) {
      const d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
      for (let y = 0; y < 25; y += 5) s[x + y] ^= d;
    }
    const b: bigint[] = new Array(25);
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(s[x + 5 * y], KECCAK_ROT[x + 5 * y]);
    }
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) s[x + 5 * y] = b[x + 5 * y] ^ (~b[((x + 1) % 5) + 5 * y] & MASK64 & b[((x + 2) % 5) + 5 * y]);
    }
    s[0] ^= KECCAK_RC[round];
  }
}

/** Keccak-256 of a short ASCII input (< 136 bytes: one block), hex. */
export function keccak256Hex(input: string): string {
  const rate = 136;
  const bytes = Buffer.from(input, "utf8");
  if (bytes.length >= rate) throw new Error("keccak256Hex: input longer than one block");
  const block = Buffer.alloc(rate);
  bytes.copy(block);
  block[bytes.length] ^= 0x01;
  block[rate - 1] ^= 0x80;
  const s: bigint[] = new Array(25).fill(BigInt(0));
  for (let i = 0; i < rate / 8; i++) s[i] = block.readBigUInt64LE(i * 8);
  keccakF(s);
  const out = Buffer.alloc(32);
  for (let i = 0; i < 4; i++) out.writeBigUInt64LE(s[i], i * 8);
  return out.toString("hex");
}

/** EIP-55 mixed-case checksum of an Ethereum address ("0x" + 40 hex). */
export function eip55Valid(address: string): boolean {
  const hex = address.slice(2);
  const hash = keccak256Hex(hex.toLowerCase());
  for (let i = 0; i < 40; i++) {
    const ch = hex[i];
    if (ch >= "0" && ch <= "9") continue;
    const upper = parseInt(hash[i], 16) > 7;
    if (upper !== (ch === ch.toUpperCase())) return false;
  }
  return true;
}
