/**
 * What tests of an application need from crmkit: a deterministic environment (fixed clock,
 * seeded ids and randomness).
 *
 * @packageDocumentation
 * @module @crmkit/core/testing
 */

export {
  createTestEnvironment,
  seededRandom,
  type TestEnvironment,
  type TestEnvironmentOptions,
} from "../environment.js";
