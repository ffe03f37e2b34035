// Makes sure the browser tests have a Chromium, and says what it did: uses CHROMIUM_PATH, the
// system's or a Playwright-installed one; otherwise installs one — with the system's package
// manager when running as root (Debian/Ubuntu: apt-get install chromium), else with Playwright's
// installer (`playwright install chromium`, into ~/.cache/ms-playwright).
import { spawnSync } from "node:child_process";
import { findChromium } from "./chromium.mjs";

const say = (text) => process.stdout.write(`chromium: ${text}\n`);
const run = (command, args) =>
  spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  }).status === 0;

let found = findChromium();
if (found === undefined && process.env.CHROMIUM_PATH) {
  say(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, which is not an executable.`);
  process.exit(1);
}
if (found === undefined) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const apt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (root && apt) {
    say("none found; installing Debian's chromium package with apt-get (running as root).");
    if (!run("apt-get", ["update", "-qq"]) || !run("apt-get", ["install", "-y", "-qq", "chromium"]))
      say("apt-get could not install it.");
  } else {
    say("none found; installing Playwright's Chromium (npx playwright install chromium).");
    if (!run("npx", ["--yes", "playwright", "install", "chromium"]))
      say("Playwright's installer failed (it needs to download from the internet).");
  }
  found = findChromium();
}
if (found === undefined) {
  say(
    "no Chromium, and none could be installed: install one (apt-get install chromium) or set CHROMIUM_PATH.",
  );
  process.exit(1);
}
say(`using ${found.path} (from ${found.source}).`);
