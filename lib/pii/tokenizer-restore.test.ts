import { describe, expect, it } from "vitest";
import { TokenMap } from "./token-map";
import { createStreamRestorer, jsonStringEscape, restore } from "./tokenizer-restore";

function mapOf(entries: [string, string][]): TokenMap {
  const m = new TokenMap();
  for (const [type, value] of entries) m.placeholderFor(type, value);
  return m;
}

const tokens = mapOf([
  ["PERSON", "Ana Lima"], // <PERSON_1>
  ["PERSON", "Bo"], // <PERSON_2>
  ["EMAIL_ADDRESS", "ana@x.io"], // <EMAIL_ADDRESS_1>
  ["US_SSN", "078-05-1120"], // <US_SSN_1>
]);

function streamed(chunks: readonly string[], map = tokens): string {
  const r = createStreamRestorer(map);
  return chunks.map((c) => r.push(c)).join("") + r.flush();
}

describe("restore", () => {
  it("replaces known placeholders, leaves everything else", () => {
    expect(restore("Dear <PERSON_1>, mail <EMAIL_ADDRESS_1>. SSN <US_SSN_1>.", tokens)).toBe("Dear Ana Lima, mail ana@x.io. SSN 078-05-1120.");
    expect(restore("<PERSON_9> and <ORG_1> and <PERSON> and <div> a<b", tokens)).toBe("<PERSON_9> and <ORG_1> and <PERSON> and <div> a<b");
  });

  it("the variants models produce", () => {
    expect(restore("< PERSON_1 > / <\tPERSON_2> / <person_1> / <Person_2>", tokens)).toBe("Ana Lima / Bo / Ana Lima / Bo");
    expect(restore("\\<PERSON\\_1\\> and \\<US\\_SSN\\_1\\>", tokens)).toBe("Ana Lima and 078-05-1120");
    expect(restore("&lt;PERSON_1&gt; wrote", tokens)).toBe("Ana Lima wrote");
    // Not supported on purpose.
    expect(restore("PERSON_1 [PERSON_1] {PERSON_1} <PERSON 1> <PERSON-1> <    PERSON_1>", tokens)).toBe(
      "PERSON_1 [PERSON_1] {PERSON_1} <PERSON 1> <PERSON-1> <    PERSON_1>",
    );
  });

  it("escapes for the context: JSON strings on request, HTML when the placeholder was HTML-escaped", () => {
    const m = mapOf([["PERSON", 'O"Neil <\\>']]);
    expect(restore('{"name":"<PERSON_1>"}', m, { escape: jsonStringEscape })).toBe('{"name":"O\\"Neil <\\\\>"}');
    expect(JSON.parse(restore('{"name":"<PERSON_1>"}', m, { escape: jsonStringEscape })).name).toBe('O"Neil <\\>');
    expect(restore("<p>&lt;PERSON_1&gt;</p>", m)).toBe("<p>O&quot;Neil &lt;\\&gt;</p>");
  });

  it("a map survives JSON (handing it to a worker)", () => {
    const copy = TokenMap.fromJSON(JSON.parse(JSON.stringify(tokens.toJSON())));
    expect(restore("<PERSON_2> <US_SSN_1>", copy)).toBe("Bo 078-05-1120");
    expect(copy.placeholderFor("PERSON", "Bo")).toBe("<PERSON_2>");
    expect(copy.placeholderFor("PERSON", "New")).toBe("<PERSON_3>");
  });
});

describe("stream restorer", () => {
  const texts = [
    "Hello <PERSON_1>, your SSN <US_SSN_1> is on file; cc <EMAIL_ADDRESS_1>.",
    "<PERSON_2><PERSON_1>< PERSON_2 >&lt;person_1&gt;\\<PERSON\\_2\\>",
    "a < b && c <div> <PERSON_9> <PERS <PERSON_1 x> & &lt; \\ end <",
    "<<PERSON_1>> <<<PERSON_2 >>> <PERSON_1\\> &lt;PERSON_2>",
    "emoji 👋🏽 <PERSON_1> 🇧🇷 ok",
  ];

  for (const text of texts) {
    const expected = restore(text, tokens);
    it(`every 2- and 3-chunk split gives restore() of the whole: ${JSON.stringify(text.slice(0, 30))}…`, () => {
      for (let i = 0; i <= text.length; i++) {
        expect(streamed([text.slice(0, i), text.slice(i)])).toBe(expected);
        for (let j = i; j <= text.length; j++) {
          const out = streamed([text.slice(0, i), text.slice(i, j), text.slice(j)]);
          if (out !== expected) expect({ i, j, out }).toEqual({ i, j, out: expected });
        }
      }
      // One character at a time.
      expect(streamed([...text])).toBe(expected);
    });
  }

  it("holds back only what can still become a known placeholder", () => {
    const r = createStreamRestorer(tokens);
    expect(r.push("Hi <PER")).toBe("Hi ");
    expect(r.push("SON_")).toBe("");
    expect(r.push("1")).toBe("");
    expect(r.push("> and <div")).toBe("Ana Lima and <div");
    expect(r.push(" a < b")).toBe(" a < b");
    expect(r.push(" x <EMAIL")).toBe(" x ");
    expect(r.push("_ADDRESS_2")).toBe("<EMAIL_ADDRESS_2"); // no such placeholder: released at once
    expect(r.push(" &")).toBe(" ");
    expect(r.push("amp;")).toBe("&amp;");
    expect(r.push("<PERSON_1 ")).toBe("");
    expect(r.push(">")).toBe("Ana Lima");
    expect(r.push("<US_SSN_1")).toBe("");
    expect(r.flush()).toBe("<US_SSN_1");
    expect(r.flush()).toBe("");
  });

  it("never emits a value that is not in the map, and with an empty map is a pass-through", () => {
    const out = streamed(["<PERSON_1", "0> <PERSON_", "3> <EMAIL_ADDRESS_1>"]);
    expect(out).toBe("<PERSON_10> <PERSON_3> ana@x.io");
    const empty = createStreamRestorer(new TokenMap());
    expect(empty.push("<PERSON_1")).toBe("<PERSON_1");
    expect(empty.flush()).toBe("");
  });

  it("linear: 1 MB streamed in 1-byte and 7-byte deltas well under a second", () => {
    const unit = "Some text <PERSON_1> more < text &lt;EMAIL_ADDRESS_1&gt; and <div class=x> ";
    const big = unit.repeat(Math.ceil(1_000_000 / unit.length));
    const expected = restore(big, tokens);
    for (const size of [1, 7]) {
      const r = createStreamRestorer(tokens);
      const t0 = performance.now();
      let out = "";
      for (let i = 0; i < big.length; i += size) out += r.push(big.slice(i, i + size));
      out += r.flush();
      const ms = performance.now() - t0;
      expect(out).toBe(expected);
      // Linear: ~0.3 s for 1 MB here; a quadratic restorer would take minutes.
      expect(ms).toBeLessThan(15_000);
    }
  });

  it("a long run of openers does not stall output (bounded hold-back)", () => {
    const r = createStreamRestorer(tokens);
    let out = "";
    for (let i = 0; i < 10_000; i++) out += r.push("<");
    out += r.flush();
    expect(out).toBe("<".repeat(10_000));
  });
});
