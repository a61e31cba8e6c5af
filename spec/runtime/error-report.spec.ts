import type { IncomingMessage } from 'node:http';
import { REQUEST_ID } from '../../lib/errors/problem';
import { describe as describeError, stderrReporter } from '../../lib/runtime/error-report';

const request = (url: string, id?: string) => ({ method: 'POST', url, ...(id === undefined ? {} : { [REQUEST_ID]: id }) }) as unknown as IncomingMessage;

describe('stderrReporter', () => {
  it('writes the method, the path without its query, the request id and the stack', () => {
    const lines: string[] = [];
    const report = stderrReporter({ write: (t) => { lines.push(t); } });
    const err = new TypeError('boom');
    report(request('/orders?token=secret', 'req-1'), err);
    expect(lines).toEqual([`[rivet] POST /orders failed with 500 (request id req-1): ${err.stack}\n`]);
  });

  it('prints a burst, then one error per second, and says how many it left out', () => {
    let now = 0;
    const lines: string[] = [];
    const report = stderrReporter({ write: (t) => { lines.push(t); }, now: () => now, burst: 2, perSecond: 1 });
    for (let i = 0; i < 5; i++) report(request(`/r${i}`), new Error(`e${i}`));
    expect(lines.map((l) => l.split(':')[0])).toEqual(['[rivet] POST /r0 failed with 500', '[rivet] POST /r1 failed with 500']);
    now = 999;
    report(request('/r5'), new Error('e5'));
    expect(lines).toHaveLength(2);
    now = 1000;
    report(request('/r6'), new Error('e6'));
    expect(lines[2]).toMatch(/^\[rivet\] POST \/r6 failed with 500 \[4 more errors not shown\]: Error: e6\n/);
  });
});

describe('describe', () => {
  it('gives the stack with its causes, and what was thrown when it is no Error', () => {
    const cause = new RangeError('inner');
    const err = new Error('outer', { cause });
    expect(describeError(err)).toBe(`${err.stack}\nCaused by: ${cause.stack}`);
    expect(describeError('nope')).toBe('a non-Error value was thrown: "nope" (throw an Error to get a stack trace)');
    expect(describeError(42)).toBe('a non-Error value was thrown: 42 (throw an Error to get a stack trace)');
  });
});
