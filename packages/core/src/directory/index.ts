/**
 * Users, teams and absences: who records are assigned to, and when they are away.
 *
 * @packageDocumentation
 */

export {
  type AbsenceInput,
  AbsenceService,
} from "./absences.js";
export {
  type DirectoryDeps,
  defaultWorkingHours,
  SimpleRepository,
  type TeamInput,
  type TeamPatch,
  TeamRepository,
  type UserInput,
  type UserPatch,
  UserRepository,
} from "./directory.js";
