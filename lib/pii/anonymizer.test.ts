import { describe, expect, it } from "vitest";
import { anonymize, blockedEntityTypes, piiBlockedError, piiBlockMessage, type AnonymizePolicy } from "./anonymizer";
import { TokenMap } from "./token-map";
import { restore } from "./tokenizer-restore";
import type { RecognizerResult } from "./types";

/** Results for each occurrence of each value (test texts never repeat a value by accident). */
function find(text: string, spans: [string, string][]): RecognizerResult[] {
  const out: RecognizerResult[] = [];
  for (const [type, value] of spans) {
    let i = text.indexOf(value);
    while (i !== -1) {
      out.push({ entityType: type, start: i, end: i + value.length, score: 0.9, recognizer: "test" });
      i = text.indexOf(value, i + value.length);
    }
  }
  return out;
}

const KEY = "deployment-secret-key";

describe("actions", () => {
  const text = "Mail jane.doe@example.com or call +1 212 555 0100.";
  const results = find(text, [
    ["EMAIL_ADDRESS", "jane.doe@example.com"],
    ["PHONE_NUMBER", "+1 212 555 0100"],
  ]);

  it("redact: <TYPE>, or a fixed replacement", () => {
    const r = anonymize(text, results, { entities: { EMAIL_ADDRESS: "redact", PHONE_NUMBER: { action: "redact", replacement: "[phone]" } } });
    expect(r.text).toBe("Mail <EMAIL_ADDRESS> or call [phone].");
    expect(r.items.map((i) => [i.entityType, i.action, i.replacement, r.text.slice(i.start, i.end)])).toEqual([
      ["EMAIL_ADDRESS", "redact", "<EMAIL_ADDRESS>", "<EMAIL_ADDRESS>"],
      ["PHONE_NUMBER", "redact", "[phone]", "[phone]"],
    ]);
    expect(r.blocked).toEqual([]);
    expect(r.tokens).toBeUndefined();
  });

  it("mask: Presidio's masking_char, chars_to_mask, from_end", () => {
    const card = "4111 1111 1111 1111";
    const t = `card ${card} ok`;
    const res = find(t, [["CREDIT_CARD", card]]);
    expect(anonymize(t, res, { entities: { CREDIT_CARD: "mask" } }).text).toBe("card ***************1111 ok");
    expect(anonymize(t, res, { entities: { CREDIT_CARD: { action: "mask", maskingChar: "#", charsToMask: 4 } } }).text).toBe(
      "card #### 1111 1111 1111 ok",
    );
    expect(anonymize(t, res, { entities: { CREDIT_CARD: { action: "mask", charsToMask: 4, fromEnd: true } } }).text).toBe(
      "card 4111 1111 1111 **** ok",
    );
    expect(anonymize(t, res, { entities: { CREDIT_CARD: { action: "mask", charsToMask: 99 } } }).text).toBe(`card ${"*".repeat(19)} ok`);
    // Short values keep little: 3 chars → all masked.
    expect(anonymize("pin 123", find("pin 123", [["PIN", "123"]]), { entities: { PIN: "mask" } }).text).toBe("pin ***");
    expect(() => anonymize(t, res, { entities: { CREDIT_CARD: { action: "mask", maskingChar: "ab" } } })).toThrow(RangeError);
  });

  it("mask counts code points, never splitting an emoji", () => {
    const t = "name 👩‍💻Zoë😀 end";
    const v = "👩‍💻Zoë😀";
    const out = anonymize(t, find(t, [["NAME", v]]), { entities: { NAME: { action: "mask", charsToMask: 2, fromEnd: true } } }).text;
    expect(out).toBe("name 👩‍💻Zo** end");
    expect(out.isWellFormed()).toBe(true);
  });

  it("hash: HMAC with the deployment key, stable, type-scoped, length configurable", () => {
    const a = anonymize(text, results, { entities: { EMAIL_ADDRESS: "hash", PHONE_NUMBER: "hash" } }, { hashKey: KEY });
    expect(a.text).toMatch(/^Mail <EMAIL_ADDRESS:[0-9a-f]{12}> or call <PHONE_NUMBER:[0-9a-f]{12}>\.$/);
    // Idempotent across calls and runs; a different key gives different tokens.
    const b = anonymize(text, results, { entities: { EMAIL_ADDRESS: "hash", PHONE_NUMBER: "hash" } }, { hashKey: KEY });
    expect(b.text).toBe(a.text);
    const c = anonymize(text, results, { entities: { EMAIL_ADDRESS: "hash", PHONE_NUMBER: "hash" } }, { hashKey: "other" });
    expect(c.text).not.toBe(a.text);
    // Same value, other text and position: same token.
    const t2 = "jane.doe@example.com wrote back";
    const d = anonymize(t2, find(t2, [["EMAIL_ADDRESS", "jane.doe@example.com"]]), { entities: { EMAIL_ADDRESS: "hash" } }, { hashKey: KEY });
    expect(d.items[0].replacement).toBe(a.items[0].replacement);
    // The value as another type: unrelated token.
    const e = anonymize(t2, find(t2, [["PERSON", "jane.doe@example.com"]]), { entities: { PERSON: "hash" } }, { hashKey: KEY });
    expect(e.items[0].replacement!.slice(-13, -1)).not.toBe(a.items[0].replacement!.slice(-13, -1));
    const f = anonymize(text, results, { entities: { EMAIL_ADDRESS: "hash" } }, { hashKey: KEY, hashLength: 8 });
    expect(f.items[0].replacement).toMatch(/^<EMAIL_ADDRESS:[0-9a-f]{8}>$/);
  });

  it("hash without a key refuses (a keyless hash of a phone number is brute-forced in seconds)", () => {
    expect(() => anonymize(text, results, { entities: { EMAIL_ADDRESS: "hash" } })).toThrow(/hash key/);
    expect(() => anonymize(text, results, { entities: { EMAIL_ADDRESS: "hash" } }, { hashKey: "" })).toThrow(/hash key/);
  });

  it("tokenize: numbered per type in text order, same value → same placeholder, map restores", () => {
    const t = "Anna met Ben; Anna called ben@x.io and Ben.";
    const r = anonymize(t, find(t, [["PERSON", "Anna"], ["PERSON", "Ben"], ["EMAIL_ADDRESS", "ben@x.io"]]), { entities: { PERSON: "tokenize", EMAIL_ADDRESS: "tokenize" } });
    expect(r.text).toBe("<PERSON_1> met <PERSON_2>; <PERSON_1> called <EMAIL_ADDRESS_1> and <PERSON_2>.");
    expect(r.tokens!.size).toBe(3);
    expect(restore(r.text, r.tokens!)).toBe(t);
  });

  it("tokenize across messages with a shared map", () => {
    const tokens = new TokenMap();
    const policy: AnonymizePolicy = { entities: { PERSON: "tokenize" } };
    const m1 = "Write to Carla about Dan.";
    const m2 = "Did Dan reply? Ask Erik and Carla.";
    const a = anonymize(m1, find(m1, [["PERSON", "Carla"], ["PERSON", "Dan"]]), policy, { tokens });
    const b = anonymize(m2, find(m2, [["PERSON", "Carla"], ["PERSON", "Dan"], ["PERSON", "Erik"]]), policy, { tokens });
    expect(a.text).toBe("Write to <PERSON_1> about <PERSON_2>.");
    expect(b.text).toBe("Did <PERSON_2> reply? Ask <PERSON_3> and <PERSON_1>.");
    expect(a.tokens).toBe(tokens);
    expect(b.tokens).toBe(tokens);
  });

  it("tokenize skips a placeholder the user already typed", () => {
    const t = "Literally <PERSON_1> and also Fay";
    const r = anonymize(t, find(t, [["PERSON", "Fay"]]), { entities: { PERSON: "tokenize" } });
    expect(r.text).toBe("Literally <PERSON_1> and also <PERSON_2>");
    expect(restore(r.text, r.tokens!)).toBe(t);
  });

  it("block: reported, redacted anyway, 400 names types only", () => {
    const r = anonymize(text, results, { entities: { EMAIL_ADDRESS: "block", PHONE_NUMBER: "block" } });
    expect(r.blocked).toEqual(["EMAIL_ADDRESS", "PHONE_NUMBER"]);
    expect(r.text).toBe("Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>.");
    expect(blockedEntityTypes(r.items)).toEqual(["EMAIL_ADDRESS", "PHONE_NUMBER"]);
    const err = piiBlockedError(r.blocked, { EMAIL_ADDRESS: 2 });
    expect(err.status).toBe(400);
    expect(err.code).toBe("pii_blocked");
    expect(err.message).toBe(
      "Request blocked by the PII policy: it contains EMAIL_ADDRESS (2), PHONE_NUMBER. Remove these from the messages and retry.",
    );
    expect(err.message).not.toContain("jane");
    expect(piiBlockMessage(["API_KEY"])).toContain("API_KEY");
  });

  it("allow: unchanged, reported without the value", () => {
    const r = anonymize(text, results, { entities: { EMAIL_ADDRESS: "allow", PHONE_NUMBER: "redact" } });
    expect(r.text).toBe("Mail jane.doe@example.com or call <PHONE_NUMBER>.");
    expect(r.items[0]).toEqual({ entityType: "EMAIL_ADDRESS", start: 5, end: 25, action: "allow", score: 0.9, recognizer: "test" });
    expect(JSON.stringify(r.items)).not.toContain("jane");
  });

  it("unlisted types use defaultAction, else redact (fail closed)", () => {
    expect(anonymize(text, results, { entities: {} }).text).toBe("Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>.");
    expect(anonymize(text, results, { entities: {}, defaultAction: "allow" }).text).toBe(text);
  });
});

describe("positions", () => {
  it("unsorted multi-entity input; items carry output offsets", () => {
    const t = "A: alice@x.org, B: 10.0.0.1, C: Bob, D: 4111111111111111";
    const results = find(t, [["PERSON", "Bob"], ["CREDIT_CARD", "4111111111111111"], ["EMAIL_ADDRESS", "alice@x.org"], ["IP_ADDRESS", "10.0.0.1"]]).reverse();
    const r = anonymize(t, results, { entities: { PERSON: "tokenize", CREDIT_CARD: "mask", EMAIL_ADDRESS: "redact", IP_ADDRESS: "hash" } }, { hashKey: KEY });
    expect(r.items.map((i) => i.entityType)).toEqual(["EMAIL_ADDRESS", "IP_ADDRESS", "PERSON", "CREDIT_CARD"]);
    for (const i of r.items) expect(r.text.slice(i.start, i.end)).toBe(i.replacement);
    expect(r.text).toMatch(/^A: <EMAIL_ADDRESS>, B: <IP_ADDRESS:[0-9a-f]{12}>, C: <PERSON_1>, D: \*{12}1111$/);
  });

  it("UTF-16 offsets after emoji and surrogate pairs", () => {
    const t = "😀🇫🇷 𝒳 Grüße an Zoë 👋 zoe@例え.jp!";
    const results = find(t, [["PERSON", "Zoë"], ["EMAIL_ADDRESS", "zoe@例え.jp"]]);
    expect(results[0].start).toBe(t.indexOf("Zoë"));
    const r = anonymize(t, results, { entities: { PERSON: "tokenize", EMAIL_ADDRESS: "redact" } });
    expect(r.text).toBe("😀🇫🇷 𝒳 Grüße an <PERSON_1> 👋 <EMAIL_ADDRESS>!");
    for (const i of r.items) expect(r.text.slice(i.start, i.end)).toBe(i.replacement);
  });

  it("a span cutting a surrogate pair is widened, never leaving a lone surrogate", () => {
    const t = "x😀y";
    const r = anonymize(t, [{ entityType: "E", start: 2, end: 3, score: 1, recognizer: "t" }], { entities: { E: "redact" } });
    expect(r.text).toBe("x<E>y");
    expect(r.text.isWellFormed()).toBe(true);
  });

  it("out-of-range results throw (the caller fails closed)", () => {
    expect(() => anonymize("abc", [{ entityType: "E", start: 2, end: 9, score: 1, recognizer: "t" }], { entities: {} })).toThrow(RangeError);
    expect(() => anonymize("abc", [{ entityType: "E", start: 2, end: 2, score: 1, recognizer: "t" }], { entities: {} })).toThrow(RangeError);
  });

  it("overlaps the engine left: contained dropped, partial trimmed, allow gives way", () => {
    const t = "see postgres://app:hunter2@db/x now";
    const url = find(t, [["URL", "postgres://app:hunter2@db/x"]]);
    const pw = find(t, [["PASSWORD", "hunter2"]]);
    // The URL is allowed by policy: its password must still go.
    const a = anonymize(t, [...url, ...pw], { entities: { URL: "allow", PASSWORD: "redact" } });
    expect(a.text).toBe("see postgres://app:<PASSWORD>@db/x now");
    expect(a.items.map((i) => i.entityType)).toEqual(["URL", "PASSWORD", "URL"]);
    // Both transformed: the outer one covers the inner.
    const b = anonymize(t, [...pw, ...url], { entities: { URL: "redact", PASSWORD: "redact" } });
    expect(b.text).toBe("see <URL> now");
    // Partial overlap: the later span starts where the earlier ends.
    const c = anonymize("abcdef", [
      { entityType: "A", start: 0, end: 4, score: 1, recognizer: "t" },
      { entityType: "B", start: 2, end: 6, score: 1, recognizer: "t" },
    ], { entities: {} });
    expect(c.text).toBe("<A><B>");
    // A blocked type inside a redacted one still blocks.
    const d = anonymize(t, [...url, ...pw], { entities: { URL: "redact", PASSWORD: "block" } });
    expect(d.blocked).toEqual(["PASSWORD"]);
  });
});
