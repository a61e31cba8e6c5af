import { RivetError } from '../errors/rivet-error';
import { ownMember } from '../metadata/store';
import type { GuardRef } from '../metadata/types';
import { legacyDecorator } from '../metadata/legacy';

/**
 * Protects a controller (all its routes) or one route with guards, run in order after the app's guards.
 * Each guard is a class resolved through DI, or an instance used as it is.
 * @example @Guard(ApiKeyGuard, new RolesGuard())
 */
export function Guard(...guards: GuardRef[]): ClassDecorator & MethodDecorator {
  return legacyDecorator('@Guard', (target: object, name?: string | symbol) => {
    const ctor = name === undefined ? (target as Function) : target.constructor;
    guards.forEach((g, i) => {
      if (typeof g !== 'function' && (typeof g !== 'object' || g === null)) {
        throw new RivetError('RIVET_GUARD_INVALID', `${where(ctor, name)} @Guard argument ${i} is ${String(g)}.\n  Fix: pass a guard class or a guard instance (an object with canActivate(ctx)).`);
      }
    });
    const member = ownMember(ctor, name);
    (member.guards ??= []).push(...guards);
  }) as ClassDecorator & MethodDecorator;
}

function where(ctor: Function, name: string | symbol | undefined): string {
  return name === undefined ? ctor.name : `${ctor.name}#${String(name)}`;
}
