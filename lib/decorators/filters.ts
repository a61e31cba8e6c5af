import { RivetError } from '../errors/rivet-error';
import { ownMember } from '../metadata/store';
import { legacyDecorator } from '../metadata/legacy';

/** A filter or interceptor given to `@UseFilters` / `@UseInterceptors`: a class resolved through DI, or an instance. */
export type PipelineRef = Function | object;

/** Where `@UseFilters` and `@UseInterceptors` leave their lists, method and class apart (`ctx.getMetadata` sees neither). */
export const FILTERS = { method: Symbol('rivet:filters:method'), class: Symbol('rivet:filters:class') } as const;
export const INTERCEPTORS = { method: Symbol('rivet:interceptors:method'), class: Symbol('rivet:interceptors:class') } as const;

// The error classes a filter class catches, keyed by the filter class (nothing global to reset).
const catches = new WeakMap<Function, readonly Function[]>();

/**
 * Marks an exception filter class with the errors it handles: instances of any of `types` (subclasses included).
 * With no types it handles every error.
 * @example @Catch(ValidationFailedError, NotFoundError) class ConduitErrors implements ExceptionFilter { … }
 */
export function Catch(...types: Function[]): ClassDecorator {
  types.forEach((t, i) => {
    if (typeof t !== 'function') throw new RivetError('RIVET_FILTER_INVALID', `@Catch argument ${i} is ${String(t)}.\n  Fix: pass error classes, e.g. @Catch(NotFoundError, ValidationFailedError), or none to catch every error.`);
  });
  return legacyDecorator<ClassDecorator>('@Catch', (target) => { catches.set(target, Object.freeze([...types])); });
}

/** The error classes `@Catch` declared on a filter class (or its nearest ancestor); `undefined` when it has none. */
export function caughtBy(filter: Function): readonly Function[] | undefined {
  for (let c: unknown = filter; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const types = catches.get(c as Function);
    if (types !== undefined) return types;
  }
  return undefined;
}

/**
 * Exception filters for a controller (every route) or one route, tried before the app's (`createApp({ filters })`):
 * the method's, then the controller's, then the app's, each list in order. Each is a class resolved through DI, or an
 * instance used as it is.
 * @example @UseFilters(ConduitErrors)
 */
export function UseFilters(...filters: PipelineRef[]): ClassDecorator & MethodDecorator {
  return appendTo(FILTERS, filters, 'UseFilters', 'a filter class or instance (catch(error, ctx))');
}

/**
 * Interceptors around a controller's routes or one route, inside the app's (`createApp({ interceptors })`): the
 * app's run first (outermost), then the controller's, then the method's, each list in order.
 * @example @UseInterceptors(TimingInterceptor, WrapInData)
 */
export function UseInterceptors(...interceptors: PipelineRef[]): ClassDecorator & MethodDecorator {
  return appendTo(INTERCEPTORS, interceptors, 'UseInterceptors', 'an interceptor class or instance (intercept(ctx, next))');
}

function appendTo(keys: { method: symbol; class: symbol }, refs: PipelineRef[], decorator: string, what: string): ClassDecorator & MethodDecorator {
  return legacyDecorator(`@${decorator}`, (target: object, name?: string | symbol) => {
    const ctor = name === undefined ? (target as Function) : target.constructor;
    refs.forEach((r, i) => {
      if (typeof r !== 'function' && (typeof r !== 'object' || r === null)) {
        throw new RivetError(decorator === 'UseFilters' ? 'RIVET_FILTER_INVALID' : 'RIVET_INTERCEPTOR_INVALID', `${name === undefined ? ctor.name : `${ctor.name}#${String(name)}`} @${decorator} argument ${i} is ${String(r)}.\n  Fix: pass ${what}.`);
      }
    });
    const values = (ownMember(ctor, name).values ??= new Map());
    const key = name === undefined ? keys.class : keys.method;
    values.set(key, [...((values.get(key) as PipelineRef[] | undefined) ?? []), ...refs]);
  }) as ClassDecorator & MethodDecorator;
}
