/** Errors the CLI turns into exit codes; anything else is an internal error. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A file that cannot be read or written: exit 2. */
export class InputError extends Error {}

export const EXIT = { ok: 0, findings: 1, usage: 2, paused: 3, locked: 4 } as const;
