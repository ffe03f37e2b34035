// What the folder shares with the rest of the core but not with the package's users: its
// door (index.ts) re-exports it as internal, and declarations strip it.
export {
  compileQuery,
  countActivities,
} from "./compile.js";
export { explainQuery } from "./explain.js";
export {
  readPath,
  resolveField,
} from "./fields.js";
export { resolveQuery } from "./resolve.js";
export { relativeSpan } from "./values.js";
