import { container as rootContainer, injectable, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { RivetError } from '../errors/rivet-error';
import { RequestContext } from '../pipeline/context';

/** A provider for `createApp({ providers })`: a class (an app-wide singleton) or a token bound to a value, class or factory. */
export type Provider =
  | (new (...args: never[]) => unknown)
  | { provide: InjectionToken; useValue: unknown }
  | { provide: InjectionToken; useClass: new (...args: never[]) => unknown }
  | { provide: InjectionToken; useFactory: (container: DependencyContainer) => unknown };

// Types TypeScript emits for interfaces, unions, primitives and `any`: nothing to construct.
const NOT_INJECTABLE = new Set<unknown>([Object, String, Number, Boolean, Array, Function, Promise, Symbol, BigInt, Map, Set]);

/** The app's own child container, so two apps (or two tests) never share singletons. */
export function createAppContainer(parent: DependencyContainer | undefined, providers: readonly Provider[]): DependencyContainer {
  const c = (parent ?? rootContainer).createChildContainer();
  for (const p of providers) {
    if (typeof p === 'function') c.registerSingleton(p as new () => unknown);
    else if ('useValue' in p) c.register(p.provide, { useValue: p.useValue });
    else if ('useClass' in p) c.register(p.provide, { useClass: p.useClass as new () => unknown });
    else c.register(p.provide, { useFactory: p.useFactory });
  }
  return c;
}

/** The constructor tokens of `ctor`: `design:paramtypes`, overridden by tsyringe's `@inject()` tokens. */
function constructorTokens(ctor: Function): unknown[] | undefined {
  // A subclass without its own constructor takes its parent's: find the class that declared the one in use.
  let owner: unknown = ctor;
  while (typeof owner === 'function' && owner !== Function.prototype && !Reflect.hasOwnMetadata('design:paramtypes', owner) && !Reflect.hasOwnMetadata('injectionTokens', owner)) {
    owner = Object.getPrototypeOf(owner);
  }
  if (typeof owner !== 'function' || owner === Function.prototype) return undefined;
  const types = Reflect.getOwnMetadata('design:paramtypes', owner) as unknown[] | undefined;
  const injected = Reflect.getOwnMetadata('injectionTokens', owner) as Record<string, unknown> | undefined;
  // tsyringe reads @inject() tokens from the class itself only.
  if (owner !== ctor && injected !== undefined) Reflect.defineMetadata('injectionTokens', injected, ctor);
  if (types === undefined && injected === undefined) return undefined;
  const tokens = [...(types ?? [])];
  for (const [i, t] of Object.entries(injected ?? {})) tokens[Number(i)] = t;
  return tokens;
}

const describe = (t: unknown): string => (typeof t === 'function' ? t.name || 'an anonymous class' : typeof t === 'symbol' ? t.toString() : JSON.stringify(t));

/**
 * Checks, before anything is constructed, that every constructor dependency of `root` can be resolved, and
 * registers each injectable class not registered yet as an app-wide singleton (Rivet's default scope).
 * Every problem is pushed to `errors` with the chain of classes, the parameter index and the fix.
 */
export function prepareGraph(c: DependencyContainer, root: Function, requestScoped: boolean, errors: RivetError[], seen = new Set<Function>()): void {
  const visit = (ctor: Function, chain: string[], allowContext: boolean): void => {
    if (seen.has(ctor)) return;
    seen.add(ctor);
    const tokens = constructorTokens(ctor);
    const here = [...chain, ctor.name].join(' -> ');
    if (tokens === undefined) {
      // A subclass without its own constructor reports length 0 but runs its parent's: look along the chain.
      let declaring: Function | undefined;
      for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
        if ((c as Function).length > 0) { declaring = c as Function; break; }
      }
      if (declaring !== undefined) {
        errors.push(new RivetError('RIVET_DI_NO_TYPE_INFO', `${here}: the constructor${declaring === ctor ? '' : ` (inherited from ${declaring.name})`} takes ${declaring.length} parameter(s) but has no type information.\n  Fix: decorate ${declaring.name} with @injectable() from tsyringe, and enable "emitDecoratorMetadata" (tsc or swc).`));
      }
      return;
    }
    // tsyringe constructs from its own type table, filled by @injectable(); fill it for controllers, guards and plain classes alike.
    injectable()(ctor as new (...args: unknown[]) => unknown);
    tokens.forEach((raw, i) => {
      const descriptor = raw !== null && typeof raw === 'object' && 'token' in raw ? (raw as { token: unknown; isOptional?: boolean; multiple?: boolean }) : undefined;
      const token = descriptor === undefined ? raw : descriptor.token;
      if (descriptor?.isOptional === true || descriptor?.multiple === true) return;
      if (token !== null && typeof token === 'object' && typeof (token as { createProxy?: unknown }).createProxy === 'function') return; // delay(() => X)
      const at = `${here}: constructor parameter ${i}`;
      if (token === undefined) {
        errors.push(new RivetError('RIVET_DI_UNRESOLVABLE', `${at} has type undefined, which usually means a circular import.\n  Fix: break the import cycle, or inject it lazily with @inject(delay(() => TheClass)).`));
      } else if (token === RequestContext) {
        if (!allowContext) errors.push(new RivetError('RIVET_DI_REQUEST_CONTEXT', `${at} asks for RequestContext, which exists only per request.\n  Fix: mark the controller @Controller(prefix, { scope: 'request' }) and inject it there, or take @Ctx() as a handler parameter.`));
      } else if (typeof token === 'function') {
        if (c.isRegistered(token as InjectionToken, true)) return;
        if (NOT_INJECTABLE.has(token)) {
          errors.push(new RivetError('RIVET_DI_UNRESOLVABLE', `${at} is typed ${describe(token)}: an interface, union or primitive type has no class to construct.\n  Fix: inject a class, or use @inject('token') and register it: createApp({ providers: [{ provide: 'token', useValue: ... }] }).`));
          return;
        }
        visit(token, [...chain, ctor.name], false);
        c.registerSingleton(token as new () => unknown);
      } else if (!c.isRegistered(token as InjectionToken, true)) {
        errors.push(new RivetError('RIVET_DI_UNRESOLVABLE', `${at} asks for token ${describe(token)}, which nothing provides.\n  Fix: register it, e.g. createApp({ providers: [{ provide: ${describe(token)}, useValue: ... }] }).`));
      }
    });
  };
  visit(root, [], requestScoped);
}

/** Resolves a prepared class at start-up, turning a constructor failure into a RivetError naming the class. */
export function resolveAtBoot<T>(c: DependencyContainer, ctor: new (...args: never[]) => T, role: string): T {
  try {
    return c.resolve(ctor as InjectionToken<T>);
  } catch (err) {
    throw new RivetError('RIVET_DI_UNRESOLVABLE', `${role} ${ctor.name} could not be created: ${err instanceof Error ? err.message : String(err)}\n  Fix: see the reason above; constructors should only store their dependencies.`, { cause: err });
  }
}
