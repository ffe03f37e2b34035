// crmkit's one door to zod. zod compiles a fast path for object schemas with `new Function` when
// the page allows it, and finds out by trying once, the first time an object schema is built. A
// strict Content-Security-Policy blocks the attempt but still reports it as a violation (to the
// page's `securitypolicyviolation` listeners and its report-uri) on every load, and crmkit never
// evaluates code anyway. So zod is switched to its interpreter here, before any of crmkit's schemas
// exist: every module of the core that builds a schema imports `z` from this one.
//
// `jitless` is zod's global setting: an application that shares crmkit's copy of zod gets the
// interpreter for its own schemas too (same results; object parsing without the compiled path).
import { z } from "zod";

z.config({ jitless: true });

export { z };
