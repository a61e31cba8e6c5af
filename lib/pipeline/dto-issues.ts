import type { ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { LISTED_ISSUES, ValidationFailedError, type ValidationIssue } from '../errors/validation-error';

/** The message of one failed check, for the object and value it failed on (worded on demand, past the cap never). */
export type MessageOf = (object: object, value: unknown) => string;

/** What a compiled DTO class offers the issue walk: its own explain, and how to tell its instances. */
export interface Explainer {
  readonly ctor: Function;
  explain: (object: object, sink: IssueSink) => void;
}

/**
 * Where the compiled failure path of a DTO leaves its issues, in class-validator's order. The location is a stack
 * (`path`) that the walk pushes and pops, copied only for the issues that are listed; past {@link LISTED_ISSUES}
 * an issue is only counted, and its message never worded. Nothing here recurses on its own: the nesting of the
 * value is bounded by the JSON depth limit.
 */
export class IssueSink {
  readonly issues: ValidationIssue[] = [];
  readonly path: (string | number | undefined)[] = [];
  total = 0;

  constructor(readonly source: string, readonly classes: ReadonlyMap<Function, Explainer | null>) {}

  /** One failed check of `key` (a property name, an array index, or `undefined` for an unknown nested value). */
  add(key: string | number | undefined, type: string, message: MessageOf, object: object, value: unknown): void {
    this.total++;
    if (this.issues.length >= LISTED_ISSUES) return;
    const path = this.path;
    const loc = new Array<string | number>(path.length + 2);
    loc[0] = this.source;
    for (let i = 0; i < path.length; i++) loc[i + 1] = path[i] as string | number;
    loc[path.length + 1] = key as string | number;
    this.issues.push({ loc, msg: message(object, value), type });
  }

  toError(): ValidationFailedError {
    return new ValidationFailedError(this.issues, undefined, this.total - this.issues.length);
  }
}

/**
 * The message class-validator's ValidationExecutor.createValidationError writes for a failed constraint: the
 * decorator's `message` (text or function) or the constraint's `defaultMessage`, with its tokens replaced as
 * ValidationUtils.replaceMessageSpecialTokens does (`$constraint1`…, then `$value` for a string, number or boolean,
 * then `$property` and `$target`). The constraints' texts are made once here, not per failure.
 */
export function constraintMessage(meta: ValidationMetadata, instance: { defaultMessage?: (args: ValidationArguments) => string }): MessageOf {
  const constraints: unknown[] | undefined = Array.isArray(meta.constraints) ? meta.constraints : undefined;
  const tokens = (constraints ?? []).map((c, i): [string, string] => [`$constraint${i + 1}`, constraintText(c)]);
  const property = meta.propertyName;
  return (object, value) => {
    const args: ValidationArguments = {
      targetName: object.constructor ? object.constructor.name : (undefined as unknown as string),
      property, object, value, constraints: meta.constraints,
    };
    let message: unknown = meta.message || '';
    if (!meta.message && instance.defaultMessage instanceof Function) message = instance.defaultMessage(args);
    let text = message instanceof Function ? (message as (a: ValidationArguments) => unknown)(args) : message;
    if (typeof text !== 'string' || text === '') return text as string;
    for (const [token, replacement] of tokens) text = (text as string).replaceAll(token, replacement);
    if (value !== undefined && value !== null && (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')) {
      text = (text as string).replaceAll('$value', String(value));
    }
    return (text as string).replaceAll('$property', property).replaceAll('$target', String(args.targetName));
  };
}

/** class-validator's constraintToString: a list joined with ", ", a symbol's description, else the value as text. */
function constraintText(constraint: unknown): string {
  if (Array.isArray(constraint)) return constraint.join(', ');
  if (typeof constraint === 'symbol') return `${constraint.description}`;
  return `${constraint as string}`;
}

const UNKNOWN_VALUE = (): string => 'an unknown value was passed to the validate function';

/**
 * Mirrors ValidationExecutor.nestedValidations for one `@ValidateNested()` property whose value is not
 * `undefined`: each element of an array, Set or Map (by index), else the object itself with its own class, else
 * a `nestedValidation` issue on the property.
 */
export function explainNested(sink: IssueSink, meta: ValidationMetadata, message: MessageOf, key: string, value: unknown): void {
  explainValue(sink, meta, message, key, value);
}

/** One nested value at `key` (a property, or an index within a list): its elements, its own checks, or the issue. */
function explainValue(sink: IssueSink, meta: ValidationMetadata, message: MessageOf, key: string | number, value: unknown): void {
  if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
    sink.path.push(key);
    const items = value instanceof Set ? Array.from(value) : value instanceof Map ? Array.from(value.values()) : value;
    const keys = value instanceof Map ? Array.from(value.keys()) : null;
    // class-validator skips undefined elements (nothing to validate) and names the others by index (a Map's by key).
    for (let i = 0; i < items.length; i++) if (items[i] !== undefined) explainValue(sink, meta, message, keys === null ? i : String(keys[i]), items[i]);
    sink.path.pop();
  } else if (value instanceof Object) {
    sink.path.push(key);
    explainObject(sink, value);
    sink.path.pop();
  } else {
    // class-validator words this one against the decorated class itself (so `$target` reads "Function").
    sink.add(key, 'nestedValidation', message, meta.target as object, value);
  }
}

/** ValidationExecutor.execute on a nested object: its class's checks, or `unknownValue` for a class it does not know. */
function explainObject(sink: IssueSink, object: object): void {
  const entry = sink.classes.get(object.constructor);
  if (entry === undefined || entry === null) sink.add(undefined, 'unknownValue', UNKNOWN_VALUE, object, undefined);
  else entry.explain(object, sink);
}
