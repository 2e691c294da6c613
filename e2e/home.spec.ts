// The page a newcomer sees at / in a real browser: what is configured and what is not.
import { test, expect } from "@playwright/test";
import { startHelix, type HelixServer } from "./support/helix-server";

let helix: HelixServer;

test.beforeAll(async () => {
  helix = await startHelix({});
});

test.afterAll(async () => {
  await helix?.stop();
});

test("the start page explains the embedded defaults and what to configure", async ({ page }) => {
  await page.goto(helix.url);
  await expect(page.getByRole("heading", { name: "Helix AI Gateway is running" })).toBeVisible();
  await expect(page.getByTestId("setup-database")).toContainText("Embedded PostgreSQL (PGlite)");
  await expect(page.getByTestId("setup-redis")).toContainText("In-process");
  await expect(page.getByTestId("setup-auth")).toContainText("MASTER_KEY not set");
  await expect(page.getByTestId("setup-auth")).toContainText("action needed");
  await expect(page.getByTestId("setup-provider-OPENAI_API_KEY")).toContainText("Not configured");
});
