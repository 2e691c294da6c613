// PII protection end to end: canary values sent through the official SDK in every place text can
// reach a provider never arrive at the (fake) provider, tokenized values come back in the answer,
// blocked types are refused — and afterwards no canary is in Postgres, Redis or the logs.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from "./support/databases";

const MASTER = "sk-master-pii-e2e";
const CANARY = {
  email: "canary.person@example-canary.org",
  phone: "+1 415-555-0199",
  card: "4111 1111 1111 1111",
  name: "Theodora Vandersloot",
  ssn: "419-37-2849",
  // Built at run time: no secret-shaped literal in the repository.
  apiKey: ["sk", "proj", "Canary".repeat(8) + "T3BlbkFJ" + "Zz9".repeat(8)].join("-"),
};
const SECRETS = Object.values(CANARY);
// A Redis database of this file's own, emptied first: the canary search must see only this run.
const REDIS_URL = `${TEST_REDIS_URL.replace(/\/\d*$/, "")}/12`;
// Prompts of this run only: the machine's Redis keeps cached answers between runs.
const RUN = Date.now().toString(36);

let fake: FakeUpstream;
let db: TestDatabase;
let helix: HelixServer;
let client: OpenAI;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  db = await createTestDatabase();
  spawnSync("redis-cli", ["-u", REDIS_URL, "flushdb"]);
  const extra = `  - model_name: embed-model
    provider: openai
    model: text-embedding-3-small
`;
  const config = writeConfig(fake, extra);
  writeFileSync(
    config,
    // store_prompts on: the logs then hold prompts and answers, and must hold them redacted.
    readFileSync(config, "utf8").replace("store_prompts: false", "store_prompts: true").replace(
      "helix_settings:\n",
      `helix_settings:
  pii_protection:
    entities: [EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, PERSON, US_SSN]
    entity_actions: {PERSON: tokenize, US_SSN: block}
    scan_output: true
`,
    ),
  );
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: config, DATABASE_URL: db.url, REDIS_URL, MASTER_KEY: MASTER, HELIX_EMBEDDINGS_OFFLINE: "true" });
  client = new OpenAI({ baseURL: helix.baseURL, apiKey: MASTER, maxRetries: 0 });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
  await db?.drop();
});

const upstreamSaw = () => JSON.stringify(fake.requests.map((r) => r.body));

test("no configured value reaches the provider, in any place text can go", async () => {
  const tools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: { name: "send_mail", parameters: { type: "object" } } }];
  const { response } = await client.chat.completions
    .create({
      model: "gpt-4o-mini",
      tools,
      messages: [
        { role: "system", content: `Escalations go to ${CANARY.email}.` },
        { role: "user", content: [{ type: "text", text: `Call me on ${CANARY.phone}, card ${CANARY.card}.` }] },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "send_mail", arguments: JSON.stringify({ to: CANARY.email }) } }] },
        { role: "tool", tool_call_id: "call_1", content: `Delivered to ${CANARY.email}; key used ${CANARY.apiKey}` },
        { role: "user", content: `Thanks, what next? (${RUN})` },
      ],
    })
    .withResponse();
  expect(response.headers.get("x-helix-pii")?.split(",")).toEqual(expect.arrayContaining(["API_KEY", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"]));
  await client.embeddings.create({ model: "embed-model", input: [`contact ${CANARY.email}`, "plain"] });
  const seen = upstreamSaw();
  for (const secret of [CANARY.email, CANARY.phone, CANARY.card, CANARY.apiKey]) expect(seen).not.toContain(secret);
  expect(seen).toContain("<EMAIL_ADDRESS>");
});

test("tokenize: the provider sees <PERSON_1>, the client gets the name back (plain and streamed)", async () => {
  const prompt = `My name is ${CANARY.name} and I need help (${RUN}).`;
  const plain = await client.chat.completions.create({ model: "claude-3-5-haiku-latest", messages: [{ role: "user", content: prompt }] });
  expect(plain.choices[0].message.content).toBe(`Echo: ${prompt}`);
  expect(upstreamSaw()).not.toContain(CANARY.name);
  expect(upstreamSaw()).toContain("<PERSON_1>");

  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: `${prompt} Again.` }] });
  let text = "";
  for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
  expect(text).toBe(`Echo: ${prompt} Again.`);
});

test("a cached answer is restored with each request's own values (exact hit, plain and streamed)", async () => {
  const ask = async (name: string, stream: boolean) => {
    const content = `Please greet ${name} warmly (${RUN}).`;
    if (!stream) {
      const { data, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }).withResponse();
      return { text: data.choices[0].message.content, cache: response.headers.get("x-helix-cache") };
    }
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content }] })
      .withResponse();
    let text = "";
    for await (const c of data) text += c.choices[0]?.delta.content ?? "";
    return { text, cache: response.headers.get("x-helix-cache") };
  };
  expect((await ask(CANARY.name, false)).cache).toBe("MISS");
  await expect.poll(async () => (await ask("Margarethe Oyelaran", false)).cache).toBe("HIT");
  const other = await ask("Margarethe Oyelaran", false);
  expect(other.text).toBe(`Echo: Please greet Margarethe Oyelaran warmly (${RUN}).`);
  const streamed = await ask("Kwabena Lindqvist", true);
  expect(streamed.cache).toBe("HIT");
  expect(streamed.text).toBe(`Echo: Please greet Kwabena Lindqvist warmly (${RUN}).`);
});

test("scan_output: an email the model writes never reaches the client (plain, streamed, cached); the user's own values do", async () => {
  // The fake answers with exactly this text (base64 in the prompt, so the input scan cannot see it).
  const leak = "leaked.writer@example-canary.org";
  const answer = `Sure <PERSON_1>, write to ${leak} (${RUN}).`;
  const content = `My name is ${CANARY.name} [[answer-b64:${Buffer.from(answer).toString("base64")}]]`;
  const expected = `Sure ${CANARY.name}, write to <EMAIL_ADDRESS> (${RUN}).`;
  const plain = async () => {
    const { data, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }).withResponse();
    return { text: data.choices[0].message.content, cache: response.headers.get("x-helix-cache"), types: response.headers.get("x-helix-pii-output") };
  };
  const first = await plain();
  expect(first).toEqual({ text: expected, cache: "MISS", types: "EMAIL_ADDRESS" });
  // The cache keeps the unscanned answer; a hit is scanned like a live answer.
  await expect.poll(async () => (await plain()).cache).toBe("HIT");
  expect(await plain()).toEqual({ text: expected, cache: "HIT", types: "EMAIL_ADDRESS" });

  for (const bypass of [true, false]) {
    const stream = await client.chat.completions.create(
      { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content }] },
      bypass ? { headers: { "x-helix-cache": "bypass" } } : {},
    );
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    expect(text).toBe(expected);
  }
  await expect
    .poll(async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pii_incidents WHERE entity_type = 'EMAIL_ADDRESS' AND location = 'response'"))[0].n)
    .toBeGreaterThanOrEqual(4);
});

test("block: a US_SSN is refused with 400 naming the type, never the value", async () => {
  const before = fake.requests.length;
  const err = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `My SSN is ${CANARY.ssn}` }] }).catch((e) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect(err.code).toBe("pii_blocked");
  expect(err.message).toContain("US_SSN");
  expect(err.message).not.toContain(CANARY.ssn);
  expect(fake.requests.length).toBe(before);
  // A request that fails before the scan (unknown model) must not leave its raw text in the logs.
  const unknown = await client.chat.completions.create({ model: "totally-unknown", messages: [{ role: "user", content: `mail ${CANARY.email}` }] }).catch((e) => e);
  expect(unknown.status).toBe(404);
});

test("incidents are recorded without values, and no canary is in Postgres, Redis or the logs", async () => {
  await expect
    .poll(async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pii_incidents WHERE entity_type = 'US_SSN' AND action = 'block'"))[0].n)
    .toBeGreaterThan(0);
  const incidents = await db.query<Record<string, unknown>>("SELECT entity_type, action, location FROM pii_incidents");
  expect(incidents.map((i) => i.entity_type)).toEqual(expect.arrayContaining(["EMAIL_ADDRESS", "PERSON", "API_KEY"]));
  expect(incidents.map((i) => i.location)).toEqual(expect.arrayContaining(["messages", "tool_calls", "tool_results", "embeddings"]));

  const dump = JSON.stringify(await Promise.all(["request_logs", "pii_incidents", "api_keys"].map((t) => db.query(`SELECT * FROM ${t}`))));
  expect(dump).toContain("<PERSON_1>"); // prompts and answers are logged (store_prompts), in their redacted form
  const redis = spawnSync("redis-cli", ["-u", REDIS_URL, "--scan", "--pattern", "helix:*"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  // GET for strings (cached answers), HGETALL for hashes (vectors, metrics): the stored text itself.
  const values = redis
    .map((k) => ["get", "hgetall"].map((cmd) => spawnSync("redis-cli", ["-u", REDIS_URL, "--raw", cmd, k], { encoding: "utf8" }).stdout).join("\n"))
    .join("\n");
  expect(values).toContain("<PERSON_1>"); // the answers are there, in their tokenized form
  for (const secret of SECRETS) {
    expect(dump).not.toContain(secret);
    expect(values).not.toContain(secret);
    expect(helix.output()).not.toContain(secret);
  }
});
