import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsArray, IsBoolean, IsEmail, IsInt, IsOptional, IsString, Length, Min, Validate, ValidateNested, ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ValidationFailedError } from '../../lib/errors/validation-error';
import { compileDtoPipe, isDto, toIssues } from '../../lib/pipeline/validate';
import { issuesOf } from '../helpers/errors';


class Address {
  @IsString() @Length(5, 5) zip!: string;
  @IsString() city!: string;
}

class Item {
  @IsString() sku!: string;
  @IsInt() @Min(1) qty!: number;
}

class Order {
  @IsString() name!: string;
  @ValidateNested() @Type(() => Address) address!: Address;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
  @IsOptional() @IsString() note?: string;
}

const validOrder = { name: 'Ann', address: { zip: '12345', city: 'Oslo' }, items: [{ sku: 'a', qty: 1 }] };

describe('isDto', () => {
  it('returns true when the class has class-validator constraints', () => {
    expect(isDto(Order)).toBe(true);
  });

  it('returns true when only a parent class has constraints', () => {
    class Child extends Item {}
    expect(isDto(Child)).toBe(true);
  });

  it('returns false when the class has no constraints', () => {
    class Plain { name = ''; }
    expect(isDto(Plain)).toBe(false);
  });

  it('returns false when the type is a built-in or not a function', () => {
    expect([Object, Array, String, Number, Boolean, Date, undefined, 'Order'].map(isDto)).toEqual([false, false, false, false, false, false, false, false]);
  });
});

describe('compileDtoPipe', () => {
  const body = compileDtoPipe(Order, 'body');

  it('returns an instance of the DTO when the body is valid', () => {
    const out = body(validOrder);
    expect(out).toBeInstanceOf(Order);
    expect((out as Order).address).toBeInstanceOf(Address);
    expect(out).toEqual(Object.assign(new Order(), { name: 'Ann', address: Object.assign(new Address(), validOrder.address), items: [Object.assign(new Item(), { sku: 'a', qty: 1 })] }));
  });

  it('is synchronous when no constraint is async', () => {
    expect(body.async).toBe(false);
  });

  it('strips unknown properties when the body has extra keys', () => {
    const out = body({ ...validOrder, admin: true, address: { ...validOrder.address, extra: 1 } }) as Record<string, unknown>;
    expect(out).not.toHaveProperty('admin');
    expect(out.address).not.toHaveProperty('extra');
  });

  it('locates a nested failure as body.address.zip when a nested DTO is invalid', () => {
    expect(issuesOf(() => body({ ...validOrder, address: { zip: '1', city: 'Oslo' } }))).toEqual([
      { loc: ['body', 'address', 'zip'], msg: 'zip must be longer than or equal to 5 characters', type: 'isLength' },
    ]);
  });

  it('locates failures inside arrays with a numeric index when nested items are invalid', () => {
    expect(issuesOf(() => body({ ...validOrder, items: [{ sku: 'a', qty: 1 }, { sku: 3, qty: 0 }] }))).toEqual([
      { loc: ['body', 'items', 1, 'sku'], msg: 'sku must be a string', type: 'isString' },
      { loc: ['body', 'items', 1, 'qty'], msg: 'qty must not be less than 1', type: 'min' },
    ]);
  });

  it('reports every failing property in one error when several are invalid', () => {
    const issues = issuesOf(() => body({ address: { zip: '12345', city: 'Oslo' }, items: [], note: 5 }));
    expect(issues).toEqual([
      { loc: ['body', 'name'], msg: 'name must be a string', type: 'isString' },
      { loc: ['body', 'note'], msg: 'note must be a string', type: 'isString' },
    ]);
  });

  it.each([
    [null, 'null'], [[1, 2], 'an array'], ['text', 'string'], [42, 'number'],
  ])('rejects %j at loc ["body"] when the body is not a JSON object', (input, got) => {
    expect(issuesOf(() => body(input))).toEqual([{ loc: ['body'], msg: `must be a JSON object, got ${got}`, type: 'type' }]);
  });

  it('throws a 422 ValidationFailedError with a summary detail when validation fails', () => {
    let thrown: unknown;
    try {
      body({ ...validOrder, name: 1 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValidationFailedError);
    expect((thrown as ValidationFailedError).status).toBe(422);
    expect((thrown as ValidationFailedError).message).toBe('Validation failed: body.name: name must be a string');
  });

  it('does not coerce text to numbers when the source is the body', () => {
    expect(issuesOf(() => body({ ...validOrder, items: [{ sku: 'a', qty: '2' }] }))).toContainEqual(
      { loc: ['body', 'items', 0, 'qty'], msg: 'qty must be an integer number', type: 'isInt' },
    );
  });

  describe('query source', () => {
    class ListQuery {
      @IsOptional() @IsInt() @Min(1) limit?: number;
      @IsOptional() @IsBoolean() active?: boolean;
      @IsOptional() @IsArray() @IsString({ each: true }) tag?: string[];
    }
    const query = compileDtoPipe(ListQuery, 'query');

    it('converts numeric text when the property is a number', () => {
      expect(query({ limit: '5' })).toEqual(Object.assign(new ListQuery(), { limit: 5 }));
    });

    it.each([['true', true], ['1', true], ['false', false], ['0', false]])('reads %j as %p when the property is a boolean', (text, expected) => {
      expect((query({ active: text }) as ListQuery).active).toBe(expected);
    });

    it('turns a single value into a one-element list when the property is an array', () => {
      expect((query({ tag: 'a' }) as ListQuery).tag).toEqual(['a']);
    });

    it('keeps repeated values as a list when the property is an array', () => {
      expect((query({ tag: ['a', 'b'] }) as ListQuery).tag).toEqual(['a', 'b']);
    });

    it('locates failures under "query" when a query DTO is invalid', () => {
      expect(issuesOf(() => query({ limit: '0' }))).toEqual([{ loc: ['query', 'limit'], msg: 'limit must not be less than 1', type: 'min' }]);
    });

    it('accepts a parsed query string without a prototype when node:querystring produced it', () => {
      const parsed = Object.assign(Object.create(null) as Record<string, unknown>, { limit: '3' });
      expect((query(parsed) as ListQuery).limit).toBe(3);
    });

    it('does not modify the caller query object when it prepares values', () => {
      const input = { tag: 'a', active: 'true' };
      query(input);
      expect(input).toEqual({ tag: 'a', active: 'true' });
    });
  });

  describe('async constraints', () => {
    @ValidatorConstraint({ name: 'isFreeName', async: true })
    class IsFreeName implements ValidatorConstraintInterface {
      validate(value: unknown) { return Promise.resolve(value !== 'taken'); }
      defaultMessage() { return 'name is taken'; }
    }
    class Signup { @IsString() @Validate(IsFreeName) name!: string; }
    const pipe = compileDtoPipe(Signup, 'body');

    it('marks the pipe async and returns a promise when a constraint is async', async () => {
      expect(pipe.async).toBe(true);
      const out = pipe({ name: 'free' });
      expect(out).toBeInstanceOf(Promise);
      await expect(out).resolves.toEqual(Object.assign(new Signup(), { name: 'free' }));
    });

    it('rejects with located issues when an async constraint fails', async () => {
      await expect(pipe({ name: 'taken' })).rejects.toMatchObject({ status: 422, errors: [{ loc: ['body', 'name'], msg: 'name is taken', type: 'isFreeName' }] });
    });

    it('throws synchronously when the body is not an object even though the pipe is async', () => {
      expect(issuesOf(() => pipe('x'))).toEqual([{ loc: ['body'], msg: 'must be a JSON object, got string', type: 'type' }]);
    });
  });
});

describe('compileDtoPipe on values a constraint cannot read', () => {
  class Contact { @IsEmail() email!: string; @Length(1, 5) code!: string; }

  it('refuses an address with a lone surrogate (validator.js throws a URIError on it) with the constraint\'s 422', () => {
    const pipe = compileDtoPipe(Contact, 'body');
    expect(issuesOf(() => pipe({ email: 'a\ud800@example.com', code: '\udc00' }))).toEqual([
      { loc: ['body', 'email'], msg: 'email must be an email', type: 'isEmail' },
    ]);
  });
});

describe('toIssues', () => {
  it('keeps numeric-looking property names as strings when the parent is not an array', () => {
    expect(toIssues([{ property: '0', constraints: { isString: 'bad' }, children: [] }], ['body']).errors).toEqual([{ loc: ['body', '0'], msg: 'bad', type: 'isString' }]);
  });

  it('returns one issue per constraint when a property breaks several', () => {
    expect(toIssues([{ property: 'a', constraints: { isInt: 'not int', min: 'too small' } }], ['query']).errors).toEqual([
      { loc: ['query', 'a'], msg: 'not int', type: 'isInt' },
      { loc: ['query', 'a'], msg: 'too small', type: 'min' },
    ]);
  });
});
