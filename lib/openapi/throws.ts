/**
 * The errors a route can throw, found at start-up: `throw new XxxError(` in the emitted JavaScript of its handler,
 * guards, custom parameter decorators (pipes) and exception filters, plus what `@Throws` declares for the rest.
 *
 * The reading is textual and cheap (`Function.prototype.toString()` of each function, once per function, at start-up;
 * never per request). It reads what any compiler emits (tsc, swc, esbuild), so it needs no build step. Its limits,
 * also in docs/guides/openapi.md: it sees the function's own body and the methods it calls on `this` (`this.x()` and
 * `this.#x()`, three calls deep), not functions in other objects (services, helpers); it knows Rivet's own
 * `HttpError` classes by name, and `new HttpError(409, …)` by its literal status, not subclasses of your own; a
 * `throw new` inside a comment or a string counts. Declare what it cannot see with `@Throws`.
 */
import * as httpErrors from '../errors/http-error';
import { HttpError } from '../errors/http-error';
import { RivetError } from '../errors/rivet-error';
import { ValidationFailedError } from '../errors/validation-error';
import { ownMember } from '../metadata/store';
import type { CompiledRoute } from '../pipeline/compiled-route';

/** One status a route may answer with because something on it throws; `error` is the class when it is known. */
export interface ThrownStatus {
  readonly status: number;
  readonly error: Function | undefined;
}

/** Where `@Throws` leaves its lists, method and class apart (both apply). */
export const THROWS = { method: Symbol('rivet:throws:method'), class: Symbol('rivet:throws:class') } as const;

/**
 * Documents the errors a route (on a method) or every route of a controller (on the class) can answer with, when
 * start-up analysis cannot see them being thrown, e.g. in a service the handler calls. Each argument is an
 * `HttpError` class (its status is read once, by constructing it without arguments) or a status number.
 * @example @Post('/signup') @Throws(ConflictError) signup(@Body() body: Credentials) { return this.users.create(body); }
 */
export function Throws(...errors: (Function | number)[]): ClassDecorator & MethodDecorator {
  const statuses = errors.map((e, i): ThrownStatus => {
    if (typeof e === 'number') {
      if (!Number.isInteger(e) || e < 400 || e > 599) throw invalid(`@Throws argument ${i} is ${e}.\n  Fix: give an error status from 400 to 599, or an HttpError class.`);
      return { status: e, error: undefined };
    }
    if (typeof e !== 'function' || !(e === HttpError || e.prototype instanceof HttpError)) {
      throw invalid(`@Throws argument ${i} is ${typeof e === 'function' ? e.name : String(e)}, not an HttpError class.\n  Fix: pass classes such as ConflictError, or a status number.`);
    }
    return { status: statusOfClass(e as new () => HttpError, i), error: e };
  });
  return ((target: object, name?: string | symbol) => {
    const ctor = name === undefined ? (target as Function) : target.constructor;
    const values = (ownMember(ctor, name).values ??= new Map());
    const key = name === undefined ? THROWS.class : THROWS.method;
    values.set(key, [...((values.get(key) as ThrownStatus[] | undefined) ?? []), ...statuses]);
  }) as ClassDecorator & MethodDecorator;
}

function statusOfClass(cls: new () => HttpError, i: number): number {
  let status: unknown;
  try {
    status = new cls().status;
  } catch (err) {
    throw invalid(`@Throws argument ${i}: ${cls.name} cannot be constructed without arguments (${(err as Error)?.message}), so its status is unknown.\n  Fix: pass its status as a number instead, e.g. @Throws(409).`);
  }
  if (typeof status !== 'number') throw invalid(`@Throws argument ${i}: ${cls.name} has no numeric status.\n  Fix: pass its status as a number.`);
  return status;
}

const invalid = (message: string): RivetError => new RivetError('RIVET_OPENAPI_THROWS_INVALID', message);

/** Rivet's own error classes by name, with their status: the names a `throw new` is matched against. */
const KNOWN: ReadonlyMap<string, ThrownStatus> = (() => {
  const out = new Map<string, ThrownStatus>();
  for (const [name, value] of Object.entries(httpErrors)) {
    if (typeof value !== 'function' || value === HttpError || !(value.prototype instanceof HttpError)) continue;
    out.set(name, { status: new (value as new () => HttpError)().status, error: value });
  }
  out.set(ValidationFailedError.name, { status: 422, error: ValidationFailedError });
  return out;
})();

// `throw new X(`, `throw new errors_1.X(` (tsc), `throw new _rivetjs.X(` (swc), `throw new import_rivetjs.X(` (esbuild);
// for HttpError itself, its literal first argument. Only the last name of a member chain counts.
const THROW = /\bthrow\s+new\s+(?:[\w$]+\s*\.\s*)*([\w$]+)\s*\(\s*(\d{3}\b)?/g;
const THIS_CALL = /\bthis\s*\.\s*(#?[\w$]+)\s*\(/g;
const MAX_DEPTH = 3;

// One reading per function (and object it runs on): guards and filters are shared by many routes.
const cache = new WeakMap<Function, readonly ThrownStatus[]>();
const cacheOn = new WeakMap<object, WeakMap<Function, readonly ThrownStatus[]>>();

/**
 * The statuses `fn` throws, read from its source; with `self` (the object it runs on), the methods it calls on `this`
 * are read too, to {@link MAX_DEPTH} calls.
 */
export function thrownBy(fn: Function, self?: object): readonly ThrownStatus[] {
  if (self === undefined) {
    let known = cache.get(fn);
    if (known === undefined) cache.set(fn, (known = scan(sourceOf(fn), undefined, 0, new Set([fn]))));
    return known;
  }
  let perSelf = cacheOn.get(self);
  if (perSelf === undefined) cacheOn.set(self, (perSelf = new WeakMap()));
  let known = perSelf.get(fn);
  if (known === undefined) perSelf.set(fn, (known = scan(sourceOf(fn), self, 0, new Set([fn]))));
  return known;
}

function scan(source: string, self: object | undefined, depth: number, seen: Set<Function | string>): ThrownStatus[] {
  const out: ThrownStatus[] = [];
  for (const m of source.matchAll(THROW)) {
    const known = KNOWN.get(m[1]);
    if (known !== undefined) out.push(known);
    else if (m[1] === 'HttpError' && m[2] !== undefined) {
      const status = Number(m[2]);
      if (status >= 400 && status <= 599) out.push({ status, error: undefined });
    }
  }
  if (self === undefined || depth >= MAX_DEPTH) return out;
  for (const m of source.matchAll(THIS_CALL)) {
    const name = m[1];
    if (name.startsWith('#')) {
      if (seen.has(name)) continue;
      seen.add(name);
      const body = privateMethodSource(self, name);
      if (body !== undefined) out.push(...scan(body, self, depth + 1, seen));
      continue;
    }
    const member = methodOf(self, name);
    if (member === undefined || seen.has(member)) continue;
    seen.add(member);
    out.push(...scan(sourceOf(member), self, depth + 1, seen));
  }
  return out;
}

/** The method `name` of `self` or its prototype chain, read from property descriptors so that no getter runs. */
function methodOf(self: object, name: string): Function | undefined {
  for (let o: object | null = self; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor !== undefined) return typeof descriptor.value === 'function' ? descriptor.value as Function : undefined;
  }
  return undefined;
}

function sourceOf(fn: Function): string {
  try {
    return Function.prototype.toString.call(fn);
  } catch {
    return '';
  }
}

/**
 * The text of a `#private` method of `self`'s class or an ancestor: the class source from the method's definition to
 * its closing brace. Braces inside strings can end it early; then less is read, never more.
 */
function privateMethodSource(self: object, name: string): string | undefined {
  const definition = new RegExp(`(?:^|[\\s;}])(?:async\\s+)?\\*?\\s*${name.replace(/\$/g, '\\$')}\\s*\\([^)]*\\)\\s*(?::[^{]*)?\\{`, 'm');
  for (let c: unknown = self.constructor; typeof c === 'function' && c !== Function.prototype && c !== Object; c = Object.getPrototypeOf(c)) {
    const text = sourceOf(c as Function);
    const m = definition.exec(text);
    if (m === null) continue;
    let depth = 0;
    for (let i = m.index + m[0].length - 1; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) return text.slice(m.index, i + 1);
    }
    return text.slice(m.index);
  }
  return undefined;
}

/**
 * Every status the route can throw: `@Throws` on its controller and method, then what its handler, guards, custom
 * parameter decorators and exception filters are seen to throw. One entry per status (the first class seen wins).
 */
export function routeThrows(route: CompiledRoute): ThrownStatus[] {
  const d = route.descriptor;
  const found: ThrownStatus[] = [
    ...((d.metadata.get(THROWS.class) as ThrownStatus[] | undefined) ?? []),
    ...((d.metadata.get(THROWS.method) as ThrownStatus[] | undefined) ?? []),
    ...thrownBy(d.handler, d.controller.prototype),
  ];
  for (const guard of route.guards) {
    const canActivate = (guard as { canActivate?: unknown }).canActivate;
    if (typeof canActivate === 'function') found.push(...thrownBy(canActivate, guard));
  }
  for (const p of route.params) if (p.meta.custom !== undefined) found.push(...thrownBy(p.meta.custom.factory));
  for (const f of route.filters) {
    const c = (f.instance as { catch?: unknown }).catch;
    if (typeof c === 'function') found.push(...thrownBy(c, f.instance));
  }
  const byStatus = new Map<number, ThrownStatus>();
  for (const t of found) if (!byStatus.has(t.status) || (byStatus.get(t.status)!.error === undefined && t.error !== undefined)) byStatus.set(t.status, t);
  return [...byStatus.values()].sort((a, b) => a.status - b.status);
}
