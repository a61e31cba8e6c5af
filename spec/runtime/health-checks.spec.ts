import { runCheck } from '../../lib/runtime/health-checks';

describe('runCheck', () => {
  const ms = expect.any(Number);

  it('reports up for a value or a resolved promise, down for false, a throw, a rejection or a timeout', async () => {
    const errors: string[] = [];
    const onError = (name: string): void => { errors.push(name); };
    expect(await runCheck({ name: 'a', run: () => 'ok', timeout: 50 }, onError)).toEqual({ status: 'up', durationMs: ms });
    expect(await runCheck({ name: 'b', run: () => Promise.resolve(), timeout: 50 }, onError)).toEqual({ status: 'up', durationMs: ms });
    expect(await runCheck({ name: 'c', run: () => false, timeout: 50 }, onError)).toEqual({ status: 'down', durationMs: ms, error: 'returned false' });
    expect(await runCheck({ name: 'd', run: () => { throw new Error('x'); }, timeout: 50 }, onError)).toEqual({ status: 'down', durationMs: ms, error: 'failed' });
    expect(await runCheck({ name: 'e', run: () => Promise.reject(new Error('x')), timeout: 50 }, onError)).toEqual({ status: 'down', durationMs: ms, error: 'failed' });
    expect(await runCheck({ name: 'f', run: () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 60)), timeout: 20 }, onError)).toEqual({ status: 'down', durationMs: ms, error: 'timed out after 20 ms' });
    await new Promise((r) => setTimeout(r, 60));
    // A check that fails after its timeout is reported once.
    expect(errors).toEqual(['d', 'e', 'f']);
  });
});
