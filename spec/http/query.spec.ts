import { BadRequestError } from '../../lib/errors/http-error';
import { parse as parseQueryString } from 'node:querystring';
import { parseQuery } from '../../lib/http/query';

/** Same keys, in the same order, with the same values: what querystring.parse gives. */
const same = (raw: string): void => {
  const ours = parseQuery(raw);
  const theirs = parseQueryString(raw);
  expect(Object.keys(ours)).toEqual(Object.keys(theirs));
  expect({ ...ours }).toEqual({ ...theirs });
};

describe('parseQuery', () => {
  it('answers like querystring.parse for every string of up to 6 characters over a=&b', () => {
    const alphabet = ['a', 'b', '=', '&'];
    const visit = (raw: string, depth: number): void => {
      same(raw);
      if (depth < 6) for (const c of alphabet) visit(raw + c, depth + 1);
    };
    visit('', 0);
  });

  it('leaves escapes and + to querystring', () => {
    for (const raw of ['a=x%20y', 'a=x+y', 'a%3D=1', 'bad=%zz&ok=1', 'k=%E2%82%AC']) same(raw);
  });

  it('keeps repeated keys as arrays, in order', () => {
    expect(parseQuery('a=1&b=2&a=3&a=')).toEqual({ a: ['1', '3', ''], b: '2' });
  });

  it('reads up to querystring\'s 1000 pairs and refuses more with a 400, instead of dropping the rest', () => {
    for (const n of [999, 1000]) same(Array.from({ length: n }, (_, i) => `k${i}=${i}`).join('&'));
    // Empty pairs do not count (querystring's maxKeys counts them, and would read neither a nor b here).
    expect({ ...parseQuery(`${'&'.repeat(1998)}a=1&b=2`) }).toEqual({ a: '1', b: '2' });
    expect({ ...parseQuery(`${'&'.repeat(1998)}a=%20&b=2`) }).toEqual({ a: ' ', b: '2' });
    for (const raw of [Array.from({ length: 1001 }, (_, i) => `k${i}=${i}`).join('&'), `${'a=%20&'.repeat(1001)}`]) {
      expect(() => parseQuery(raw)).toThrow(new BadRequestError('The query string has more than 1000 parameters.'));
    }
    expect(() => parseQuery('f=1&'.repeat(1001), 'form body')).toThrow('The form body has more than 1000 parameters.');
  });

  it('inherits nothing, so any key is an own value', () => {
    const q = parseQuery('__proto__=1&constructor=2&toString=3');
    expect(Object.keys(q)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(q.toString).toBe('3');
    expect(parseQuery('a=1').hasOwnProperty).toBeUndefined();
    expect(Object.getPrototypeOf({}).isPrototypeOf(parseQuery('a=1'))).toBe(false);
  });
});
