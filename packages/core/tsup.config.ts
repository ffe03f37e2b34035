import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.base.js";

export default defineConfig({
  ...libraryBuild,
  entry: {
    index: "src/index.ts",
    "storage/index": "src/storage/index.ts",
    "query/public": "src/query/public.ts",
    "reports/public": "src/reports/public.ts",
    "compensation/public": "src/compensation/public.ts",
    "collector/public": "src/collector/public.ts",
    "email/public": "src/email/public.ts",
    "objectives/public": "src/objectives/public.ts",
    "time/public": "src/time/public.ts",
    money: "src/money.ts",
    "testing/public": "src/testing/public.ts",
  },
});
