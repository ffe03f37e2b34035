/**
 * Patterns users type — regular expressions in segments, wildcards in scoring rules and collector
 * exclusions — matched in time linear in the input, whatever the pattern.
 *
 * @packageDocumentation
 */

export {
  compileGlob,
  type Glob,
} from "./glob.js";
export {
  type CompiledRegex,
  type CompiledRegexOk,
  type CompiledRegexRefused,
  compileRegex,
  type LinearRegex,
  maxProgramSize,
} from "./regex.js";
