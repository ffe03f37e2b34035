// The shapes the reports read: what `loadReportData` returns (and what a test may build by hand).
import type { Pipeline } from "../pipelines/index.js";

/** A deal as the reports read it: instants as epoch milliseconds. */
export interface ReportDeal {
  /** The deal id. */
  readonly id: string;
  /** Its pipeline. */
  readonly pipelineId: string;
  /** Its current stage. */
  readonly stageId: string;
  /** Open, won or lost. */
  readonly state: "open" | "won" | "lost";
  /** The owning rep. */
  readonly ownerId: string | undefined;
  /** Where the lead came from. */
  readonly source: string | undefined;
  /** The sales territory. */
  readonly territory: string | undefined;
  /** Products. */
  readonly products: readonly string[];
  /** The value in minor units. */
  readonly value: number | undefined;
  /** The expected close date, `YYYY-MM-DD`. */
  readonly expectedCloseDate: string | undefined;
  /** When it was created. */
  readonly createdAt: number;
  /** When it was last written. */
  readonly updatedAt: number;
  /** When it was closed. */
  readonly closedAt: number | undefined;
}

/** One stay of a deal in a stage. */
export interface ReportStay {
  /** The deal. */
  readonly dealId: string;
  /** The pipeline. */
  readonly pipelineId: string;
  /** The stage. */
  readonly stageId: string;
  /** Its position in the deal's history. */
  readonly sequence: number;
  /** When the deal entered. */
  readonly enteredAt: number;
  /** When it left; absent while it is still there. */
  readonly leftAt: number | undefined;
}

/** What the reports read, loaded once: deals, their stage histories, pipelines and reps' teams. */
export interface ReportData {
  /** The deals, in id order. */
  readonly deals: readonly ReportDeal[];
  /**
   * Each deal's stays, in sequence order. Loaded data keeps the stays as columns (typed arrays,
   * no object per stay) and makes a deal's list when it is asked for; a map made by hand works
   * the same (the reports turn it into columns once, so it must not change afterwards).
   */
  readonly stays: ReadonlyMap<string, readonly ReportStay[]>;
  /** Pipelines by id. */
  readonly pipelines: ReadonlyMap<string, Pipeline>;
  /** Team id by user id. */
  readonly teams: ReadonlyMap<string, string>;
  /** Each deal's stage tasks (stage and status). */
  readonly tasks: ReadonlyMap<string, readonly ReportTask[]>;
  /** Each deal's first meeting held (a done activity of the meeting or visit category), epoch ms. */
  readonly firstMeetings: ReadonlyMap<string, number>;
}

/** A stage task as the reports read it. */
export interface ReportTask {
  /** The stage that created it. */
  readonly stageId: string;
  /** Open, done, skipped (its stage's goal was met first) or cancelled. */
  readonly status: "open" | "done" | "skipped" | "cancelled";
}
