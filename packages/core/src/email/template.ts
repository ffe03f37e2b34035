/** An e-mail template: `{{ contact.firstName }}` placeholders in its subject and bodies. */
export interface EmailTemplate {
  /** The subject line. */
  readonly subject: string;
  /** The plain-text body. */
  readonly text: string;
  /** The HTML body (placeholders are HTML-escaped there). */
  readonly html?: string;
}

/** A rendered template, and the placeholders no variable filled. */
export interface RenderedEmail {
  /** The subject line. */
  readonly subject: string;
  /** The plain-text body. */
  readonly text: string;
  /** The HTML body. */
  readonly html?: string;
  /** Placeholders with no value (rendered empty): a caller may refuse to send. */
  readonly missing: readonly string[];
  /**
   * Placeholders whose value was refused (rendered empty): a value that starts a link's URL
   * (`href="{{ x }}"`) and is not an http(s) or mailto URL. A caller may refuse to send.
   */
  readonly refused: readonly string[];
}

/** Attributes whose value a mail client follows or loads as a URL. */
const urlAttributes = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "background",
  "poster",
  "cite",
  "xlink:href",
]);

/** Whether a placeholder at `index` of an HTML template starts the value of a URL attribute. */
function startsUrlAttribute(html: string, index: number): boolean {
  const space = (i: number) => i >= 0 && /\s/.test(html[i]!);
  let i = index - 1;
  while (space(i)) i--;
  if (html[i] === '"' || html[i] === "'") i--;
  while (space(i)) i--;
  if (html[i] !== "=") return false;
  i--;
  while (space(i)) i--;
  const end = i + 1;
  while (i >= 0 && /[\w:-]/.test(html[i]!)) i--;
  return urlAttributes.has(html.slice(i + 1, end).toLowerCase());
}

/** Whether a value may start a link: an absolute http(s) or mailto URL. */
function safeUrl(value: string): boolean {
  const trimmed = value.trim();
  return URL.canParse(trimmed) && /^(https?|mailto):$/.test(new URL(trimmed).protocol);
}

/** A header value is one line: line breaks and other control characters become spaces. */
export function singleLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced.
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
}

const placeholder = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;

function lookup(variables: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = variables;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(text);
    return parts.every((part) => part !== undefined) ? parts.join(", ") : undefined;
  }
  return undefined;
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/**
 * Fills a template's `{{ path }}` placeholders from variables (`contact.firstName`,
 * `slots.0.label`…): strings, numbers, booleans and lists of them. No code runs: a placeholder is
 * a path, nothing more. The subject is one line (line breaks in a contact's name cannot add a
 * header); HTML bodies get escaped values; a value that starts a URL attribute (`href`, `src`…)
 * must be an http(s) or mailto URL, else it renders empty and is listed in `refused`.
 *
 * @example
 * ```ts
 * renderTemplate({ subject: "Hello {{ contact.firstName }}", text: "…" }, { contact })
 * ```
 */
export function renderTemplate(
  template: EmailTemplate,
  variables: Readonly<Record<string, unknown>>,
): RenderedEmail {
  const missing = new Set<string>();
  const refused = new Set<string>();
  const fill = (source: string, inHtml: boolean) =>
    source.replace(placeholder, (_, path: string, index: number) => {
      const value = text(lookup(variables, path));
      if (value === undefined) {
        missing.add(path);
        return "";
      }
      if (inHtml && startsUrlAttribute(source, index) && !safeUrl(value)) {
        refused.add(path);
        return "";
      }
      return inHtml ? escapeHtml(value) : value;
    });
  return {
    subject: singleLine(fill(template.subject, false)),
    text: fill(template.text, false),
    ...(template.html === undefined ? {} : { html: fill(template.html, true) }),
    missing: [...missing],
    refused: [...refused],
  };
}
