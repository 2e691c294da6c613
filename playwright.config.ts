import { defineConfig } from "@playwright/test";

// API tests (official OpenAI SDK against a running Helix) and browser tests (Chromium from the
// system: never a downloaded browser). Each test file starts the Helix instances it needs.
export default defineConfig({
  testDir: "e2e",
  // Builds the app first when there is no build or the sources changed.
  globalSetup: "./e2e/support/global-setup.ts",
  timeout: 60_000,
  fullyParallel: false,
  workers: 2,
  reporter: [["list"]],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
});
