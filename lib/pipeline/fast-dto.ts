import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { ValidationFailedError } from '../errors/validation-error';
import { constraintMessage, explainNested, IssueSink, type Explainer, type MessageOf } from './dto-issues';
import { inlineFor } from './fast-constraints';

/**
 * A DTO class compiled at start-up: `build` makes the instance class-transformer's `plainToInstance` would make
 * (only the properties class-validator knows, so the whitelist holds and unknown keys cost nothing), `check` is
 * class-validator's verdict on it, and `explain` words its failures exactly as class-validator would (`null` when
 * some class of the tree needs class-validator itself for that; the caller then validates the built instance).
 */
export interface FastDto {
  readonly build: (plain: Record<string, unknown>) => object;
  readonly check: (instance: object) => boolean;
  readonly explain: ((instance: object, source: string) => ValidationFailedError) | null;
}

// class-transformer 0.5.1 ships no typings for its storage module; only these lookups are used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TypeStorage }).defaultMetadataStorage;
const NOT_NESTED: readonly unknown[] = [String, Number, Boolean, Date, Object, Array];

const ARGS_TARGET = '';

/**
 * A compiled stand-in for `plainToInstance` + `validateSync({ whitelist: true })` on the DTOs where the two can be
 * reproduced exactly: no async, promise or group-specific constraints, no `@Transform`/`@Expose`/`@Exclude`, no
 * accessors, `@Type` only to such DTOs (as an array, not a Set or Map). At start-up each class becomes three
 * generated functions: one builds the instance from the plain object, one checks it, one explains a failed check.
 * The check runs the very constraints class-validator would, under the same conditions (`@IsOptional`,
 * `@ValidateIf`, `each`): the common built-ins as inline code proven against the real constraint at start-up
 * (./fast-constraints.ts), every other constraint through its own `validate` with the same arguments. The explain
 * walks the same order as class-validator's ValidationExecutor and words each failure with the constraint's own
 * message (./dto-issues.ts). `null` when the DTO is not eligible.
 */
export function compileFastDto(dto: Function): FastDto | null {
  const compiled = new Map<Function, Compiled | null>();
  const root = compileClass(dto, compiled);
  if (root === null || [...compiled.values()].some((c) => c === null)) return null;
  for (const entry of compiled.values()) generate(entry!, compiled);
  const explainable = [...compiled.values()].every((c) => c!.explainable);
  return {
    build: root.build,
    check: root.check,
    explain: explainable
      ? (instance, source) => {
        const sink = new IssueSink(source, compiled);
        root.explain(instance, sink);
        return sink.toError();
      }
      : null,
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
  readonly nestedMetas: readonly ValidationMetadata[];
}

interface Compiled extends Explainer {
  readonly ctor: Function;
  readonly properties: readonly Property[];
  /**
   * Whether `explain` words failures as class-validator does: not when a property repeats a constraint type
   * (class-validator keeps the last message under the first one's place), validates nesting twice, or has a
   * numeric name (class-validator's locations would turn it into an index).
   */
  readonly explainable: boolean;
  build: (plain: Record<string, unknown>) => object;
  check: (object: object) => boolean;
}

interface ConstraintMetadata {
  readonly name: string;
  readonly async: boolean;
  readonly instance: { validate(value: unknown, args: ValidationArguments): unknown; defaultMessage?(args: ValidationArguments): string };
}

function compileClass(ctor: Function, compiled: Map<Function, Compiled | null>): Compiled | null {
  const known = compiled.get(ctor);
  if (known !== undefined) return known;
  const storage = getMetadataStorage();
  // The same call ValidationExecutor makes for validateSync(object, { whitelist, forbidUnknownValues }).
  const metas = storage.getTargetValidationMetadatas(ctor, ARGS_TARGET, false, false, undefined);
  if (metas.length === 0 || !transformerIsPlain(ctor) || hasAccessors(ctor)) return fail(ctor, compiled);
  const properties: Property[] = [];
  const entry: Compiled = { ctor, properties, explainable: true, build: () => ({}), check: () => false, explain: () => undefined };
  compiled.set(ctor, entry);   // set before recursing, so self-referencing DTOs terminate

  for (const [name, list] of Object.entries(storage.groupByPropertyName(metas))) {
    // class-transformer never copies these two keys.
    if (name === '__proto__' || name === 'constructor') return fail(ctor, compiled);
    const typeMeta = transformerStorage.findTypeMetadata(ctor, name);
    let nested: Function | undefined;
    if (typeMeta !== undefined) {
      // A discriminator picks the class per value; a Set or Map property is built as one, not as an array.
      if (typeMeta.options?.discriminator !== undefined || typeMeta.reflectedType === Set || typeMeta.reflectedType === Map) return fail(ctor, compiled);
      const target = typeMeta.typeFunction();
      if (typeof target !== 'function' || NOT_NESTED.includes(target) || compileClass(target, compiled) === null) return fail(ctor, compiled);
      nested = target;
    }
    const property = collectProperty(name, nested, list);
    if (property === null) return fail(ctor, compiled);
    properties.push(property);
  }
  const explainable = properties.every((p) => {
    const types = p.constraints.map((c) => c.constraint.name || c.meta.type);
    return new Set(types).size === types.length && p.nestedMetas.length <= 1 && !/^\d+$/.test(p.name);
  });
  return Object.assign(entry, { explainable });
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
  const nestedMetas: ValidationMetadata[] = [];
  // IS_DEFINED runs before the others, as in ValidationExecutor.
  const ordered = [...list.filter((m) => m.type === ValidationTypes.IS_DEFINED), ...list.filter((m) => m.type !== ValidationTypes.IS_DEFINED)];
  for (const meta of ordered) {
    switch (meta.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION: conditions.push(meta); break;
      case ValidationTypes.WHITELIST: break;
      case ValidationTypes.NESTED_VALIDATION: nestedMetas.push(meta); break;
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
  return { name, nested, conditions, constraints, nestedMetas };
}

/**
 * Writes and compiles the build, check and explain functions of one class. Constants reach the generated code
 * through `R` (constructors, constraint instances, their reusable argument objects, regular expressions, messages,
 * other classes' entries).
 */
function generate(entry: Compiled, compiled: Map<Function, Compiled | null>): void {
  const refs: unknown[] = [];
  const ref = (value: unknown): string => {
    const at = refs.indexOf(value);
    return `R[${at === -1 ? refs.push(value) - 1 : at}]`;
  };
  const key = (name: string): string => JSON.stringify(name);
  const targetName = entry.ctor.name;

  const build: string[] = ['const o = new C();'];
  for (const p of entry.properties) {
    const at = `p[${key(p.name)}]`;
    if (p.nested === undefined) build.push(`if (H(p, ${key(p.name)})) o[${key(p.name)}] = ${at};`);
    else build.push(`if (H(p, ${key(p.name)})) o[${key(p.name)}] = ${ref(buildNested)}(${ref(compiled.get(p.nested))}, ${at});`);
  }
  build.push('return o;');

  const check: string[] = ['let v;'];
  const explain: string[] = ['let v, ok;'];
  for (const p of entry.properties) {
    const checks: string[] = [`v = o[${key(p.name)}];`];
    const explains: string[] = [`v = o[${key(p.name)}];`];
    // A false condition (@IsOptional on a missing value, @ValidateIf) skips the property, nesting included.
    for (const c of p.conditions) {
      checks.push(`if (!${ref(c.constraints[0])}(o, v)) break p;`);
      explains.push(`if (!${ref(c.constraints[0])}(o, v)) break p;`);
    }
    for (const { meta, constraint } of p.constraints) {
      const args: ValidationArguments = { targetName, property: meta.propertyName, object: {}, value: undefined, constraints: meta.constraints };
      const validate = constraint.instance.validate.bind(constraint.instance);
      const inline = inlineFor(meta.name, meta.constraints, validate, args);
      const generic = (x: string): string => `${ref(holds)}(${ref(constraint.instance)}, ${x}, ${ref(args)}, o, v)`;
      const test = (x: string): string => (inline === null ? generic(x) : inline.exact ? inline.expr(x, ref)
        : inline.refute === undefined ? `(${inline.expr(x, ref)} || ${generic(x)})` : `(${inline.expr(x, ref)} || (!${inline.refute(x, ref)} && ${generic(x)}))`);
      // class-validator tests every element of an array, Set or Map for `each`; any false fails the constraint.
      const verdict = meta.each
        ? `if (Array.isArray(v)) { ok = true; for (let i = 0; i < v.length; i++) { const x = v[i]; if (!${test('x')}) { ok = false; break; } } } else if (v instanceof Set || v instanceof Map) { ok = true; for (const x of (v instanceof Map ? v.values() : v)) if (!${test('x')}) { ok = false; break; } } else ok = ${test('v')};`
        : `ok = ${test('v')};`;
      const message: MessageOf = constraintMessage(meta, constraint.instance);
      const type = constraint.name || meta.type;
      let checkLine = `${verdict} if (!ok) return false;`;
      let explainLine = `${verdict} if (!ok) S.add(${key(p.name)}, ${key(type)}, ${ref(message)}, o, v);`;
      if (meta.validateIf !== undefined) {
        checkLine = `if (${ref(meta.validateIf)}(o, v)) { ${checkLine} }`;
        explainLine = `if (${ref(meta.validateIf)}(o, v)) { ${explainLine} }`;
      }
      checks.push(checkLine);
      explains.push(explainLine);
    }
    const nested = p.nestedMetas[0];
    if (nested !== undefined) {
      checks.push(`if (!${ref(nestedOk)}(${ref(compiled)}, ${p.nested === undefined ? 'undefined' : ref(compiled.get(p.nested))}, v)) return false;`);
      explains.push(`if (v !== undefined) ${ref(explainNested)}(S, ${ref(nested)}, ${ref(constraintMessage(nested, {}))}, ${key(p.name)}, v);`);
    }
    check.push(`p: { ${checks.join(' ')} }`);
    explain.push(`p: { ${explains.join(' ')} }`);
  }
  check.push('return true;');

  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiled once at start-up from the DTO's metadata
  const make = new Function('R', 'C', 'H', `return [function build(p) { ${build.join(' ')} }, function check(o) { ${check.join(' ')} }, function explain(o, S) { ${explain.join(' ')} }];`) as
    (r: unknown[], c: Function, h: (o: object, k: string) => boolean) => [Compiled['build'], Compiled['check'], Compiled['explain']];
  [entry.build, entry.check, entry.explain] = make(refs, entry.ctor, Object.hasOwn);
}

/**
 * A constraint's own verdict on `value`, with arguments as class-validator passes them (`object`, and `value` the
 * property's whole value, also for `each`). A constraint that throws on a value it cannot read refuses it: validator.js's
 * `isEmail` throws a URIError on a lone surrogate (`"\ud800@x.io"`), which would otherwise be a 500.
 */
function holds(instance: ConstraintMetadata['instance'], value: unknown, args: ValidationArguments, object: object, whole: unknown): boolean {
  args.object = object;
  args.value = whole;
  try {
    return instance.validate(value, args) === true;
  } catch {
    return false;
  }
}

/**
 * A `@Type(() => X)` value as class-transformer builds it: a plain object becomes an X, an array (of arrays) of
 * them an array of X; anything else (a string, a number, null) stays as it is, for the check to refuse. The
 * nesting of arrays is bounded by the JSON depth limit.
 */
function buildNested(entry: Compiled, value: unknown): unknown {
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = buildNested(entry, value[i]);
    return out;
  }
  return isPlainObject(value) ? entry.build(value) : value;
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
  findTypeMetadata(target: Function, property: string): { typeFunction: () => unknown; reflectedType?: unknown; options?: { discriminator?: unknown } } | undefined;
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
