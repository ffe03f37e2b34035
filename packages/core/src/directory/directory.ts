import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { isPrototypeName, prototypeNameMessage } from "../own.js";
import type { Team, User, UserRole, WorkingHours } from "../records/index.js";
import { collections, readAll } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { isValidTimezone } from "../time/index.js";
import { parseInput } from "../validation.js";
import { z } from "../zod.js";
import { AbsenceService } from "./absences.js";

/** Monday to Friday, 09:00 to 18:00: the working hours of a user who declares none. */
export const defaultWorkingHours: WorkingHours = {
  days: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "18:00",
};

/** A user or team id chosen by the host: never a name Object.prototype has. */
const directoryId = z
  .string()
  .min(1)
  .max(128)
  .refine((id) => !isPrototypeName(id), prototypeNameMessage);

const timezone = z.string().refine(isValidTimezone, "use an IANA timezone such as Europe/Paris");
const userInput = z.strictObject({
  id: directoryId.optional(),
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().toLowerCase().pipe(z.email()).optional(),
  role: z.enum(["inside", "field", "manager", "admin"]),
  teamId: z.string().min(1).optional(),
  territory: z.string().trim().min(1).max(100).optional(),
  timezone: timezone.default("UTC"),
  active: z.boolean().default(true),
  workingHours: z
    .strictObject({
      days: z
        .array(z.number().int().min(1).max(7))
        .max(7)
        .transform((days) => [...new Set(days)].sort()),
      start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM"),
      end: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, "use HH:MM"),
    })
    .refine((hours) => hours.start < hours.end, {
      message: "end must be after start",
      path: ["end"],
    })
    .default(() => ({ ...defaultWorkingHours, days: [...defaultWorkingHours.days] })),
});
const teamInput = z.strictObject({
  id: directoryId.optional(),
  name: z.string().trim().min(1).max(200),
  managerId: z.string().min(1).optional(),
  territory: z.string().trim().min(1).max(100).optional(),
});

/** A new user (rep). */
export interface UserInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The display name. */
  readonly name: string;
  /** The e-mail address, unique among users. */
  readonly email?: string;
  /** Inside reps qualify by phone, field reps meet and close. */
  readonly role: UserRole;
  /** The team's id. */
  readonly teamId?: string;
  /** The sales territory. */
  readonly territory?: string;
  /** The IANA timezone of the user's working hours. @defaultValue "UTC" */
  readonly timezone?: string;
  /** Whether the user receives new work. @defaultValue true */
  readonly active?: boolean;
  /** When the user works, in their timezone. @defaultValue {@link defaultWorkingHours} */
  readonly workingHours?: WorkingHours;
}

/** A new team. */
export interface TeamInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The team's name. */
  readonly name: string;
  /** The managing user's id. */
  readonly managerId?: string;
  /** The team's territory. */
  readonly territory?: string;
}

/** A user update; `null` clears an optional field. */
export interface UserPatch {
  /** The display name. */
  readonly name?: string;
  /** The e-mail address; `null` clears it. */
  readonly email?: string | null;
  /** The role. */
  readonly role?: UserRole;
  /** The team's id; `null` clears it. */
  readonly teamId?: string | null;
  /** The territory; `null` clears it. */
  readonly territory?: string | null;
  /** The IANA timezone. */
  readonly timezone?: string;
  /** Whether the user receives new work. */
  readonly active?: boolean;
  /** When the user works, in their timezone. */
  readonly workingHours?: WorkingHours;
}

/** A team update; `null` clears an optional field. */
export interface TeamPatch {
  /** The team's name. */
  readonly name?: string;
  /** The managing user's id; `null` clears it. */
  readonly managerId?: string | null;
  /** The territory; `null` clears it. */
  readonly territory?: string | null;
}

/** What the directory repositories are built on. */
export interface DirectoryDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
}

/** The shared part of the user and team repositories. */
export abstract class SimpleRepository<Entity, Input> {
  /** @internal */
  protected readonly deps: DirectoryDeps;
  /** @internal */
  protected abstract readonly collection: string;
  /** @internal */
  protected abstract readonly what: string;
  /** @internal */
  protected abstract readonly schema: z.ZodType<Record<string, unknown>>;

  /** @internal */
  constructor(deps: DirectoryDeps) {
    this.deps = deps;
  }

  /** @internal */
  protected abstract checkReferences(record: Record<string, unknown>): Promise<void>;

  /** Lists every record. */
  async list(): Promise<Entity[]> {
    return readAll<Entity>(this.deps.storage, this.collection);
  }

  /** Reads one record, or `null`. */
  async get(id: string): Promise<Entity | null> {
    return (await this.deps.storage.get(this.collection, id)) as Entity | null;
  }

  /**
   * Creates a record.
   * @throws CrmkitError `VALIDATION_FAILED`, `UNIQUE_VIOLATION`
   */
  async create(input: Input): Promise<Entity> {
    const parsed = parseInput(this.schema, input, this.what);
    const now = toIsoInstant(this.deps.environment.now());
    const record = {
      ...parsed,
      id: (parsed.id as string | undefined) ?? this.deps.environment.newId(),
      createdAt: now,
      updatedAt: now,
    };
    await this.checkReferences(record);
    const [outcome] = await this.deps.storage.write([
      { type: "put", collection: this.collection, record, expectedRevision: 0 },
    ]);
    return { ...record, revision: outcome!.revision } as Entity;
  }

  /**
   * Updates a record; `null` clears an optional field.
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED`, `REVISION_CONFLICT`
   */
  async update(
    id: string,
    patch: Record<string, unknown>,
    options: { readonly expectedRevision?: number } = {},
  ): Promise<Entity> {
    const current = await this.deps.storage.get(this.collection, id);
    if (current === null)
      throw new CrmkitError("NOT_FOUND", `There is no ${this.what} "${id}".`, { details: { id } });
    const cleared = Object.keys(patch).filter((key) => patch[key] === null);
    const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null));
    const merged: Record<string, unknown> = { ...current, ...given };
    for (const key of cleared) delete merged[key];
    const { revision: _revision, createdAt, updatedAt: _updatedAt, ...rest } = merged;
    const parsed = parseInput(this.schema, rest, `${this.what} update`);
    const record = {
      ...parsed,
      id,
      createdAt,
      updatedAt: toIsoInstant(this.deps.environment.now()),
    };
    await this.checkReferences(record);
    const [outcome] = await this.deps.storage.write([
      {
        type: "put",
        collection: this.collection,
        record: record as never,
        expectedRevision: options.expectedRevision ?? current.revision,
      },
    ]);
    return { ...record, revision: outcome!.revision } as Entity;
  }
}

/** Users: the reps (and managers) records are assigned to. */
export class UserRepository extends SimpleRepository<User, UserInput> {
  /** @internal */
  protected readonly collection = collections.users;
  /** @internal */
  protected readonly what = "user";
  /** The users' absences: create, list, remove. */
  readonly absences: AbsenceService = new AbsenceService(this.deps, (id) => this.get(id));
  /** @internal */
  protected readonly schema = userInput as unknown as z.ZodType<Record<string, unknown>>;

  /** @internal */
  protected async checkReferences(record: Record<string, unknown>): Promise<void> {
    if (
      typeof record.teamId === "string" &&
      (await this.deps.storage.get(collections.teams, record.teamId)) === null
    ) {
      throw new CrmkitError("VALIDATION_FAILED", `There is no team "${record.teamId}".`, {
        details: { path: ["teamId"] },
      });
    }
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
      { type: "delete", collection: collections.users, id },
      ...absences.map((absence) => ({
        type: "delete" as const,
        collection: collections.absences,
        id: absence.id,
      })),
    ]);
  }
}

/** Teams of users. */
export class TeamRepository extends SimpleRepository<Team, TeamInput> {
  /** @internal */
  protected readonly collection = collections.teams;
  /** @internal */
  protected readonly what = "team";
  /** @internal */
  protected readonly schema = teamInput as unknown as z.ZodType<Record<string, unknown>>;

  /** @internal */
  protected async checkReferences(record: Record<string, unknown>): Promise<void> {
    if (
      typeof record.managerId === "string" &&
      (await this.deps.storage.get(collections.users, record.managerId)) === null
    ) {
      throw new CrmkitError("VALIDATION_FAILED", `There is no user "${record.managerId}".`, {
        details: { path: ["managerId"] },
      });
    }
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
    await this.deps.storage.write([{ type: "delete", collection: collections.teams, id }]);
  }
}
