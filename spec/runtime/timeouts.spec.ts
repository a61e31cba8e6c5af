import { Controller, Get } from '../../lib';
import { describeRoutes } from '../../lib/router/compile';
import { Timeout, TIMEOUT_KEY } from '../../lib/runtime/timeouts';

describe('Timeout', () => {
  it('records the timeout as metadata, the method over the class', () => {
    @Controller('/t') @Timeout(100)
    class T { @Get('/a') a() {} @Get('/b') @Timeout(false) b() {} @Get('/c') @Timeout(250) c() {} }
    const byName = Object.fromEntries(describeRoutes([T]).map((d) => [d.handlerName, d.metadata.get(TIMEOUT_KEY)]));
    expect(byName).toEqual({ a: 100, b: false, c: 250 });
  });

  it('throws RIVET_TIMEOUT_INVALID for anything but a positive whole number of ms or false', () => {
    for (const bad of [0, -1, 1.5, NaN, '100', true]) expect(() => Timeout(bad as never)).toThrow(expect.objectContaining({ code: 'RIVET_TIMEOUT_INVALID' }));
  });
});
