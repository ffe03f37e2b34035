// Prints the script-tag build's raw, gzip and brotli sizes, and fails above its byte limit
// (package.json `crmkit.gzipLimit`; `crmkit.gzipTarget` is the size the tracker aims at).
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const { gzipLimit, gzipTarget } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
).crmkit;
const code = readFileSync(new URL("../dist/crmkit.js", import.meta.url));
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
}).length;
console.log(
  `dist/crmkit.js: ${code.length} B raw, ${gzip} B gzip, ${brotli} B brotli (limit ${gzipLimit} B gzip; target ${gzipTarget} B)`,
);
if (gzip > gzipLimit) {
  console.error(`dist/crmkit.js is ${gzip} B gzipped, over the ${gzipLimit} B limit.`);
  process.exit(1);
}
