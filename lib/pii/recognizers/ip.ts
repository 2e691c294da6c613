// IP_ADDRESS: Presidio's IpRecognizer — IPv4 and IPv6 (compressed, IPv4-mapped/-embedded,
// zone ids, CIDR suffixes kept in the span), score 0.6, "::" at 0.1, context "ip", "ipv4",
// "ipv6"; a candidate that Python's ipaddress (here node:net's isIP) rejects is dropped.
//
// Presidio spells IPv6 as one regex with ten bounded alternatives. We scan each run of
// hex digits, colons and dots once and let isIP decide, which is linear, finds the same spans
// and cannot be fooled by a long run of colons ("1:1:1:…").
import { isIP } from "node:net";
import { removeDuplicates } from "../pattern-recognizer";
import type { AnalyzeRequest, Recognizer, RecognizerResult } from "../types";

const OCTET = "(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)";
// Presidio's IPv4 pattern, plus an optional CIDR prefix length (0–32) in the span.
const IPV4 = new RegExp(`\\b(?:${OCTET}\\.){3}${OCTET}\\b(?:/(?:3[0-2]|[12]?[0-9])(?![0-9]))?`, "g");
// A run that contains a colon, not preceded by a word character or another colon.
const IPV6_RUN = /(?<![\w:])[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*/g;
const ZONE = /%[0-9A-Za-z_.-]+/y;
const CIDR = /\/([0-9]{1,3})(?![0-9])/y;
const WORD_OR_COLON = /[\w:]/;

export class IpRecognizer implements Recognizer {
  readonly name = "IpRecognizer";
  readonly supportedEntities = ["IP_ADDRESS"] as const;
  readonly context = ["ip", "ipv4", "ipv6"];

  analyze(req: AnalyzeRequest): RecognizerResult[] {
    if (!req.entities.has("IP_ADDRESS")) return [];
    return this.analyzeText(req.text);
  }

  analyzeText(text: string): RecognizerResult[] {
    const results: RecognizerResult[] = [];
    const push = (start: number, end: number, score: number) =>
      results.push({ entityType: "IP_ADDRESS", start, end, score, recognizer: this.name });

    if (text.includes(".")) {
      IPV4.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = IPV4.exec(text)) !== null) {
        const addr = m[0].split("/")[0];
        if (isIP(addr) === 4) push(m.index, m.index + m[0].length, 0.6);
      }
    }

    if (text.includes(":")) {
      IPV6_RUN.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = IPV6_RUN.exec(text)) !== null) {
        const start = m.index;
        // A sentence may end right after the address: trailing dots are not part of it.
        let end = start + m[0].length;
        while (end > start && text[end - 1] === ".") end--;
        if (end === start + m[0].length) {
          ZONE.lastIndex = end;
          if (ZONE.exec(text)) end = ZONE.lastIndex;
          while (text[end - 1] === ".") end--;
        }
        // "fe80::1text", "12:34:56abc": glued to a word is not an address.
        if (end < text.length && WORD_OR_COLON.test(text[end])) continue;
        const addr = text.slice(start, end);
        if (isIP(addr) !== 6) continue;
        CIDR.lastIndex = end;
        const cidr = CIDR.exec(text);
        if (cidr && Number(cidr[1]) <= 128) end = CIDR.lastIndex;
        const unspecified = addr === "::";
        push(start, end, unspecified ? 0.1 : 0.6);
      }
    }
    return removeDuplicates(results);
  }
}

export function ipRecognizer(): IpRecognizer {
  return new IpRecognizer();
}
