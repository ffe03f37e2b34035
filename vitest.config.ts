import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { findChromium } from "./scripts/chromium.mjs";

// Tests read each workspace package's TypeScript source through the custom export condition, so
// no build is needed before testing. The rest of each list is Vite's own default.
const clientConditions = ["@crmkit/source", "module", "browser", "development|production"];
const serverConditions = ["@crmkit/source", "module", "node", "development|production"];

// CHROMIUM_PATH, the system's Chromium or Playwright's (`pnpm run check` installs one when there
// is none). Set in the environment, so tests that launch Chromium themselves use the same one.
const chromiumPath = findChromium()?.path ?? "/usr/bin/chromium";
process.env.CHROMIUM_PATH ??= chromiumPath;

export default defineConfig({
  resolve: { conditions: clientConditions },
  ssr: { resolve: { conditions: serverConditions, externalConditions: serverConditions } },
  test: {
    // Library code must stay silent: the setup file fails any test that writes to the console.
    setupFiles: ["./vitest.setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          environment: "node",
          // Generous: nothing may fail because the machine is busy (both cores loaded by another
          // process). Property tests set explicit run counts; no test measures time.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          include: [
            "packages/*/src/**/*.test.ts",
            "bench/src/**/*.test.ts",
            "docs/examples/**/*.test.ts",
            "examples/*/src/**/*.test.ts",
            "packaging/src/**/*.test.ts",
          ],
          exclude: ["**/*.browser.test.ts", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "chromium",
          include: ["packages/*/src/**/*.browser.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: chromiumPath,
                args: [
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--no-first-run",
                ],
              },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
