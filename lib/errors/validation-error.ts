import { HttpError } from './http-error';

/** One failed check, located FastAPI-style: `loc: ['body', 'address', 'zip']`, `loc: ['query', 'limit']`. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  /** The rule that failed: a class-validator constraint name (`isEmail`) or a Rivet rule (`type`, `minimum`, `required`…). */
  type: string;
}

/** 422: the request is well-formed but its values break the route's declared constraints. */
export class ValidationFailedError extends HttpError {
  readonly errors: ValidationIssue[];

  constructor(errors: ValidationIssue[], detail?: string) {
    super(422, detail ?? summarize(errors));
    this.errors = errors;
  }
}

function summarize(errors: readonly ValidationIssue[]): string {
  const n = errors.length;
  return n === 1 ? `Validation failed: ${errors[0].loc.join('.')}: ${errors[0].msg}` : `Validation failed: ${n} errors`;
}
