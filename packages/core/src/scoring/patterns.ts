/**
 * URL patterns of scoring rules and collector exclusions, compiled once to a wildcard matcher
 * (`*` is the only wildcard; everything else is literal).
 */
import { compileGlob } from "../patterns/index.js";

/** A compiled URL pattern. */
export interface UrlPattern {
  /** The pattern as written. */
  readonly source: string;
  /** Whether a URL matches. */
  test(url: URL): boolean;
}

const stripTrailingSlash = (path: string) =>
  path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;

/**
 * Compiles a pattern, matched without backtracking (see {@link compileGlob}): one starting with `/`
 * matches the path; otherwise it names a host (with or
 * without `http(s)://`) and matches host and path. The query string takes part only when the
 * pattern has a `?`; the fragment never does. Hosts compare case-insensitively.
 * @internal
 */
export function compileUrlPattern(pattern: string): UrlPattern {
  const withQuery = pattern.includes("?");
  const bare = pattern.replace(/^https?:\/\//i, "");
  const [head, query] = withQuery ? splitOnce(bare, "?") : [bare, undefined];
  let body: string;
  if (head.startsWith("/") || head === "*") body = stripTrailingSlash(head);
  else {
    const slash = head.indexOf("/");
    const host = (slash < 0 ? head : head.slice(0, slash)).toLowerCase();
    const path = slash < 0 ? "" : stripTrailingSlash(head.slice(slash));
    body = `${host}${path === "/" ? "" : path}`;
  }
  const glob = compileGlob(`${body}${query === undefined ? "" : `?${query}`}`);
  const pathOnly = head.startsWith("/") || head === "*";
  return {
    source: pattern,
    test(url) {
      const path = stripTrailingSlash(url.pathname);
      const subject = pathOnly ? path : `${url.host.toLowerCase()}${path === "/" ? "" : path}`;
      return glob.test(query === undefined ? subject : `${subject}${url.search}`);
    },
  };
}

function splitOnce(text: string, separator: string): [string, string] {
  const index = text.indexOf(separator);
  return [text.slice(0, index), text.slice(index + 1)];
}
