/**
 * A developer-facing error thrown at start-up (`createApp`, route compilation, DI). It names the
 * `Controller#method` at fault and says how to fix it; it never reaches a client.
 */
export class RivetError extends Error {
  /** `RIVET_<AREA>_<PROBLEM>`, documented in docs/reference/errors.md. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options);
    this.name = 'RivetError';
    this.code = code;
  }
}

/** Several start-up problems reported together, so each can be fixed in one pass. */
export class RivetAggregateError extends RivetError {
  readonly errors: readonly RivetError[];

  constructor(errors: readonly RivetError[]) {
    const code = errors.every((e) => e.code === errors[0].code) ? errors[0].code : 'RIVET_BOOT_ERRORS';
    super(code, `${errors.length} problems found at start-up:\n\n${errors.map((e) => e.message).join('\n\n')}`);
    this.errors = errors;
  }
}

/** Throws the collected problems: one as itself, several as a {@link RivetAggregateError}. */
export function throwCollected(errors: readonly RivetError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new RivetAggregateError(errors);
}
