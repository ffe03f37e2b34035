import { isPrototypeName, prototypeNameMessage } from "../own.js";
import type { UserRole, WorkingHours } from "../records/index.js";
import { isValidTimezone } from "../time/index.js";
import * as z from "../zod.js";

/** Monday to Friday, 09:00 to 18:00: the working hours of a user who declares none. */
export const defaultWorkingHours: WorkingHours = {
  days: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "18:00",
};

/** A user or team id chosen by the host: never a name Object.prototype has. */
const directoryId = z.string().check(
  z.minLength(1),
  z.maxLength(128),
  z.refine((id) => !isPrototypeName(id), prototypeNameMessage),
);

const timezone = z
  .string()
  .check(z.refine(isValidTimezone, "use an IANA timezone such as Europe/Paris"));
/** @internal */
export const userInput = z.strictObject({
  id: z.optional(directoryId),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  email: z.optional(z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.email())),
  role: z.enum(["inside", "field", "manager", "admin"]),
  teamId: z.optional(z.string().check(z.minLength(1))),
  territory: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  timezone: z._default(timezone, "UTC"),
  active: z._default(z.boolean(), true),
  workingHours: z._default(
    z
      .strictObject({
        days: z.pipe(
          z.array(z.number().check(z.int(), z.gte(1), z.lte(7))).check(z.maxLength(7)),
          z.transform((days) => [...new Set(days)].sort()),
        ),
        start: z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM")),
        end: z.string().check(z.regex(/^([01]\d|2[0-4]):[0-5]\d$/, "use HH:MM")),
      })
      .check(
        z.refine((hours) => hours.start < hours.end, {
          message: "end must be after start",
          path: ["end"],
        }),
      ),
    () => ({ ...defaultWorkingHours, days: [...defaultWorkingHours.days] }),
  ),
});
/** @internal */
export const teamInput = z.strictObject({
  id: z.optional(directoryId),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  managerId: z.optional(z.string().check(z.minLength(1))),
  territory: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
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
