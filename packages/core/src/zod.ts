// crmkit's one door to zod, and it is `zod/mini`: functions rather than methods, so a bundler keeps
// only the schema kinds and checks crmkit uses (classic zod's methods pull in all of zod, every
// locale included). Modules import it as a namespace (`import * as z from "../zod.js"`), which
// bundlers shake property by property. Messages are zod's English ones, the only locale loaded; an
// application that wants another calls `z.config(…)` with it on its own copy of zod.
//
// zod compiles a fast path for object schemas with `new Function` when the page allows it, and
// finds out by trying once, the first time an object schema is built. A strict
// Content-Security-Policy blocks the attempt but still reports it as a violation (to the page's
// `securitypolicyviolation` listeners and its report-uri) on every load, and crmkit never evaluates
// code anyway. So zod is switched to its interpreter — `jitless`, zod's global setting — before any
// of crmkit's schemas parses anything. An application sharing crmkit's copy of zod gets the
// interpreter for its own schemas too (same results; object parsing without the compiled path).
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config({ jitless: true, ...en() });

export * from "zod/mini";
