import type { Options } from "tsup";

/** The build every library package shares: ESM with declarations and source maps, for ES2022. */
export const libraryBuild: Options = {
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  treeshake: true,
};
