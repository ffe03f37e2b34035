import type { WriteOperation } from "../storage/index.js";

/**
 * Turns an event a service is about to emit into the write operations that record it durably, for
 * the service to put in the same batch as the change that causes it. Automations consume the
 * record (in process at once, or from `runDue` after a crash), so no start is lost between a
 * write and its event. Services receive it from the workspace; alone they use {@link noJournal}.
 */
export type EventJournal = (type: string, event: unknown) => readonly WriteOperation[];

/** Records nothing. @internal */
export const noJournal: EventJournal = () => [];
