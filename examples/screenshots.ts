// The examples' screenshots in docs/images: taken by their tests in real Chromium, after the test
// checked what the page shows; written only by `pnpm screenshots` (UPDATE_SCREENSHOTS=1), so a
// plain test run leaves the repository untouched.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

const images = fileURLToPath(new URL("../docs/images/", import.meta.url));

/** Takes the page's full screenshot; stores it as docs/images/`name` when asked to. */
export async function screenshot(page: Page, name: string): Promise<Buffer> {
  const image = await page.screenshot({ fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    await mkdir(images, { recursive: true });
    await page.screenshot({ fullPage: true, path: `${images}${name}` });
  }
  return image;
}
