/**
 * Statuses, tag categories and tags, and custom fields: the definitions records use.
 *
 * @packageDocumentation
 */

export {
  type DefinitionDeps,
  DefinitionService,
} from "./definitions.js";
export { CustomFieldService } from "./fields.js";
export {
  type CustomFieldInput,
  categoryInput,
  color,
  defaultStatuses,
  definitionId,
  fieldInput,
  type RemoveOptions,
  type StatusInput,
  statusInput,
  type TagCategoryInput,
  type TagInput,
  tagInput,
} from "./inputs.js";
export { StatusService } from "./statuses.js";
export {
  TagCategoryService,
  TagService,
} from "./tags.js";
