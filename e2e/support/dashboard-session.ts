// Signing in to the dashboard from a Playwright test (the browser's own flow, so cookies are real).
import { expect, type Page } from "@playwright/test";

export interface DashboardCredentials {
  email: string;
  password: string;
}

/** Opens `path` (default /dashboard), signs in on the sign-in page it redirects to, waits to be back. */
export async function signInToDashboard(page: Page, baseUrl: string, who: DashboardCredentials, path = "/dashboard"): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`${baseUrl}${path}`);
}
