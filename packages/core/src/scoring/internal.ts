// What the folder shares with the rest of the core but not with the package's users: its
// door (index.ts) re-exports it as internal, and declarations strip it.

export { forgetHits } from "./forget.js";
export { acceptValidated } from "./input.js";
export { compileUrlPattern } from "./patterns.js";
export { scoringTables } from "./tables.js";
