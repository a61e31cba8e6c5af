import { runCheck } from '../../lib/runtime/health-checks';

/** What `p` has settled with by now, or 'pending' (an already settled promise wins the race). */
const now = <T>(p: Promise<T>): Promise<T | 'pending'> => Promise.race([p, Promise.resolve('pending' as const)]);

describe('runCheck', () => {
  // The timeout is a timer and the duration a performance.now() difference: fake timers drive both, so the
  // timeouts fire without waiting and the durations are exact.
  beforeEach(() => { jest.useFakeTimers(); });
  afterEach(() => { jest.useRealTimers(); });

  it('reports up for a value or a resolved promise, down for false, a throw, a rejection or a timeout', async () => {
    const errors: string[] = [];
    const onError = (name: string): void => { errors.push(name); };
    expect(await runCheck({ name: 'a', run: () => 'ok', timeout: 50 }, onError)).toEqual({ status: 'up', durationMs: 0 });
    expect(await runCheck({ name: 'b', run: () => Promise.resolve(), timeout: 50 }, onError)).toEqual({ status: 'up', durationMs: 0 });
    expect(await runCheck({ name: 'c', run: () => false, timeout: 50 }, onError)).toEqual({ status: 'down', durationMs: 0, error: 'returned false' });
    expect(await runCheck({ name: 'd', run: () => { throw new Error('x'); }, timeout: 50 }, onError)).toEqual({ status: 'down', durationMs: 0, error: 'failed' });
    expect(await runCheck({ name: 'e', run: () => Promise.reject(new Error('x')), timeout: 50 }, onError)).toEqual({ status: 'down', durationMs: 0, error: 'failed' });

    let rejectLate!: (err: Error) => void;
    const late = runCheck({ name: 'f', run: () => new Promise((_, reject) => { rejectLate = reject; }), timeout: 20 }, onError);
    await jest.advanceTimersByTimeAsync(19);
    expect([await now(late), errors]).toEqual(['pending', ['d', 'e']]);
    await jest.advanceTimersByTimeAsync(1);
    expect(await now(late)).toEqual({ status: 'down', durationMs: 20, error: 'timed out after 20 ms' });
    // A check that fails after its timeout is reported once.
    rejectLate(new Error('late'));
    await jest.advanceTimersByTimeAsync(0);
    expect(errors).toEqual(['d', 'e', 'f']);
  });

  it('measures how long a check took', async () => {
    const slow = runCheck({ name: 'slow', run: () => new Promise((r) => setTimeout(r, 15)), timeout: 50 }, () => undefined);
    await jest.advanceTimersByTimeAsync(15);
    expect(await now(slow)).toEqual({ status: 'up', durationMs: 15 });
  });
});
