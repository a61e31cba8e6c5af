import { ownMember } from '../metadata/store';
import { legacyDecorator } from '../metadata/legacy';

type ClassOrMethodDecorator = ClassDecorator & MethodDecorator;

function onClassOrMethod(decorator: string, apply: (ctor: Function, name: string | symbol | undefined) => void): ClassOrMethodDecorator {
  return legacyDecorator(decorator, (target: object, name?: string | symbol) => {
    apply(name === undefined ? (target as Function) : target.constructor, name);
  }) as ClassOrMethodDecorator;
}

/**
 * Attaches a value that guards and handlers read with `ctx.getMetadata(key)`; a method's value wins over its class's.
 * @example @SetMetadata('role', 'admin')
 */
export function SetMetadata(key: unknown, value: unknown): ClassOrMethodDecorator {
  // Also what @Roles, @Scopes, @Limits, @Timeout, @RateLimit and @SecurityHeaders are made of.
  return onClassOrMethod('@SetMetadata (or a decorator made with it)', (ctor, name) => {
    (ownMember(ctor, name).values ??= new Map()).set(key, value);
  });
}

/** Sets the success status of a route (default 200, 201 for POST, 204 when the handler returns nothing). */
export function HttpCode(status: number): MethodDecorator {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new RangeError(`@HttpCode(${String(status)}): the status must be an integer from 100 to 599`);
  }
  return legacyDecorator<MethodDecorator>('@HttpCode', (proto, name) => {
    ownMember(proto.constructor, name).httpCode = status;
  });
}

/**
 * Adds a fixed response header to every success response of a route (or of every route of a controller).
 * For values computed per request, use `ctx.response.setHeader()` or `@Res()`.
 * @example @ResponseHeader('Cache-Control', 'no-store')
 */
export function ResponseHeader(name: string, value: string): ClassOrMethodDecorator {
  return onClassOrMethod('@ResponseHeader', (ctor, member) => {
    (ownMember(ctor, member).headers ??= []).push([name, value]);
  });
}
