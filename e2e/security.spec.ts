// Security, end to end, on one Helix (real PostgreSQL, Redis, HELIX_DEBUG) whose every secret is a
// canary made at run time: the master key, each provider's API key, the database password, the
// dashboard admin's password, virtual keys, and PII and a secret-shaped key in the prompts.
//
// Proven here:
//   - every route and page under app/ (read from disk) is classified: public ones are listed with
//     their reason; the rest refuse anonymous callers (401 / sign-in redirect), virtual keys on the
//     admin API (403) and viewers' admin-only reads and writes (403); a new, unlisted route fails;
//     pages carry CSP frame-ancestors and nosniff, admin and dashboard JSON no-store and nosniff;
//   - virtual keys are stored only hashed: neither a key nor its random part is in any column of any
//     table, any Redis key or value, or the logs (PostgreSQL here; PGlite's files in the last test);
//   - canary secrets and PII sent through every path (chat plain and streamed, each provider kind,
//     embeddings, cache hits, upstream 4xx/5xx and unreachable upstreams, validation errors, wrong
//     keys, alert webhooks, config reloads) are in no table, Redis entry, log line, metric,
//     admin/config/stats answer, error body or trace sent to Langfuse, and no PII reaches a provider;
//   - a cached answer (exact and semantic, plain and streamed) is never served to another team or
//     org, with Redis;
//   - after too many wrong passwords even the right one is refused (per email and address);
//   - provider API keys never reach the browser: every response of every dashboard page, and every
//     file of .next/static, holds no run of 8 characters of any of them.
// Proven elsewhere (not repeated): dashboard-pages.spec.ts (every dashboard page for admins and
// viewers; /api/dashboard and /api/helix 401/403 on the seeded demo database), dashboard-shell.spec.ts
// (CSP with frame-ancestors 'none', nosniff, X-Frame-Options; cross-site writes refused),
// dashboard-auth.spec.ts (sign-in rate limit in the browser, Secure/httpOnly cookies, CSRF),
// logs-no-secrets.spec.ts (debug logs with store_prompts), pii.spec.ts (PII never reaches the
// provider, in every message part; Postgres/Redis/logs with store_prompts on), metrics.spec.ts (no
// key or prompt in /metrics labels), config-endpoints.spec.ts (/helix/config masking),
// semantic-cache.spec.ts and cache.spec.ts (cross-tenant misses in local mode), api-keys.spec.ts.
import { randomBytes, randomInt } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test, expect, type Page } from "@playwright/test";
import OpenAI from "openai";
import Redis from "ioredis";
import { DASHBOARD_NAV } from "../lib/dashboard/nav";
import { startHelix, type HelixServer } from "./support/helix-server";
import { adminRequest } from "./support/admin";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from "./support/databases";
import { startFakeLangfuse, type FakeLangfuse } from "../test/fake-langfuse/server";
import { signInToDashboard } from "./support/dashboard-session";

const ROOT = path.resolve(import.meta.dirname, "..");
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Random base62: each canary's distinctive part (no secret-shaped literal in the repository). */
const rnd = (n: number) => Array.from(randomBytes(n), (b) => BASE62[b % 62]).join("");

/** A Luhn-valid Visa number, grouped like people type it. */
function cardNumber(): string {
  const digits = [4, ...Array.from({ length: 14 }, () => randomInt(10))];
  const sum = digits
    .slice()
    .reverse()
    .reduce((s, d, i) => s + (i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  digits.push((10 - (sum % 10)) % 10);
  return digits.join("").replace(/(\d{4})(?=\d)/g, "$1 ");
}

// Secrets: no run of 8 characters of their random part may appear anywhere (a masked "****abcd"
// tail of 4 is what the design allows).
const SECRET = {
  master: `sk-master-${rnd(40)}`,
  openai: `sk-proj-${rnd(40)}T3BlbkFJ${rnd(40)}`,
  anthropic: `sk-ant-api03-${rnd(93)}AA`,
  google: `AIza${rnd(35)}`,
  groq: `gsk_${rnd(52)}`,
  local: `sk-local-${rnd(40)}`,
  // The fake upstream refuses keys starting with "invalid": the provider-rejects-our-key path.
  badUpstream: `invalid-${rnd(40)}`,
  dbPassword: `pg${rnd(30)}`,
  // node-postgres also takes the password as a query parameter (?password=…).
  dbQueryPassword: `pg${rnd(30)}`,
  adminPassword: `pw-${rnd(30)}`,
  viewerPassword: `pw-${rnd(30)}`,
  nextauthSecret: `na${rnd(40)}`,
  // Tracing to a (fake) Langfuse: its keys, and what it receives, are checked like everything else.
  langfusePublic: `pk-lf-${rnd(32)}`,
  langfuseSecret: `sk-lf-${rnd(32)}`,
  // Budget alert webhooks: a Slack-style URL whose path is the credential, and an Authorization header.
  webhookPath: `wh${rnd(32)}`,
  webhookHeader: `wh${rnd(32)}`,
  // An operator's mistake: a key pasted where the config wants an environment variable's NAME.
  pastedInConfig: `sk-proj-${rnd(40)}T3BlbkFJ${rnd(40)}`,
  wrongPassword: `pw-${rnd(30)}`,
  // A client's wrong keys: one shaped like a virtual key (looked up), one like anything else.
  wrongVirtual: `sk-helix-${rnd(40)}`,
  wrongOther: `sk-${rnd(48)}`,
  // A key pasted into a prompt: the secrets scan redacts it before anything stores or sends it.
  inPrompt: `sk-proj-${rnd(40)}T3BlbkFJ${rnd(40)}`,
};
// PII the default policy redacts (EMAIL_ADDRESS, CREDIT_CARD, PHONE_NUMBER).
const PII = { email: `canary.${rnd(12).toLowerCase()}@example-canary.org`, card: cardNumber() };

/** The part of a secret that is its own: without a well-known prefix such as "sk-proj-". */
function distinctive(secret: string): string {
  return secret.replace(/^(sk-master-|sk-proj-|sk-ant-api03-|AIza|gsk_|sk-local-|invalid-|pg|pw-|na|wh|pk-lf-|sk-lf-|sk-helix-|sk-)/, "");
}

/** Every 8-character window of the secret's own part; any one found in `text` is a leak. */
function leakedRun(text: string, secret: string): string | undefined {
  // OpenAI's fixed T3BlbkFJ marker is shared by every such key: only the random runs around it count.
  for (const own of distinctive(secret).split("T3BlbkFJ")) {
    for (let i = 0; i + 8 <= own.length; i++) if (text.includes(own.slice(i, i + 8))) return own.slice(i, i + 8);
  }
  return undefined;
}

function expectNoSecrets(where: string, text: string, secrets: Record<string, string>): void {
  for (const [name, secret] of Object.entries(secrets)) {
    const run = leakedRun(text, secret);
    expect(run, `${where} holds part of the ${name} secret`).toBeUndefined();
  }
}

function expectNoPii(where: string, text: string): void {
  // Booleans, not toContain: a failure must not print megabytes of dump.
  const digits = text.replace(/\D/g, " ");
  expect(text.includes(PII.email), `${where} holds the canary email`).toBe(false);
  expect(text.includes(PII.email.split("@")[0]), `${where} holds the canary email's local part`).toBe(false);
  expect(text.includes(PII.card) || digits.includes(PII.card.replace(/\D/g, "")), `${where} holds the canary card number`).toBe(false);
}

// A Redis database of this file's own, emptied before and after (Helix has no key prefix setting).
const REDIS_URL = `${TEST_REDIS_URL.replace(/\/\d*$/, "")}/13`;
const ADMIN = { email: "security-admin@example.com", password: SECRET.adminPassword };
const VIEWER = { email: "security-viewer@example.com", password: SECRET.viewerPassword };
const RUN = rnd(8);

let fake: FakeUpstream;
let langfuse: FakeLangfuse;
let configFile: string;
let db: TestDatabase;
let helix: HelixServer;
let redis: Redis;
/** Virtual keys created in this run (their clear text must never be stored). */
const createdKeys: string[] = [];
/** Every error body a client received, checked at the end like any other output. */
const errorBodies: string[] = [];

test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fake = await startFakeUpstream();
  langfuse = await startFakeLangfuse(SECRET.langfusePublic, SECRET.langfuseSecret);
  db = await createTestDatabase();
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.flushdb();
  const config = (configFile = writeConfig(
    fake,
    `  - model_name: gemini-dead
    provider: gemini
    api_base: http://127.0.0.1:9
  - model_name: anthropic-dead
    provider: anthropic
    api_base: http://127.0.0.1:9
  - model_name: names-master-key
    provider: openai-compatible
    api_base: ${fake.url}/v1
    api_key_env: MASTER_KEY
  - model_name: names-database-url
    provider: openai-compatible
    api_base: ${fake.url}/v1
    api_key_env: DATABASE_URL
`,
  ));
  // Defaults otherwise (store_prompts off, PII redaction of the default entities and secrets); a
  // lower semantic threshold so that the paraphrase below is a semantic hit within its own team.
  writeFileSync(
    config,
    readFileSync(config, "utf8").replace(
      "helix_settings:\n",
      `helix_settings:
  semantic_cache: {similarity_threshold: 0.8}
  cost_optimization:
    alert_webhooks:
      - {url: "${fake.url}/hooks/services/${SECRET.webhookPath}", format: slack}
      - url: http://127.0.0.1:9/hooks/${SECRET.webhookPath}
        headers: {Authorization: "Bearer ${SECRET.webhookHeader}"}
`,
    ),
  );
  const dbUrl = new URL(db.url);
  // Trust auth ignores both; Helix must still never show them.
  dbUrl.password = SECRET.dbPassword;
  dbUrl.searchParams.set("password", SECRET.dbQueryPassword);
  helix = await startHelix({
    ...upstreamEnv(fake),
    OPENAI_API_KEY: SECRET.openai,
    ANTHROPIC_API_KEY: SECRET.anthropic,
    GOOGLE_API_KEY: SECRET.google,
    GROQ_API_KEY: SECRET.groq,
    LOCAL_LLM_KEY: SECRET.local,
    BAD_UPSTREAM_KEY: SECRET.badUpstream,
    HELIX_CONFIG: config,
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL,
    MASTER_KEY: SECRET.master,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    NEXTAUTH_SECRET: SECRET.nextauthSecret,
    LANGFUSE_PUBLIC_KEY: SECRET.langfusePublic,
    LANGFUSE_SECRET_KEY: SECRET.langfuseSecret,
    LANGFUSE_HOST: langfuse.url,
    HELIX_DEBUG: "true",
    HELIX_EMBEDDINGS_OFFLINE: "true",
  });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
  await langfuse?.close();
  await db?.drop();
  if (redis) {
    await redis.flushdb();
    redis.disconnect();
  }
});

const master = () => new OpenAI({ baseURL: helix.baseURL, apiKey: SECRET.master, maxRetries: 0 });

async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const r = await adminRequest(helix.url, SECRET.master, "POST", "/helix/keys", body);
  expect(r.status).toBe(201);
  createdKeys.push(r.json.key as string);
  return { id: r.json.id as string, key: r.json.key as string };
}

// ---------------------------------------------------------------------------------------------
// 1. Every route and page under app/

type Access =
  | "public" // anyone: listed with the reason
  | "api-key" // /v1: 401 without an API key
  | "admin" // /helix admin API: 401 anonymous, 403 for a virtual key; viewers read (GET), never write
  | "session" // internal dashboard API: 401 anonymous; viewers read, admin-only ones 403
  | "page-session"; // dashboard pages: anonymous users are sent to the sign-in page

/** How each route is reached; the first rule that matches applies. An unmatched route fails. */
const RULES: Array<{ match: RegExp; access: Access; why: string }> = [
  { match: /^\/$/, access: "public", why: "the welcome page: what is configured (never values) and what to set next" },
  { match: /^\/login$/, access: "public", why: "the sign-in page" },
  { match: /^\/setup$/, access: "public", why: "first-run setup: only while no dashboard user exists (404 afterwards)" },
  { match: /^\/api\/auth\/x$/, access: "public", why: "next-auth's own endpoints (csrf, providers, callback, signout): sign-in itself" },
  { match: /^\/api\/health(\/readiness)?$/, access: "public", why: "load balancer probes: status only, the database location masked" },
  { match: /^\/api\/metrics$/, access: "public", why: "Prometheus scrape target: labels hold no secrets or personal data" },
  { match: /^\/api\/v1\/x$/, access: "public", why: "unknown /v1 paths: an OpenAI-shaped 404 that reveals nothing" },
  { match: /^\/api\/v1\//, access: "api-key", why: "the OpenAI-compatible API" },
  { match: /^\/api\/helix\//, access: "admin", why: "the admin API: master key or a dashboard session" },
  { match: /^\/api\/dashboard\//, access: "session", why: "the dashboard's internal API" },
  { match: /^\/dashboard(\/|$)/, access: "page-session", why: "dashboard pages" },
];

/** Viewers' reads that are refused anyway (admin-only pages' data). */
const VIEWER_FORBIDDEN_READS = new Set(["GET /api/dashboard/users", "GET /api/dashboard/users/x", "GET /api/helix/config"]);
/** Writes a viewer may make: previews that change nothing. */
const VIEWER_ALLOWED_WRITES = new Set(["POST /api/helix/pii/test"]);

interface Route {
  file: string;
  url: string;
  methods: string[];
  access: Access;
}

/** Every route.ts and page.tsx under app/, as URL paths (route groups dropped, [segments] as "x"). */
function appRoutes(): Route[] {
  const appDir = path.join(ROOT, "app");
  const out: Route[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/^(route|page)\.(ts|tsx|js|jsx)$/.test(name)) {
        const segments = path
          .relative(appDir, dir)
          .split(path.sep)
          .filter((s) => s !== "" && !/^\(.*\)$/.test(s))
          .map((s) => (s.startsWith("[") ? "x" : s));
        const url = `/${segments.join("/")}`;
        const methods = name.startsWith("page.") ? ["GET"] : exportedMethods(full);
        const rule = RULES.find((r) => r.match.test(url));
        expect(rule, `${path.relative(ROOT, full)} (${url}) is in no access rule: add it to RULES with its reason`).toBeDefined();
        expect(methods.length, `${path.relative(ROOT, full)} exports no method`).toBeGreaterThan(0);
        out.push({ file: path.relative(ROOT, full), url, methods, access: rule!.access });
      }
    }
  };
  walk(appDir);
  return out;
}

/** The HTTP methods a route file exports (export const GET / export async function GET / export { x as GET }). */
function exportedMethods(file: string): string[] {
  // `export const GET = methodNotAllowed([...])` is no endpoint: an OpenAI-shaped 405 for anyone.
  const src = readFileSync(file, "utf8").replace(/export\s+const\s+(GET|POST|PUT|PATCH|DELETE)\s*=\s*methodNotAllowed\(/g, "");
  const direct = [...src.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
  const renamed = [...src.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) => [...m[1].matchAll(/\bas\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((x) => x[1]));
  const bare = [...src.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) => m[1].split(",").map((s) => s.trim()).filter((s) => /^(GET|POST|PUT|PATCH|DELETE)$/.test(s)));
  return [...new Set([...direct, ...renamed, ...bare])];
}

async function send(url: string, method: string, headers: Record<string, string> = {}) {
  const body = method === "GET" || method === "DELETE" ? undefined : "{}";
  const r = await fetch(`${helix.url}${url}`, { method, redirect: "manual", headers: { "content-type": "application/json", ...headers }, body });
  return { status: r.status, location: r.headers.get("location"), headers: r.headers, text: await r.text() };
}

function expectPrivateJson(what: string, h: Headers): void {
  expect(h.get("cache-control") ?? "", what).toContain("no-store");
  expect(h.get("x-content-type-options"), what).toBe("nosniff");
}

/** Pages and the dashboard's internal API: no framing, no sniffing (dashboard-shell.spec.ts checks the values). */
function expectSecurityHeaders(what: string, h: Headers): void {
  expect(h.get("content-security-policy") ?? "", what).toContain("frame-ancestors 'none'");
  expect(h.get("x-content-type-options"), what).toBe("nosniff");
}

test("every route and page under app/ is classified, and each refuses those it should", async ({ browser }) => {
  const routes = appRoutes();
  expect(routes.length).toBeGreaterThan(50);
  // Server actions are endpoints too: the only one is the first-run setup form's, which creates an
  // admin only while none exists (dashboard-auth.spec.ts).
  const actions: string[] = [];
  const scan = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (name === "node_modules" || name === "generated") continue;
      if (statSync(full).isDirectory()) scan(full);
      else if (/\.tsx?$/.test(name) && /^\s*(?:\/\/[^\n]*\n\s*)*["']use server["']/.test(readFileSync(full, "utf8"))) actions.push(path.relative(ROOT, full));
    }
  };
  for (const d of ["app", "lib", "components"]) scan(path.join(ROOT, d));
  expect(actions).toEqual(["lib/auth/setup-action.ts"]);

  const { key: virtualKey } = await createKey({ name: "route-probe" });
  for (const r of routes) {
    for (const method of r.methods) {
      const what = `${method} ${r.url} (${r.file})`;
      const anon = await send(r.url, method);
      errorBodies.push(anon.text);
      if (/^page\./.test(path.basename(r.file)) || /^\/api\/(dashboard|auth)\//.test(r.url)) expectSecurityHeaders(what, anon.headers);
      // Admin and dashboard JSON: never cached, never sniffed (refusals too).
      if (r.access === "admin" || r.access === "session") expectPrivateJson(what, anon.headers);
      switch (r.access) {
        case "public":
          expect(anon.status, what).not.toBe(401);
          expect(anon.status, what).toBeLessThan(500);
          break;
        case "api-key":
          expect(anon.status, `${what} without a key`).toBe(401);
          // The public alias answers the same.
          expect((await send(r.url.replace(/^\/api/, ""), method)).status, `${what} at /v1`).toBe(401);
          break;
        case "admin": {
          expect(anon.status, `${what} anonymous`).toBe(401);
          expect((await send(r.url.replace(/^\/api/, ""), method)).status, `${what} at /helix`).toBe(401);
          const virtual = await send(r.url, method, { authorization: `Bearer ${virtualKey}` });
          expect(virtual.status, `${what} with a virtual key`).toBe(403);
          break;
        }
        case "session": {
          expect(anon.status, `${what} anonymous`).toBe(401);
          // API keys are not dashboard sessions, not even the master key.
          const withKey = await send(r.url, method, { authorization: `Bearer ${SECRET.master}` });
          expect(withKey.status, `${what} with the master key instead of a session`).toBe(401);
          break;
        }
        case "page-session":
          expect(anon.status, what).toBe(307);
          expect(new URL(anon.location ?? "", helix.url).href, what).toBe(`${helix.url}/login?callbackUrl=${encodeURIComponent(r.url)}`);
          break;
      }
    }
  }
  // The setup page is gone once an admin exists (ADMIN_EMAIL created one at start).
  expect((await send("/setup", "GET")).status).toBe(404);

  // Viewers: reads of shared data yes, admin-only data and every write no.
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signInToDashboard(adminPage, helix.url, ADMIN);
  const made = await adminPage.request.post(`${helix.url}/api/dashboard/users`, { data: { ...VIEWER, role: "viewer" }, headers: { origin: helix.url } });
  expect(made.status()).toBe(201);
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signInToDashboard(viewer, helix.url, VIEWER);
  for (const r of routes.filter((x) => x.access === "admin" || x.access === "session")) {
    for (const method of r.methods) {
      const id = `${method} ${r.url}`;
      const res = await viewer.request.fetch(`${helix.url}${r.url}`, {
        method,
        data: method === "GET" || method === "DELETE" ? undefined : {},
        headers: { origin: helix.url },
        maxRedirects: 0,
      });
      errorBodies.push(await res.text());
      expectPrivateJson(`${id} as a viewer`, new Headers(res.headers()));
      if (method === "GET" ? VIEWER_FORBIDDEN_READS.has(id) : !VIEWER_ALLOWED_WRITES.has(id)) expect(res.status(), `${id} as a viewer`).toBe(403);
      else expect([401, 403], `${id} as a viewer`).not.toContain(res.status());
    }
  }
  // Pages: a viewer sees every page but the admin-only ones' content says so.
  for (const item of DASHBOARD_NAV) {
    const res = await viewer.request.get(`${helix.url}${item.href}`, { maxRedirects: 0 });
    expect(res.status(), item.href).toBe(200);
  }
  await viewerContext.close();
  await adminContext.close();
});

// ---------------------------------------------------------------------------------------------
// 4. No cached answer across tenants

async function chat(key: string, content: string, opts: { stream?: boolean; system?: string } = {}) {
  const c = new OpenAI({ baseURL: helix.baseURL, apiKey: key, maxRetries: 0 });
  const messages: OpenAI.ChatCompletionMessageParam[] = [...(opts.system ? [{ role: "system" as const, content: opts.system }] : []), { role: "user", content }];
  if (!opts.stream) {
    const { data, response } = await c.chat.completions.create({ model: "gpt-4o-mini", messages }).withResponse();
    return { text: data.choices[0].message.content, cache: response.headers.get("x-helix-cache") };
  }
  const { data, response } = await c.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true }).withResponse();
  let text = "";
  for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? "";
  return { text, cache: response.headers.get("x-helix-cache") };
}

const upstreamSawPrompt = (text: string) => fake.requests.filter((r) => JSON.stringify(r.body).includes(text)).length;

test("a cached answer is never served to another team or org (exact and semantic, plain and streamed, with Redis)", async () => {
  const acme1 = await createKey({ name: "acme-search-1", team: "search", org: "acme" });
  const acme2 = await createKey({ name: "acme-search-2", team: "search", org: "acme" });
  const globex = await createKey({ name: "globex-search", team: "search", org: "globex" }); // same team name, another org
  const loner = await createKey({ name: "no-team" });

  for (const stream of [false, true]) {
    // Unrelated topics: at this threshold, one could otherwise answer the other within the team.
    const prompt = `${stream ? "List three primary colours" : "Name the largest ocean on Earth"} ${RUN}`;
    expect((await chat(acme1.key, prompt, { stream })).cache).toBe("MISS");
    // Control: the answer is cached for its team (written after the response, hence the poll).
    await expect.poll(async () => (await chat(acme2.key, prompt, { stream })).cache, { timeout: 10_000 }).toBe("HIT");
    const before = upstreamSawPrompt(prompt);
    for (const other of [globex.key, loner.key, SECRET.master]) {
      const r = await chat(other, prompt, { stream });
      expect(r.cache, `${stream ? "streamed" : "plain"} from another tenant`).toBe("MISS");
      expect(r.text).toBe(`Echo: ${prompt}`);
    }
    expect(upstreamSawPrompt(prompt), "the upstream answered each other tenant itself").toBe(before + 3);
  }

  // Semantic: a paraphrase is served within the team, never to another org's team of the same name.
  await expect
    .poll(async () => ((await (await fetch(`${helix.url}/health/readiness`)).json()) as { checks: { embedder: { ready: boolean } } }).checks.embedder.ready, { timeout: 60_000 })
    .toBe(true);
  const system = `You answer physics questions (${RUN}).`;
  const asked = "What is the boiling point of water at sea level?";
  const paraphrase = "At sea level, what is the boiling point of water?";
  await chat(acme1.key, asked, { system });
  await expect.poll(async () => (await chat(acme1.key, asked, { system })).cache, { timeout: 10_000 }).toBe("HIT");
  expect((await chat(globex.key, paraphrase, { system })).cache).toBe("MISS");
  expect((await chat(loner.key, paraphrase, { system, stream: true })).cache).toBe("MISS");
  expect((await chat(acme2.key, paraphrase, { system })).cache).toBe("SEMANTIC_HIT");
});

// ---------------------------------------------------------------------------------------------
// 3 and 7. Canaries through every path

test("canary secrets and PII through every path: the provider gets no PII, clients get no secrets back", async () => {
  const sdk = master();
  const { key: virtual } = await createKey({ name: "canary-traffic", team: "canary", org: "canary-org", user: "canary-user" });
  const vsdk = new OpenAI({ baseURL: helix.baseURL, apiKey: virtual, maxRetries: 0 });
  const sensitive = `Mail ${PII.email}, card ${PII.card}, my key is ${SECRET.inPrompt} (${RUN})`;
  const messages = (extra = ""): OpenAI.ChatCompletionMessageParam[] => [
    { role: "system", content: `Escalate to ${PII.email}.` },
    { role: "user", content: `${sensitive}${extra}` },
  ];
  const errors: unknown[] = [];
  const fail = (p: Promise<unknown>) => p.then(() => errors.push(new Error("expected an error, got an answer")), (e: unknown) => errors.push(e));

  // Success paths: every provider kind, plain and streamed; the exact cache's hit path.
  for (const model of ["gpt-4o-mini", "claude-3-5-haiku-latest", "gemini-2.0-flash", "groq/llama-3.3-70b-versatile", "local-llama"]) {
    for (const client of [sdk, vsdk]) {
      const r = await client.chat.completions.create({ model, messages: messages(` ${model}`) });
      expectNoPii(`${model} answer`, JSON.stringify(r));
      const s = await client.chat.completions.create({ model, messages: messages(` ${model} streamed`), stream: true });
      let text = "";
      for await (const chunk of s) text += JSON.stringify(chunk);
      expectNoPii(`${model} stream`, text);
    }
  }
  await expect.poll(async () => (await sdk.chat.completions.create({ model: "gpt-4o-mini", messages: messages(" gpt-4o-mini") }).withResponse()).response.headers.get("x-helix-cache")).toBe("HIT");
  const cachedStream = await vsdk.chat.completions.create({ model: "gpt-4o-mini", messages: messages(" gpt-4o-mini"), stream: true }).withResponse();
  for await (const chunk of cachedStream.data) void chunk;
  await sdk.embeddings.create({ model: "text-embedding-3-small", input: [sensitive, `plain ${RUN}`] });
  await vsdk.embeddings.create({ model: "text-embedding-3-small", input: sensitive });

  // Failure paths: upstream 5xx (after retries), 429, unreachable upstreams, the upstream refusing
  // our key, validation errors, an unknown model, a model the key may not use.
  await fail(sdk.chat.completions.create({ model: "gpt-4o-mini", messages: messages(" [[status:500]]") }));
  await fail(vsdk.chat.completions.create({ model: "claude-3-5-haiku-latest", messages: messages(" [[status:529]]"), stream: true }).then(async (s) => { for await (const c of s) void c; }));
  await fail(sdk.chat.completions.create({ model: "gemini-2.0-flash", messages: messages(" [[status:429 retry-after=0]]") }));
  for (const model of ["dead-model", "gemini-dead", "anthropic-dead", "bad-key-model"]) {
    await fail(sdk.chat.completions.create({ model, messages: messages(` ${model}`) }));
    await fail(vsdk.chat.completions.create({ model, messages: messages(` ${model} streamed`), stream: true }).then(async (s) => { for await (const c of s) void c; }));
  }
  // A config naming the gateway's own secrets as a provider key: they must not be sent upstream.
  for (const model of ["names-master-key", "names-database-url"]) {
    await sdk.chat.completions.create({ model, messages: messages(` ${model}`) }).then(
      () => {},
      (e: unknown) => errors.push(e),
    );
  }
  // A provider whose error quotes the key it was sent (some OpenAI-compatible servers and proxies
  // do): as JSON and as plain text, to a plain and a streamed request, as a 400 (passed on to the
  // client) and a 401 (the operator's problem: logged).
  for (const [status, body] of [
    [400, { error: { message: `Invalid API key provided: ${SECRET.openai}.`, type: "invalid_request_error" } }],
    [401, { error: { message: `Incorrect API key provided: ${SECRET.openai}` } }],
    [400, `bad request for key Bearer ${SECRET.openai}`],
    [400, { error: { message: `Invalid key ${SECRET.anthropic}` } }],
  ] as const) {
    for (const stream of [false, true]) {
      fake.failNext(1, { status, body });
      const model = typeof body === "object" && body.error.message.includes(SECRET.anthropic) ? "claude-3-5-haiku-latest" : "gpt-4o-mini";
      await fail(sdk.chat.completions.create({ model, messages: messages(` quoted key ${status}`), stream }).then(async (r) => {
        if (stream) for await (const c of r as AsyncIterable<unknown>) void c;
      }));
    }
  }
  await fail(sdk.chat.completions.create({ model: "gpt-4o-mini", messages: messages(), temperature: "hot" as unknown as number }));
  await fail(sdk.embeddings.create({ model: "gpt-4o-mini", input: sensitive, dimensions: -1 }));
  const limited = await createKey({ name: "limited", models: ["local-llama"] });
  await fail(new OpenAI({ baseURL: helix.baseURL, apiKey: limited.key, maxRetries: 0 }).chat.completions.create({ model: "gpt-4o-mini", messages: messages() }));
  for (const e of errors) {
    expect(e).toBeInstanceOf(OpenAI.APIError);
    const err = e as InstanceType<typeof OpenAI.APIError>;
    errorBodies.push(JSON.stringify({ message: err.message, error: err.error, headers: Object.fromEntries(err.headers?.entries() ?? []) }));
  }
  // Raw requests the SDK would not send: malformed JSON around the canaries, a body far too large.
  for (const body of [`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"${sensitive}"}`, `{"model":"gpt-4o-mini","messages":"${sensitive}"}`]) {
    const r = await fetch(`${helix.baseURL}/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${SECRET.master}`, "content-type": "application/json" }, body });
    expect(r.status).toBe(400);
    errorBodies.push(await r.text());
  }

  // 7. Wrong keys, canary-shaped: 401, and the key is not echoed (Bearer and x-api-key; /v1 and /helix).
  for (const wrong of [SECRET.wrongVirtual, SECRET.wrongOther, `${SECRET.master}x`]) {
    for (const [url, headers] of [
      [`${helix.baseURL}/chat/completions`, { authorization: `Bearer ${wrong}` }],
      [`${helix.baseURL}/chat/completions`, { "x-api-key": wrong }],
      [`${helix.url}/helix/keys`, { authorization: `Bearer ${wrong}` }],
    ] as const) {
      const r = await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: messages() }) });
      const text = await r.text();
      expect(r.status, `${url} with a wrong key`).toBe(401);
      expect(text).not.toContain(wrong);
      errorBodies.push(text);
    }
  }
  // Admin previews: the PII tester answers with the text as the provider would get it; the config
  // validator explains a pasted key without repeating it.
  const piiTest = await adminRequest(helix.url, SECRET.master, "POST", "/helix/pii/test", { text: sensitive });
  expect(piiTest.status).toBe(200);
  expect(piiTest.json.entities).toEqual(expect.arrayContaining(["CREDIT_CARD", "EMAIL_ADDRESS"]));
  errorBodies.push(JSON.stringify(piiTest.json));
  const validate = await fetch(`${helix.url}/helix/config/validate`, {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET.master}`, "content-type": "text/yaml" },
    body: `model_list:\n  - model_name: pasted\n    provider: openai\n    api_key_env: ${SECRET.pastedInConfig}\n`,
  });
  const validated = await validate.text();
  expect(validate.status).toBe(200);
  expect(JSON.parse(validated).valid).toBe(false);
  errorBodies.push(validated);
  // The same mistake in the running config's file: the reload is refused (422) without the key.
  const good = readFileSync(configFile, "utf8");
  writeFileSync(configFile, `${good}  - model_name: pasted\n    provider: openai\n    api_key_env: ${SECRET.pastedInConfig}\n`);
  const reload = async () => {
    const r = await fetch(`${helix.url}/helix/reload-config`, { method: "POST", headers: { authorization: `Bearer ${SECRET.master}` } });
    errorBodies.push(await r.text());
    return r.status;
  };
  expect(await reload()).toBe(422);
  writeFileSync(configFile, good);
  expect(await reload()).toBe(200);

  // Alert webhooks: one test message to each; the answer names them masked.
  const alerts = await fetch(`${helix.url}/helix/alerts/test`, { method: "POST", headers: { authorization: `Bearer ${SECRET.master}` } });
  const alertsText = await alerts.text();
  expect(alerts.status).toBe(200);
  expect((JSON.parse(alertsText) as { webhooks: unknown[] }).webhooks).toHaveLength(2);
  // The fake answers 404 quoting the path it was asked for, as many receivers do: masked too.
  expect(alertsText).toContain("POST /****");
  errorBodies.push(alertsText);

  // A wrong dashboard password (canary) through the sign-in endpoint.
  const refused = await signInOverHttp(SECRET.wrongPassword, "198.51.100.7");
  expect(refused.session).toBe(false);
  errorBodies.push(refused.raw);

  // The canaries were really in use: the provider keys reached the (fake) provider …
  const sent = JSON.stringify(fake.requests.map((r) => r.headers));
  for (const k of [SECRET.openai, SECRET.anthropic, SECRET.google, SECRET.groq, SECRET.local, SECRET.badUpstream]) expect(sent).toContain(k);
  // … but no PII and no secret from a prompt ever did.
  const bodies = JSON.stringify(fake.requests.map((r) => r.body));
  expect(bodies).toContain(RUN);
  expectNoPii("what the provider received", bodies);
  expectNoSecrets("what the provider received", bodies, { inPrompt: SECRET.inPrompt, master: SECRET.master });
  // The traces Helix sent to Langfuse (authenticated with its keys) carry no PII and no secret.
  await expect.poll(() => langfuse.events.filter((e) => e.type === "generation-create").length, { timeout: 15_000 }).toBeGreaterThan(10);
  expect(langfuse.unauthorized).toBe(0);
  const traces = JSON.stringify(langfuse.events);
  expectNoPii("the traces sent to Langfuse", traces);
  expectNoSecrets("the traces sent to Langfuse", traces, { ...SECRET, virtual });
  // Nor did the master key or a virtual key travel upstream in a header.
  expectNoSecrets("the headers the provider received", sent, { master: SECRET.master, virtual: virtual, dbPassword: SECRET.dbPassword });

  expectNoSecrets("error bodies", errorBodies.join("\n"), { ...SECRET });
  expectNoPii("error bodies", errorBodies.join("\n"));
});

// ---------------------------------------------------------------------------------------------
// 5. Sign-in rate limit: the right password is refused too once the limit is reached

/** `raw`: the answer's Location header and body as received (for the no-secrets checks). */
async function signInOverHttp(password: string, address: string): Promise<{ session: boolean; location: string; raw: string }> {
  const csrf = await fetch(`${helix.url}/api/auth/csrf`);
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const r = await fetch(`${helix.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    // Another address than the browser's: the limit is per email and address.
    headers: { cookie, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": address },
    body: new URLSearchParams({ csrfToken, email: ADMIN.email, password, json: "true" }),
  });
  const header = r.headers.get("location");
  const text = await r.text();
  const location = decodeURIComponent(header ?? text);
  return { session: r.headers.getSetCookie().some((c) => c.includes("session-token")), location, raw: `${header}\n${text}` };
}

test("after 10 wrong passwords even the right one is refused from that address; another address still signs in", async () => {
  const address = "203.0.113.77";
  expect((await signInOverHttp(ADMIN.password, address)).session).toBe(true); // works before
  for (let i = 0; i < 10; i++) expect((await signInOverHttp(`${SECRET.wrongPassword}${i}`, address)).session).toBe(false);
  const locked = await signInOverHttp(ADMIN.password, address);
  expect(locked.session).toBe(false);
  expect(locked.location).toMatch(/Too many sign-in attempts/);
  expect((await signInOverHttp(ADMIN.password, "203.0.113.78")).session).toBe(true);
});

// ---------------------------------------------------------------------------------------------
// 6. Provider API keys never reach the browser

test("no response any dashboard page receives, and no file under .next/static, holds a provider key or other secret", async ({ page }) => {
  const received: Array<{ url: string; body: Promise<string> }> = [];
  page.on("response", (r) => received.push({ url: r.url(), body: r.body().then((b) => b.toString("latin1"), () => "") }));
  await page.goto(`${helix.url}/`);
  await expect(page.getByText("API key set").first()).toBeVisible();
  await signInToDashboard(page, helix.url, ADMIN);
  const settle = async (p: Page) => {
    await expect(p.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(p.getByRole("status", { name: "Loading" })).toHaveCount(0, { timeout: 20_000 });
  };
  for (const item of DASHBOARD_NAV) {
    await page.goto(`${helix.url}${item.href}`);
    await settle(page);
  }
  // The config as the dashboard and admins see it.
  await page.goto(`${helix.url}/helix/config`);
  await page.goto(`${helix.url}/helix/keys`);
  const bodies = await Promise.all(received.map(async (r) => `${r.url}\n${await r.body}`));
  expect(bodies.length).toBeGreaterThan(20);
  const browserSecrets = { openai: SECRET.openai, anthropic: SECRET.anthropic, google: SECRET.google, groq: SECRET.groq, local: SECRET.local, badUpstream: SECRET.badUpstream, master: SECRET.master, dbPassword: SECRET.dbPassword, dbQueryPassword: SECRET.dbQueryPassword, adminPassword: SECRET.adminPassword, viewerPassword: SECRET.viewerPassword, nextauthSecret: SECRET.nextauthSecret, langfuseSecret: SECRET.langfuseSecret };
  const all = bodies.join("\n");
  expect(all.includes("API key set")).toBe(true); // the welcome page says that a key is set, never which
  expectNoSecrets("responses the browser received", all, browserSecrets);
  for (const k of createdKeys) expect(all, "a virtual key after its creation").not.toContain(distinctive(k).slice(0, 20));

  // Client bundles: nothing environment-specific may be compiled into them.
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(path.join(ROOT, ".next", "static"));
  expect(files.length).toBeGreaterThan(10);
  const staticText = files.map((f) => readFileSync(f, "latin1")).join("\n");
  expectNoSecrets(".next/static", staticText, browserSecrets);
  for (const name of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "MASTER_KEY"]) {
    expect(staticText, `a client bundle reads process.env.${name}`).not.toMatch(new RegExp(`process\\.env\\.${name}|env\\[["']${name}`));
  }
});

// ---------------------------------------------------------------------------------------------
// 2 and 3. What was stored and printed: PostgreSQL, Redis, logs, metrics, admin answers

async function postgresDump(): Promise<string> {
  const tables = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(["api_keys", "request_logs", "dashboard_users"]));
  // Every column of every row (text, json, arrays, bytea as text): a superset of the text/json columns.
  const rows = await Promise.all(tables.map(async (t) => `${t.table_name}\n${JSON.stringify(await db.query(`SELECT * FROM "${t.table_name}"`))}`));
  return rows.join("\n");
}

async function redisDump(): Promise<{ keys: number; text: string }> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    const read: Record<string, string[]> = { string: ["GET"], hash: ["HGETALL"], list: ["LRANGE", "0", "-1"], set: ["SMEMBERS"], zset: ["ZRANGE", "0", "-1", "WITHSCORES"], stream: ["XRANGE", "-", "+"] };
    const cmd = read[type];
    const value = cmd ? await redis.callBuffer(cmd[0], [key, ...cmd.slice(1)]) : `(${type})`;
    parts.push(`${key}\n${flatten(value)}`);
  }
  return { keys: keys.length, text: parts.join("\n") };
}

function flatten(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString("latin1");
  if (Array.isArray(v)) return v.map(flatten).join("\n");
  return String(v);
}

test("no secret, virtual key or PII is in PostgreSQL, Redis, the logs, /metrics or any admin answer", async () => {
  expect(createdKeys.length).toBeGreaterThanOrEqual(6);
  // Logs are written in batches: wait until the traffic above is in the database.
  await expect.poll(async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM request_logs WHERE status >= 400"))[0].n, { timeout: 15_000 }).toBeGreaterThan(10);
  const keySecrets = Object.fromEntries(createdKeys.map((k, i) => [`virtual key ${i}`, k]));
  const everything = { ...SECRET, ...keySecrets };

  // store_prompts is off by default: requests are logged without their text.
  expect(await db.query("SELECT id FROM request_logs WHERE prompt IS NOT NULL OR response IS NOT NULL")).toEqual([]);
  const pgText = await postgresDump();
  expectNoSecrets("PostgreSQL", pgText, everything);
  expectNoPii("PostgreSQL", pgText);

  const { keys, text: redisText } = await redisDump();
  expect(keys).toBeGreaterThan(5);
  expect(redisText.includes(`Echo: List three primary colours ${RUN}`), "cached answers are in Redis").toBe(true);
  expectNoSecrets("Redis", redisText, everything);
  expectNoPii("Redis", redisText);

  const logs = helix.output();
  expect(logs).toContain('"level":20'); // HELIX_DEBUG took effect
  expectNoSecrets("the logs", logs, everything);
  expectNoPii("the logs", logs);

  const get = async (p: string, auth = true) => {
    const r = await fetch(`${helix.url}${p}`, { headers: auth ? { authorization: `Bearer ${SECRET.master}` } : {} });
    expect(r.status, p).toBe(200);
    return `${p}\n${await r.text()}`;
  };
  const outputs = (
    await Promise.all([
      get("/metrics", false),
      get("/health", false),
      get("/health/readiness", false),
      get("/", false),
      get("/helix/config"),
      get("/helix/stats"),
      get("/helix/metrics"),
      get("/helix/keys"),
      get("/helix/teams"),
      get("/helix/spend"),
      get("/helix/users"),
      get("/helix/alerts"),
      get("/v1/models"),
    ])
  ).join("\n");
  expect(outputs).toContain("helix_requests_total");
  expectNoSecrets("/metrics, /health, / and the admin API", outputs, everything);
  expectNoPii("/metrics, /health, / and the admin API", outputs);
});

test("embedded mode (PGlite): no virtual key, provider key or canary PII is in any file of the data directory or the logs", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "helix-security-pglite-"));
  const masterKey = `sk-master-${rnd(40)}`;
  const local = await startHelix({
    ...upstreamEnv(fake),
    OPENAI_API_KEY: SECRET.openai,
    HELIX_CONFIG: writeConfig(fake),
    HELIX_DATA_DIR: dataDir,
    MASTER_KEY: masterKey,
    HELIX_EMBEDDINGS_OFFLINE: "true",
  });
  let key = "";
  try {
    const created = await adminRequest(local.url, masterKey, "POST", "/helix/keys", { name: "embedded", team: "t" });
    expect(created.status).toBe(201);
    key = created.json.key as string;
    const c = new OpenAI({ baseURL: local.baseURL, apiKey: key, maxRetries: 0 });
    const content = `embedded ${RUN}: mail ${PII.email}, card ${PII.card}, key ${SECRET.inPrompt}`;
    await c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });
    for await (const chunk of await c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `${content} (streamed)` }], stream: true })) void chunk;
    await c.embeddings.create({ model: "text-embedding-3-small", input: content });
    await adminRequest(local.url, masterKey, "DELETE", `/helix/keys/${created.json.id}`);
  } finally {
    await local.stop();
  }
  // Every byte PGlite wrote (tables, WAL, everything), read after a clean stop.
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(dataDir);
  expect(files.length).toBeGreaterThan(50);
  const bytes = files.map((f) => readFileSync(f).toString("latin1")).join("\n");
  expect(bytes).toContain("sk-helix-"); // the display prefix is stored, as designed
  const secrets = { virtual: key, master: masterKey, openai: SECRET.openai, inPrompt: SECRET.inPrompt };
  expectNoSecrets("PGlite's data directory", bytes, secrets);
  expectNoPii("PGlite's data directory", bytes);
  expectNoSecrets("the embedded instance's logs", local.output(), secrets);
  expectNoPii("the embedded instance's logs", local.output());
  expect(existsSync(dataDir)).toBe(true);
});
