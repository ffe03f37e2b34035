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
 * `slots.0.label`…): strings, numbers, booleans and lists of them. HTML bodies get escaped values.
 * No code runs: a placeholder is a path, nothing more.
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
  const fill = (source: string, inHtml: boolean) =>
    source.replace(placeholder, (_, path: string) => {
      const value = text(lookup(variables, path));
      if (value === undefined) {
        missing.add(path);
        return "";
      }
      return inHtml ? escapeHtml(value) : value;
    });
  return {
    subject: fill(template.subject, false),
    text: fill(template.text, false),
    ...(template.html === undefined ? {} : { html: fill(template.html, true) }),
    missing: [...missing],
  };
}
