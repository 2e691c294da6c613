import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "@/lib/gateway/openai-contract";
import { canonicalJson, exactKey, semanticKey, tenantOf } from "./request-key";

const base: ChatCompletionRequest = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "What is 2+2?" },
  ],
};

describe("exactKey", () => {
  it("ignores key order, streaming and end-user attribution", () => {
    const reordered = JSON.parse(JSON.stringify({ messages: base.messages, model: base.model })) as ChatCompletionRequest;
    expect(exactKey("t", reordered)).toBe(exactKey("t", base));
    expect(exactKey("t", { ...base, stream: true, stream_options: { include_usage: true }, user: "u1" })).toBe(exactKey("t", base));
  });

  it("changes with anything that changes the answer", () => {
    const k = exactKey("t", base);
    const variants: ChatCompletionRequest[] = [
      { ...base, model: "gpt-4o" },
      { ...base, temperature: 0.2 },
      { ...base, top_p: 0.5 },
      { ...base, max_tokens: 10 },
      { ...base, seed: 1 },
      { ...base, stop: ["\n"] },
      { ...base, n: 2 },
      { ...base, response_format: { type: "json_object" } },
      { ...base, tools: [{ type: "function", function: { name: "f" } }] },
      { ...base, tool_choice: "none" },
      { ...base, messages: [{ role: "system", content: "Be verbose." }, base.messages[1]] },
      { ...base, messages: [base.messages[1]] },
      { ...base, reasoning_effort: "high" } as ChatCompletionRequest,
    ];
    for (const v of variants) expect(exactKey("t", v)).not.toBe(k);
    expect(exactKey("other-tenant", base)).not.toBe(k);
  });
});

describe("semanticKey", () => {
  it("embeds only the last user turn; the rest is an exact scope", () => {
    const a = semanticKey("t", base)!;
    const b = semanticKey("t", { ...base, messages: [base.messages[0], { role: "user", content: "What's two plus two?" }] })!;
    expect(a.text).toBe("What is 2+2?");
    expect(b.scope).toBe(a.scope);
    expect(semanticKey("t", { ...base, messages: [{ role: "system", content: "Other." }, base.messages[1]] })!.scope).not.toBe(a.scope);
    expect(semanticKey("t2", base)!.scope).not.toBe(a.scope);
    expect(semanticKey("t", { ...base, temperature: 0.3 })!.scope).not.toBe(a.scope);
  });

  it("skips requests whose last turn is not plain user text", () => {
    expect(semanticKey("t", { ...base, messages: [...base.messages, { role: "assistant", content: "4" }] })).toBeUndefined();
    expect(
      semanticKey("t", {
        ...base,
        messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: "http://x/a.png" } }] }],
      }),
    ).toBeUndefined();
  });
});

describe("tenantOf", () => {
  it("scopes by team, else key, else key hash; global when configured", () => {
    expect(tenantOf({ kind: "virtual", keyHash: "h", keyId: "k", teamId: "t", models: [] }, "tenant")).toBe("team:t");
    expect(tenantOf({ kind: "virtual", keyHash: "h", keyId: "k", models: [] }, "tenant")).toBe("key:k");
    expect(tenantOf({ kind: "anonymous-local", keyHash: "h", models: [] }, "tenant")).toBe("hash:h");
    expect(tenantOf({ kind: "virtual", keyHash: "h", keyId: "k", teamId: "t", models: [] }, "global")).toBe("global");
    expect(tenantOf({ kind: "master", keyHash: "secret-hash", models: [] }, "tenant")).toBe("master");
  });
});

it("canonicalJson sorts keys at every depth", () => {
  expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 2 } })).toBe('{"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1}');
});
