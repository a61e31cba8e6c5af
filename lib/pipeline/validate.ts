import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, validate, type ValidationError } from 'class-validator';
import { ValidationFailedError, type ValidationIssue } from '../errors/validation-error';
import { scalarFor } from './coerce';
import { IssueList } from '../errors/validation-error';
import { compileFastDto } from './fast-dto';

/** Validates a plain value into a DTO instance, or throws a 422 with every failure located. */
export type DtoPipe = ((plain: unknown) => unknown) & { readonly async: boolean };

const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/** Whether class-validator knows any constraint for `type` (or its ancestors): such a class is validated as a DTO. */
export function isDto(type: unknown): type is Function {
  if (typeof type !== 'function' || type === Object || type === Array || type === String || type === Number || type === Boolean || type === Date) return false;
  return getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0;
}

/**
 * Compiles the validation pipe of one DTO parameter. `source` is the first element of every error `loc`.
 * Query DTOs and form bodies (`fromText`) receive text: number, boolean and Date properties are read with the strict readers of inline
 * parameters (`@Type(() => X)` from class-transformer still applies), and a single value for an array property
 * becomes a one-element list. The pipe is synchronous unless the DTO declares an async constraint.
 */
export function compileDtoPipe(dto: Function, source: 'body' | 'query', fromText = source === 'query', options: { fast?: boolean } = {}): DtoPipe {
  const storage = getMetadataStorage();
  const metas = storage.getTargetValidationMetadatas(dto, '', true, false);
  // Custom constraints registered with @ValidatorConstraint({ async: true }) need class-validator's async validate().
  const isAsync = metas.some((m) => m.constraintCls !== undefined && storage.getTargetValidatorConstraints(m.constraintCls).some((c) => c.async));
  const transformOptions = { exposeDefaultValues: true };
  // The compiled path builds, checks and explains; class-validator words the failures only of DTOs it cannot explain.
  const fast = options.fast === false || isAsync ? null : compileFastDto(dto);
  const prepare = fromText ? compileQueryPreparation(dto, [...new Set(metas.map((m) => m.propertyName))], fast !== null) : null;
  // What class-transformer may read of a body for a DTO the compiled path cannot build (see prunerFor).
  const prune = fast === null ? prunerFor(dto) : null;

  const toPlain = (plain: unknown): Record<string, unknown> => {
    if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
      const got = plain === null ? 'null' : Array.isArray(plain) ? 'an array' : typeof plain;
      throw new ValidationFailedError([{ loc: [source], msg: `must be a JSON object, got ${got}`, type: 'type' }]);
    }
    return prepare === null ? (plain as Record<string, unknown>) : prepare(plain as Record<string, unknown>);
  };
  const toInstance = (input: Record<string, unknown>): object => plainToInstance(dto as new () => object, prune === null ? input : prune(input), transformOptions) as object;
  const fail = (errors: ValidationError[], instance: object): object => {
    if (errors.length > 0) throw toIssues(errors, [source]);
    return instance;
  };

  if (isAsync) {
    return Object.assign((plain: unknown) => {
      const instance = toInstance(toPlain(plain));
      return validate(instance, VALIDATOR_OPTIONS).then((errors) => fail(errors, instance));
    }, { async: true });
  }
  if (fast === null) {
    return Object.assign((plain: unknown) => {
      const instance = toInstance(toPlain(plain));
      return fail(validateSync(instance, VALIDATOR_OPTIONS), instance);
    }, { async: false });
  }
  const { build, check, explain } = fast;
  if (explain !== null) {
    return Object.assign((plain: unknown) => {
      const instance = build(toPlain(plain));
      if (check(instance)) return instance;
      throw explain(instance, source);
    }, { async: false });
  }
  // The built instance holds only declared properties, so class-validator's walk is bounded by what the DTO declares.
  return Object.assign((plain: unknown) => {
    const instance = build(toPlain(plain));
    if (check(instance)) return instance;
    return fail(validateSync(instance, VALIDATOR_OPTIONS), instance);
  }, { async: false });
}

/**
 * Flattens class-validator's error tree into FastAPI-style issues (array indices become numbers in `loc`), as one
 * 422 listing the first issues and counting the rest. An explicit stack, not recursion: the tree is as deep as the
 * body.
 */
export function toIssues(errors: readonly ValidationError[], loc: (string | number)[]): ValidationFailedError {
  const out = new IssueList();
  const stack: { list: readonly ValidationError[]; at: (string | number)[]; parentIsArray: boolean; next: number }[] = [{ list: errors, at: loc, parentIsArray: false, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next === top.list.length) { stack.pop(); continue; }
    const e = top.list[top.next++];
    const key = top.parentIsArray && /^\d+$/.test(e.property) ? Number(e.property) : e.property;
    const here = [...top.at, key];
    for (const type in e.constraints) out.push({ loc: here, msg: e.constraints[type], type });
    // class-validator nests array elements as children named '0', '1', … under the array property.
    if (e.children !== undefined && e.children.length > 0) stack.push({ list: e.children, at: here, parentIsArray: e.children.every((c) => /^\d+$/.test(c.property)), next: 0 });
  }
  return out.toError();
}

/**
 * For a DTO that class-transformer must build itself (`@Transform`, `@Expose`, accessors…): a copy of the body
 * with only the keys some metadata of the DTO's classes names, along `@Type` edges. class-transformer copies every
 * key of every object and de-duplicates the key list in quadratic time, and the whitelist then drops the unknown
 * ones: pruning first gives the same instance at a cost bounded by the DTO. A class with a `@Transform` keeps all
 * of its keys, since its transform may read the raw object (`({ obj }) => obj.other`).
 */
function prunerFor(dto: Function): ((plain: Record<string, unknown>) => Record<string, unknown>) | null {
  const plans = new Map<Function, Map<string, Function | undefined> | null>();
  const planOf = (ctor: Function): Map<string, Function | undefined> | null => {
    if (plans.has(ctor)) return plans.get(ctor)!;
    const names = declaredKeys(ctor);
    plans.set(ctor, names === null ? null : new Map());
    if (names === null) return null;
    const plan = plans.get(ctor)!;
    for (const [name, nested] of names) plan.set(name, nested);
    for (const nested of names.values()) if (nested !== undefined) planOf(nested);
    return plan;
  };
  if (planOf(dto) === null) return null;
  const pruneObject = (ctor: Function, plain: Record<string, unknown>): Record<string, unknown> => {
    const plan = plans.get(ctor);
    if (plan === null || plan === undefined) return plain;
    const out: Record<string, unknown> = {};
    for (const [name, nested] of plan) {
      if (!Object.hasOwn(plain, name)) continue;
      const value = plain[name];
      out[name] = nested === undefined ? value : pruneValue(nested, value);
    }
    return out;
  };
  const pruneValue = (ctor: Function, value: unknown): unknown => {
    if (Array.isArray(value)) return value.map((item) => pruneValue(ctor, item));
    return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype ? pruneObject(ctor, value as Record<string, unknown>) : value;
  };
  return (plain) => pruneObject(dto, plain);
}

// class-transformer 0.5.1 ships no typings for its storage module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage }).defaultMetadataStorage;

interface TransformerStorage {
  findTypeMetadata(target: Function, property: string): { typeFunction: () => unknown; options?: { discriminator?: unknown } } | undefined;
  getExposedMetadatas(target: Function): { propertyName: string | undefined; options?: { name?: string } }[];
  getExcludedMetadatas(target: Function): { propertyName: string | undefined }[];
  getTransformMetadatas?(target: Function): unknown[];
  findTransformMetadatas(target: Function, property: string, type: number): unknown[];
}

/** The keys of a body that any metadata of `ctor` names, with the class a `@Type` builds them as; `null` to keep all. */
function declaredKeys(ctor: Function): Map<string, Function | undefined> | null {
  const names = new Set<string>(getMetadataStorage().getTargetValidationMetadatas(ctor, '', true, false).map((m) => m.propertyName));
  for (const m of transformerStorage.getExposedMetadatas(ctor)) {
    if (m.propertyName !== undefined) names.add(m.propertyName);
    if (m.options?.name !== undefined) names.add(m.options.name);
  }
  for (const m of transformerStorage.getExcludedMetadatas(ctor)) if (m.propertyName !== undefined) names.add(m.propertyName);
  for (const name of names) for (const type of [0, 1, 2]) if (transformerStorage.findTransformMetadatas(ctor, name, type).length > 0) return null;
  const out = new Map<string, Function | undefined>();
  for (const name of names) {
    const type = transformerStorage.findTypeMetadata(ctor, name);
    let nested: Function | undefined;
    if (type !== undefined && type.options?.discriminator === undefined) {
      const target = type.typeFunction();
      if (typeof target === 'function' && !([String, Number, Boolean, Date, Object, Array] as Function[]).includes(target)) nested = target;
    } else if (type !== undefined) {
      return null;   // a discriminator reads its property from the raw object
    }
    out.set(name, nested);
  }
  return out;
}

/**
 * Text values (query strings, form bodies) converted for a DTO before validation. `declaredOnly`: the copy holds
 * only the DTO's own properties (the compiled path reads nothing else), so thousands of unknown keys cost nothing.
 */
function compileQueryPreparation(dto: Function, properties: string[], declaredOnly: boolean): (plain: Record<string, unknown>) => Record<string, unknown> {
  // Query values are text. Convert each to its property's design type with the same strict readers as inline
  // parameters ('1e3' yes, '0x10', ' 1', '' and 'no' no); what does not convert stays text and fails validation.
  const scalars: [string, { parse(text: string): unknown }][] = [];
  const arrays: string[] = [];
  for (const p of properties) {
    const t = Reflect.getMetadata('design:type', dto.prototype as object, p) as Function | undefined;
    if (t === Array) arrays.push(p);
    else if (t === Number || t === Boolean || t === Date) scalars.push([p, scalarFor(t)!]);
  }
  if (scalars.length === 0 && arrays.length === 0) return (plain) => plain;
  return (plain) => {
    let out: Record<string, unknown>;
    if (declaredOnly) {
      out = {};
      for (const p of properties) if (Object.hasOwn(plain, p)) out[p] = plain[p];
    } else {
      out = { ...plain };
    }
    for (const [p, scalar] of scalars) {
      const v = out[p];
      if (typeof v !== 'string') continue;
      const parsed = scalar.parse(v);
      if (parsed !== null) out[p] = parsed;
    }
    for (const p of arrays) if (out[p] !== undefined && !Array.isArray(out[p])) out[p] = [out[p]];
    return out;
  };
}
