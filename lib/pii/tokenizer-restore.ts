// Puts tokenized values back into the model's answer: restore() for whole texts, and a stream
// restorer that holds back only a suffix that could still become a placeholder.
//
// What counts as a placeholder (models echo them imperfectly):
//   <PERSON_1>            as written
//   < PERSON_1 >          up to 3 spaces or tabs inside the brackets
//   <person_1>            any letter case
//   &lt;PERSON_1&gt;      HTML-escaped (the value is HTML-escaped too)
//   \<PERSON\_1\>         Markdown-escaped brackets and underscores
// Mixed forms (an escaped opener with a plain closer) count too. Not restored, on purpose:
// bare PERSON_1, [PERSON_1], {PERSON_1}, <PERSON 1>, <PERSON-1> — a model that rewrites the
// placeholder that much may mean something else, and an unrestored placeholder is visible and
// harmless, while a wrong restore puts PII where it does not belong.
//
// Only placeholders present in the TokenMap are replaced; anything else passes through as is,
// so nothing can come out that was not in the request.

import type { TokenMap } from "./token-map";

export interface RestoreOptions {
  /**
   * Applied to each restored value, e.g. jsonStringEscape when the text is a JSON string's
   * content (tool-call arguments), so a value with a quote does not break the JSON.
   */
  escape?: (value: string) => string;
}

/** Escapes a value for use inside a JSON string literal (without the quotes). */
export function jsonStringEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function htmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// Open, up to 3 blanks, TYPE_N (underscores possibly "\_"), up to 3 blanks, close. Bounded
// everywhere: one attempt costs at most a few hundred steps.
const PLACEHOLDER =
  /(?<open><|&lt;|\\<)[ \t]{0,3}(?<body>[A-Za-z](?:[A-Za-z0-9]|\\?_){0,63}\\?_[0-9]{1,6})[ \t]{0,3}(?:>|&gt;|\\>)/g;

/** Longest text that could be a placeholder not yet closed: 4 + 3 + 2·71 + 3 + 4, rounded up. */
const MAX_PENDING = 160;

function normalBody(body: string): string {
  return body.replace(/\\_/g, "_").toUpperCase();
}

function replaceComplete(text: string, tokens: TokenMap, options: RestoreOptions): string {
  // Fast path: most deltas contain no opener at all ("\<" contains "<").
  if (tokens.size === 0 || (text.indexOf("<") === -1 && text.indexOf("&lt;") === -1)) return text;
  return text.replace(PLACEHOLDER, (match: string, _open: string, body: string, ...rest: unknown[]) => {
    const value = tokens.valueOf(normalBody(body));
    if (value === undefined) return match;
    const groups = rest[rest.length - 1] as { open: string };
    const escaped = options.escape ? options.escape(value) : value;
    return groups.open === "&lt;" ? htmlEscape(escaped) : escaped;
  });
}

/** Restores every placeholder of `tokens` in a complete text. */
export function restore(text: string, tokens: TokenMap, options: RestoreOptions = {}): string {
  return replaceComplete(text, tokens, options);
}

export interface StreamRestorer {
  /** Feeds the next delta; returns what can be emitted now (possibly ""). */
  push(delta: string): string;
  /** End of stream: returns whatever was held back, restored where complete. */
  flush(): string;
}

/** All prefixes of all placeholder bodies, for "could this still become one?" in O(1). */
function bodyPrefixes(tokens: TokenMap): Set<string> {
  const set = new Set<string>();
  for (const body of tokens.bodies()) for (let i = 1; i <= body.length; i++) set.add(body.slice(0, i));
  return set;
}

const BLANK = (c: string) => c === " " || c === "\t";

/**
 * True when `s` (starting at an opener character) is an unfinished placeholder that could still
 * complete to one in the map. A complete placeholder or anything that can no longer become one
 * is false.
 */
function couldBecomePlaceholder(s: string, prefixes: ReadonlySet<string>, bodies: ReadonlySet<string>): boolean {
  let i: number;
  if (s.startsWith("<")) i = 1;
  else if (s.startsWith("&lt;")) i = 4;
  else if (s.startsWith("\\<")) i = 2;
  else return "&lt;".startsWith(s) || s === "\\";
  const n = s.length;
  let blanks = 0;
  while (i < n && BLANK(s[i]) && blanks < 3) {
    i++;
    blanks++;
  }
  if (i === n) return true;
  // Body: letters, digits, "_" or "\_"; every prefix must lead to a known body.
  let body = "";
  while (i < n) {
    const c = s[i];
    if (c === "\\") {
      // A trailing "\" may become "\_" (body goes on) or "\>" (the closer).
      if (i + 1 === n) return (body.length > 0 && prefixes.has(body + "_")) || bodies.has(body);
      if (s[i + 1] !== "_") break;
      body += "_";
      i += 2;
    } else if (/[A-Za-z0-9_]/.test(c)) {
      body += c.toUpperCase();
      i++;
    } else break;
    if (!prefixes.has(body)) return false;
  }
  if (i === n) return true;
  if (!bodies.has(body)) return false;
  blanks = 0;
  while (i < n && BLANK(s[i]) && blanks < 3) {
    i++;
    blanks++;
  }
  if (i === n) return true;
  // Only a partial closer keeps it open; a full closer means it is complete (not "could become").
  const rest = s.slice(i);
  return rest.length < 4 && ("&gt;".startsWith(rest) || rest === "\\");
}

/**
 * A restorer for a streamed answer. Each push returns everything that can no longer be part of
 * a placeholder, restored; it holds back at most one unfinished candidate (≤ 160 characters),
 * and only while it still matches a placeholder in the map — "<div" or "a < b" go out at once.
 * Work per push is linear in the delta.
 */
export function createStreamRestorer(tokens: TokenMap, options: RestoreOptions = {}): StreamRestorer {
  let pending = "";
  let version = -1;
  let prefixes: Set<string> = new Set();
  let bodies: Set<string> = new Set();
  const refresh = () => {
    if (version === tokens.version) return;
    version = tokens.version;
    prefixes = bodyPrefixes(tokens);
    bodies = new Set(tokens.bodies());
  };

  return {
    push(delta: string): string {
      if (delta.length === 0) return "";
      refresh();
      const buf = pending + delta;
      if (tokens.size === 0) {
        pending = "";
        return buf;
      }
      // The earliest opener in the tail that could still become a placeholder. Earlier
      // positions cannot: an unfinished placeholder is never longer than MAX_PENDING.
      let hold = buf.length;
      for (let i = Math.max(0, buf.length - MAX_PENDING); i < buf.length; i++) {
        const c = buf[i];
        if ((c === "<" || c === "&" || c === "\\") && couldBecomePlaceholder(buf.slice(i), prefixes, bodies)) {
          hold = i;
          break;
        }
      }
      pending = buf.slice(hold);
      return replaceComplete(buf.slice(0, hold), tokens, options);
    },
    flush(): string {
      const rest = pending;
      pending = "";
      return replaceComplete(rest, tokens, options);
    },
  };
}
