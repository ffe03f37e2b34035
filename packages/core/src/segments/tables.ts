import { collections, table } from "../records/index.js";
import type { SavedSegment } from "./types.js";

/** The saved segments' collection. @internal */
export const segmentTable = table<SavedSegment>(collections.segments);
