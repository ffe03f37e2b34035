/**
 * Statuses, tag categories and tags, and custom fields: the definitions records use.
 *
 * @packageDocumentation
 */

export {
  type CustomFieldInput,
  CustomFieldService,
  type DefinitionDeps,
  DefinitionService,
  defaultStatuses,
  type RemoveOptions,
  type StatusInput,
  StatusService,
  type TagCategoryInput,
  type TagInput,
  TagService,
} from "./service.js";
