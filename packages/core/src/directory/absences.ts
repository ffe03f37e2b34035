import type { Environment } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { Absence, User } from "../records/index.js";
import { revised, tables } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";

/** A period a user is away: no new work is assigned to them. */
export interface AbsenceInput {
  /** The first day away (`YYYY-MM-DD`, in the user's timezone). */
  readonly from: string;
  /** The last day away, included. */
  readonly to: string;
  /** Why, for the assignment audit ("holiday", "sick leave"). */
  readonly reason?: string;
}

/** @internal */
export const absenceInput = z
  .strictObject({
    from: z.iso.date(),
    to: z.iso.date(),
    reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  })
  .check(
    z.refine((absence) => absence.from <= absence.to, {
      message: "to must not be before from",
      path: ["to"],
    }),
  );

/** Users' absences: days the assignment engine skips them (`crm.users.absences`). */
export class AbsenceService {
  readonly #deps: { readonly storage: StorageAdapter; readonly environment: Environment };
  readonly #user: (id: string) => Promise<User | null>;

  /** @internal */
  constructor(
    deps: { readonly storage: StorageAdapter; readonly environment: Environment },
    user: (id: string) => Promise<User | null>,
  ) {
    this.#deps = deps;
    this.#user = user;
  }

  /**
   * Records an absence: the assignment engine skips the user on those days (in their timezone).
   * @throws CrmkitError `NOT_FOUND` for an unknown user, `VALIDATION_FAILED` for bad dates
   */
  async create(userId: string, input: AbsenceInput): Promise<Absence> {
    const parsed = parseInput(absenceInput, input, "absence");
    if ((await this.#user(userId)) === null)
      throw new CrmkitError("NOT_FOUND", `There is no user "${userId}".`, {
        details: { id: userId },
      });
    const record = { id: this.#deps.environment.newId(), userId, ...parsed };
    const [outcome] = await this.#deps.storage.write([tables.absences.put(record, 0)]);
    return revised<Absence>(record, outcome);
  }

  /** Lists a user's absences, earliest first. */
  async list(userId: string): Promise<Absence[]> {
    const page = await tables.absences.query(this.#deps.storage, {
      index: "userId",
      where: { eq: userId },
    });
    return page.records.sort((a, b) => a.from.localeCompare(b.from));
  }

  /** Removes an absence (no error when it is already gone). */
  async remove(id: string): Promise<void> {
    await this.#deps.storage.write([tables.absences.remove(id)]);
  }
}
