// Property-based fuzzing (fast-check) of the public endpoints' parsers against a running Helix:
// malformed JSON, wrong types, deep nesting, invalid UTF-8 and odd headers always get a 4xx with an
// OpenAI-shaped error (or a 2xx when the random body happens to be valid) — never a 5xx, never a hang.
import { test, expect } from "@playwright/test";
import fc from "fast-check";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";

const MASTER = "sk-fuzz-master-key";
let fake: FakeUpstream;
let helix: HelixServer;

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake), MASTER_KEY: MASTER, HELIX_EMBEDDINGS_OFFLINE: "true" });
});
test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

/** Bodies: raw text, any JSON, chat-shaped objects with wrong types, deep nesting, invalid UTF-8. */
const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }));
const chatShaped = fc.record(
  {
    model: anyValue,
    messages: fc.oneof(anyValue, fc.array(fc.record({ role: anyValue, content: anyValue }, { requiredKeys: [] }), { maxLength: 3 })),
    stream: anyValue,
    max_tokens: anyValue,
    temperature: anyValue,
    input: anyValue,
    tools: anyValue,
    user: anyValue,
  },
  { requiredKeys: [] },
).map((o) => JSON.stringify(o));
const deep = fc.integer({ min: 50, max: 5_000 }).map((n) => "[".repeat(n) + "]".repeat(n));
const deepObject = fc.integer({ min: 50, max: 3_000 }).map((n) => '{"a":'.repeat(n) + "1" + "}".repeat(n));
const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'), Buffer.from(b), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')]));
const body = fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 4 }), chatShaped, deep, deepObject, invalidUtf8);
const contentType = fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "", "multipart/form-data; boundary=x");

async function send(method: string, path: string, data: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${helix.url}${path}`, { method, headers, body: typeof data === "string" ? data : new Uint8Array(data), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

function expectOpenAIShaped(r: { status: number; text: string }, what: string) {
  expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400) {
    const parsed = JSON.parse(r.text) as { error?: { message?: unknown; type?: unknown } };
    expect(typeof parsed.error?.message, what).toBe("string");
    expect(typeof parsed.error?.type, what).toBe("string");
  }
}

const ENDPOINTS: Array<[string, string]> = [
  ["POST", "/v1/chat/completions"],
  ["POST", "/v1/embeddings"],
  ["POST", "/helix/keys"],
  ["PUT", "/helix/budgets/key/fuzz-key"],
  ["POST", "/helix/pii/test"],
  ["POST", "/helix/prices"],
  ["PUT", "/helix/policies"],
  ["POST", "/helix/policies/validate"],
  ["POST", "/helix/config/validate"],
  ["PUT", "/helix/pii/policies/team/fuzz-team"],
];

for (const [method, path] of ENDPOINTS) {
  test(`${method} ${path}: any body and content type is a 4xx OpenAI-shaped error or a success, never a 5xx or a hang`, async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, async (data, type) => {
        const headers: Record<string, string> = { authorization: `Bearer ${MASTER}`, "x-helix-cache": "bypass" };
        if (type) headers["content-type"] = type;
        expectOpenAIShaped(await send(method, path, data, headers), `${method} ${path} ${type} ${String(data).slice(0, 120)}`);
      }),
      { numRuns: 100, seed: 20261130 },
    );
  });
}

test("odd headers (auth schemes, huge and odd header values) never produce a 5xx", async () => {
  const authorization = fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom("Bearer", "Bearer ", "Basic abc", `Bearer ${MASTER} extra`, "bearer " + "x".repeat(8_000)));
  await fc.assert(
    fc.asyncProperty(authorization, fc.constantFrom("/v1/chat/completions", "/v1/models", "/helix/keys", "/helix/config"), async (auth, path) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      // fetch refuses header values with control characters itself: those never reach the server.
      if (/^[\t\x20-\x7e]*$/.test(auth)) headers.authorization = auth;
      const method = path === "/v1/chat/completions" ? "POST" : "GET";
      const r = await fetch(`${helix.url}${path}`, { method, headers, body: method === "POST" ? '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' : undefined, signal: AbortSignal.timeout(10_000) });
      expectOpenAIShaped({ status: r.status, text: await r.text() }, `${path} auth=${auth.slice(0, 60)}`);
    }),
    { numRuns: 60, seed: 7 },
  );
});

test("a body over the size limit is a 413, however it is sent", async () => {
  const big = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(300_000) }] });
  const r = await send("POST", "/v1/chat/completions", big, { authorization: `Bearer ${MASTER}`, "content-type": "application/json" });
  expect(r.status).toBe(413);
  expectOpenAIShaped(r, "oversized body");
});
