import { CrmkitError } from "../errors.js";
import { collections, tables, type Unrevised, type User } from "../records/index.js";
import { parseInput } from "../validation.js";
import { AbsenceService } from "./absences.js";
import { type UserInput, type UserPatch, userInput } from "./inputs.js";
import { SimpleRepository, type Stamps } from "./repository.js";

/** Users: the reps (and managers) records are assigned to. */
export class UserRepository extends SimpleRepository<User, UserInput> {
  /** @internal */
  protected readonly table = tables.users;
  /** @internal */
  protected readonly what = "user";
  /** The users' absences: create, list, remove. */
  readonly absences: AbsenceService = new AbsenceService(this.deps, (id) => this.get(id));
  /** @internal */
  protected build(input: unknown, what: string, stamps: Stamps): Unrevised<User> {
    return this.stamped(parseInput(userInput, input, what), stamps);
  }

  /** @internal */
  protected checkReferences(record: Unrevised<User>): Promise<void> {
    return this.requireReferenced(record.teamId, tables.teams, "team", "teamId");
  }

  /** Updates a user. Deactivate (`active: false`) rather than delete a user who owns records. */
  override update(
    id: string,
    patch: UserPatch,
    options: { readonly expectedRevision?: number } = {},
  ): Promise<User> {
    return super.update(id, { ...patch }, options);
  }

  /**
   * Deletes a user.
   * @throws CrmkitError `IN_USE` while the user owns contacts or accounts (deactivate them instead)
   */
  async remove(id: string): Promise<void> {
    const contacts = await this.deps.storage.count({
      collection: collections.contacts,
      index: "ownerId",
      where: { eq: id },
    });
    const accounts = await this.deps.storage.count({
      collection: collections.accounts,
      index: "ownerId",
      where: { eq: id },
    });
    const deals = await this.deps.storage.count({
      collection: collections.deals,
      index: "ownerId",
      where: { eq: id },
    });
    if (contacts + accounts + deals > 0) {
      throw new CrmkitError(
        "IN_USE",
        `User "${id}" owns ${contacts} contact(s), ${accounts} account(s) and ${deals} deal(s); reassign them or deactivate the user.`,
        {
          details: {
            id,
            count: contacts + accounts + deals,
            usedBy: { contacts, accounts, deals },
          },
        },
      );
    }
    const absences = await this.absences.list(id);
    await this.deps.storage.write([
      tables.users.remove(id),
      ...absences.map((absence) => tables.absences.remove(absence.id)),
    ]);
  }
}
