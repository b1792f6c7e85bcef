import { specValidator } from "../agents/json-schema.js";

/**
 * Events against specs/journal.schema.json: each kind's data with its required fields and no others.
 * The runner's own writes are typed (events.ts); this catches what types cannot, a field misspelled
 * through a spread or a cast, and is on wherever the test suite runs (MISSIONC_CHECK_JOURNAL=1).
 */

export class EventShapeError extends Error {}

/** The first fault of an event against the schema, in words; undefined when it fits. */
export function eventFault(event: unknown): string | undefined {
  const validate = specValidator("journal.schema.json", { validateFormats: false });
  if (validate(event)) return undefined;
  const e = validate.errors?.[0];
  return e
    ? `${e.instancePath || "(event)"} ${e.message ?? "is invalid"}${e.params && "additionalProperty" in e.params ? `: ${String(e.params["additionalProperty"])}` : ""}`
    : "does not fit";
}

export function checkEvent(event: { type: string }): void {
  const fault = eventFault(event);
  if (fault) throw new EventShapeError(`journal event \`${event.type}\` does not fit specs/journal.schema.json: ${fault}`);
}
