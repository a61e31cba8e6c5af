import { ValidationFailedError, type ValidationIssue } from '../errors/validation-error';
import type { ParamOptions } from '../metadata/types';

/** Turns a raw wire value (string, string[] or undefined) into the declared type, or throws a 422. */
export type Coercer = (raw: unknown) => unknown;

/** Describes how a scalar is read from text; `null` from `parse` means "does not coerce". */
interface Scalar {
  readonly name: string;
  parse(text: string): unknown;
}

const NUMBER: Scalar = {
  name: 'number',
  parse: (text) => {
    // Number('') is 0 and Number(' 1 ') is 1: only a plain decimal literal counts.
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  },
};
const BOOLEAN: Scalar = {
  name: 'boolean',
  parse: (text) => (text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : null),
};
const DATE: Scalar = {
  name: 'date-time',
  parse: (text) => {
    const d = new Date(text);
    return text === '' || Number.isNaN(d.getTime()) ? null : d;
  },
};
const STRING: Scalar = { name: 'string', parse: (text) => text };

/** The scalar reader for a runtime type, or `undefined` when the type is not a scalar. */
export function scalarFor(type: Function | undefined): Scalar | undefined {
  if (type === Number) return NUMBER;
  if (type === Boolean) return BOOLEAN;
  if (type === Date) return DATE;
  if (type === String || type === undefined || type === Object) return STRING;
  return undefined;
}

/** The allowed values of an `enum` option (a list, or a TypeScript enum object without its reverse mapping). */
export function enumValues(option: ParamOptions['enum']): readonly unknown[] | undefined {
  if (option === undefined || Array.isArray(option)) return option as readonly unknown[] | undefined;
  const obj = option as Record<string, string | number>;
  // Numeric TS enums map both ways ({ A: 0, '0': 'A' }): keep only the values whose key is not a number.
  return Object.keys(obj).filter((k) => !/^\d+$/.test(k)).map((k) => obj[k]);
}

/**
 * Compiles the coercion and inline constraints of one parameter. `type` is the element type, `array` whether
 * the parameter is a list (repeated query keys); `loc` is where errors point (`['query', 'limit']`).
 * Everything is decided here; the returned function only runs checks that apply.
 */
export function compileCoercer(type: Function | undefined, array: boolean, options: ParamOptions, loc: readonly (string | number)[]): Coercer {
  const scalar = scalarFor(type) ?? STRING;
  const required = options.required === true || loc[0] === 'path';
  const hasDefault = options.default !== undefined;
  const allowed = enumValues(options.enum);
  // Enum members of a numeric enum arrive as text: compare after coercing to a number when every member is one.
  const enumScalar = allowed !== undefined && allowed.length > 0 && allowed.every((v) => typeof v === 'number') && scalar === STRING ? NUMBER : scalar;
  const pattern = options.pattern === undefined ? undefined : typeof options.pattern === 'string' ? new RegExp(options.pattern, 'u') : options.pattern;
  const { minimum, maximum, minLength, maxLength } = options;
  const where = [...loc];

  const checkOne = (text: string, at: (string | number)[], issues: ValidationIssue[]): unknown => {
    const value = enumScalar.parse(text);
    if (value === null) {
      issues.push({ loc: at, msg: `must be a valid ${enumScalar.name}, got ${JSON.stringify(text)}`, type: 'type' });
      return undefined;
    }
    if (allowed !== undefined && !allowed.includes(value)) {
      issues.push({ loc: at, msg: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`, type: 'enum' });
    }
    const n = value instanceof Date ? value.getTime() : value;
    if (typeof n === 'number') {
      if (minimum !== undefined && n < minimum) issues.push({ loc: at, msg: `must be >= ${minimum}`, type: 'minimum' });
      if (maximum !== undefined && n > maximum) issues.push({ loc: at, msg: `must be <= ${maximum}`, type: 'maximum' });
    }
    if (typeof value === 'string') {
      const len = [...value].length;
      if (minLength !== undefined && len < minLength) issues.push({ loc: at, msg: `must be at least ${minLength} characters long`, type: 'minLength' });
      if (maxLength !== undefined && len > maxLength) issues.push({ loc: at, msg: `must be at most ${maxLength} characters long`, type: 'maxLength' });
      if (pattern !== undefined) {
        pattern.lastIndex = 0;
        if (!pattern.test(value)) issues.push({ loc: at, msg: `must match the pattern ${pattern.source}`, type: 'pattern' });
      }
    }
    return value;
  };

  const missing = (): unknown => {
    if (hasDefault) return options.default;
    if (required) throw new ValidationFailedError([{ loc: where, msg: 'is required', type: 'required' }]);
    return undefined;
  };

  if (array) {
    return (raw) => {
      if (raw === undefined) return missing();
      const texts = Array.isArray(raw) ? (raw as string[]) : [String(raw)];
      const issues: ValidationIssue[] = [];
      const out = texts.map((t, i) => checkOne(t, [...where, i], issues));
      if (issues.length > 0) throw new ValidationFailedError(issues);
      return out;
    };
  }
  // Only a type to read: a value that reads is the answer, without the issue list.
  const typeOnly = allowed === undefined && pattern === undefined && minimum === undefined && maximum === undefined && minLength === undefined && maxLength === undefined;
  return (raw) => {
    if (raw === undefined) return missing();
    if (Array.isArray(raw)) {
      throw new ValidationFailedError([{ loc: where, msg: `must be a single value, got ${raw.length}`, type: 'type' }]);
    }
    const text = String(raw);
    if (typeOnly) {
      const read = scalar.parse(text);
      if (read !== null) return read;
    }
    const issues: ValidationIssue[] = [];
    const value = checkOne(text, where, issues);
    if (issues.length > 0) throw new ValidationFailedError(issues);
    return value;
  };
}
