import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embed as fakeEmbed } from "@/test/fake-upstream/embedding";
import { type FakeUpstream, startFakeUpstream } from "@/test/fake-upstream/server";
import { EmbedderUnavailableError } from "./errors";
import { OpenAICompatibleEmbedder } from "./openai-compatible";

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await fake.close();
});

describe("OpenAICompatibleEmbedder against the fake upstream", () => {
  it("embeds a batch in one request, learns the width from the answer, and sends model and key", async () => {
    fake.reset();
    const e = new OpenAICompatibleEmbedder({ apiBase: `${fake.url}/v1`, apiKey: "sk-test", model: "text-embedding-3-small" });
    expect(e.id).toBe("openai-compatible:text-embedding-3-small");
    expect(e.dimensions).toBe(0);
    const [a, b] = await e.embed(["alpha", "beta"]);
    expect(e.dimensions).toBe(8);
    expect(Array.from(a)).toEqual(fakeEmbed("alpha"));
    expect(Array.from(b)).toEqual(fakeEmbed("beta"));
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ path: "/v1/embeddings", body: { model: "text-embedding-3-small", input: ["alpha", "beta"], encoding_format: "base64" } });
    expect(fake.requests[0].headers.authorization).toBe("Bearer sk-test");
  });

  it("asks for a configured width and namespaces the index by it", async () => {
    fake.reset();
    const e = new OpenAICompatibleEmbedder({ apiBase: `${fake.url}/v1`, apiKey: "sk-test", model: "text-embedding-3-small", dimensions: 16 });
    expect(e.id).toBe("openai-compatible:text-embedding-3-small:16");
    const [v] = await e.embed(["alpha"]);
    expect(v).toHaveLength(16);
    expect(fake.requests[0].body).toMatchObject({ dimensions: 16 });
  });

  it("splits large inputs into several requests and truncates over-long texts", async () => {
    fake.reset();
    const e = new OpenAICompatibleEmbedder({ apiBase: `${fake.url}/v1`, apiKey: "sk-test", model: "m", maxBatch: 2, maxInputTokens: 10 });
    const res = await e.embedDetailed(["a", "b", "c", "x".repeat(100)]);
    expect(res.vectors).toHaveLength(4);
    expect(res.truncated).toEqual([false, false, false, true]);
    expect(fake.requests).toHaveLength(2);
    const sent = (fake.requests[1].body as { input: string[] }).input[1];
    expect(sent.length).toBeLessThanOrEqual(30);
    expect(Array.from(res.vectors[3])).toEqual(fakeEmbed(sent));
  });

  it("turns upstream errors into EmbedderUnavailableError with the upstream's message", async () => {
    fake.reset();
    fake.failNext(1, { status: 401 });
    const e = new OpenAICompatibleEmbedder({ apiBase: `${fake.url}/v1`, apiKey: "sk-test", model: "m" });
    const err = await e.embed(["a"]).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EmbedderUnavailableError);
    expect((err as Error).message).toMatch(/Embedding upstream http:\/\/127\.0\.0\.1:\d+\/v1 \(m\) failed/);

    const down = new OpenAICompatibleEmbedder({ apiBase: "http://127.0.0.1:1/v1", model: "m" });
    await expect(down.embed(["a"])).rejects.toBeInstanceOf(EmbedderUnavailableError);
  });

  it("refuses calls after close", async () => {
    const e = new OpenAICompatibleEmbedder({ apiBase: `${fake.url}/v1`, model: "m" });
    await e.close();
    await expect(e.embed(["a"])).rejects.toThrow(/closed/);
  });
});
