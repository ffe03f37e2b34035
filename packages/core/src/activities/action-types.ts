import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, type PathSegment, validationError } from "../errors.js";
import { collections, revisionAfter } from "../records/index.js";
import type { StorageAdapter, WriteOperation } from "../storage/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import { activityTables } from "./tables.js";
import type { ActionType, ActionTypeInput } from "./types.js";

/** The action types every workspace starts with. */
export const defaultActionTypes: readonly Omit<
  ActionType,
  "revision" | "builtIn" | "createdAt" | "updatedAt"
>[] = [
  { id: "task", name: "Task", colour: "#6b7280", defaultDurationMinutes: 30, category: "task" },
  {
    id: "call",
    name: "Phone call",
    colour: "#2563eb",
    defaultDurationMinutes: 15,
    category: "call",
  },
  { id: "email", name: "E-mail", colour: "#0891b2", defaultDurationMinutes: 10, category: "email" },
  {
    id: "meeting",
    name: "Physical meeting",
    colour: "#16a34a",
    defaultDurationMinutes: 60,
    category: "meeting",
  },
  {
    id: "phone-meeting",
    name: "Phone meeting",
    colour: "#4f46e5",
    defaultDurationMinutes: 30,
    category: "meeting",
  },
  {
    id: "video",
    name: "Video-conference",
    colour: "#9333ea",
    defaultDurationMinutes: 45,
    category: "meeting",
  },
  { id: "demo", name: "Demo", colour: "#ea580c", defaultDurationMinutes: 60, category: "meeting" },
  {
    id: "visit",
    name: "Customer visit",
    colour: "#ca8a04",
    defaultDurationMinutes: 90,
    category: "visit",
  },
];

const categories = ["task", "call", "email", "meeting", "visit"] as const;
const fields = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  colour: z.string().check(z.regex(/^#[0-9a-f]{6}$/i, "use #rrggbb")),
  defaultDurationMinutes: z.number().check(z.int(), z.gte(1), z.lte(1_440)),
  category: z.enum(categories),
};
/** @internal */
export const actionTypeInput = z.strictObject({
  id: z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "use lower-case letters, digits and -")),
  ...fields,
});
const actionTypePatch = z.strictObject({
  name: z.optional(fields.name),
  colour: z.optional(fields.colour),
  defaultDurationMinutes: z.optional(fields.defaultDurationMinutes),
  category: z.optional(fields.category),
});

/** What the action-type service is built on. */
export interface ActionTypeDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
}

/** The writes that give a workspace its default action types. @internal */
export function defaultActionTypeWrites(now: string): WriteOperation[] {
  return defaultActionTypes.map((type) => ({
    type: "put" as const,
    collection: collections.actionTypes,
    record: { ...type, builtIn: true, createdAt: now, updatedAt: now },
  }));
}

/** Action types: the names, colours and default durations of activities. */
export class ActionTypeService {
  readonly #deps: ActionTypeDeps;

  /** @internal */
  constructor(deps: ActionTypeDeps) {
    this.#deps = deps;
  }

  /** Every action type, by name. */
  async list(): Promise<ActionType[]> {
    const types = await activityTables.actionTypes.all(this.#deps.storage);
    return types.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One action type, or `null`. */
  async get(id: string): Promise<ActionType | null> {
    return activityTables.actionTypes.get(this.#deps.storage, id);
  }

  /**
   * Adds an action type.
   * @throws CrmkitError `VALIDATION_FAILED` (bad field), `UNIQUE_VIOLATION` (the id exists)
   */
  async create(input: ActionTypeInput): Promise<ActionType> {
    const parsed = parseInput(actionTypeInput, input, "action type");
    const now = toIsoInstant(this.#deps.environment.now());
    const record = { ...parsed, builtIn: false, createdAt: now, updatedAt: now };
    try {
      const [outcome] = await this.#deps.storage.write([activityTables.actionTypes.put(record, 0)]);
      return { ...record, revision: revisionAfter(outcome) };
    } catch (error) {
      if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
      throw new CrmkitError("UNIQUE_VIOLATION", `Action type "${parsed.id}" exists.`, {
        details: { path: ["id"], id: parsed.id },
      });
    }
  }

  /**
   * Changes an action type's name, colour, default duration or category (built-in ones too).
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED`, `REVISION_CONFLICT` (a concurrent change)
   */
  async update(id: string, patch: Partial<Omit<ActionTypeInput, "id">>): Promise<ActionType> {
    const parsed = parseInput(actionTypePatch, patch, "action type");
    const current = await this.get(id);
    if (current === null)
      throw new CrmkitError("NOT_FOUND", `There is no action type "${id}".`, { details: { id } });
    const { revision, ...rest } = current;
    const record = { ...rest, ...parsed, updatedAt: toIsoInstant(this.#deps.environment.now()) };
    const [outcome] = await this.#deps.storage.write([
      activityTables.actionTypes.put(record, revision),
    ]);
    return { ...record, revision: revisionAfter(outcome) };
  }

  /**
   * Reads an action type that must exist.
   * @throws CrmkitError `VALIDATION_FAILED` at `path` for an unknown type
   */
  async require(id: string, path: readonly PathSegment[] = ["type"]): Promise<ActionType> {
    const type = await this.get(id);
    if (type === null)
      throw validationError("activity", [
        { path, message: `unknown action type "${id}"`, code: "unknown_ref" },
      ]);
    return type;
  }
}
