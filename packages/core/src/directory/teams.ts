import { CrmkitError } from "../errors.js";
import { collections, type Team, tables, type Unrevised } from "../records/index.js";
import { parseInput } from "../validation.js";
import { type TeamInput, type TeamPatch, teamInput } from "./inputs.js";
import { SimpleRepository, type Stamps } from "./repository.js";

/** Teams of users. */
export class TeamRepository extends SimpleRepository<Team, TeamInput> {
  /** @internal */
  protected readonly table = tables.teams;
  /** @internal */
  protected readonly what = "team";
  /** @internal */
  protected build(input: unknown, what: string, stamps: Stamps): Unrevised<Team> {
    return this.stamped(parseInput(teamInput, input, what), stamps);
  }

  /** @internal */
  protected checkReferences(record: Unrevised<Team>): Promise<void> {
    return this.requireReferenced(record.managerId, tables.users, "user", "managerId");
  }

  /** Updates a team. */
  override update(
    id: string,
    patch: TeamPatch,
    options: { readonly expectedRevision?: number } = {},
  ): Promise<Team> {
    return super.update(id, { ...patch }, options);
  }

  /**
   * Deletes a team.
   * @throws CrmkitError `IN_USE` while users belong to it
   */
  async remove(id: string): Promise<void> {
    const members = await this.deps.storage.count({
      collection: collections.users,
      index: "teamId",
      where: { eq: id },
    });
    if (members > 0) {
      throw new CrmkitError("IN_USE", `Team "${id}" still has ${members} member(s).`, {
        details: { id, count: members, usedBy: { users: members } },
      });
    }
    await this.deps.storage.write([tables.teams.remove(id)]);
  }
}
