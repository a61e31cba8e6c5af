import { RivetError } from '../../lib/errors/rivet-error';
import { ValidationFailedError, type ValidationIssue } from '../../lib/errors/validation-error';

/** The RivetError `fn` throws; fails the test when it throws nothing or something else. */
export function rivetErrorOf(fn: () => unknown): RivetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RivetError) return err;
    throw err;
  }
  throw new Error('expected a RivetError, nothing was thrown');
}

/** The issues of the ValidationFailedError `fn` throws; fails the test when it throws nothing or something else. */
export function issuesOf(fn: () => unknown): ValidationIssue[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationFailedError) return err.errors;
    throw err;
  }
  throw new Error('expected a ValidationFailedError, nothing was thrown');
}
