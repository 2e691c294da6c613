// The overview API behind the dashboard: traffic sent through the SDK shows up in the signed-in
// user's overview (from the rollups); without a session it is 401; a bad range names the parameter.
import { test, expect } from "@playwright/test";
import OpenAI from "openai";
import { startHelix, type HelixServer } from "./support/helix-server";
import { startFakeUpstream, upstreamEnv, writeConfig, type FakeUpstream } from "./support/fixtures";
import { signInToDashboard } from "./support/dashboard-session";

const ADMIN = { email: "overview-admin@example.com", password: "overview-password-1" };
let fake: FakeUpstream;
let helix: HelixServer;

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  helix = await startHelix({ ...upstreamEnv(fake), HELIX_CONFIG: writeConfig(fake), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, HELIX_EMBEDDINGS_OFFLINE: "true" });
});

test.afterAll(async () => {
  await helix?.stop();
  await fake?.close();
});

test("requests sent through the gateway appear in the overview of a signed-in user", async ({ page, request }) => {
  const unauthenticated = await request.get(`${helix.url}/api/dashboard/overview?range=1h`);
  expect(unauthenticated.status()).toBe(401);

  const client = new OpenAI({ baseURL: helix.baseURL, apiKey: "sk-local-overview", maxRetries: 0 });
  const messages = [{ role: "user" as const, content: `overview ${Date.now()} [[words:20]]` }];
  await client.chat.completions.create({ model: "gpt-4o-mini", messages });
  await client.chat.completions.create({ model: "gpt-4o-mini", messages }); // an exact-cache hit
  await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "fail [[status:500]]" }] }).catch(() => {});

  await signInToDashboard(page, helix.url, ADMIN);
  const bad = await page.request.get(`${helix.url}/api/dashboard/overview?range=2w`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.param).toBe("range");

  await expect
    .poll(async () => (await (await page.request.get(`${helix.url}/api/dashboard/overview?range=1h`)).json()).current.requests, { timeout: 15_000 })
    .toBe(3);
  const o = await (await page.request.get(`${helix.url}/api/dashboard/overview?range=1h`)).json();
  expect(o).toMatchObject({ object: "dashboard.overview", range: "1h", granularity: "minute" });
  expect(o.current).toMatchObject({ requests: 3, errors: 1, cache_hits: 1 });
  expect(o.current.spend_usd).toBeGreaterThan(0);
  expect(o.current.cache_savings_usd).toBeGreaterThan(0);
  expect(o.current.latency_p50_ms).not.toBeNull();
});
