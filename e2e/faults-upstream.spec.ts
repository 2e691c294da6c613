// Upstream faults and client disconnects through the official OpenAI SDK against a running Helix
// on PostgreSQL: each fault gives the client a clear OpenAI-shaped error (or a whole answer), the
// process stays up, and every request leaves exactly one request_logs row with the right status.
// The client-side behaviour alone of some cases is asserted in api-chat.spec.ts ("upstream 5xx is
// retried and then succeeds", "429 with retry-after is honoured", "upstream too slow → 504",
// "upstream killed mid-stream → final SSE error event"); here they are repeated only for their
// log rows. lib/providers/fake-upstream.test.ts covers the provider layer's view of each fault.
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, type TestDatabase } from "./support/databases";

// The last test counts the rows of the ones before: they run in order, in one worker.
test.describe.configure({ mode: "serial" });

const MODEL = "gpt-4o-mini";
const ID = "x-helix-request-id";
let fake: FakeUpstream;
let db: TestDatabase;
let helix: HelixServer;
let client: OpenAI;
/** Every request this file sends, by request id: the table must hold exactly these rows. */
const sent = new Set<string>();
/** Requests aborted before any response: their ids exist only on the server (counted, not named). */
let unnamed = 0;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  db = await createTestDatabase();
  // writeConfig: num_retries 2, first_byte_ms 1500, stream_idle_ms 1500.
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake), DATABASE_URL: db.url });
  client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local-faults", maxRetries: 0 });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
  await db?.drop();
});

interface Outcome {
  id: string;
  text: string;
  error?: InstanceType<typeof OpenAI.APIError>;
  /** The error came as the stream's final SSE event, after a 200 and some chunks. */
  midStream?: boolean;
}

function track(id: string | null | undefined, what = ""): string {
  expect(id ?? "", `every answer, error or not, names its request id ${what}`).toMatch(/^req_/);
  sent.add(id!);
  return id!;
}

async function ask(content: string, stream: boolean): Promise<Outcome> {
  const messages = [{ role: "user" as const, content }];
  try {
    if (!stream) {
      const { data, response } = await client.chat.completions.create({ model: MODEL, messages }).withResponse();
      return { id: track(response.headers.get(ID)), text: data.choices[0].message.content ?? "" };
    }
    const { data, response } = await client.chat.completions.create({ model: MODEL, messages, stream: true }).withResponse();
    const id = track(response.headers.get(ID));
    let text = "";
    try {
      for await (const chunk of data) for (const c of chunk.choices) text += c.delta.content ?? "";
    } catch (err) {
      expect(err).toBeInstanceOf(OpenAI.APIError);
      return { id, text, error: err as InstanceType<typeof OpenAI.APIError>, midStream: true };
    }
    return { id, text };
  } catch (err) {
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    return { id: track(e.headers?.get(ID), `(${e.status} ${e.message})`), text: "", error: e };
  }
}

interface LogRow {
  id: string;
  status: number;
  stream: boolean;
  attempts: number;
  error_type: string | null;
  output_tokens: number | null;
  cost_micros: string | null;
  cost_status: string | null;
}

/** The rows of these requests, once all are written (polled: rows are written in batches). */
async function rowsOf(ids: string[]): Promise<Map<string, LogRow>> {
  let rows: LogRow[] = [];
  await expect
    .poll(
      async () => {
        rows = await db.query<LogRow>(
          "SELECT id, status, stream, attempts, error_type, output_tokens, cost_micros::text, cost_status FROM request_logs WHERE id = ANY($1)",
          [ids],
        );
        return rows.length;
      },
      { timeout: 15_000 },
    )
    .toBe(ids.length);
  return new Map(rows.map((r) => [r.id, r]));
}

async function healthy(): Promise<void> {
  expect((await fetch(`${helix.url}/health`)).status).toBe(200);
  const ok = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "still here" }] }).withResponse();
  track(ok.response.headers.get(ID));
  expect(ok.data.choices[0].message.content).toBe("Echo: still here");
}

async function inFlightGauge(): Promise<number> {
  const text = await (await fetch(`${helix.url}/metrics`)).text();
  const m = /^helix_requests_in_flight (\d+)$/m.exec(text);
  if (!m) throw new Error("helix_requests_in_flight missing from /metrics");
  return Number(m[1]);
}

test("each upstream fault: a clear error (or a whole answer), the process stays up, one log row with the right status", async () => {
  const upstreamCalls = () => fake.requests.length;
  const cases: Array<{
    name: string;
    prompt: string;
    stream: boolean;
    check: (o: Outcome, row: LogRow, calls: number) => void;
  }> = [
    {
      name: "500 every time: retried (num_retries 2), then 502",
      prompt: "[[status:500]] always failing",
      stream: false,
      check: (o, row, calls) => {
        expect(o.error?.status).toBe(502);
        expect(o.error?.type).toBe("upstream_error");
        expect(calls).toBe(3);
        expect(row).toMatchObject({ status: 502, attempts: 3, error_type: "upstream_error" });
      },
    },
    {
      name: "500 before a stream starts: a 502 response, not a broken stream",
      prompt: "[[status:500]] always failing stream",
      stream: true,
      check: (o, row, calls) => {
        expect(o.midStream).toBeUndefined();
        expect(o.error?.status).toBe(502);
        expect(calls).toBe(3);
        expect(row).toMatchObject({ status: 502, attempts: 3, stream: true });
      },
    },
    {
      name: "one 429 with retry-after 1: honoured, then answered",
      prompt: "[[fail-first:1 status=429 retry-after=1]] later",
      stream: false,
      check: (o, row, calls) => {
        expect(o.error).toBeUndefined();
        expect(o.text).toMatch(/^Echo: later \d+$/);
        expect(calls).toBe(2);
        expect(row).toMatchObject({ status: 200, attempts: 2, error_type: null });
      },
    },
    {
      name: "429 with retry-after beyond max_retry_after_ms: passed through with its retry-after",
      prompt: "[[status:429 retry-after=120]] busy",
      stream: false,
      check: (o, row, calls) => {
        expect(o.error).toBeInstanceOf(OpenAI.RateLimitError);
        expect(o.error?.headers?.get("retry-after")).toBe("120");
        expect(calls).toBe(1);
        expect(row).toMatchObject({ status: 429, attempts: 1 });
      },
    },
    {
      name: "no first byte within first_byte_ms: 504",
      prompt: "[[delay:4000]] slow",
      stream: false,
      check: (o, row) => {
        expect(o.error?.status).toBe(504);
        expect(o.error?.type).toBe("timeout_error");
        expect(row).toMatchObject({ status: 504, error_type: "timeout_error" });
      },
    },
    {
      name: "connection reset before any byte: retried, then 502",
      prompt: "[[kill-after:0]] reset",
      stream: false,
      check: (o, row, calls) => {
        expect(o.error?.status).toBe(502);
        expect(o.error?.type).toBe("upstream_error");
        expect(calls).toBe(3);
        expect(row).toMatchObject({ status: 502, attempts: 3 });
      },
    },
    {
      // The upstream answers 200 and a role-only chunk, then dies: no output reached the client,
      // so it is retried like a failed connection (call-provider.ts startStream).
      name: "connection reset before a stream's first output: retried, then a 502 response",
      prompt: "[[kill-after:0]] reset stream",
      stream: true,
      check: (o, row, calls) => {
        expect(o.midStream).toBeUndefined();
        expect(o.error?.status).toBe(502);
        expect(calls).toBe(3);
        expect(row).toMatchObject({ status: 502, stream: true, attempts: 3 });
      },
    },
    {
      name: "connection reset mid-stream: the text so far, then a final error event",
      prompt: "[[kill-after:3]] [[words:20]] die",
      stream: true,
      check: (o, row, calls) => {
        expect(o.midStream).toBe(true);
        expect(o.text.length).toBeGreaterThan(0);
        expect(o.error?.message).toMatch(/stream/i);
        expect(calls).toBe(1); // a started stream is never retried: the client has part of it
        expect(row).toMatchObject({ status: 502, stream: true, attempts: 1 });
      },
    },
    {
      name: "a stream that stalls: ended with an error event after stream_idle_ms, not a hang",
      prompt: "[[stall-after:2]] [[words:20]] stall",
      stream: true,
      check: (o, row) => {
        expect(o.midStream).toBe(true);
        expect(o.text.split(" ").length).toBe(2);
        expect(o.error?.message).toMatch(/idle|timed out|timeout/i);
        expect(row).toMatchObject({ status: 504, stream: true });
      },
    },
    {
      name: "a stream that ends without [DONE]: a final error event (the answer may be incomplete)",
      prompt: "[[no-done]] [[words:5]] cut",
      stream: true,
      check: (o, row) => {
        expect(o.midStream).toBe(true);
        expect(o.error?.message).toMatch(/stream ended unexpectedly/i);
        expect(row).toMatchObject({ status: 502, stream: true });
      },
    },
  ];
  const seen: Array<{ name: string; outcome: Outcome; calls: number; ms: number }> = [];
  for (const c of cases) {
    const before = upstreamCalls();
    const t0 = Date.now();
    const outcome = await ask(`${c.prompt} ${Date.now()}`, c.stream);
    seen.push({ name: c.name, outcome, calls: upstreamCalls() - before, ms: Date.now() - t0 });
  }
  const rows = await rowsOf(seen.map((s) => s.outcome.id));
  for (const [i, c] of cases.entries()) {
    const s = seen[i];
    console.log(`fault: ${c.name}: ${s.outcome.error ? `${s.outcome.error.status ?? "SSE"} ${s.outcome.error.message.slice(0, 80)}` : "200"}; row ${rows.get(s.outcome.id)!.status}, upstream calls ${s.calls}, ${s.ms} ms`);
    await test.step(c.name, () => c.check(s.outcome, rows.get(s.outcome.id)!, s.calls));
  }
  await healthy();
});

test("client disconnects: logged as 499 (a stream's produced tokens billed), nothing leaks after 50 aborts", async () => {
  // A stream aborted after three chunks.
  const ac = new AbortController();
  const { data, response } = await client.chat.completions
    .create({ model: MODEL, stream: true, messages: [{ role: "user", content: `[[words:300]] [[chunk-delay:20]] long ${Date.now()}` }] }, { signal: ac.signal })
    .withResponse();
  const streamId = track(response.headers.get(ID));
  let chunks = 0;
  await (async () => {
    for await (const chunk of data) if (chunk.choices.length > 0 && ++chunks === 3) ac.abort();
  })().catch(() => {});
  // A non-stream request aborted while the upstream is still thinking.
  const aborts = () => fake.events.filter((e) => e.type === "client-aborted").length;
  const abortedBefore = aborts();
  const ac2 = new AbortController();
  // The id of a request aborted before its answer is only on the server: its row is found below
  // as the one 499 non-stream row not among the ids the client has seen.
  const plain = client.chat.completions
    .create({ model: MODEL, messages: [{ role: "user", content: `[[delay:3000]] waiting ${Date.now()}` }] }, { signal: ac2.signal })
    .catch((e: unknown) => e);
  await expect.poll(() => fake.requests.some((r) => JSON.stringify(r.body ?? "").includes("waiting")), { timeout: 5000 }).toBe(true);
  ac2.abort();
  expect(await plain).toBeInstanceOf(OpenAI.APIUserAbortError);
  // The upstream call is abandoned too, not left running.
  await expect.poll(aborts, { timeout: 5000 }).toBeGreaterThan(abortedBefore);

  const streamRow = (await rowsOf([streamId])).get(streamId)!;
  expect(streamRow).toMatchObject({ status: 499, error_type: "client_disconnected", stream: true });
  // README: "an aborted stream is billed for what it produced".
  expect(streamRow.output_tokens).toBeGreaterThanOrEqual(3);
  expect(Number(streamRow.cost_micros)).toBeGreaterThan(0);
  expect(streamRow.cost_status).toBe("estimated");
  await expect
    .poll(async () => (await db.query<{ id: string }>("SELECT id FROM request_logs WHERE status = 499 AND NOT stream AND id <> ALL($1)", [[...sent]])).map((r) => r.id), {
      timeout: 15_000,
    })
    .toHaveLength(1);
  const plainId = (await db.query<{ id: string }>("SELECT id FROM request_logs WHERE status = 499 AND NOT stream AND id <> ALL($1)", [[...sent]]))[0].id;
  sent.add(plainId);

  // 50 more, ten at a time, half streams aborted mid-way and half plain requests aborted while
  // the upstream delays: then no request is still counted in flight, and the next one is served.
  const before499 = Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM request_logs WHERE status = 499"))[0].n);
  for (let round = 0; round < 5; round++) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const c = new AbortController();
        if (i % 2 === 0) {
          const s = await client.chat.completions
            .create({ model: MODEL, stream: true, messages: [{ role: "user", content: `[[words:200]] [[chunk-delay:20]] r${round} ${i}` }] }, { signal: c.signal })
            .withResponse();
          track(s.response.headers.get(ID));
          let n = 0;
          await (async () => {
            for await (const chunk of s.data) if (chunk.choices.length > 0 && ++n === 2) c.abort();
          })().catch(() => {});
        } else {
          setTimeout(() => c.abort(), 300);
          const e = await client.chat.completions
            .create({ model: MODEL, messages: [{ role: "user", content: `[[delay:2000]] r${round} ${i}` }] }, { signal: c.signal })
            .catch((err: unknown) => err);
          expect(e).toBeInstanceOf(OpenAI.APIUserAbortError);
          unnamed++;
        }
      }),
    );
  }
  await expect.poll(inFlightGauge, { timeout: 15_000 }).toBe(0);
  await expect
    .poll(async () => Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM request_logs WHERE status = 499"))[0].n) - before499, { timeout: 15_000 })
    .toBe(50);
  await healthy();
  console.log(`disconnects: stream aborted after ${chunks} chunks billed ${streamRow.output_tokens} tokens (${streamRow.cost_micros} micro-USD); 52 aborted requests logged as 499; in-flight gauge back to 0`);
});

test("the table holds exactly one row per request sent, and none other", async () => {
  await expect.poll(async () => Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM request_logs"))[0].n), { timeout: 15_000 }).toBe(sent.size + unnamed);
  const missing = await db.query<{ id: string }>("SELECT x AS id FROM unnest($1::text[]) x WHERE x NOT IN (SELECT id FROM request_logs)", [[...sent]]);
  expect(missing).toEqual([]);
  console.log(`rows: ${sent.size + unnamed} requests sent (${unnamed} aborted before any response), ${sent.size + unnamed} rows`);
});
