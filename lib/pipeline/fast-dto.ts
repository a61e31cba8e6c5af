import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** What {@link compileFastDto} returns when it cannot decide: the caller runs class-transformer + class-validator. */
export const UNDECIDED: unique symbol = Symbol('rivet.undecided');

/** Builds the DTO instance from plain data and checks it; `UNDECIDED` whenever the answer is not a sure "valid". */
export type FastDto = (plain: Record<string, unknown>) => object | typeof UNDECIDED;

type Check = (object: object) => boolean | typeof UNDECIDED;

interface Compiled {
  /** Properties class-validator knows (whitelist: everything else is stripped), each with its nested class if any. */
  props: { readonly name: string; readonly nested: Function | undefined }[];
  check: Check;
}

// class-transformer 0.5.1 ships no typings for its storage module; only these lookups are used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TypeStorage }).defaultMetadataStorage;
const NOT_NESTED: readonly unknown[] = [String, Number, Boolean, Date, Object, Array];

const ARGS_TARGET = '';

/**
 * A compiled stand-in for `plainToInstance` + `validateSync({ whitelist: true })` on the DTOs where the two can be
 * reproduced exactly: no async, promise or group-specific constraints, no `@Transform`/`@Expose`/`@Exclude`, no
 * accessors, `@Type` only to such DTOs. It calls the very constraint implementations class-validator would
 * (`constraintCls` instances, with the same arguments), in the same order, so a "valid" here is class-validator's
 * "valid"; anything else — an invalid value, a shape it did not plan for — is `UNDECIDED`, and the caller runs the
 * real libraries, which also write the error messages. `null` when the DTO is not eligible.
 */
export function compileFastDto(dto: Function): FastDto | null {
  const compiled = new Map<Function, Compiled | null>();
  const root = compileClass(dto, compiled);
  if (root === null || [...compiled.values()].some((c) => c === null)) return null;

  const build = (ctor: Function, plain: Record<string, unknown>): object | typeof UNDECIDED => {
    const c = compiled.get(ctor)!;
    const instance = new (ctor as new () => Record<string, unknown>)();
    for (const { name, nested } of c.props) {
      if (!Object.prototype.hasOwnProperty.call(plain, name)) continue;
      const value = plain[name];
      if (nested === undefined || value === null || value === undefined) {
        instance[name] = value;
        continue;
      }
      const converted = buildNested(nested, value);
      if (converted === UNDECIDED) return UNDECIDED;
      instance[name] = converted;
    }
    return instance;
  };
  const buildNested = (ctor: Function, value: unknown): unknown => {
    if (Array.isArray(value)) {
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as unknown;
        if (!isPlainObject(item)) return UNDECIDED;
        const built = build(ctor, item);
        if (built === UNDECIDED) return UNDECIDED;
        out[i] = built;
      }
      return out;
    }
    return isPlainObject(value) ? build(ctor, value) : UNDECIDED;
  };

  return (plain) => {
    const instance = build(dto, plain);
    if (instance === UNDECIDED) return UNDECIDED;
    return root.check(instance) === true ? instance : UNDECIDED;
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  // Any realm's Object.prototype (its own prototype is null): JSON.parse in a vm context or worker counts too.
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function compileClass(ctor: Function, compiled: Map<Function, Compiled | null>): Compiled | null {
  const known = compiled.get(ctor);
  if (known !== undefined) return known;
  const storage = getMetadataStorage();
  // The same call ValidationExecutor makes for validateSync(object, { whitelist, forbidUnknownValues }).
  const metas = storage.getTargetValidationMetadatas(ctor, ARGS_TARGET, false, false, undefined);
  if (metas.length === 0 || !transformerIsPlain(ctor) || hasAccessors(ctor)) {
    compiled.set(ctor, null);
    return null;
  }
  const grouped = storage.groupByPropertyName(metas);
  const entry: Compiled = { props: [], check: () => UNDECIDED };
  compiled.set(ctor, entry);   // set before recursing, so self-referencing DTOs terminate

  const props: { name: string; nested: Function | undefined }[] = [];
  const checks: Check[] = [];
  for (const [name, list] of Object.entries(grouped)) {
    const typeMeta = transformerStorage.findTypeMetadata(ctor, name);
    let nested: Function | undefined;
    if (typeMeta !== undefined) {
      if (typeMeta.options?.discriminator !== undefined) return fail(ctor, compiled);
      const target = typeMeta.typeFunction();
      if (typeof target !== 'function' || NOT_NESTED.includes(target) || compileClass(target, compiled) === null) return fail(ctor, compiled);
      nested = target;
    }
    props.push({ name, nested });
    const check = compileProperty(ctor.name, name, list, compiled);
    if (check === null) return fail(ctor, compiled);
    checks.push(check);
  }
  entry.props = props;
  entry.check = (object) => {
    for (let i = 0; i < checks.length; i++) {
      const verdict = checks[i](object);
      if (verdict !== true) return verdict;
    }
    return true;
  };
  return entry;
}

function fail(ctor: Function, compiled: Map<Function, Compiled | null>): null {
  compiled.set(ctor, null);
  return null;
}

/** Mirrors ValidationExecutor.performValidations for one property: conditions, then constraints, then nesting. */
// `targetName` is fixed: a check only ever sees instances of the class it was compiled for (built here, or looked up
// by constructor), and reading `constructor.name` per call cost 6–8% of the pipe (bench/HISTORY.md).
function compileProperty(targetName: string, name: string, list: readonly ValidationMetadata[], compiled: Map<Function, Compiled | null>): Check | null {
  const storage = getMetadataStorage();
  const conditions: ValidationMetadata[] = [];
  const constraints: { meta: ValidationMetadata; validate: (value: unknown, args: ValidationArguments) => unknown }[] = [];
  let nested = false;
  // IS_DEFINED runs before the others, as in ValidationExecutor.
  const ordered = [...list.filter((m) => m.type === ValidationTypes.IS_DEFINED), ...list.filter((m) => m.type !== ValidationTypes.IS_DEFINED)];
  for (const meta of ordered) {
    switch (meta.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION: conditions.push(meta); break;
      case ValidationTypes.WHITELIST: break;
      case ValidationTypes.NESTED_VALIDATION: nested = true; break;
      case ValidationTypes.IS_DEFINED:
      case ValidationTypes.CUSTOM_VALIDATION: {
        for (const c of storage.getTargetValidatorConstraints(meta.constraintCls)) {
          if (c.async) return null;
          const instance = c.instance as { validate(value: unknown, args: ValidationArguments): unknown };
          constraints.push({ meta, validate: (value, args) => instance.validate(value, args) });
        }
        break;
      }
      default: return null; // promise validation and anything newer: leave it to class-validator
    }
  }
  void compiled;

  return (object) => {
    const value = (object as Record<string, unknown>)[name];
    for (const c of conditions) if (!(c.constraints[0] as (o: object, v: unknown) => boolean)(object, value)) return true;
    for (const { meta, validate } of constraints) {
      if (meta.validateIf !== undefined && !meta.validateIf(object, value)) continue;
      const args: ValidationArguments = { targetName, property: meta.propertyName, object, value, constraints: meta.constraints };
      if (!meta.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) {
        const ok = validate(value, args);
        if (ok !== true && ok !== false) return UNDECIDED;   // a promise or anything odd
        if (!ok) return UNDECIDED;
        continue;
      }
      const items = value instanceof Map ? [...value.values()] : [...(value as Iterable<unknown>)];
      for (const item of items) if (validate(item, args) !== true) return UNDECIDED;
    }
    return nested ? nestedOk(value) : true;
  };

  function nestedOk(value: unknown): boolean | typeof UNDECIDED {
    if (value === undefined) return true;
    if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
      for (const item of value instanceof Map ? value.values() : value) {
        const verdict = nestedOk(item);
        if (verdict !== true) return verdict;
      }
      return true;
    }
    if (!(value instanceof Object)) return UNDECIDED;
    const c = compiled.get(value.constructor);
    return c === undefined || c === null ? UNDECIDED : c.check(value);
  }
}

interface TypeStorage {
  findTypeMetadata(target: Function, property: string): { typeFunction: () => unknown; options?: { discriminator?: unknown } } | undefined;
  findTransformMetadatas(target: Function, property: string, type: number): unknown[];
  getExposedMetadatas(target: Function): unknown[];
  findExcludeMetadata(target: Function, property: string | undefined): unknown;
}

/** Whether class-transformer would do nothing but copy and nest for this class: no @Transform, @Expose, @Exclude. */
function transformerIsPlain(ctor: Function): boolean {
  const s = transformerStorage;
  if (s.getExposedMetadatas(ctor).length > 0 || s.findExcludeMetadata(ctor, undefined) !== undefined) return false;
  const names = new Set(getMetadataStorage().getTargetValidationMetadatas(ctor, ARGS_TARGET, false, false, undefined).map((m) => m.propertyName));
  for (const name of names) {
    if (s.findExcludeMetadata(ctor, name) !== undefined) return false;
    for (const type of [0, 1, 2]) if (s.findTransformMetadatas(ctor, name, type).length > 0) return false;
  }
  return true;
}

/** Accessors or methods named like data would make class-transformer skip or run code on assignment. */
function hasAccessors(ctor: Function): boolean {
  for (let p: unknown = ctor.prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (key !== 'constructor' && (d.get !== undefined || d.set !== undefined)) return true;
    }
  }
  return false;
}
