// PRIVATE_KEY: PEM and OpenSSH private keys and PGP private key blocks, from the BEGIN line to
// the matching END line inclusive (the whole block is the secret; a placeholder reading
// <PRIVATE_KEY> keeps the prompt understandable). Works on JSON-escaped keys too (a GCP
// service-account file pasted as text has "\n" sequences instead of line breaks).
//
// The END line is found with indexOf, not a lazy regex: a BEGIN without END in a long prompt
// costs one linear search instead of backtracking.

import type { Recognizer, RecognizerResult } from "../../types";
import { result, wants } from "./secret-utils";

export const PRIVATE_KEY = "PRIVATE_KEY";

const NAME = "PrivateKeyRecognizer";

// "-----BEGIN RSA PRIVATE KEY-----", "… OPENSSH …", "… EC …", "… ENCRYPTED …", PKCS#8's bare
// "PRIVATE KEY", "PGP PRIVATE KEY BLOCK". The label is bounded so the scan stays linear.
const BEGIN = /-----BEGIN (?<label>(?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?)-----/g;

// A real block carries hundreds of base64 characters; fewer means "…" or a doc stub.
const MIN_BODY_BASE64 = 64;
// RSA-8192 is ~6.5 KB, large PGP blocks ~10 KB; beyond this an END line is not this key's.
const MAX_BLOCK = 64 * 1024;

function base64Count(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47) n++;
  }
  return n;
}

// A block cut off before its END line (a truncated paste): the key runs while lines look like
// base64 or PEM headers ("Proc-Type: 4,ENCRYPTED").
function truncatedEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_BLOCK);
  const bodyLine = /^(?:[A-Za-z0-9+/=]{16,}|[A-Za-z-]+: [^\n]*|)\r?$/;
  let end = from;
  let pos = from;
  while (pos < limit) {
    let nl = text.indexOf("\n", pos);
    if (nl === -1 || nl > limit) nl = limit;
    const line = text.slice(pos, nl);
    if (!bodyLine.test(line)) break;
    if (line.trim()) end = nl;
    pos = nl + 1;
  }
  return end;
}

function scan(text: string): RecognizerResult[] {
  const out: RecognizerResult[] = [];
  // Where the next END line of each label is (-1: none left). Reused while it lies ahead, so a
  // prompt of thousands of BEGIN lines costs one search per label, not one per BEGIN.
  const nextEnd = new Map<string, number>();
  BEGIN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BEGIN.exec(text)) !== null) {
    const start = m.index;
    const bodyStart = start + m[0].length;
    const endMarker = `-----END ${m.groups!.label}-----`;
    let endAt = nextEnd.get(endMarker);
    if (endAt === undefined || (endAt !== -1 && endAt < bodyStart)) {
      endAt = text.indexOf(endMarker, bodyStart);
      nextEnd.set(endMarker, endAt);
    }
    if (endAt !== -1 && endAt - bodyStart <= MAX_BLOCK) {
      if (base64Count(text.slice(bodyStart, endAt)) >= MIN_BODY_BASE64) {
        const end = endAt + endMarker.length;
        out.push(result(PRIVATE_KEY, start, end, 1, NAME));
        BEGIN.lastIndex = end;
      }
      continue;
    }
    const end = truncatedEnd(text, bodyStart);
    if (base64Count(text.slice(bodyStart, end)) >= MIN_BODY_BASE64) {
      out.push(result(PRIVATE_KEY, start, end, 0.9, NAME));
      BEGIN.lastIndex = end;
    }
  }
  return out;
}

export const privateKeyRecognizer: Recognizer = {
  name: NAME,
  supportedEntities: [PRIVATE_KEY],
  analyze({ text, entities }) {
    return wants(entities, [PRIVATE_KEY]) ? scan(text) : [];
  },
};
