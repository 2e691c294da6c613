// Secrets found by what names them: `password = "…"`, `DB_PASSWORD=…`, `"client_secret": "…"`,
// `X-Api-Key: …`, `aws_secret_access_key = …`, `Password=…;` in ODBC/JDBC strings, XML
// `<password>…</password>`, `--password …`, and prose like "my password is …".
//
// One linear scan finds key/value pairs whose key mentions a password or a secret; three
// recognizers then keep what they report:
//   PasswordAssignmentRecognizer → PASSWORD  (key names a password)
//   AwsSecretKeyRecognizer       → API_KEY   (key names an AWS secret access key, value has its form)
//   ContextSecretRecognizer      → SECRET    (key names a secret/token/api key, value is high-entropy)
// Only the value is reported. The hard part is not firing on code and docs, where the same keys
// are followed by types (`password: string`), variables (`password = getpass()`), environment
// lookups (`process.env.API_KEY`) and placeholders (`"<YOUR_API_KEY>"`).

import type { Recognizer, RecognizerResult } from "../../types";
import { API_KEY, PASSWORD, SECRET } from "./entities";
import { isJwt } from "./jwt";
import { charClassCount, EXAMPLE_PASSWORD, isPlaceholder, result, shannonEntropy, wants } from "./secret-utils";
import { isVendorKey } from "./vendor-keys";

type KeyKind = "password" | "secret" | "aws-secret";
type Separator = "assign" | "colon" | "is" | "flag" | "xml";

export interface Assignment {
  kind: KeyKind;
  /** The key as written (identifier). */
  key: string;
  separator: Separator;
  quoted: boolean;
  /** The value runs to the end of its line (a config file line, not an expression). */
  wholeLine: boolean;
  value: string;
  start: number;
  end: number;
}

// Cheap first filter: every key of interest contains one of these. The scan jumps from hit to
// hit and past each identifier it examined, so it stays linear.
const KEY_HINT = /pass|pwd|secret|token|credential|key|auth/gi;

const IDENT_CHAR = /[A-Za-z0-9_.$-]/;
const MAX_IDENT = 64;
const MAX_VALUE = 1024;

const PASSWORD_WORDS = new Set(["pass", "pw", "pwd", "passwd", "password", "passphrase", "passcode"]);
const SECRET_WORDS = new Set([
  "secret", "token", "apikey", "credential", "credentials", "accesskey", "secretkey", "privatekey", "authkey", "auth",
]);
// "<word> key" pairs that name a credential ("api key", "x-api-key", "signing_key").
const KEY_QUALIFIERS = new Set([
  "api", "access", "secret", "private", "auth", "signing", "encryption", "master", "app", "license", "subscription",
  "client", "service", "account", "admin", "session", "webhook", "shared", "hmac",
]);
// A last word that makes the key describe something about the secret, not hold it:
// password_length, token_url, max_tokens, secret_name, password_hint, token_type …
const NOT_A_VALUE = new Set([
  "length", "len", "min", "max", "policy", "reset", "url", "uri", "endpoint", "field", "label", "hint", "placeholder",
  "prompt", "regex", "pattern", "rule", "rules", "strength", "expiry", "expires", "expired", "expiration", "age",
  "ttl", "required", "enabled", "visible", "type", "input", "file", "path", "env", "var", "name", "id", "count",
  "attempts", "error", "message", "msg", "text", "title", "tokens", "limit", "usage", "used", "header", "in", "at",
  "provider", "method", "mode", "format", "version", "size", "timeout", "ref", "arn", "manager", "store", "storage",
  "service", "location", "source", "hash", "hashed", "salt", "ids", "names",
]);

/** Words of an identifier: snake, kebab, dotted and camelCase split, lower case. */
function identWords(ident: string): string[] {
  return ident
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function classifyKey(ident: string): KeyKind | undefined {
  const words = identWords(ident);
  if (words.length === 0) return undefined;
  const last = words[words.length - 1];
  if (NOT_A_VALUE.has(last)) return undefined;
  // "pass"/"pw" are ambiguous inside names (PassThroughMask, passCount): only as the last word.
  if (last === "pass" || last === "pw") return "password";
  if (words.some((w) => (PASSWORD_WORDS.has(w) && w !== "pass" && w !== "pw") || /(?:password|passwd|passphrase)$/.test(w))) {
    return "password";
  }
  let secret = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (SECRET_WORDS.has(w) || /(?:apikey|secret|accesstoken|authtoken|secretkey)$/.test(w)) secret = true;
    if (w === "key" && i > 0 && KEY_QUALIFIERS.has(words[i - 1])) secret = true;
  }
  if (!secret) return undefined;
  if (words.includes("secret") && (words.includes("access") || words.includes("aws"))) return "aws-secret";
  if (words.some((w) => w === "secretaccesskey" || w === "awssecret")) return "aws-secret";
  return "secret";
}

// Values that are types, keywords or states in code and prose, never secrets.
const STOP_VALUES = new Set(
  (
    "string str int integer number bool boolean none null nil undefined true false required optional text password " +
    "passwd secret token any object char bytes self this new function func lambda await const let var def return " +
    "input getpass prompt yes no on off empty hidden masked encrypted invalid incorrect wrong correct expired reset " +
    "changed updated set unset missing blank protected private public static readonly secretstr securestring " +
    "sensitive env environ default value values field the a an not is are was correct valid weak strong same"
  ).split(" "),
);

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && IDENT_CHAR.test(c);
}

/** Reads a quoted value starting at the opening quote; [start, end) of its content. */
function readQuoted(text: string, open: number): [number, number] | undefined {
  const q = text[open];
  const limit = Math.min(text.length, open + 1 + MAX_VALUE);
  for (let i = open + 1; i < limit; i++) {
    const c = text[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "\n") return undefined;
    if (c === q) return [open + 1, i];
  }
  return undefined;
}

// "(" and "[" end a value so that a call or an index after it is seen (`require('x')`, `auth[1]`).
const UNQUOTED_STOP = /[\s"'`,;&()[\]{}<>]/;

function readUnquoted(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_VALUE);
  let i = from;
  while (i < limit && !UNQUOTED_STOP.test(text[i])) i++;
  return i;
}

/** Parses separator and value after an identifier ending at `i`. */
function parseAfterKey(text: string, identStart: number, i: number, kind: KeyKind): Assignment | undefined {
  let p = i;
  // A closing quote or bracket of the key: "password": …, config["password"] = …
  for (let k = 0; k < 2 && p < text.length && /["'`\]]/.test(text[p]); k++) p++;
  const ws = (q: number) => {
    let n = 0;
    while (q < text.length && n < 8 && (text[q] === " " || text[q] === "\t")) {
      q++;
      n++;
    }
    return q;
  };
  const afterKey = p;
  p = ws(p);
  let separator: Separator | undefined;
  const rest = text.slice(p, p + 4);
  if (text[identStart - 1] === "<" && text[afterKey] === ">" && p === afterKey) {
    separator = "xml";
    p += 1;
  } else if (/^(?::=|=>|===|==)/.test(rest)) {
    separator = "assign";
    p += rest.startsWith("===") ? 3 : 2;
  } else if (rest[0] === "=") {
    separator = "assign";
    p += 1;
  } else if (rest[0] === ":" && rest[1] !== ":") {
    separator = "colon";
    p += 1;
  } else if (/^(?:is|IS|Is)[ \t]/.test(rest) && p > afterKey) {
    separator = "is";
    p += 2;
  } else if (text.startsWith("--", identStart) && p > afterKey) {
    separator = "flag";
  }
  if (!separator) return undefined;
  const beforeValue = p;
  p = ws(p);
  if (separator === "flag" && p === beforeValue && p === afterKey) return undefined;
  // Python string prefixes: r"…", b'…', f"…" (an f-string is a template: placeholder check).
  if (/[rbfuRBFU]/.test(text[p] ?? "") && /["']/.test(text[p + 1] ?? "")) p++;

  let start: number;
  let end: number;
  let quoted = false;
  if (/["'`]/.test(text[p] ?? "")) {
    const span = readQuoted(text, p);
    if (!span) return undefined;
    [start, end] = span;
    quoted = true;
  } else {
    start = p;
    end = readUnquoted(text, p);
    // Prose ends sentences after the value: "my password is hunter2."
    if (separator === "is" || separator === "colon") while (end > start && /[.,!?:]/.test(text[end - 1])) end--;
  }
  if (end <= start) return undefined;
  let lineEnd = text.indexOf("\n", end);
  if (lineEnd === -1) lineEnd = text.length;
  const tail = text.slice(end + (quoted ? 1 : 0), Math.min(lineEnd, end + 200));
  const wholeLine = /^[ \t\r]*(?:#.*)?$/.test(tail) || (separator === "xml" && tail.startsWith("</"));
  return { kind, key: text.slice(identStart, i), separator, quoted, wholeLine, value: text.slice(start, end), start, end };
}

/** The word before `pos`, across at most a few spaces ("" if none). */
function wordBefore(text: string, pos: number): string {
  let i = pos;
  while (i > 0 && pos - i < 4 && (text[i - 1] === " " || text[i - 1] === "\t")) i--;
  if (i === pos) return "";
  const end = i;
  while (i > 0 && end - i < 20 && /[A-Za-z]/.test(text[i - 1])) i--;
  return text.slice(i, end);
}

/** Every key/value pair whose key names a password or a secret, in text order. */
export function findAssignments(text: string): Assignment[] {
  const out: Assignment[] = [];
  KEY_HINT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEY_HINT.exec(text)) !== null) {
    let s = m.index;
    const floor = Math.max(0, m.index - MAX_IDENT);
    while (s > floor && isIdentChar(text[s - 1])) s--;
    let e = m.index + m[0].length;
    const ceil = Math.min(text.length, e + MAX_IDENT);
    while (e < ceil && isIdentChar(text[e])) e++;
    // A dotted key ends at its last segment; a trailing "." is punctuation ("the token.").
    while (e > m.index + m[0].length && (text[e - 1] === "." || text[e - 1] === "-")) e--;
    KEY_HINT.lastIndex = Math.max(e, m.index + 1);
    let kind = classifyKey(text.slice(s, e));
    // Prose splits the name: "my API key is …", "the access key: …".
    if (!kind && /^keys?$/i.test(text.slice(s, e))) kind = classifyKey(`${wordBefore(text, s)}_key`);
    if (!kind) continue;
    const a = parseAfterKey(text, s, e, kind);
    if (a) {
      out.push(a);
      KEY_HINT.lastIndex = Math.max(KEY_HINT.lastIndex, a.end);
    }
  }
  return out;
}

// --- value checks -------------------------------------------------------------------------

const FILE_PATH = /^(?:\/|~\/|\.\.?\/|[A-Za-z]:\\)/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * An identifier made of words (`isIfToken`, `ReactPropTypesSecret`, `OPENAI_API_KEY`, `e`),
 * as opposed to a random string, which breaks into vowel-less fragments ("DR", "Gs", "z6").
 */
export function isWordyIdentifier(seg: string): boolean {
  if (!IDENTIFIER.test(seg)) return false;
  if (seg.length <= 2) return true;
  const words = seg
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])/g, "$1 $2")
    .replace(/([0-9])([A-Za-z])/g, "$1 $2")
    .split(/[\s_$]+/)
    .filter(Boolean);
  // Real names are made of words of three or more letters on average; random strings of
  // one- and two-character fragments.
  if (seg.replace(/[_$]/g, "").length / words.length < 3) return false;
  return words.every(
    (w) => /^[0-9]{1,2}$/.test(w) || (/^[A-Za-z]+$/.test(w) && (/[aeiouyAEIOUY]/.test(w) || /^(?:[A-Z]{1,4}|[a-z]{1,4})$/.test(w))),
  );
}

/** `process.env.OPENAI_API_KEY`, `settings.DB_PASSWORD`, `e.tokens.length-1`, `!!ownPass`. */
function isCodeReference(v: string): boolean {
  const m = /^!*([A-Za-z_$][\w$]*(?:(?:\?\.|\.|->|::)[A-Za-z_$][\w$]*)*)(?:[-+*/][0-9]+)?$/.exec(v);
  if (!m) return false;
  const segs = m[1].split(/\?\.|\.|->|::/);
  return (segs.length > 1 || v.startsWith("!")) && segs.every(isWordyIdentifier);
}

const CAMEL = /[a-z][A-Z]/;

/** The value is code, a path, a type, a keyword or a stand-in, not a literal secret. */
function notALiteral(text: string, a: Assignment): boolean {
  const v = a.value;
  if (isPlaceholder(v) || STOP_VALUES.has(v.toLowerCase()) || v.includes("://")) return true;
  if (a.quoted) return false;
  const next = text[a.end];
  if (next === "(" || next === "[") return true; // getpass(), os.environ["…"]
  if (isCodeReference(v) || FILE_PATH.test(v)) return true; // process.env.X, /run/secrets/x
  if (/^[@$%]/.test(v)) return true; // @Value…, $VAR, %VAR%
  // A camelCase word is a variable (`pass: pluginDescriptorsPass`), not a config value.
  if (IDENTIFIER.test(v) && CAMEL.test(v) && isWordyIdentifier(v)) return true;
  // A statement: `ER_PASSWORD_NO_MATCH = 1133;` (an ODBC "Pwd=x;" has no spaces around "=").
  if (next === ";" && /\s(?:=|:=|:)\s*$/.test(text.slice(Math.max(0, a.start - 10), a.start))) return true;
  return false;
}

function passwordScore(text: string, a: Assignment): number | undefined {
  const v = a.value;
  if (v.length < 3 || v.length > 200 || notALiteral(text, a) || EXAMPLE_PASSWORD.test(v)) return undefined;
  if (isVendorKey(v) || isJwt(v)) return undefined;
  const plainWord = /^[A-Za-z_]+$/.test(v);
  // `pass: "passed"` (test runners), `pw: "hidden"`: short keys with a lower-case word are states.
  if (/^(?:pass|pw)$/i.test(a.key) && /^[a-z]+$/.test(v)) return undefined;
  if (a.separator === "is") return plainWord ? undefined : 0.7;
  if (a.quoted) return 0.85;
  // An unquoted bare word is a variable in code (`password = userInput`) unless it ends a config
  // line (`DB_PASSWORD=letmein`, YAML `password: letmein`).
  if (plainWord) return a.wholeLine ? 0.5 : undefined;
  return 0.8;
}

const SECRET_VALUE = /^[A-Za-z0-9+/=_\-.~:]{16,1024}$/;

/** High enough entropy for its length and alphabet to be random rather than a word or name. */
export function looksRandom(v: string): boolean {
  const h = shannonEntropy(v);
  if (/^[0-9a-fA-F-]+$/.test(v)) return v.replace(/-/g, "").length >= 16 && /[0-9]/.test(v) && /[a-fA-F]/.test(v) && h >= 3;
  if (charClassCount(v) < 2) return false;
  return h >= Math.max(3, 0.75 * Math.log2(Math.min(v.length, 64)));
}

function secretScore(text: string, a: Assignment): number | undefined {
  const v = a.value;
  if (!SECRET_VALUE.test(v) || notALiteral(text, a)) return undefined;
  // Unquoted words-made identifiers are code (`token = createScalarToken;`).
  if (!a.quoted && isWordyIdentifier(v)) return undefined;
  if (isVendorKey(v) || isJwt(v) || !looksRandom(v)) return undefined;
  return a.separator === "is" ? 0.7 : a.quoted ? 0.8 : 0.75;
}

const AWS_SECRET_VALUE = /^[A-Za-z0-9/+]{40}$/;

function awsSecretScore(text: string, a: Assignment): number | undefined {
  const v = a.value;
  if (!AWS_SECRET_VALUE.test(v) || notALiteral(text, a) || charClassCount(v) < 2) return undefined;
  return 0.95;
}

// Each recognizer parses the text itself. A shared memo would save two linear passes but would
// keep the last prompt alive in module state after its request ended.
const assignmentsOf = findAssignments;

const PASSWORD_NAME = "PasswordAssignmentRecognizer";
const AWS_NAME = "AwsSecretKeyRecognizer";
const SECRET_NAME = "ContextSecretRecognizer";

export const passwordAssignmentRecognizer: Recognizer = {
  name: PASSWORD_NAME,
  supportedEntities: [PASSWORD],
  analyze({ text, entities }) {
    if (!wants(entities, [PASSWORD])) return [];
    const out: RecognizerResult[] = [];
    for (const a of assignmentsOf(text)) {
      if (a.kind !== "password") continue;
      const score = passwordScore(text, a);
      if (score !== undefined) out.push(result(PASSWORD, a.start, a.end, score, PASSWORD_NAME));
    }
    return out;
  },
};

export const awsSecretKeyRecognizer: Recognizer = {
  name: AWS_NAME,
  supportedEntities: [API_KEY],
  analyze({ text, entities }) {
    if (!wants(entities, [API_KEY])) return [];
    const out: RecognizerResult[] = [];
    for (const a of assignmentsOf(text)) {
      if (a.kind !== "aws-secret") continue;
      const score = awsSecretScore(text, a);
      if (score !== undefined) out.push(result(API_KEY, a.start, a.end, score, AWS_NAME));
    }
    return out;
  },
};

export const contextSecretRecognizer: Recognizer = {
  name: SECRET_NAME,
  supportedEntities: [SECRET],
  analyze({ text, entities }) {
    if (!wants(entities, [SECRET])) return [];
    const out: RecognizerResult[] = [];
    for (const a of assignmentsOf(text)) {
      if (a.kind === "password") continue;
      // An AWS-named key whose value has the AWS form is the AWS recognizer's.
      if (a.kind === "aws-secret" && entities.has(API_KEY) && awsSecretScore(text, a) !== undefined) continue;
      const score = secretScore(text, a);
      if (score !== undefined) out.push(result(SECRET, a.start, a.end, score, SECRET_NAME));
    }
    return out;
  },
};
