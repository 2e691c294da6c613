// Live demo traffic: a temporary Helix (the production build) on the target database, pointed at
// the fake upstream, with a demo organisation, teams, users, keys, budgets and a PII policy created
// through the admin API, then a realistic mix of requests sent through the real pipeline.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { startHelix, type HelixServer } from "@/e2e/support/helix-server";
import { adminRequest } from "@/e2e/support/admin";
import { spawnFakeUpstream } from "@/test/fake-upstream/spawn";
import { ensureBuild } from "./ensure-build";
import { rng } from "./seed-synth";

export const DEMO_ORG = "Acme Demo";

export interface LiveOptions {
  requests: number;
  concurrency: number;
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  seed: number;
  log: (message: string) => void;
}

export interface LiveResult {
  /** The team whose daily budget the live traffic takes near its limit. */
  nearBudgetTeamId?: string;
  sent: number;
  byStatus: Record<string, number>;
  ms: number;
}

interface DemoKey {
  id: string;
  key: string;
  name: string;
  team: string;
  weight: number;
  revoked?: boolean;
}

type Team = "Platform" | "Research" | "Support" | "Marketing";

/** Users (external ids) and the team each belongs to. */
const USERS: ReadonlyArray<readonly [string, Team]> = [
  ["ana@acme.example", "Platform"],
  ["ben@acme.example", "Platform"],
  ["chloe@acme.example", "Research"],
  ["dev@acme.example", "Research"],
  ["emma@acme.example", "Support"],
  ["farid@acme.example", "Support"],
  ["gina@acme.example", "Marketing"],
  ["hugo@acme.example", "Marketing"],
];

/** [key name, user index, traffic weight, limits]. */
const KEYS: ReadonlyArray<readonly [string, number, number, Record<string, unknown>]> = [
  ["platform-api-prod", 0, 10, { rpm: 10_000 }],
  ["platform-batch", 1, 4, { max_budget_usd: 50, budget_period: "monthly" }],
  ["platform-staging", 0, 2, {}],
  ["research-notebooks", 2, 6, {}],
  ["research-evals", 3, 5, { max_budget_usd: 25, budget_period: "weekly" }],
  ["support-bot", 4, 9, { rpm: 5_000, tpm: 5_000_000 }],
  ["support-summaries", 5, 4, {}],
  ["support-legacy", 5, 0, {}], // revoked below
  ["marketing-copy", 6, 4, { max_budget_usd: 10, budget_period: "monthly" }],
  ["marketing-seo", 7, 2, {}],
  ["marketing-intern", 7, 1, { max_budget_usd: 2, budget_period: "daily" }],
  ["ci-smoke-tests", 1, 1, {}],
];

const MODELS: ReadonlyArray<readonly [string, number]> = [
  ["gpt-4o-mini", 34],
  ["gpt-4o", 14],
  ["claude-3-5-haiku-latest", 20],
  ["gemini-2.0-flash", 18],
  ["text-embedding-3-small", 14],
];

const END_USERS = ["cust-1042", "cust-2210", "cust-3307", "cust-4471", "cust-5518", "cust-6093", "cust-7125", "cust-8842", "cust-9901"];

const TOPICS = [
  "how to rotate an API key safely",
  "a summary of our Q3 support tickets",
  "the difference between TCP and UDP",
  "a haiku about distributed systems",
  "how to write a good pull request description",
  "the main causes of inflation",
  "why the sky is blue",
  "how vector databases index embeddings",
  "a polite reply to a customer asking for a refund",
  "the trade-offs of microservices",
  "how to cook risotto",
  "an onboarding checklist for new engineers",
  "what a Kubernetes readiness probe does",
  "the plot of Hamlet in three sentences",
  "a product description for noise-cancelling headphones",
  "best practices for SQL indexes",
  "how photosynthesis works",
  "a tagline for a coffee shop",
  "how to handle rate limits in a client",
  "the history of the printing press",
];

const PARAPHRASE = ["Explain {t}.", "Can you explain {t}?", "Please explain {t}", "Explain to me {t}."];

const PII_SNIPPETS = [
  "My email is jane.doe@example.com, please follow up.",
  "Call me back at +1 415 555 0132 about my order.",
  "Charge the card 4111 1111 1111 1111 for the renewal.",
  "Customer john.smith@contoso.com (phone 020 7946 0958) wants a refund.",
];

function pick<T>(rand: () => number, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let u = rand() * total;
  for (const [v, w] of items) if ((u -= w) <= 0) return v;
  return items[items.length - 1][0];
}

function writeDemoConfig(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "helix-seed-"));
  const file = path.join(dir, "helix.yaml");
  writeFileSync(
    file,
    `helix_settings:
  general: {store_prompts: false}
  gateway:
    num_retries: 1
    retry_backoff_ms: 20
    retry_backoff_max_ms: 100
    max_retry_after_ms: 200
    timeouts: {connect_ms: 2000, first_byte_ms: 10000, stream_idle_ms: 10000}
  cache: {enabled: true}
  semantic_cache: {enabled: true}
  pii_protection:
    enabled: true
    entities: ["CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"]
    action: "redact"
  cost_optimization: {enabled: true, budget_alerts: true}
model_list:
  - {model_name: gpt-4o, provider: openai}
  - {model_name: gpt-4o-mini, provider: openai}
  - {model_name: claude-3-5-haiku-latest, provider: anthropic}
  - {model_name: gemini-2.0-flash, provider: gemini}
  - {model_name: text-embedding-3-small, provider: openai}
`,
  );
  return file;
}

function upstreamEnv(url: string): Record<string, string> {
  return {
    OPENAI_BASE_URL: `${url}/v1`,
    OPENAI_API_KEY: "sk-fake-openai",
    ANTHROPIC_BASE_URL: url,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    GEMINI_BASE_URL: url,
    GOOGLE_API_KEY: "fake-google-key",
  };
}

async function admin(helix: HelixServer, master: string, method: string, p: string, body?: unknown) {
  const r = await adminRequest(helix.url, master, method, p, body);
  if (r.status >= 300) throw new Error(`${method} ${p} answered ${r.status}: ${JSON.stringify(r.json).slice(0, 300)}`);
  return r.json;
}

async function setUp(helix: HelixServer, master: string, log: (m: string) => void): Promise<{ keys: DemoKey[]; teamIds: Record<string, string> }> {
  const suffix = randomBytes(3).toString("hex");
  const keys: DemoKey[] = [];
  for (const [name, userIdx, weight, limits] of KEYS) {
    const [user, team] = USERS[userIdx];
    // Key names get a run suffix; the organisation, teams and users are reused across runs.
    const created = await admin(helix, master, "POST", "/helix/keys", { name: `${name}-${suffix}`, user, team, org: DEMO_ORG, ...limits });
    keys.push({ id: created.id as string, key: created.key as string, name, team, weight });
  }
  const legacy = keys.find((k) => k.name === "support-legacy")!;
  await admin(helix, master, "DELETE", `/helix/keys/${legacy.id}`);
  legacy.revoked = true;
  const teamIds: Record<string, string> = {};
  const teams = await admin(helix, master, "GET", "/helix/teams");
  for (const t of (teams.data ?? []) as Array<{ id: string; name: string; org: string | null }>) {
    if (t.org === DEMO_ORG) teamIds[t.name] = t.id;
  }
  // Team budgets. Research's is a daily one, sized after the first part of the traffic so the day
  // ends near its limit (the synthetic history leaves Research's today to the live traffic).
  if (teamIds.Platform) await admin(helix, master, "PUT", `/helix/budgets/team/${teamIds.Platform}`, { max_budget_usd: 500, period: "monthly", alert_thresholds: [50, 80, 100] });
  if (teamIds.Support) await admin(helix, master, "PUT", `/helix/budgets/team/${teamIds.Support}`, { max_budget_usd: 200, period: "monthly", rpm: 20_000 });
  if (teamIds.Research) await admin(helix, master, "PUT", `/helix/budgets/team/${teamIds.Research}`, { max_budget_usd: 1_000, period: "daily", alert_thresholds: [50, 80, 100] });
  // Support handles customer data: mask emails and phones, block card numbers.
  if (teamIds.Support) {
    await admin(helix, master, "PUT", `/helix/pii/policies/team/${teamIds.Support}`, {
      enabled: true,
      entities: ["CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE"],
      action: "mask",
      entity_actions: { CREDIT_CARD: "block" },
    });
  }
  log(`demo org "${DEMO_ORG}": ${Object.keys(teamIds).length} teams, ${USERS.length} users, ${keys.length} keys (1 revoked), run suffix ${suffix}`);
  return { keys, teamIds };
}

interface Sent {
  prompt: string;
  model: string;
  team: string;
}

function buildRequest(rand: () => number, keys: DemoKey[], history: Sent[]): { key: DemoKey; path: string; body: Record<string, unknown> } {
  const usable = keys.filter((k) => !k.revoked && k.weight > 0);
  // A few requests with the revoked key: refused with 401, as in real life.
  const key = rand() < 0.004 ? keys.find((k) => k.revoked)! : pick(rand, usable.map((k) => [k, k.weight] as const));
  const model = pick(rand, MODELS);
  const endUser = rand() < 0.7 ? END_USERS[Math.floor(rand() * END_USERS.length)] : undefined;
  const topic = TOPICS[Math.floor(rand() * TOPICS.length)];
  const sameScope = history.filter((h) => h.model === model && h.team === key.team);
  const roll = rand();
  let prompt: string;
  if (roll < 0.22 && sameScope.length) {
    prompt = sameScope[Math.floor(rand() * sameScope.length)].prompt; // exact repeat → cache hit
  } else if (roll < 0.3) {
    prompt = PARAPHRASE[Math.floor(rand() * PARAPHRASE.length)].replace("{t}", topic); // paraphrase → semantic hit
  } else if (roll < 0.38) {
    prompt = `${PII_SNIPPETS[Math.floor(rand() * PII_SNIPPETS.length)]} Also, briefly: ${topic}.`;
  } else if (roll < 0.395) {
    prompt = `[[status:500]] Tell me about ${topic}.`;
  } else if (roll < 0.405) {
    prompt = `[[status:429]] Tell me about ${topic}.`;
  } else {
    const n = 20 + Math.floor(rand() * 300);
    prompt = `[[words:${n}]] Write about ${topic} (${Math.floor(rand() * 1e6)}).`;
  }
  history.push({ prompt, model, team: key.team });
  if (history.length > 400) history.splice(0, 100);
  if (model.startsWith("text-embedding")) return { key, path: "/v1/embeddings", body: { model, input: prompt, ...(endUser ? { user: endUser } : {}) } };
  const stream = rand() < 0.35;
  return {
    key,
    path: "/v1/chat/completions",
    body: {
      model,
      messages: [
        { role: "system", content: `You are the ${key.team} team's assistant.` },
        { role: "user", content: prompt },
      ],
      temperature: 0,
      max_tokens: 512,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      ...(endUser ? { user: endUser } : {}),
    },
  };
}

async function send(helix: HelixServer, req: { key: DemoKey; path: string; body: Record<string, unknown> }): Promise<number> {
  try {
    const r = await fetch(`${helix.url}${req.path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${req.key.key}`, "content-type": "application/json" },
      body: JSON.stringify(req.body),
    });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

async function sendMany(helix: HelixServer, n: number, concurrency: number, make: () => ReturnType<typeof buildRequest>, byStatus: Record<string, number>, onDone: () => void) {
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < n) {
        issued++;
        const status = await send(helix, make());
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        onDone();
      }
    }),
  );
}

/** Runs the live phase; Helix and the fake upstream are stopped before it returns. */
export async function runLiveTraffic(opts: LiveOptions): Promise<LiveResult> {
  ensureBuild();
  const fake = await spawnFakeUpstream();
  let helix: HelixServer | undefined;
  const started = Date.now();
  try {
    const master = `sk-seed-${randomBytes(16).toString("hex")}`;
    helix = await startHelix({
      ...upstreamEnv(fake.url),
      HELIX_CONFIG: writeDemoConfig(),
      MASTER_KEY: master,
      HELIX_DATA_DIR: opts.dataDir,
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      LOG_LEVEL: "warn",
    });
    opts.log(`temporary Helix at ${helix.url} (fake upstream ${fake.url})`);
    const { keys, teamIds } = await setUp(helix, master, opts.log);
    const rand = rng(opts.seed);
    const history: Sent[] = [];
    const byStatus: Record<string, number> = {};
    let done = 0;
    const progress = () => {
      done++;
      if (done % 100 === 0 || done === opts.requests) opts.log(`live: ${done}/${opts.requests} requests`);
    };
    const make = () => buildRequest(rand, keys, history);
    const first = Math.ceil(opts.requests * 0.4);
    const research = teamIds.Research ? `/helix/budgets/team/${teamIds.Research}` : undefined;
    const before = research ? Number((await admin(helix, master, "GET", research)).spend_micros ?? 0) : 0;
    await sendMany(helix, first, opts.concurrency, make, byStatus, progress);
    if (research && first < opts.requests) {
      // Size Research's budget so the rest of the traffic takes it from ~35% to about 90%: alerts at 50% and 80%.
      const now = Number((await admin(helix, master, "GET", research)).spend_micros ?? 0);
      const projected = now + ((now - before) * (opts.requests - first)) / first;
      const limit = Math.max(0.000_01, Math.ceil(projected / 0.92) / 1e6);
      await admin(helix, master, "PUT", research, { max_budget_usd: limit, period: "daily", alert_thresholds: [50, 80, 100] });
      opts.log(`Research team's daily budget set to $${limit.toFixed(4)} (spent $${(now / 1e6).toFixed(4)} today)`);
    }
    await sendMany(helix, opts.requests - first, opts.concurrency, make, byStatus, progress);
    return { nearBudgetTeamId: teamIds.Research, sent: done, byStatus, ms: Date.now() - started };
  } finally {
    // SIGTERM: Helix drains and flushes its request logs and incidents before exiting.
    await helix?.stop();
    fake.child.kill("SIGTERM");
  }
}
