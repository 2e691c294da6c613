// The OpenAI-compatible API through the official `openai` SDK, in embedded mode (no DATABASE_URL,
// no REDIS_URL), against every provider kind behind a fake upstream.
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { PROVIDER_MODELS, startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";

let fake: FakeUpstream;
let helix: HelixServer;
let client: OpenAI;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake) });
  client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local-anything", maxRetries: 0 });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
  },
};

for (const [kind, model] of Object.entries(PROVIDER_MODELS)) {
  test.describe(`${kind} (${model})`, () => {
    test("non-stream chat in OpenAI's shape, with usage and gateway headers", async () => {
      const { data, response } = await client.chat.completions
        .create({ model, messages: [{ role: "user", content: "hello there" }], user: "end-user-1" })
        .withResponse();
      expect(data.object).toBe("chat.completion");
      expect(data.choices[0].message.role).toBe("assistant");
      expect(data.choices[0].message.content).toBe("Echo: hello there");
      expect(data.choices[0].finish_reason).toBe("stop");
      expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
      expect(data.usage!.completion_tokens).toBeGreaterThan(0);
      expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
      expect(response.headers.get("x-helix-request-id")).toMatch(/^req_/);
      expect(response.headers.get("x-helix-model")).toBeTruthy();
    });

    test("system prompt, multi-turn and multi-part content reach the provider", async () => {
      const data = await client.chat.completions.create({
        model,
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "first" },
          { role: "assistant", content: "Echo: first" },
          { role: "user", content: [{ type: "text", text: "second" }, { type: "text", text: "part" }] },
        ],
      });
      expect(data.choices[0].message.content).toBe("[system: You are terse.] Echo: second part");
    });

    test("stream arrives as OpenAI chunks; usage only when include_usage", async () => {
      const stream = await client.chat.completions.create({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "stream me please" }],
      });
      let text = "";
      let usageChunks = 0;
      let finish: string | null = null;
      for await (const chunk of stream) {
        expect(chunk.object).toBe("chat.completion.chunk");
        if (chunk.usage) {
          usageChunks++;
          expect(chunk.choices).toHaveLength(0);
          expect(chunk.usage.completion_tokens).toBeGreaterThan(0);
        }
        for (const c of chunk.choices) {
          text += c.delta.content ?? "";
          finish = c.finish_reason ?? finish;
        }
      }
      expect(text).toBe("Echo: stream me please");
      expect(finish).toBe("stop");
      expect(usageChunks).toBe(1);

      const plain = await client.chat.completions.create({ model, stream: true, messages: [{ role: "user", content: "no usage" }] });
      let sawUsage = false;
      let plainText = "";
      for await (const chunk of plain) {
        if (chunk.usage) sawUsage = true;
        for (const c of chunk.choices) plainText += c.delta.content ?? "";
      }
      expect(plainText).toBe("Echo: no usage");
      expect(sawUsage).toBe(false);
    });

    test("tool calls and tool results, non-stream and stream", async () => {
      const first = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "weather in Paris" }],
        tools: [weatherTool],
      });
      const call = first.choices[0].message.tool_calls![0];
      expect(first.choices[0].finish_reason).toBe("tool_calls");
      expect(call.type).toBe("function");
      if (call.type !== "function") throw new Error("expected a function call");
      expect(call.function.name).toBe("get_weather");
      expect(JSON.parse(call.function.arguments)).toEqual({ query: "weather in Paris" });

      const second = await client.chat.completions.create({
        model,
        tools: [weatherTool],
        messages: [
          { role: "user", content: "weather in Paris" },
          { role: "assistant", content: null, tool_calls: [call] },
          { role: "tool", tool_call_id: call.id, content: "sunny, 21C" },
        ],
      });
      expect(second.choices[0].message.content).toBe("Tool result: sunny, 21C");

      const runner = client.chat.completions.stream({ model, messages: [{ role: "user", content: "weather in Rome" }], tools: [weatherTool] });
      const final = await runner.finalChatCompletion();
      const streamed = final.choices[0].message.tool_calls![0];
      if (streamed.type !== "function") throw new Error("expected a function call");
      expect(streamed.function.name).toBe("get_weather");
      expect(JSON.parse(streamed.function.arguments)).toEqual({ query: "weather in Rome" });
    });

    test("JSON mode returns valid JSON", async () => {
      const data = await client.chat.completions.create({
        model,
        response_format: { type: "json_object" },
        messages: [{ role: "user", content: "give json" }],
      });
      // Each provider's JSON mechanism differs (OpenAI/Gemini: JSON mode; Anthropic: a forced tool),
      // so the fake's field name differs; the content is always one JSON object.
      const obj = JSON.parse(data.choices[0].message.content!);
      expect(Object.values(obj)).toEqual(["give json"]);
      expect(data.choices[0].finish_reason).toBe("stop");
    });
  });
}

test("the same API is served under /api/v1", async () => {
  const alt = new OpenAI({ baseURL: `${helix.url}/api/v1`, apiKey: "sk-local", maxRetries: 0 });
  const data = await alt.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "alt path" }] });
  expect(data.choices[0].message.content).toBe("Echo: alt path");
});

test("embeddings (OpenAI and Gemini), float and base64", async () => {
  const openai = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
  expect(openai.data).toHaveLength(2);
  expect(openai.data[0].embedding.length).toBeGreaterThan(0);
  expect(openai.usage.prompt_tokens).toBeGreaterThan(0);
  const asFloat = await client.embeddings.create({ model: "text-embedding-3-small", input: "a", encoding_format: "float" });
  expect(asFloat.data[0].embedding).toEqual(openai.data[0].embedding);
  const gemini = await client.embeddings.create({ model: "gemini-2.0-flash", input: "hello", encoding_format: "float" });
  expect(gemini.data[0].embedding.length).toBeGreaterThan(0);
});

test("models list and retrieve", async () => {
  const list = await client.models.list();
  const ids = list.data.map((m) => m.id);
  expect(ids).toEqual(expect.arrayContaining(["gpt-4o-mini", "claude-3-5-haiku-latest", "local-llama"]));
  const one = await client.models.retrieve("claude-3-5-haiku-latest");
  expect(one.owned_by).toBe("anthropic");
  const prefixed = await client.models.retrieve("groq/llama-3.3-70b-versatile");
  expect(prefixed.owned_by).toBe("groq");
  await expect(client.models.retrieve("no-such-model")).rejects.toMatchObject({ status: 404, code: "model_not_found" });
});

test.describe("errors", () => {
  async function raw(body: string, headers: Record<string, string> = {}) {
    const r = await fetch(`${helix.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-local", "content-type": "application/json", ...headers },
      body,
    });
    return { status: r.status, json: (await r.json()) as { error: { type: string; message: string; param: string | null; code: string | null } } };
  }

  test("malformed JSON → 400 invalid_request_error", async () => {
    const { status, json } = await raw("{not json");
    expect(status).toBe(400);
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.message).toMatch(/JSON/);
  });

  test("schema violation → 400 naming the field", async () => {
    const missing = await raw(JSON.stringify({ model: "gpt-4o-mini" }));
    expect(missing.status).toBe(400);
    expect(missing.json.error.type).toBe("invalid_request_error");
    expect(missing.json.error.param).toBe("messages");
    const wrong = await raw(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], temperature: "hot" }));
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.param).toBe("temperature");
    const badRole = await raw(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "robot", content: "x" }] }));
    expect(badRole.status).toBe(400);
    expect(badRole.json.error.param).toBe("messages[0].role");
  });

  test("unknown model → 404 model_not_found", async () => {
    const err = await client.chat.completions.create({ model: "totally-unknown", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.type).toBe("invalid_request_error");
    expect(err.code).toBe("model_not_found");
  });

  test("missing key → 401", async () => {
    const r = await fetch(`${helix.baseURL}/chat/completions`, { method: "POST", body: "{}" });
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
  });

  test("body over the limit → 413", async () => {
    const big = "x".repeat(250_000);
    const { status, json } = await raw(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: big }] }));
    expect(status).toBe(413);
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.code).toBe("request_too_large");
  });

  test("upstream 4xx is passed through with the provider's message", async () => {
    // The fake answers 404 for this model name, in each provider's own error shape.
    // The provider's own message (in its own error shape upstream), not a generic one from the gateway.
    const expected: Record<string, string> = {
      "gpt-4o-mini": "Invalid request.",
      "claude-3-5-haiku-latest": "Fake upstream error 400 (invalid_request_error).",
    };
    for (const [model, message] of Object.entries(expected)) {
      const err = await client.chat.completions
        .create({ model, messages: [{ role: "user", content: "[[status:400]] bad" }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.type).toBe("invalid_request_error");
      expect(err.error.message).toBe(message);
    }
  });

  test("the upstream refusing the gateway's own key → 502, without the upstream's message", async () => {
    const err = await client.chat.completions.create({ model: "bad-key-model", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.code).toBe("upstream_auth_failed");
    expect(err.message).not.toMatch(/invalid-upstream-key|Incorrect API key/);
  });

  test("unknown endpoints and wrong methods get OpenAI-shaped 404 and 405", async () => {
    const unknown = await fetch(`${helix.baseURL}/completions/legacy`, { method: "POST", headers: { authorization: "Bearer sk-local" } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(unknown.headers.get("x-helix-request-id")).toMatch(/^req_/);
    const wrong = await fetch(`${helix.baseURL}/chat/completions`, { headers: { authorization: "Bearer sk-local" } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");
  });

  test("upstream down → 502 after retries; fallback serves when configured", async () => {
    const err = await client.chat.completions.create({ model: "dead-model", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.type).toBe("upstream_error");
    const { data, response } = await client.chat.completions
      .create({ model: "with-fallback", messages: [{ role: "user", content: "fall back" }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe("Echo: fall back");
    expect(response.headers.get("x-helix-model")).toBe("claude-3-5-haiku-latest");
  });

  test("upstream too slow → 504", async () => {
    const err = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "[[delay:4000]] slow" }] })
      .catch((e) => e);
    expect(err.status).toBe(504);
    expect(err.type).toBe("timeout_error");
  });

  test("upstream 5xx is retried and then succeeds", async () => {
    const before = fake.requests.length;
    const data = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "[[fail-first:2 status=503]] flaky" }],
    });
    expect(data.choices[0].message.content).toBe("Echo: flaky");
    expect(fake.requests.length - before).toBe(3);
  });

  test("429 with retry-after is honoured, then succeeds", async () => {
    const before = fake.requests.length;
    const t0 = Date.now();
    const data = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "[[fail-first:1 status=429 retry-after=1]] later" }],
    });
    expect(data.choices[0].message.content).toBe("Echo: later");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(fake.requests.length - before).toBe(2);
  });

  test("429 whose retry-after is beyond the limit is returned at once with retry-after", async () => {
    const t0 = Date.now();
    const err = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "[[status:429 retry-after=120]] busy" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers.get("retry-after")).toBe("120");
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  test("upstream killed mid-stream → final SSE error event", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "[[kill-after:3]] [[words:20]] die" }],
    });
    let text = "";
    const err = await (async () => {
      for await (const chunk of stream) for (const c of chunk.choices) text += c.delta.content ?? "";
    })().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String(err.message)).toMatch(/stream/i);
    expect(text.length).toBeGreaterThan(0);
  });

  test("client disconnect mid-stream aborts the upstream request", async () => {
    const aborted = () => fake.events.filter((e) => e.type === "client-aborted").length;
    const before = aborted();
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "[[words:200]] [[chunk-delay:50]] long" }] },
      { signal: controller.signal },
    );
    let n = 0;
    await (async () => {
      for await (const chunk of stream) if (chunk && ++n === 3) controller.abort();
    })().catch(() => {});
    await expect.poll(aborted, { timeout: 5000 }).toBeGreaterThan(before);
  });
});
