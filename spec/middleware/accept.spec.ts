import { compileEncodingChoice, compileMediaChoice, memo, parseWeighted } from '../../lib/middleware/accept';

describe('parseWeighted', () => {
  it('reads tokens with their q-values, lower-cased, defaulting to 1', () => {
    expect(parseWeighted('GZIP;q=0.8, br , *;q=0')).toEqual([{ value: 'gzip', q: 0.8 }, { value: 'br', q: 1 }, { value: '*', q: 0 }]);
  });

  it('ignores other parameters and empty elements', () => {
    expect(parseWeighted('text/html;level=1;q=0.5,,application/json')).toEqual([{ value: 'text/html', q: 0.5 }, { value: 'application/json', q: 1 }]);
  });

  it('drops an element whose q-value is malformed', () => {
    expect(parseWeighted('gzip;q=2, br;q=abc, deflate;q=0.1234, identity;q=1.000')).toEqual([{ value: 'identity', q: 1 }]);
  });
});

describe('memo', () => {
  it('computes each distinct header once', () => {
    const compute = jest.fn((h: string) => h.length);
    const m = memo(compute);
    expect([m('ab'), m('ab'), m('abc')]).toEqual([2, 2, 3]);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('remembers null answers too, and clears itself when full', () => {
    const compute = jest.fn(() => null);
    const m = memo(compute, 2);
    m('a'); m('a'); m('b'); m('c'); m('a');
    expect(compute).toHaveBeenCalledTimes(4);
  });
});

describe('compileEncodingChoice', () => {
  const choose = compileEncodingChoice(['br', 'gzip', 'deflate']);

  it.each<[string | undefined, string | null]>([
    [undefined, null],
    ['', null],
    ['identity', null],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['gzip;q=1, br;q=0.9', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, gzip', 'gzip'],
    ['br;q=0, *', 'gzip'],
    ['br;q=0, gzip;q=0, deflate;q=0', null],
    ['*;q=0', null],
    ['compress, zstd', null],
  ])('chooses %p → %p', (header, expected) => {
    expect(choose(header)).toBe(expected);
  });

  it('offers only the configured codings, in their order', () => {
    expect(compileEncodingChoice(['deflate', 'gzip'])('gzip, deflate, br')).toBe('deflate');
  });
});

describe('compileMediaChoice', () => {
  const choose = compileMediaChoice(['application/json', 'application/msgpack', 'text/csv']);

  it.each<[string | undefined, number]>([
    [undefined, 0],
    ['  ', 0],
    ['*/*', 0],
    ['application/*', 0],
    ['text/*', 2],
    ['application/msgpack', 1],
    ['TEXT/CSV', 2],
    ['text/csv;q=0.4, application/msgpack;q=0.5', 1],
    ['*/*;q=0.1, text/csv', 2],
    ['*/*, application/json;q=0', 1],
    ['application/*;q=0, */*', 2],
    ['image/png', -1],
    ['application/json;q=0, application/msgpack;q=0, text/csv;q=0', -1],
  ])('chooses %p → offer %p', (header, expected) => {
    expect(choose(header)).toBe(expected);
  });
});
