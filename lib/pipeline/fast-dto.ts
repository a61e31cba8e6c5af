import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { inlineFor } from './fast-constraints';

/** What {@link compileFastDto} returns when it cannot decide: the caller runs class-transformer + class-validator. */
export const UNDECIDED: unique symbol = Symbol('rivet.undecided');

/** Builds the DTO instance from plain data and checks it; `UNDECIDED` whenever the answer is not a sure "valid". */
export type FastDto = (plain: Record<string, unknown>) => object | typeof UNDECIDED;

// class-transformer 0.5.1 ships no typings for its storage module; only these lookups are used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TypeStorage }).defaultMetadataStorage;
const NOT_NESTED: readonly unknown[] = [String, Number, Boolean, Date, Object, Array];

const ARGS_TARGET = '';

/**
 * A compiled stand-in for `plainToInstance` + `validateSync({ whitelist: true })` on the DTOs where the two can be
 * reproduced exactly: no async, promise or group-specific constraints, no `@Transform`/`@Expose`/`@Exclude`, no
 * accessors, `@Type` only to such DTOs. At start-up each class becomes two generated functions: one builds the
 * instance from the plain object (only the properties class-validator knows, so the whitelist holds), one checks it.
 * The check runs the very constraints class-validator would, under the same conditions (`@IsOptional`, `@ValidateIf`,
 * `each`): the common built-ins as inline code proven against the real constraint at start-up (./fast-constraints.ts),
 * every other constraint through its own `validate` with the same arguments. So a "valid" here is class-validator's
 * "valid"; anything else (an invalid value, a shape it did not plan for) is `UNDECIDED`, and the caller runs the real
 * libraries, which also write the error messages. `null` when the DTO is not eligible.
 */
export function compileFastDto(dto: Function): FastDto | null {
  const compiled = new Map<Function, Compiled | null>();
  const root = compileClass(dto, compiled);
  if (root === null || [...compiled.values()].some((c) => c === null)) return null;
  for (const entry of compiled.values()) generate(entry!, compiled);
  return (plain) => {
    const instance = root.build(plain);
    if (instance === UNDECIDED) return UNDECIDED;
    return root.check(instance) ? instance : UNDECIDED;
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  // Any realm's Object.prototype (its own prototype is null): JSON.parse in a vm context or worker counts too.
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** What class-validator knows of one property, gathered at start-up. */
interface Property {
  readonly name: string;
  /** `@Type(() => X)` to a DTO: the plain value is built as X (or an array of X). */
  readonly nested: Function | undefined;
  readonly conditions: readonly ValidationMetadata[];
  readonly constraints: readonly { meta: ValidationMetadata; constraint: ConstraintMetadata }[];
  /** `@ValidateNested()`: instances in the value are checked with their own class's check. */
  readonly validateNested: boolean;
}

interface Compiled {
  readonly ctor: Function;
  readonly properties: readonly Property[];
  build: (plain: Record<string, unknown>) => object | typeof UNDECIDED;
  check: (object: object) => boolean;
}

interface ConstraintMetadata {
  readonly async: boolean;
  readonly instance: { validate(value: unknown, args: ValidationArguments): unknown };
}

function compileClass(ctor: Function, compiled: Map<Function, Compiled | null>): Compiled | null {
  const known = compiled.get(ctor);
  if (known !== undefined) return known;
  const storage = getMetadataStorage();
  // The same call ValidationExecutor makes for validateSync(object, { whitelist, forbidUnknownValues }).
  const metas = storage.getTargetValidationMetadatas(ctor, ARGS_TARGET, false, false, undefined);
  if (metas.length === 0 || !transformerIsPlain(ctor) || hasAccessors(ctor)) return fail(ctor, compiled);
  const properties: Property[] = [];
  const entry: Compiled = { ctor, properties, build: () => UNDECIDED, check: () => false };
  compiled.set(ctor, entry);   // set before recursing, so self-referencing DTOs terminate

  for (const [name, list] of Object.entries(storage.groupByPropertyName(metas))) {
    if (name === '__proto__') return fail(ctor, compiled);
    const typeMeta = transformerStorage.findTypeMetadata(ctor, name);
    let nested: Function | undefined;
    if (typeMeta !== undefined) {
      if (typeMeta.options?.discriminator !== undefined) return fail(ctor, compiled);
      const target = typeMeta.typeFunction();
      if (typeof target !== 'function' || NOT_NESTED.includes(target) || compileClass(target, compiled) === null) return fail(ctor, compiled);
      nested = target;
    }
    const property = collectProperty(name, nested, list);
    if (property === null) return fail(ctor, compiled);
    properties.push(property);
  }
  return entry;
}

function fail(ctor: Function, compiled: Map<Function, Compiled | null>): null {
  compiled.set(ctor, null);
  return null;
}

/** Sorts one property's metadata as ValidationExecutor.performValidations does; `null` for kinds it cannot reproduce. */
function collectProperty(name: string, nested: Function | undefined, list: readonly ValidationMetadata[]): Property | null {
  const storage = getMetadataStorage();
  const conditions: ValidationMetadata[] = [];
  const constraints: { meta: ValidationMetadata; constraint: ConstraintMetadata }[] = [];
  let validateNested = false;
  // IS_DEFINED runs before the others, as in ValidationExecutor.
  const ordered = [...list.filter((m) => m.type === ValidationTypes.IS_DEFINED), ...list.filter((m) => m.type !== ValidationTypes.IS_DEFINED)];
  for (const meta of ordered) {
    switch (meta.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION: conditions.push(meta); break;
      case ValidationTypes.WHITELIST: break;
      case ValidationTypes.NESTED_VALIDATION: validateNested = true; break;
      case ValidationTypes.IS_DEFINED:
      case ValidationTypes.CUSTOM_VALIDATION: {
        for (const c of storage.getTargetValidatorConstraints(meta.constraintCls) as unknown as ConstraintMetadata[]) {
          if (c.async) return null;
          constraints.push({ meta, constraint: c });
        }
        break;
      }
      default: return null; // promise validation and anything newer: leave it to class-validator
    }
  }
  return { name, nested, conditions, constraints, validateNested };
}

/**
 * Writes and compiles the build and check functions of one class. Constants reach the generated code through `R`
 * (constructors, constraint instances, their reusable argument objects, regular expressions, other classes' entries).
 */
function generate(entry: Compiled, compiled: Map<Function, Compiled | null>): void {
  const refs: unknown[] = [];
  const ref = (value: unknown): string => {
    const at = refs.indexOf(value);
    return `R[${at === -1 ? refs.push(value) - 1 : at}]`;
  };
  const key = (name: string): string => JSON.stringify(name);
  const targetName = entry.ctor.name;

  const build: string[] = ['const o = new C();', 'let v;'];
  for (const p of entry.properties) {
    const at = `p[${key(p.name)}]`;
    if (p.nested === undefined) {
      build.push(`if (H(p, ${key(p.name)})) o[${key(p.name)}] = ${at};`);
      continue;
    }
    const inner = compiled.get(p.nested)!;
    build.push(`if (H(p, ${key(p.name)})) { v = ${at}; if (v === null || v === undefined) o[${key(p.name)}] = v; else { v = ${ref(buildNested)}(${ref(inner)}, v); if (v === U) return U; o[${key(p.name)}] = v; } }`);
  }
  build.push('return o;');

  const check: string[] = ['let v;'];
  for (const p of entry.properties) {
    const lines: string[] = [`v = o[${key(p.name)}];`];
    // A false condition (@IsOptional on a missing value, @ValidateIf) skips the property, nesting included.
    for (const c of p.conditions) lines.push(`if (!${ref(c.constraints[0])}(o, v)) break p;`);
    for (const { meta, constraint } of p.constraints) {
      const args: ValidationArguments = { targetName, property: meta.propertyName, object: {}, value: undefined, constraints: meta.constraints };
      const validate = constraint.instance.validate.bind(constraint.instance);
      const inline = inlineFor(meta.name, meta.constraints, validate, args);
      const generic = (x: string): string => `(${ref(args)}.object = o, ${ref(args)}.value = v, ${ref(constraint.instance)}.validate(${x}, ${ref(args)}) === true)`;
      const test = (x: string): string => (inline === null ? generic(x) : inline.exact ? inline.expr(x, ref) : `(${inline.expr(x, ref)} || ${generic(x)})`);
      let line = meta.each
        ? `if (Array.isArray(v)) { for (let i = 0; i < v.length; i++) { const x = v[i]; if (!${test('x')}) return false; } } else if (v instanceof Set || v instanceof Map) { for (const x of (v instanceof Map ? v.values() : v)) if (!${test('x')}) return false; } else if (!${test('v')}) return false;`
        : `if (!${test('v')}) return false;`;
      if (meta.validateIf !== undefined) line = `if (${ref(meta.validateIf)}(o, v)) { ${line} }`;
      lines.push(line);
    }
    if (p.validateNested) lines.push(`if (!${ref(nestedOk)}(${ref(compiled)}, ${p.nested === undefined ? 'undefined' : ref(compiled.get(p.nested))}, v)) return false;`);
    check.push(`p: { ${lines.join(' ')} }`);
  }
  check.push('return true;');

  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiled once at start-up from the DTO's metadata
  const make = new Function('R', 'C', 'H', 'U', `return [function build(p) { ${build.join(' ')} }, function check(o) { ${check.join(' ')} }];`) as
    (r: unknown[], c: Function, h: (o: object, k: string) => boolean, u: symbol) => [Compiled['build'], Compiled['check']];
  [entry.build, entry.check] = make(refs, entry.ctor, Object.hasOwn, UNDECIDED);
}

/** A `@Type(() => X)` value: a plain object becomes an X, an array of them an array of X; anything else is undecided. */
function buildNested(entry: Compiled, value: unknown): unknown {
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as unknown;
      if (!isPlainObject(item)) return UNDECIDED;
      const built = entry.build(item);
      if (built === UNDECIDED) return UNDECIDED;
      out[i] = built;
    }
    return out;
  }
  return isPlainObject(value) ? entry.build(value) : UNDECIDED;
}

/** Mirrors ValidationExecutor.nestedValidations: each element of an array, Set or Map, else the object itself. */
function nestedOk(compiled: Map<Function, Compiled | null>, expected: Compiled | undefined, value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!nestedOk(compiled, expected, value[i])) return false;
    return true;
  }
  if (value instanceof Set || value instanceof Map) {
    for (const item of value instanceof Map ? value.values() : value) if (!nestedOk(compiled, expected, item)) return false;
    return true;
  }
  if (!(value instanceof Object)) return false;
  const c = expected !== undefined && value.constructor === expected.ctor ? expected : compiled.get(value.constructor);
  return c !== undefined && c !== null && c.check(value);
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
