import 'reflect-metadata';
import { createApp } from '../../lib/app';
import { Controller } from '../../lib/decorators/controller';
import { Guard } from '../../lib/decorators/guard';
import { Get } from '../../lib/decorators/routes';
import { peekMeta } from '../../lib/metadata/store';
import type { GuardRef } from '../../lib/metadata/types';
import { rivetErrorOf } from '../helpers/errors';

class A { canActivate() { return true; } }
class B { canActivate() { return true; } }


describe('Guard', () => {
  it('records class-level guards in order when it decorates a class', () => {
    @Guard(A, B)
    class C {}
    expect(peekMeta(C)?.own.guards).toEqual([A, B]);
  });

  it('records method-level guards under the member when it decorates a method', () => {
    const instance = { canActivate: () => true };
    class C { @Guard(instance, A) run() { return 1; } }
    expect(peekMeta(C)?.members.get('run')?.guards).toEqual([instance, A]);
    expect(peekMeta(C)?.own.guards).toBeUndefined();
  });

  it('appends guards when a target is decorated twice', () => {
    @Guard(B) @Guard(A)
    class C {}
    expect(peekMeta(C)?.own.guards).toEqual([A, B]);
  });

  it.each([[null], [undefined], ['ApiKeyGuard'], [42], [true]])('throws RIVET_GUARD_INVALID naming the target when an argument is %p', (bad) => {
    const err = rivetErrorOf(() => {
      class Target { @Guard(A, bad as unknown as GuardRef) run() { return 1; } }
      return Target;
    });
    expect(err.code).toBe('RIVET_GUARD_INVALID');
    expect(err.message).toContain(`Target#run @Guard argument 1 is ${String(bad)}`);
  });

  it('throws RIVET_GUARD_INVALID naming the class when a class-level argument is invalid', () => {
    const err = rivetErrorOf(() => {
      @Guard(0 as unknown as GuardRef)
      class Secured {}
      return Secured;
    });
    expect(err.message).toContain('Secured @Guard argument 0 is 0');
  });

  it('throws RIVET_GUARD_INVALID at createApp when a guard instance has no canActivate', () => {
    @Controller('/g')
    class Guarded { @Guard({ allow: true }) @Get('/') run() { return 1; } }
    const err = rivetErrorOf(() => createApp({ controllers: [Guarded] }));
    expect(err.code).toBe('RIVET_GUARD_INVALID');
    expect(err.message).toContain('Guarded#run: guard Object has no canActivate(ctx) method');
  });

  it('throws RIVET_GUARD_INVALID at createApp when a guard class has no canActivate', () => {
    class NotAGuard {}
    @Controller('/g')
    @Guard(NotAGuard)
    class Guarded { @Get('/') run() { return 1; } }
    expect(rivetErrorOf(() => createApp({ controllers: [Guarded] })).message).toContain('guard NotAGuard has no canActivate(ctx) method');
  });
});
