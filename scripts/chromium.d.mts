/** Where a Chromium executable was found. */
export interface FoundChromium {
  /** The executable. */
  readonly path: string;
  /** `CHROMIUM_PATH`, `the system` or `Playwright's browsers`. */
  readonly source: string;
}

/** The Chromium executable to use, or undefined when there is none. */
export function findChromium(): FoundChromium | undefined;
