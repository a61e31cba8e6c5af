import 'reflect-metadata';
import { createApp } from '../../lib/app';
import { Controller } from '../../lib/decorators/controller';
import { Query } from '../../lib/decorators/params';
import { Get } from '../../lib/decorators/routes';
import { ValidationFailedError } from '../../lib/errors/validation-error';
import { compileCoercer, enumValues, scalarFor } from '../../lib/pipeline/coerce';
import { issuesOf } from '../helpers/errors';

/** The issues of the ValidationFailedError `fn` throws. */

const LOC = ['query', 'n'] as const;
const number = compileCoercer(Number, false, {}, LOC);

describe('scalarFor', () => {
  it('returns the string reader when the type is String, Object or unknown', () => {
    expect(scalarFor(String)?.name).toBe('string');
    expect(scalarFor(Object)?.name).toBe('string');
    expect(scalarFor(undefined)?.name).toBe('string');
  });

  it('returns undefined when the type is not a scalar', () => {
    expect(scalarFor(Map)).toBeUndefined();
  });
});

describe('enumValues', () => {
  enum Level { Low = 1, High = 2 }
  enum Color { Red = 'red', Green = 'green' }

  it('returns a list as it is when the option is an array', () => {
    expect(enumValues(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('drops the reverse mapping when the option is a numeric TS enum', () => {
    expect(enumValues(Level)).toEqual([1, 2]);
  });

  it('returns the member values when the option is a string TS enum', () => {
    expect(enumValues(Color)).toEqual(['red', 'green']);
  });

  it('returns undefined when there is no enum option', () => {
    expect(enumValues(undefined)).toBeUndefined();
  });
});

describe('compileCoercer', () => {
  describe('numbers', () => {
    it.each([
      ['42', 42], ['-1.5', -1.5], ['+3', 3], ['.5', 0.5], ['1e3', 1000], ['2E-2', 0.02], ['0', 0],
    ])('coerces %j to %p when it is a decimal literal', (text, expected) => {
      expect(number(text)).toBe(expected);
    });

    it.each(['', ' 1', '1 ', '0x10', 'NaN', 'Infinity', '-Infinity', '1,5', '1e', 'abc', '1e400'])(
      'rejects %j with a type issue when it is not a finite decimal literal',
      (text) => {
        expect(issuesOf(() => number(text))).toEqual([{ loc: ['query', 'n'], msg: `must be a valid number, got ${JSON.stringify(text)}`, type: 'type' }]);
      },
    );
  });

  describe('booleans', () => {
    const bool = compileCoercer(Boolean, false, {}, ['query', 'flag']);

    it.each([['true', true], ['1', true], ['false', false], ['0', false]])('coerces %j to %p when it is a known spelling', (text, expected) => {
      expect(bool(text)).toBe(expected);
    });

    it.each(['yes', 'no', 'TRUE', 'on', ''])('rejects %j with a type issue when it is not a known spelling', (text) => {
      expect(issuesOf(() => bool(text))).toEqual([{ loc: ['query', 'flag'], msg: `must be a valid boolean, got ${JSON.stringify(text)}`, type: 'type' }]);
    });
  });

  describe('dates', () => {
    const date = compileCoercer(Date, false, {}, ['query', 'since']);

    it('coerces an ISO timestamp to a Date when it parses', () => {
      expect(date('2024-02-29T12:00:00Z')).toEqual(new Date(Date.UTC(2024, 1, 29, 12)));
    });

    it('rejects text with a date-time type issue when it does not parse', () => {
      expect(issuesOf(() => date('not-a-date'))).toEqual([{ loc: ['query', 'since'], msg: 'must be a valid date-time, got "not-a-date"', type: 'type' }]);
    });

    it('rejects the empty string when the type is Date', () => {
      expect(issuesOf(() => date(''))[0].type).toBe('type');
    });

    it('compares dates by time when minimum and maximum are given', () => {
      const bounded = compileCoercer(Date, false, { minimum: Date.UTC(2024, 0, 1), maximum: Date.UTC(2024, 11, 31) }, ['query', 'd']);
      expect(bounded('2024-06-01T00:00:00Z')).toEqual(new Date(Date.UTC(2024, 5, 1)));
      expect(issuesOf(() => bounded('2023-06-01T00:00:00Z')).map((i) => i.type)).toEqual(['minimum']);
    });
  });

  describe('strings', () => {
    it('returns the text unchanged when the type is String', () => {
      expect(compileCoercer(String, false, {}, ['header', 'x'])(' padded ')).toBe(' padded ');
    });

    it('checks minLength and maxLength in code points when the text has astral characters', () => {
      const c = compileCoercer(String, false, { minLength: 2, maxLength: 3 }, ['query', 's']);
      expect(c('😀😀')).toBe('😀😀');
      expect(issuesOf(() => c('😀'))).toEqual([{ loc: ['query', 's'], msg: 'must be at least 2 characters long', type: 'minLength' }]);
      expect(issuesOf(() => c('abcd'))).toEqual([{ loc: ['query', 's'], msg: 'must be at most 3 characters long', type: 'maxLength' }]);
    });

    it('checks a string pattern with the unicode flag when the pattern is given as text', () => {
      const c = compileCoercer(String, false, { pattern: '^[a-z]+$' }, ['query', 'slug']);
      expect(c('abc')).toBe('abc');
      expect(issuesOf(() => c('ABC'))).toEqual([{ loc: ['query', 'slug'], msg: 'must match the pattern ^[a-z]+$', type: 'pattern' }]);
    });

    it('gives the same answer twice when the pattern is a global RegExp', () => {
      const c = compileCoercer(String, false, { pattern: /^a/g }, ['query', 's']);
      expect(c('abc')).toBe('abc');
      expect(c('abc')).toBe('abc');
    });
  });

  describe('constraints', () => {
    it('reports minimum and maximum issues when a number is out of range', () => {
      const c = compileCoercer(Number, false, { minimum: 1, maximum: 100 }, ['query', 'limit']);
      expect(c('1')).toBe(1);
      expect(c('100')).toBe(100);
      expect(issuesOf(() => c('0'))).toEqual([{ loc: ['query', 'limit'], msg: 'must be >= 1', type: 'minimum' }]);
      expect(issuesOf(() => c('101'))).toEqual([{ loc: ['query', 'limit'], msg: 'must be <= 100', type: 'maximum' }]);
    });

    it('accepts a listed value and rejects others when an enum list is given', () => {
      const c = compileCoercer(String, false, { enum: ['asc', 'desc'] }, ['query', 'order']);
      expect(c('asc')).toBe('asc');
      expect(issuesOf(() => c('up'))).toEqual([{ loc: ['query', 'order'], msg: 'must be one of "asc", "desc"', type: 'enum' }]);
    });

    it('coerces text to a number before checking when the enum is a numeric TS enum', () => {
      enum Level { Low = 1, High = 2 }
      const c = compileCoercer(String, false, { enum: Level }, ['query', 'level']);
      expect(c('2')).toBe(2);
      expect(issuesOf(() => c('3'))).toEqual([{ loc: ['query', 'level'], msg: 'must be one of 1, 2', type: 'enum' }]);
      expect(issuesOf(() => c('High'))).toEqual([{ loc: ['query', 'level'], msg: 'must be a valid number, got "High"', type: 'type' }]);
    });

    it('reports several issues at once when one value breaks several constraints', () => {
      const c = compileCoercer(String, false, { minLength: 5, pattern: '^\\d+$', enum: ['12345'] }, ['query', 'code']);
      expect(issuesOf(() => c('ab')).map((i) => i.type)).toEqual(['enum', 'minLength', 'pattern']);
    });
  });

  describe('missing values', () => {
    it('returns undefined when an optional value is missing', () => {
      expect(number(undefined)).toBeUndefined();
    });

    it('returns the default unchanged when the value is missing', () => {
      expect(compileCoercer(Number, false, { default: 20 }, ['query', 'limit'])(undefined)).toBe(20);
    });

    it('uses the given value over the default when the value is present', () => {
      expect(compileCoercer(Number, false, { default: 20 }, ['query', 'limit'])('5')).toBe(5);
    });

    it('throws a required issue when a required value is missing', () => {
      expect(issuesOf(() => compileCoercer(String, false, { required: true }, ['header', 'x-key'])(undefined)))
        .toEqual([{ loc: ['header', 'x-key'], msg: 'is required', type: 'required' }]);
    });

    it('treats path parameters as required when no option says so', () => {
      expect(issuesOf(() => compileCoercer(String, false, {}, ['path', 'id'])(undefined))[0].type).toBe('required');
    });

    it('prefers the default over required when both are given', () => {
      expect(compileCoercer(String, false, { required: true, default: 'x' }, ['query', 'q'])(undefined)).toBe('x');
    });
  });

  describe('lists', () => {
    const ids = compileCoercer(Number, true, { minimum: 1 }, ['query', 'ids']);

    it('coerces every item when the value is repeated', () => {
      expect(ids(['1', '2', '3'])).toEqual([1, 2, 3]);
    });

    it('wraps a single value in a list when the parameter is a list', () => {
      expect(ids('7')).toEqual([7]);
    });

    it('reports each bad item with its index in loc when several items fail', () => {
      expect(issuesOf(() => ids(['1', 'x', '0']))).toEqual([
        { loc: ['query', 'ids', 1], msg: 'must be a valid number, got "x"', type: 'type' },
        { loc: ['query', 'ids', 2], msg: 'must be >= 1', type: 'minimum' },
      ]);
    });

    it('returns undefined rather than an empty list when a list is missing', () => {
      expect(ids(undefined)).toBeUndefined();
    });
  });

  it('throws a 422 type issue when a scalar parameter arrives repeated', () => {
    let thrown: unknown;
    try {
      number(['1', '2']);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValidationFailedError);
    expect((thrown as ValidationFailedError).status).toBe(422);
    expect((thrown as ValidationFailedError).errors).toEqual([{ loc: ['query', 'n'], msg: 'must be a single value, got 2', type: 'type' }]);
  });

  it('does not share its loc array with the caller when the caller mutates it later', () => {
    const loc: (string | number)[] = ['query', 'q'];
    const c = compileCoercer(String, false, { required: true }, loc);
    loc.push('mutated');
    expect(issuesOf(() => c(undefined))[0].loc).toEqual(['query', 'q']);
  });
});

describe('compileCoercer in an app', () => {
  it('answers 422 problem+json naming the query key when a scalar query value is repeated', async () => {
    @Controller('/items')
    class Items { @Get('/') list(@Query('limit') limit: number) { return { limit }; } }
    const app = createApp({ controllers: [Items] });
    const res = await app.inject('/items?limit=1&limit=2');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'Validation failed: query.limit: must be a single value, got 2',
      instance: '/items', errors: [{ loc: ['query', 'limit'], msg: 'must be a single value, got 2', type: 'type' }],
    });
    expect((await app.inject('/items?limit=5')).json()).toEqual({ limit: 5 });
  });
});
