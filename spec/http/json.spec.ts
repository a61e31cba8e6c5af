import { BadRequestError } from '../../lib/errors/http-error';
import { exceeds, parseJson } from '../../lib/http/json';

const limits = (depth: number, properties = 10_000) => ({ depth, properties });

describe('exceeds', () => {
  it('counts the nesting of arrays and objects, not brackets inside strings', () => {
    const text = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect([exceeds(text(3), limits(3)), exceeds(text(4), limits(3))]).toEqual([null, 'depth']);
    const strings = `[${JSON.stringify('[[[[{{{{')}, ${JSON.stringify('\\"[[[[')}, "\\\\", [1]]`;
    expect(JSON.parse(strings)).toHaveLength(4);
    expect(exceeds(strings, limits(2))).toBeNull();
    expect(exceeds(`{"a":[{"b":"]]]]"},{"c":[[1]]}]}`, limits(4))).toBe('depth');
    expect(exceeds(`{"a":[{"b":"]]]]"},{"c":[1]}]}`, limits(4))).toBeNull();
  });

  it('counts the properties of each object, not the items of arrays or commas inside strings', () => {
    expect(exceeds('{"a":1,"b":2,"c":3}', limits(64, 2))).toBe('properties');
    expect(exceeds('{"a":1,"b":2}', limits(64, 2))).toBeNull();
    expect(exceeds('[1,2,3,4,5,6,7,8,9,10,11,12,13]', limits(64, 2))).toBeNull();
    expect(exceeds('{"a":"x,y,z,w,v,u,t,s,r,q,p","b":[1,2,3,4,5,6,7]}', limits(64, 2))).toBeNull();
    expect(exceeds('[{"a":1,"b":2},{"a":1,"b":2},{"a":1,"b":2,"c":3}]', limits(64, 2))).toBe('properties');
  });

  it('leaves text that is not JSON to JSON.parse, and ends on it', () => {
    expect(exceeds(`{"a":"never closed${' '.repeat(200)}`, limits(3))).toBeNull();
    expect(exceeds(`]]]]${'['.repeat(200)}`, limits(3))).toBeNull();
  });
});

describe('parseJson', () => {
  it('refuses each limit and a forbidden key with a 400 naming the text, and gives blank text as undefined', () => {
    const refusal = (text: string, what = 'body') => {
      try {
        parseJson(text, limits(2, 2), what);
      } catch (err) {
        return err instanceof BadRequestError ? err.message : String(err);
      }
      return null;
    };
    expect(refusal('[[[1]]]')).toBe('The JSON body is nested deeper than 2 levels (limits.depth).');
    expect(refusal('{"a":1,"b":2,"c":3}', 'message')).toBe('The JSON message has an object with more than 2 properties (limits.properties).');
    expect(refusal('{"__proto__":{"x":1}}')).toBe('The JSON body contains a forbidden key ("__proto__" or "constructor.prototype").');
    expect(refusal('{"a":')).toMatch(/^The request body is not valid JSON: /);
    expect(parseJson('  ', limits(2), 'body')).toBeUndefined();
    expect(parseJson('\uFEFF{"a":[1]}', limits(2), 'body')).toEqual({ a: [1] });
  });
});
