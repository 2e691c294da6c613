import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "@/lib/gateway/openai-contract";
import { chatPromptTokens, embeddingsPromptTokens, maxOutputTokens, requestedMaxTokens } from "./prompt-size";
import { countTokens } from "./tokens";

const chat = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest =>
  ({ model: "m", messages: [{ role: "user", content }], ...extra }) as ChatCompletionRequest;

describe("prompt size estimates (reservations must not under-count)", () => {
  it("never counts fewer tokens than the real tokenizer, in English, Chinese, Japanese, Russian, code and emoji", async () => {
    const texts = [
      "Summarise the benefits of an LLM gateway in one sentence, please.",
      "请用一句话总结大型语言模型网关的好处，并说明它如何节省成本。",
      "大規模言語モデルのゲートウェイの利点を一文で要約してください。",
      "Кратко опишите преимущества шлюза для больших языковых моделей.",
      "function add(a: number, b: number): number { return a + b; } // 🚀🎉",
    ];
    for (const t of texts) {
      const real = await countTokens(t);
      expect(chatPromptTokens(chat(t)), t).toBeGreaterThanOrEqual(real);
      expect(embeddingsPromptTokens({ model: "e", input: t } as never), t).toBeGreaterThanOrEqual(real);
    }
  });

  it("counts media parts, tool calls and tool definitions", () => {
    const base = chatPromptTokens(chat("hi"));
    const withImage = chatPromptTokens({
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] }],
    } as ChatCompletionRequest);
    expect(withImage).toBeGreaterThanOrEqual(base + 1_000);
    const tools = chatPromptTokens(chat("hi", { tools: [{ type: "function", function: { name: "search", description: "x".repeat(300) } }] } as never));
    expect(tools).toBeGreaterThan(base + 100);
  });

  it("reserves the request's own limit times n, else the configured default; embeddings produce none", () => {
    expect(maxOutputTokens(chat("x", { max_tokens: 100, n: 3 } as never), 1024)).toBe(300);
    expect(maxOutputTokens(chat("x", { max_completion_tokens: 50 } as never), 1024)).toBe(50);
    expect(maxOutputTokens(chat("x"), 1024)).toBe(1024);
    expect(maxOutputTokens(undefined, 1024)).toBe(0);
    expect(requestedMaxTokens(chat("x"))).toBeUndefined();
  });
});
