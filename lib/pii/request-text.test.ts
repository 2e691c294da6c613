import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "@/lib/gateway/openai-contract";
import { chatTextSlots, embeddingsTextSlots } from "./request-text";

const req: ChatCompletionRequest = {
  model: "m",
  messages: [
    { role: "system", content: "Operator: ops@example.com" },
    { role: "user", name: "alice", content: [{ type: "text", text: "mail bob@example.com" }, { type: "image_url", image_url: { url: "http://x/a.png" } }] },
    { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "send", arguments: '{"to":"bob@example.com"}' } }] },
    { role: "tool", tool_call_id: "c1", content: "sent to bob@example.com" },
  ],
};

describe("chatTextSlots", () => {
  it("also covers predicted output, legacy function-call arguments, metadata values and user", () => {
    const { request, slots } = chatTextSlots({
      model: "m",
      user: "bob@example.com",
      metadata: { ticket: "from bob@example.com", n: 3 },
      prediction: { type: "content", content: "Dear bob@example.com" },
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: null, function_call: { name: "f", arguments: '{"to":"bob@example.com"}' } },
      ],
    } as unknown as ChatCompletionRequest);
    for (const s of slots) s.set(s.text.replaceAll("bob@example.com", "<EMAIL_ADDRESS>"));
    expect(JSON.stringify(request)).not.toContain("bob@example.com");
    expect(slots.map((s) => s.path)).toEqual(
      expect.arrayContaining(["prediction.content", "messages[1].function_call.arguments", "metadata.ticket", "user"]),
    );
  });

  it("reaches every place text goes to a provider, and rewrites a copy", () => {
    const { request, slots } = chatTextSlots(req);
    expect(slots.map((s) => s.path)).toEqual([
      "messages[0].content",
      "messages[1].name",
      "messages[1].content[0].text",
      "messages[2].tool_calls[0].function.arguments",
      "messages[3].content",
    ]);
    expect(slots.map((s) => s.location)).toEqual(["messages", "messages", "messages", "tool_calls", "tool_results"]);
    for (const s of slots) s.set(s.text.replaceAll("bob@example.com", "<EMAIL_ADDRESS>").replaceAll("ops@example.com", "<EMAIL_ADDRESS>"));
    const out = JSON.stringify(request);
    expect(out).not.toContain("@example.com");
    expect(JSON.stringify(req)).toContain("bob@example.com"); // the original is untouched
    expect((request.messages[1].content as Array<{ type: string }>)[1].type).toBe("image_url");
  });
});

describe("embeddingsTextSlots", () => {
  it("covers string and string-array input; token ids are unscannable", () => {
    const one = embeddingsTextSlots({ model: "e", input: "a@b.co" });
    one.slots[0].set("x");
    expect(one.request.input).toBe("x");
    const many = embeddingsTextSlots({ model: "e", input: ["a", "b"] });
    many.slots[1].set("y");
    expect(many.request.input).toEqual(["a", "y"]);
    expect(embeddingsTextSlots({ model: "e", input: [1, 2, 3] }).unscannable).toBe(true);
  });
});
