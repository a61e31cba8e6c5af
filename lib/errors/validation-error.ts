import { HttpError } from './http-error';

/** One failed check, located FastAPI-style: `loc: ['body', 'address', 'zip']`, `loc: ['query', 'limit']`. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  /** The rule that failed: a class-validator constraint name (`isEmail`) or a Rivet rule (`type`, `minimum`, `required`…). */
  type: string;
}

/**
 * How many issues one 422 lists. The rest are counted (`omittedErrors` in the problem), so a hostile body with
 * 100,000 bad items gets a small answer, and building it costs no more than counting.
 */
export const LISTED_ISSUES = 100;

// A validation failure is an answer, not a fault: its stack is never shown or logged, and capturing it (V8 collects
// the frames when the error is made) was the largest cost of a 422. Set to 0 while the error is constructed.
let savedStackLimit = Error.stackTraceLimit;
const withoutStack = (): undefined => {
  savedStackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return undefined;
};

/** 422: the request is well-formed but its values break the route's declared constraints. */
export class ValidationFailedError extends HttpError {
  /** The first {@link LISTED_ISSUES} issues. */
  readonly errors: ValidationIssue[];
  /** How many more issues were found and not listed. */
  readonly omitted: number;

  constructor(errors: ValidationIssue[], detail?: string, omitted = 0) {
    const total = errors.length + omitted;
    super(422, detail ?? summarize(errors, total), withoutStack());
    Error.stackTraceLimit = savedStackLimit;
    if (errors.length > LISTED_ISSUES) errors = errors.slice(0, LISTED_ISSUES);
    this.errors = errors;
    this.omitted = total - errors.length;
  }
}

function summarize(errors: readonly ValidationIssue[], total: number): string {
  return total === 1 ? `Validation failed: ${errors[0].loc.join('.')}: ${errors[0].msg}` : `Validation failed: ${total} errors`;
}

/**
 * Gathers the issues of several checks into one 422: the first {@link LISTED_ISSUES} are kept, the rest counted.
 * Never spreads a list into a call, whatever its length.
 */
export class IssueList {
  readonly issues: ValidationIssue[] = [];
  omitted = 0;

  add(err: ValidationFailedError): void {
    const list = this.issues;
    const room = LISTED_ISSUES - list.length;
    const from = err.errors;
    const take = from.length < room ? from.length : room;
    for (let i = 0; i < take; i++) list.push(from[i]);
    this.omitted += err.omitted + (from.length - take);
  }

  /** One issue: listed while there is room, else counted. */
  push(issue: ValidationIssue): void {
    if (this.issues.length < LISTED_ISSUES) this.issues.push(issue);
    else this.omitted++;
  }

  get empty(): boolean {
    return this.issues.length === 0 && this.omitted === 0;
  }

  toError(): ValidationFailedError {
    return new ValidationFailedError(this.issues, undefined, this.omitted);
  }
}
