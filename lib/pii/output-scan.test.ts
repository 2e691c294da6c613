import { describe, expect, it } from "vitest";
import { parseConfigObject } from "@/lib/config/parse";
import type { ChatCompletion, ChatCompletionChunk } from "@/lib/gateway/openai-contract";
import { createStreamScanner, OUTPUT_LOOKBEHIND, OutputScan, scanCompletion, scanStream } from "./output-scan";
import { restoreCompletion } from "./restore-response";
import { outputTextScanner, type PiiFinding } from "./scanner";
import { TokenMap } from "./token-map";

function settings(pii: Record<string, unknown> = {}) {
  const r = parseConfigObject({ helix_settings: { pii_protection: { scan_output: true, ...pii } } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config.helix_settings.pii_protection;
}

const CFG = settings({ entities: ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "PERSON"], entity_actions: { PERSON: "tokenize", CREDIT_CARD: "block" } });
const scanWith = (cfg = CFG, findings: PiiFinding[] = []) => new OutputScan(outputTextScanner(cfg, "test-key"), findings);

const TEXT = "Mail jane@example.com or call +1 415-555-0199 now, card 4111 1111 1111 1111 ok.";
const EXPECTED = "Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER> now, card <CREDIT_CARD> ok.";

/** Feeds `pieces` through a stream scanner; returns what went out, and after which piece. */
function feed(pieces: string[], opts?: { lookbehind?: number; maxHold?: number }) {
  const s = createStreamScanner(scanWith(), opts);
  const out = pieces.map((p) => s.push(p));
  return { text: out.join("") + s.flush(), out };
}

describe("output scan of a whole answer", () => {
  it("redacts content and tool-call arguments; tokenize and block redact on output; findings have location response", () => {
    const findings: PiiFinding[] = [{ location: "messages", entityType: "PERSON", count: 1, action: "tokenize", recognizer: "x", score: 1 }];
    const scan = scanWith(CFG, findings);
    const c: ChatCompletion = {
      id: "x",
      object: "chat.completion",
      created: 1,
      model: "m",
      choices: [
        { index: 0, message: { role: "assistant", content: TEXT, refusal: null }, finish_reason: "stop", logprobs: null },
        {
          index: 1,
          message: { role: "assistant", content: null, refusal: null, tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: '{"to":"jane@example.com"}' } }] },
          finish_reason: "tool_calls",
          logprobs: null,
        },
      ],
    };
    const out = scanCompletion(c, scan);
    expect(out.choices[0].message.content).toBe(EXPECTED);
    expect(JSON.parse(out.choices[1].message.tool_calls![0].function.arguments)).toEqual({ to: "<EMAIL_ADDRESS>" });
    expect(c.choices[0].message.content).toBe(TEXT);
    expect([...scan.types].sort()).toEqual(["CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"]);
    expect(findings.filter((f) => f.location === "response").map((f) => [f.entityType, f.count, f.action])).toEqual(
      expect.arrayContaining([
        ["EMAIL_ADDRESS", 2, "redact"],
        ["CREDIT_CARD", 1, "redact"],
        ["PHONE_NUMBER", 1, "redact"],
      ]),
    );
  });

  it("scans the placeholder version, so the user's own tokenized values come back restored", () => {
    const tokens = new TokenMap();
    const ph = tokens.placeholderFor("PERSON", "Ada Lovelace");
    const c: ChatCompletion = {
      id: "x",
      object: "chat.completion",
      created: 1,
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: `Hello ${ph}, and hello Grace Hopper, mail grace@navy.mil`, refusal: null }, finish_reason: "stop", logprobs: null }],
    };
    const out = restoreCompletion(scanCompletion(c, scanWith()), tokens).choices[0].message.content!;
    expect(out).toContain("Hello Ada Lovelace,");
    expect(out).not.toContain("grace@navy.mil");
    expect(out).not.toMatch(/<PERSON_\d+>/);
  });

  it("mask and hash apply on output", () => {
    expect(scanWith(settings({ action: "mask" })).text("mail jane@example.com")).toMatch(/^mail \*+\.com$/);
    expect(scanWith(settings({ action: "hash" })).text("mail jane@example.com")).toMatch(/^mail <EMAIL_ADDRESS:[0-9a-f]{12}>$/);
    expect(scanWith(settings({ action: "allow" })).text("mail jane@example.com")).toBe("mail jane@example.com");
  });
});

describe("stream scanner", () => {
  it("catches values split across two deltas at every position", () => {
    for (let i = 0; i <= TEXT.length; i++) {
      expect(feed([TEXT.slice(0, i), TEXT.slice(i)]).text, `split at ${i}`).toBe(EXPECTED);
    }
  });

  it("catches values split across three deltas at every pair of positions", () => {
    const text = "Hi, write to jane.doe@example.com or +1 415-555-0199.";
    const expected = "Hi, write to <EMAIL_ADDRESS> or <PHONE_NUMBER>.";
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) {
        expect(feed([text.slice(0, i), text.slice(i, j), text.slice(j)]).text, `split at ${i},${j}`).toBe(expected);
      }
    }
  });

  it("character by character, with a small look-behind too", () => {
    expect(feed([...TEXT]).text).toBe(EXPECTED);
    expect(feed([...TEXT], { lookbehind: 24, maxHold: 40 }).text).toBe(EXPECTED);
  });

  it("holds back only the look-behind: a long answer streams, and releases at word boundaries", () => {
    const words = Array.from({ length: 200 }, (_, i) => ` word${i}`);
    const { out } = feed(words);
    const released = out.join("");
    const total = words.join("");
    expect(total.length - released.length).toBeLessThanOrEqual(OUTPUT_LOOKBEHIND + 8);
    expect(released.endsWith(" ")).toBe(true);
  });

  it("bounds the buffer on a run without whitespace", () => {
    const s = createStreamScanner(scanWith(), { lookbehind: 8, maxHold: 32 });
    const out = Array.from({ length: 20 }, () => s.push("abcdefgh")).join("");
    expect(out.length).toBeGreaterThan(100);
  });
});

describe("scanStream", () => {
  const head = { id: "c", object: "chat.completion.chunk" as const, created: 1, model: "m" };
  const chunk = (choices: ChatCompletionChunk["choices"]): ChatCompletionChunk => ({ ...head, choices });

  it("scans content and tool-call arguments, flushes at finish, and hands the originals on", async () => {
    const upstream = [
      chunk([{ index: 0, delta: { role: "assistant", content: "Mail jane@exa" }, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: "mple.com please" }, finish_reason: null }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: "t", type: "function", function: { name: "f", arguments: '{"to":"jane@' } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'example.com"}' } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
    ];
    const originals: ChatCompletionChunk[] = [];
    const stream = scanStream(
      {
        async *[Symbol.asyncIterator]() {
          yield* upstream;
        },
      },
      scanWith(),
      (c) => originals.push(c),
    );
    let content = "";
    let args = "";
    for await (const c of stream) {
      content += c.choices[0]?.delta.content ?? "";
      for (const t of c.choices[0]?.delta.tool_calls ?? []) args += t.function?.arguments ?? "";
    }
    expect(content).toBe("Mail <EMAIL_ADDRESS> please");
    expect(JSON.parse(args)).toEqual({ to: "<EMAIL_ADDRESS>" });
    expect(originals).toEqual(upstream);
  });
});
