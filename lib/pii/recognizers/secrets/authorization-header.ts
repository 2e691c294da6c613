// SECRET in HTTP authorization: `Authorization: Bearer <token>`, `Authorization: Basic <b64>`,
// `Authorization: Token <token>`, and "Bearer <token>" on its own (curl lines, SDK snippets).
// Tokens with a vendor format or a JWT are left to those recognizers (more specific types);
// what remains is an opaque token whose only signal is where it stands.

import type { Recognizer, RecognizerResult } from "../../types";
import { SECRET } from "./entities";
import { isJwt } from "./jwt";
import { decodeBase64Url, isPlaceholder, result, shannonEntropy, charClassCount, wants } from "./secret-utils";
import { isVendorKey } from "./vendor-keys";

const NAME = "AuthorizationHeaderRecognizer";

// RFC 6750 b64token characters. Each pattern starts at a fixed word preceded by a non-token
// character and is bounded, so the scan is linear.
const BEARER = /(?<![A-Za-z0-9_-])bearer[ \t]{1,4}(?<token>[A-Za-z0-9\-._~+/]{16,4096}=*)(?![A-Za-z0-9\-._~+/=])/dgi;
const BASIC = /(?<![A-Za-z0-9_-])basic[ \t]{1,4}(?<token>[A-Za-z0-9+/]{8,2048}={0,2})(?![A-Za-z0-9+/=_-])/dgi;
const RAW =
  /(?<![A-Za-z0-9_-])authorization["']?[ \t]{0,4}[:=][ \t]{0,4}["']?(?:token[ \t]{1,4})?(?<token>[A-Za-z0-9\-._~+/]{16,4096}=*)(?![A-Za-z0-9\-._~+/=])/dgi;

function opaqueToken(token: string): boolean {
  if (isPlaceholder(token) || isVendorKey(token) || isJwt(token)) return false;
  // Hex (opaque ids) or mixed-class random strings; prose words have one class and low entropy.
  const hex = /^[0-9a-fA-F]+$/.test(token) && /[0-9]/.test(token) && /[a-fA-F]/.test(token);
  return (hex || charClassCount(token) >= 2) && shannonEntropy(token) >= 3;
}

function scan(text: string): RecognizerResult[] {
  const out: RecognizerResult[] = [];
  const seen = new Set<number>();
  const push = (start: number, end: number, score: number) => {
    if (seen.has(start)) return;
    seen.add(start);
    out.push(result(SECRET, start, end, score, NAME));
  };

  RAW.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RAW.exec(text)) !== null) {
    const [s, e] = m.indices!.groups!.token;
    if (opaqueToken(m.groups!.token)) push(s, e, 0.85);
  }
  BEARER.lastIndex = 0;
  while ((m = BEARER.exec(text)) !== null) {
    const [s, e] = m.indices!.groups!.token;
    if (!opaqueToken(m.groups!.token)) continue;
    // In an Authorization header the token is certainly a credential; a loose "Bearer x" less so.
    const inHeader = /authorization["']?[ \t]*[:=][ \t]*["']?$/i.test(text.slice(Math.max(0, m.index - 40), m.index));
    push(s, e, inHeader ? 0.9 : 0.75);
  }
  BASIC.lastIndex = 0;
  while ((m = BASIC.exec(text)) !== null) {
    // Basic credentials are base64("user:password"); anything else after "basic" is prose.
    const decoded = decodeBase64Url(m.groups!.token);
    if (decoded === undefined || !/^[\x20-\x7e]+:[\x20-\x7e]*$/.test(decoded)) continue;
    const [s, e] = m.indices!.groups!.token;
    push(s, e, 0.9);
  }
  return out;
}

export const authorizationHeaderRecognizer: Recognizer = {
  name: NAME,
  supportedEntities: [SECRET],
  analyze({ text, entities }) {
    return wants(entities, [SECRET]) ? scan(text) : [];
  },
};
