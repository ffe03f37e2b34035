// The script-tag build's entry: configured by its own tag's `data-*` attributes (no inline script,
// so a strict CSP needs no exception), it takes over the `crmkit(...)` queue stub and replays the
// calls made before it loaded, in order (before the first pageview).
import { type Command, start } from "./tracker.js";

const host = self as unknown as { crmkit?: Command & { q?: Parameters<Command>[] } };
const queued = host.crmkit?.q || [];
const command = start((document.currentScript as HTMLScriptElement).dataset);
host.crmkit = command;
// Each entry is an `arguments` object, which spreads like an array.
for (const args of queued) command(...args);
