import { compileJsonWriter } from '../../lib/openapi/json-writer';
import { rng } from '../helpers/random';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const Item = {
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string', minLength: 1 }, price: { type: 'number' }, ok: { type: 'boolean' }, tags: { type: 'array', items: { type: 'string' } } },
  required: ['id', 'name'],
};

describe('compileJsonWriter (declared-type JSON writer)', () => {
  const list = compileJsonWriter({ type: 'array', items: ref('Item') }, { Item })!;

  it('writes the declared properties in declared order, like JSON.stringify for conforming values', () => {
    const items = [{ tags: ['a'], ok: true, price: 1.5, name: 'x', id: 1, secret: 's' }, { id: 2, name: 'y', price: -0.25, ok: false, tags: [] }];
    expect(list(items)).toBe(JSON.stringify([{ id: 1, name: 'x', price: 1.5, ok: true, tags: ['a'] }, { id: 2, name: 'y', price: -0.25, ok: false, tags: [] }]));
    expect(list([])).toBe('[]');
  });

  it('writes null for null values and array holes, leaves missing properties out, writes {} for an empty object', () => {
    expect(JSON.parse(list([null, { name: null, price: 2 }, {}, { tags: [null, 'b', undefined] }]))).toEqual([null, { name: null, price: 2 }, {}, { tags: [null, 'b', null] }]);
  });

  it('escapes strings exactly as JSON.stringify, short and long, with quotes, controls and lone surrogates', () => {
    const names = ['"q"', 'back\\slash', 'tab\there', 'snow ☃ man', '\ud800', 'x'.repeat(50) + '"', 'y'.repeat(60), ''];
    expect(list(names.map((name, id) => ({ id, name })))).toBe(JSON.stringify(names.map((name, id) => ({ id, name }))));
  });

  it('writes non-finite numbers as null and a Date where a string is declared as its ISO text', () => {
    const when = new Date(Date.UTC(2026, 0, 2));
    expect(JSON.parse(list([{ price: Infinity, name: when }, { price: NaN }]))).toEqual([{ price: null, name: when.toISOString() }, { price: null }]);
  });

  it.each([
    ['text for an integer', { id: '7' }],
    ['a fraction for an integer', { id: 1.5 }],
    ['a number for a string', { name: 7 }],
    ['a string for a boolean', { ok: 'true' }],
    ['an object for an array', { tags: {} }],
    ['a number inside a string array', { tags: ['a', 1] }],
  ])('throws a TypeError for %s, never rewriting the value', (_, item) => {
    expect(() => list([item])).toThrow(TypeError);
  });

  it('throws when an item or the root is not of its declared type', () => {
    expect(() => list([[1]])).toThrow(/Item/);
    expect(() => list({})).toThrow(TypeError);
  });

  it('calls toJSON of an object value and follows recursive and nullable references', () => {
    const Node = { type: 'object', properties: { v: { type: 'integer' }, next: { oneOf: [ref('Node'), { type: 'null' }] } } };
    const write = compileJsonWriter(ref('Node'), { Node })!;
    expect(write({ v: 1, next: { v: 2, next: null, extra: 1 } })).toBe('{"v":1,"next":{"v":2,"next":null}}');
    expect(write({ toJSON: () => ({ v: 3 }) })).toBe('{"v":3}');
  });

  it('ignores constraint-only keywords and composition, and accepts multi-type values', () => {
    const write = compileJsonWriter({ type: 'object', properties: {
      ip: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] },
      code: { type: 'string', allOf: [{ pattern: '^a' }, { pattern: 'b$' }], enum: ['ab'] },
      loc: { type: 'array', items: { type: ['string', 'integer'] } },
    } }, {})!;
    expect(write({ ip: '::1', code: 'zz', loc: ['body', 0] })).toBe('{"ip":"::1","code":"zz","loc":["body",0]}');
  });

  it.each([
    ['additionalProperties', { type: 'object', properties: {}, additionalProperties: true }],
    ['an object without properties', { type: 'object' }],
    ['a date format', { type: 'string', format: 'date' }],
    ['a shape-changing anyOf', { anyOf: [{ type: 'string' }, { type: 'object', properties: {} }] }],
    ['a tuple', { type: 'array', items: [{ type: 'string' }] }],
    ['an unknown reference', ref('Missing')],
    ['patternProperties', { type: 'object', properties: {}, patternProperties: { '^x': { type: 'string' } } }],
  ])('returns null for %s (the caller falls back to fast-json-stringify)', (_, schema) => {
    expect(compileJsonWriter(schema, {})).toBeNull();
  });

  it('writes what JSON.stringify writes for 3,000 generated conforming values (any UTF-16 text, any number)', () => {
    const next = rng(11);
    // Code units from every range that matters to escaping: controls, quote, backslash, ASCII, BMP, surrogates (paired or lone).
    const unit = (): string => {
      const r = next();
      if (r < 0.1) return String.fromCharCode(Math.floor(next() * 32));
      if (r < 0.2) return next() < 0.5 ? '"' : '\\';
      if (r < 0.3) return String.fromCharCode(0xd800 + Math.floor(next() * 0x800));
      if (r < 0.4) return String.fromCharCode(0x80 + Math.floor(next() * 0xff00));
      if (r < 0.45) return '\u2028';
      return String.fromCharCode(32 + Math.floor(next() * 95));
    };
    const text = (): string => Array.from({ length: Math.floor(next() * (next() < 0.2 ? 120 : 12)) }, unit).join('');
    const number = (): number => [0, -0, 1, -1, 1.5, 1e21, -1e-7, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, next() * 1e6 - 5e5, Math.round(next() * 1e7) / 100][Math.floor(next() * 12)];
    const Order = {
      type: 'object',
      properties: {
        id: { type: 'integer' }, note: { type: 'string' }, total: { type: 'number' }, paid: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } }, lines: { type: 'array', items: ref('Line') }, parent: ref('Order'),
      },
    };
    const Line = { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' }, price: { type: 'number' } } };
    const write = compileJsonWriter(ref('Order'), { Order, Line })!;
    const line = (): Record<string, unknown> => ({ sku: text(), qty: Math.floor(next() * 1e9) - 5e8, price: number() });
    const order = (depth: number): Record<string, unknown> => {
      const o: Record<string, unknown> = {
        id: Math.floor(next() * 2 ** 40), note: text(), total: number(), paid: next() < 0.5,
        tags: Array.from({ length: Math.floor(next() * 4) }, text), lines: Array.from({ length: Math.floor(next() * 3) }, line),
      };
      if (depth < 2 && next() < 0.3) o.parent = order(depth + 1);
      for (const key of Object.keys(o)) if (next() < 0.1) o[key] = next() < 0.5 ? null : undefined;
      return o;
    };
    for (let i = 0; i < 3_000; i++) {
      const value = order(0);
      expect(write(value)).toBe(JSON.stringify(value));
    }
  });
});
