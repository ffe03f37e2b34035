import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.base.js";

// One ES module per source module (no pre-bundled file), so that a bundler keeps only the modules
// a page reaches; declarations come from `tsc -p tsconfig.build.json`, one per module too.
export default defineConfig({
  ...libraryBuild,
  // Every module but tests and the suite's own fixtures (the public `testing` entry is kept).
  entry: [
    "src/**/*.ts",
    "!src/**/*.test.ts",
    "!src/**/*.test-d.ts",
    "!src/collector/testing/**",
    "!src/testing/!(public).ts",
  ],
  bundle: false,
  dts: false,
});
