import { HttpCode, ResponseHeader, SetMetadata } from '../../lib/decorators/meta';
import { peekMeta } from '../../lib/metadata/store';

describe('SetMetadata', () => {
  it('records a class-level value when it decorates a class', () => {
    const key = Symbol('roles');
    @SetMetadata(key, ['admin'])
    class C {}
    expect(peekMeta(C)?.own.values).toEqual(new Map([[key, ['admin']]]));
  });

  it('records a method-level value when it decorates a method', () => {
    class C { @SetMetadata('public', true) run() { return 1; } }
    expect(peekMeta(C)?.members.get('run')?.values).toEqual(new Map([['public', true]]));
  });

  it('keeps the value applied last when one target sets a key twice', () => {
    class C { @SetMetadata('k', 'outer') @SetMetadata('k', 'inner') run() { return 1; } }
    expect(peekMeta(C)?.members.get('run')?.values?.get('k')).toBe('outer');
  });
});

describe('HttpCode', () => {
  it('records the status when it decorates a method', () => {
    class C { @HttpCode(204) run() { return 1; } }
    expect(peekMeta(C)?.members.get('run')?.httpCode).toBe(204);
  });

  it.each([99, 600, 200.5, Number.NaN])('throws RangeError when the status is %p', (status) => {
    expect(() => HttpCode(status)).toThrow(new RangeError(`@HttpCode(${String(status)}): the status must be an integer from 100 to 599`));
  });
});

describe('ResponseHeader', () => {
  it('records headers in application order when it decorates a method twice', () => {
    class C { @ResponseHeader('X-B', '2') @ResponseHeader('X-A', '1') run() { return 1; } }
    expect(peekMeta(C)?.members.get('run')?.headers).toEqual([['X-A', '1'], ['X-B', '2']]);
  });

  it('records class-level headers when it decorates a class', () => {
    @ResponseHeader('Cache-Control', 'no-store')
    class C {}
    expect(peekMeta(C)?.own.headers).toEqual([['Cache-Control', 'no-store']]);
  });
});
