// Where the browser tests' Chromium is: CHROMIUM_PATH, then the system's, then one Playwright
// installed. Shared by vitest.config.ts (to launch it) and ensure-chromium.mjs (to install it).
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";

const systemPaths = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium executable to use and where it was found, or undefined when there is none. */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return executable(fromEnv) ? { path: fromEnv, source: "CHROMIUM_PATH" } : undefined;
  for (const path of systemPaths) if (executable(path)) return { path, source: "the system" };
  try {
    const { chromium } = createRequire(import.meta.url)("playwright-core");
    const path = chromium.executablePath();
    if (path && executable(path)) return { path, source: "Playwright's browsers" };
  } catch {
    // playwright-core not installed yet, or no browser of its own.
  }
  return undefined;
}
