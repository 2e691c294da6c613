// The semantic cache in embedded mode with no network: MiniLM's weights are unavailable, so the
// bundled USE-lite encoder serves (pgvector on PGlite holds the vectors).
import { readFileSync, writeFileSync } from "node:fs";
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";

let fake: FakeUpstream;
let helix: HelixServer;
let client: OpenAI;

interface Readiness {
  status: string;
  checks: { embedder: { ready: boolean; active: string; fallback: boolean; reason?: string }; vector_store: { kind: string | null } };
}

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  // A low threshold on purpose: near-misses such as France/Germany (cosine ~0.84) then reach the
  // guard, which must veto them on its own.
  const config = writeConfig(fake);
  writeFileSync(config, readFileSync(config, "utf8").replace("helix_settings:\n", "helix_settings:\n  semantic_cache: {similarity_threshold: 0.8}\n"));
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: config, HELIX_EMBEDDINGS_OFFLINE: "true" });
  client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local-semantic", maxRetries: 0 });
  await expect
    .poll(async () => ((await (await fetch(`${helix.url}/health/readiness`)).json()) as Readiness).checks.embedder.ready, { timeout: 30_000 })
    .toBe(true);
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

async function ask(content: string, system = "You are helpful.") {
  const { data, response } = await client.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "system", content: system }, { role: "user", content }] })
    .withResponse();
  return { text: data.choices[0].message.content, cache: response.headers.get("x-helix-cache"), similarity: response.headers.get("x-helix-similarity") };
}

/** The answer is indexed after the response: wait until a repeat of the same words is served. */
async function indexed(content: string, system?: string) {
  await expect.poll(async () => (await ask(content, system)).cache, { timeout: 10_000 }).toBe("HIT");
}

test("readiness names the active embedder and why it is not the configured one", async () => {
  const r = (await (await fetch(`${helix.url}/health/readiness`)).json()) as Readiness;
  expect(r.checks.embedder).toMatchObject({ ready: true, active: "use-lite", fallback: true });
  expect(r.checks.embedder.reason).toMatch(/all-MiniLM-L6-v2 weights unavailable/);
});

test("a paraphrase is a SEMANTIC_HIT with its similarity", async () => {
  const first = await ask("How do I reset my password?");
  expect(first.cache).toBe("MISS");
  await indexed("How do I reset my password?");
  const para = await ask("What are the steps to reset my password?");
  expect(para.cache).toBe("SEMANTIC_HIT");
  expect(para.text).toBe(first.text);
  expect(Number(para.similarity)).toBeGreaterThanOrEqual(0.8);
  const r = (await (await fetch(`${helix.url}/health/readiness`)).json()) as Readiness;
  expect(r.checks.vector_store.kind).toBe("pgvector");
});

test("What is 2+2? then What is 3+3? is a MISS (the guard vetoes different numbers)", async () => {
  const four = await ask("What is 2+2?");
  await indexed("What is 2+2?");
  const six = await ask("What is 3+3?");
  expect(six.cache).toBe("MISS");
  expect(six.text).not.toBe(four.text);
});

test("the capital of France is not the capital of Germany", async () => {
  await ask("What is the capital of France?");
  await indexed("What is the capital of France?");
  expect((await ask("What is the capital of Germany?")).cache).toBe("MISS");
});

test("a paraphrase under another system prompt is a MISS", async () => {
  await ask("Explain how photosynthesis works.", "You are a biology teacher.");
  await indexed("Explain how photosynthesis works.", "You are a biology teacher.");
  expect((await ask("Can you explain how photosynthesis works?", "You are a pirate.")).cache).toBe("MISS");
  // Control: the same paraphrase under the same system prompt is served.
  expect((await ask("Can you explain how photosynthesis works?", "You are a biology teacher.")).cache).toBe("SEMANTIC_HIT");
});

test("a paraphrase from another tenant is a MISS", async () => {
  await ask("What is the boiling point of water at sea level?");
  await indexed("What is the boiling point of water at sea level?");
  const other = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local-another-tenant", maxRetries: 0 });
  const { response } = await other.chat.completions
    .create({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "You are helpful." },
        { role: "user", content: "At sea level, what is the boiling point of water?" },
      ],
    })
    .withResponse();
  expect(response.headers.get("x-helix-cache")).toBe("MISS");
  // Control: the same paraphrase from the same tenant is served.
  expect((await ask("At sea level, what is the boiling point of water?")).cache).toBe("SEMANTIC_HIT");
});

test("a prompt longer than the embedder's window is never served semantically", async () => {
  const shared = "Please summarise the following report carefully and list every risk it mentions. ".repeat(40);
  await ask(`${shared} The report is about the northern bridge.`);
  await indexed(`${shared} The report is about the northern bridge.`);
  expect((await ask(`${shared} The report is about the southern tunnel.`)).cache).toBe("MISS");
});
