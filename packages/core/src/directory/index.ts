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
  defaultWorkingHours,
  type TeamInput,
  type TeamPatch,
  type UserInput,
  type UserPatch,
} from "./inputs.js";
export {
  type DirectoryDeps,
  SimpleRepository,
  type Stamped,
} from "./repository.js";
export { TeamRepository } from "./teams.js";
export { UserRepository } from "./users.js";
