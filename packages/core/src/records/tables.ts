import { collections } from "./schema.js";
import { table } from "./table.js";
import type {
  Absence,
  Account,
  Contact,
  CustomFieldDefinition,
  StatusDefinition,
  Tag,
  TagCategory,
  Team,
  User,
} from "./types.js";

/** The typed views of the kernel's collections; domains declare their own next to their types. */
export const tables = {
  contacts: table<Contact>(collections.contacts),
  accounts: table<Account>(collections.accounts),
  users: table<User>(collections.users),
  teams: table<Team>(collections.teams),
  absences: table<Absence>(collections.absences),
  statuses: table<StatusDefinition>(collections.statuses),
  tagCategories: table<TagCategory>(collections.tagCategories),
  tags: table<Tag>(collections.tags),
  customFields: table<CustomFieldDefinition>(collections.customFields),
} as const;
