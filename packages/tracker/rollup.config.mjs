import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";

/** The script-tag build: one IIFE, minified, with no runtime dependencies. */
export default {
  input: "src/snippet.ts",
  output: { file: "dist/crmkit.js", format: "iife", sourcemap: false },
  plugins: [
    typescript({ tsconfig: "./tsconfig.json", exclude: ["**/*.test.ts"] }),
    terser({ ecma: 2020, module: false, compress: { passes: 3 } }),
  ],
};
