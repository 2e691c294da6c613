// JWT: JSON Web Tokens (JWS compact form): three base64url parts where the first decodes to a
// JSON object with an "alg" member. A JWT is a bearer credential (a session or API token) and
// its payload often carries personal data (sub, email), hence its own entity type.
//
// The header check is what keeps precision high: "eyJ" (base64 of '{"') followed by dotted
// base64url is common in other formats, but only a JOSE header names an algorithm.

import type { Recognizer, RecognizerResult } from "../../types";
import { decodeBase64Url, result, wants } from "./secret-utils";

export const JWT = "JWT";

const NAME = "JwtRecognizer";

// Bounded parts (headers are short; payloads rarely exceed a few KB) and token boundaries on
// both sides keep the scan linear. The signature may be empty (alg "none").
const JWT_RE =
  /(?<![A-Za-z0-9_-])(?<header>eyJ[A-Za-z0-9_-]{5,1000})\.(?<payload>[A-Za-z0-9_-]{2,16000})\.(?<sig>[A-Za-z0-9_-]{0,2000})(?![A-Za-z0-9_-])/g;

function jsonObject(part: string): Record<string, unknown> | undefined {
  const decoded = decodeBase64Url(part);
  if (decoded === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(decoded);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when `token` is a compact JWS with a decodable JOSE header (used by other recognizers). */
export function isJwt(token: string): boolean {
  // An anchored copy: callers may run while a scan holds JWT_RE's lastIndex.
  const m = JWT_WHOLE.exec(token);
  return m !== null && scoreJwt(m) !== undefined;
}

const JWT_WHOLE = new RegExp(`^(?:${JWT_RE.source})$`);

function scoreJwt(m: RegExpExecArray): number | undefined {
  const header = jsonObject(m.groups!.header);
  if (!header || typeof header.alg !== "string") return undefined;
  // A JSON payload and a signature make it a complete, usable token.
  const payloadIsJson = jsonObject(m.groups!.payload) !== undefined;
  if (payloadIsJson && m.groups!.sig.length > 0) return 1;
  return payloadIsJson || m.groups!.sig.length > 0 ? 0.9 : 0.7;
}

function scan(text: string): RecognizerResult[] {
  const out: RecognizerResult[] = [];
  JWT_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = JWT_RE.exec(text)) !== null) {
    const score = scoreJwt(m);
    if (score !== undefined) out.push(result(JWT, m.index, m.index + m[0].length, score, NAME));
  }
  return out;
}

export const jwtRecognizer: Recognizer = {
  name: NAME,
  supportedEntities: [JWT],
  analyze({ text, entities }) {
    return wants(entities, [JWT]) ? scan(text) : [];
  },
};
