import { ForbiddenError, UnauthorizedError } from '../../lib/errors/http-error';
import type { RequestContext } from '../../lib/pipeline/context';
import { compileGuardChain, isThenable, type CanActivate } from '../../lib/pipeline/guards';

const ctx = { state: {} } as unknown as RequestContext;

/** A guard that records its name in `log` and answers `verdict`. */
function guard(name: string, log: string[], verdict: () => boolean | Promise<boolean>): CanActivate {
  return { canActivate: () => { log.push(name); return verdict(); } };
}

/** The error `fn` throws synchronously. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('compileGuardChain', () => {
  it('returns null when there are no guards', () => {
    expect(compileGuardChain([])).toBeNull();
  });

  it('returns undefined synchronously when a single guard returns true', () => {
    const log: string[] = [];
    expect(compileGuardChain([guard('a', log, () => true)])!(ctx)).toBeUndefined();
    expect(log).toEqual(['a']);
  });

  it('returns undefined synchronously when every guard of a chain returns true', () => {
    const log: string[] = [];
    const chain = compileGuardChain([guard('a', log, () => true), guard('b', log, () => true), guard('c', log, () => true)])!;
    expect(chain(ctx)).toBeUndefined();
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('throws ForbiddenError synchronously when a single guard returns false', () => {
    const err = thrownBy(() => compileGuardChain([guard('a', [], () => false)])!(ctx));
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err).toMatchObject({ status: 403, message: 'You do not have permission to access this resource.' });
  });

  it('throws ForbiddenError and stops the chain when a middle guard returns false', () => {
    const log: string[] = [];
    const chain = compileGuardChain([guard('a', log, () => true), guard('b', log, () => false), guard('c', log, () => true)])!;
    expect(thrownBy(() => chain(ctx))).toBeInstanceOf(ForbiddenError);
    expect(log).toEqual(['a', 'b']);
  });

  it('denies when a guard returns a truthy value that is not true', () => {
    const truthy = { canActivate: () => 'yes' as unknown as boolean };
    expect(thrownBy(() => compileGuardChain([truthy])!(ctx))).toBeInstanceOf(ForbiddenError);
    expect(thrownBy(() => compileGuardChain([truthy, truthy])!(ctx))).toBeInstanceOf(ForbiddenError);
  });

  it('propagates an HttpError thrown by a guard as it is', () => {
    const err = new UnauthorizedError('token expired', { headers: { 'www-authenticate': 'Bearer' } });
    const throwing: CanActivate = { canActivate: () => { throw err; } };
    expect(thrownBy(() => compileGuardChain([throwing])!(ctx))).toBe(err);
    expect(thrownBy(() => compileGuardChain([{ canActivate: () => true }, throwing])!(ctx))).toBe(err);
  });

  it('returns a promise that resolves when a single async guard resolves true', async () => {
    const verdict = compileGuardChain([guard('a', [], () => Promise.resolve(true))])!(ctx);
    expect(isThenable(verdict)).toBe(true);
    await expect(verdict).resolves.toBeUndefined();
  });

  it('rejects with ForbiddenError when a single async guard resolves false', async () => {
    await expect(compileGuardChain([guard('a', [], () => Promise.resolve(false))])!(ctx)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('continues with the next guards after an async guard resolves true', async () => {
    const log: string[] = [];
    const chain = compileGuardChain([guard('a', log, () => true), guard('b', log, () => Promise.resolve(true)), guard('c', log, () => true)])!;
    const verdict = chain(ctx);
    expect(log).toEqual(['a', 'b']);
    await expect(verdict).resolves.toBeUndefined();
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('rejects and skips later guards when an async guard in a chain resolves false', async () => {
    const log: string[] = [];
    const chain = compileGuardChain([guard('a', log, () => Promise.resolve(false)), guard('b', log, () => true)])!;
    await expect(chain(ctx)).rejects.toBeInstanceOf(ForbiddenError);
    expect(log).toEqual(['a']);
  });

  it('rejects with the guard error when an async guard rejects with an HttpError', async () => {
    const err = new UnauthorizedError('no');
    const chain = compileGuardChain([guard('a', [], () => true), guard('b', [], () => Promise.reject(err))])!;
    await expect(chain(ctx)).rejects.toBe(err);
  });

  it('rejects with ForbiddenError when a later sync guard fails after an async one passed', async () => {
    const chain = compileGuardChain([guard('a', [], () => Promise.resolve(true)), guard('b', [], () => false)])!;
    await expect(chain(ctx)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('passes the context to every guard when the chain runs', () => {
    const seen: unknown[] = [];
    const g: CanActivate = { canActivate: (c) => { seen.push(c); return true; } };
    compileGuardChain([g, g])!(ctx);
    expect(seen).toEqual([ctx, ctx]);
  });
});

describe('isThenable', () => {
  it('returns true when the value has a then method', () => {
    expect(isThenable(Promise.resolve(1))).toBe(true);
    expect(isThenable({ then: () => undefined })).toBe(true);
  });

  it('returns false when the value is not an object with then', () => {
    expect([null, undefined, true, 1, 'then', { then: 1 }, () => undefined].map(isThenable)).toEqual([false, false, false, false, false, false, false]);
  });
});
