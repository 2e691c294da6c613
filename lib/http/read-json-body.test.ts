import { describe, expect, it } from "vitest";
import { ChatCompletionRequestSchema } from "@/lib/gateway/openai-contract";
import { readJsonBody } from "./read-json-body";

function post(body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) {
  return new Request("http://helix/v1/chat/completions", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

const valid = { model: "m", messages: [{ role: "user", content: "hi" }] };

describe("readJsonBody", () => {
  it("parses a valid body and keeps fields it does not know (for OpenAI-compatible upstreams)", async () => {
    const r = await readJsonBody(post(JSON.stringify({ ...valid, reasoning_effort: "low" })), ChatCompletionRequestSchema, 1000);
    expect(r).toMatchObject({ model: "m", reasoning_effort: "low" });
  });

  it("rejects malformed JSON, an empty body and a non-object with 400", async () => {
    for (const body of ["{nope", "", "[1,2]", "null"]) {
      await expect(readJsonBody(post(body), ChatCompletionRequestSchema, 1000)).rejects.toMatchObject({ status: 400 });
    }
  });

  it("names the offending field the way OpenAI does", async () => {
    const bad = { model: "m", messages: [{ role: "user", content: "x" }, { role: "tool", content: "y" }] };
    await expect(readJsonBody(post(JSON.stringify(bad)), ChatCompletionRequestSchema, 1000)).rejects.toMatchObject({
      status: 400,
      param: "messages[1].tool_call_id",
    });
    await expect(readJsonBody(post(JSON.stringify({ messages: valid.messages })), ChatCompletionRequestSchema, 1000)).rejects.toMatchObject({
      param: "model",
      message: "Missing required parameter: 'model'.",
    });
  });

  it("refuses a declared length over the limit before reading anything (413)", async () => {
    // A body that never ends: reading it would hang the test, so only the header can answer.
    const body = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const req = post(body, { "content-type": "application/json", "content-length": "5000" });
    expect(req.headers.get("content-length")).toBe("5000");
    await expect(readJsonBody(req, ChatCompletionRequestSchema, 1000)).rejects.toMatchObject({ status: 413 });
  });

  it("never quotes the body in a JSON error (it may hold personal data)", async () => {
    const err = await readJsonBody(post('{"content": my SSN is 123-45-6789}'), ChatCompletionRequestSchema, 1000).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).not.toContain("SSN");
  });

  it("stops at the size limit, declared or not (413)", async () => {
    const big = JSON.stringify({ ...valid, messages: [{ role: "user", content: "x".repeat(5000) }] });
    await expect(readJsonBody(post(big), ChatCompletionRequestSchema, 1000)).rejects.toMatchObject({ status: 413 });
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    await expect(readJsonBody(post(chunked), ChatCompletionRequestSchema, 1000)).rejects.toMatchObject({ status: 413 });
  });

  it("refuses bodies that are not JSON (415)", async () => {
    await expect(readJsonBody(post("a=b", { "content-type": "application/x-www-form-urlencoded" }), ChatCompletionRequestSchema, 1000)).rejects.toMatchObject({
      status: 415,
    });
  });
});
