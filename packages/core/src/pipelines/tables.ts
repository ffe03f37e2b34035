import { collections, table } from "../records/index.js";
import type { RoutingRule } from "./input.js";
import type { Deal, Pipeline, StageStay, Task } from "./types.js";

/** The stored routing rules (one record of `meta`). */
export interface RoutingRecord {
  readonly id: string;
  readonly rules: readonly RoutingRule[];
}

/** The typed views of the pipelines domain's collections. @internal */
export const pipelineTables = {
  pipelines: table<Pipeline>(collections.pipelines),
  deals: table<Deal>(collections.deals),
  stays: table<StageStay>(collections.dealStages),
  tasks: table<Task>(collections.tasks),
  routing: table<RoutingRecord>(collections.meta),
} as const;
