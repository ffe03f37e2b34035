// Prints the script-tag build's raw, gzip and brotli sizes and fails above the byte budget.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const budget = 1024;
const file = new URL("../dist/crmkit.js", import.meta.url);
const code = readFileSync(file);
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
}).length;
console.log(
  `dist/crmkit.js: ${code.length} B raw, ${gzip} B gzip, ${brotli} B brotli (budget ${budget} B gzip)`,
);
if (gzip > budget) {
  console.error(`dist/crmkit.js is ${gzip} B gzipped, over the ${budget} B budget.`);
  process.exit(1);
}
