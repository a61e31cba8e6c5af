import { parseCookies } from '../../lib/http/cookies';

describe('parseCookies', () => {
  it('returns an empty object without a prototype when the header is missing or empty', () => {
    for (const header of [undefined, '']) {
      const out = parseCookies(header);
      expect(Object.getPrototypeOf(out)).toBeNull();
      expect(Object.keys(out)).toEqual([]);
    }
  });

  it('parses name=value pairs and trims the spaces around them', () => {
    expect({ ...parseCookies('sid=abc;  theme = dark ;x=1') }).toEqual({ sid: 'abc', theme: 'dark', x: '1' });
  });

  it('keeps the first value when a name repeats', () => {
    expect({ ...parseCookies('a=1; a=2') }).toEqual({ a: '1' });
  });

  it('drops the surrounding double quotes when a value is quoted', () => {
    expect({ ...parseCookies('q="hello world"; one="') }).toEqual({ q: 'hello world', one: '"' });
  });

  it('percent-decodes a value when it is encoded', () => {
    expect({ ...parseCookies('name=J%C3%BCrgen%20M') }).toEqual({ name: 'Jürgen M' });
  });

  it('keeps a value as it is when its percent-encoding is malformed', () => {
    expect({ ...parseCookies('bad=%E0%A4%A; ok=1') }).toEqual({ bad: '%E0%A4%A', ok: '1' });
  });

  it('keeps everything after the first equals sign when a value contains one', () => {
    expect({ ...parseCookies('token=a=b==') }).toEqual({ token: 'a=b==' });
  });

  it('skips pairs without an equals sign or with an empty name', () => {
    expect({ ...parseCookies('flag; =orphan; a=1') }).toEqual({ a: '1' });
  });

  it('keeps an empty value when a cookie is set to nothing', () => {
    expect({ ...parseCookies('empty=; a=1') }).toEqual({ empty: '', a: '1' });
  });

  it('stores __proto__ and constructor as plain names without touching any prototype', () => {
    const out = parseCookies('__proto__=x; constructor=y; toString=z');
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(out.constructor).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
