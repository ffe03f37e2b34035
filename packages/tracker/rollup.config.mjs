import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";

const ts = () => typescript({ tsconfig: "./tsconfig.json", exclude: ["**/*.test.ts"] });

export default [
  // The script-tag build: one IIFE, minified hard, with no runtime dependencies.
  {
    input: "src/snippet.ts",
    output: { file: "dist/crmkit.js", format: "iife", sourcemap: false, strict: false },
    plugins: [
      ts(),
      terser({
        ecma: 2020,
        module: false,
        compress: {
          passes: 3,
          unsafe_arrows: true,
          booleans_as_integers: true,
          global_defs: { CRMKIT_SNIPPET: true },
        },
      }),
    ],
  },
  // The ESM module for bundlers: readable, with a source map; the host's bundler minifies it.
  {
    input: "src/index.ts",
    output: { file: "dist/index.js", format: "es", sourcemap: true },
    plugins: [ts()],
  },
];
