import { Type, Transform } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsPositive, IsString, IsUUID,
  Length, Matches, Max, Min, ValidateIf, ValidateNested, IsDefined, IsNumber, Validate, ValidatorConstraint, type ValidatorConstraintInterface,
} from 'class-validator';
import { ValidationFailedError } from '../../lib/errors/validation-error';
import { compileFastDto } from '../../lib/pipeline/fast-dto';
import { compileDtoPipe } from '../../lib/pipeline/validate';
import { rng } from '../helpers/random';

class CreateUser {
  @Length(1, 50) name!: string;
  @IsEmail() email!: string;
  @IsInt() @Min(0) @Max(150) age!: number;
}

class Address {
  @Matches(/^\d{5}$/) zip!: string;
  @IsOptional() @IsUUID() id?: string;
}

class Item {
  @IsString() @IsNotEmpty() sku!: string;
  @IsInt() @IsPositive() qty!: number;
  @IsOptional() @IsArray() @ArrayMaxSize(3) @ValidateNested({ each: true }) @Type(() => Item) children?: Item[];
}

class Order {
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
  @IsOptional() @ValidateNested() @Type(() => Address) address?: Address;
  @IsIn(['retail', 'wholesale']) kind!: string;
  @IsOptional() @IsString({ each: true }) tags?: string[];
  @IsBoolean() @ValidateIf((o: Order) => o.kind === 'wholesale') invoice?: boolean;
}

class WithDefaults {
  @IsOptional() @IsInt() @Min(1) page: number = 1;
  @IsDefined() @IsString() q!: string;
}

@ValidatorConstraint({ name: 'even' })
class Even implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
}

/** Constraints compiled inline, "sure" inlines that fall back to the real check, and generic calls side by side. */
class Mixed {
  @IsNumber({ maxDecimalPlaces: 2 }) price!: number;
  @IsNumber({ allowInfinity: true }) ratio!: number;
  @IsEmail({ require_tld: false }) contact!: string;
  @IsEmail() email!: string;
  @Length(2) code!: string;
  @Matches(/a/g) flagged!: string;
  @IsIn(['x', 'y', 3]) pick!: string | number;
  @Validate(Even) even!: number;
  @IsOptional() @IsEmail(undefined, { each: true }) @Length(3, 40, { each: true }) cc?: string[];
}

const JUNK: unknown[] = [null, '', ' ', 'x', '0', '12', '1e3', 'true', 0, -1, 1.5, 42, 1e21, NaN, true, false, [], ['a'], [1, 2], {}, { a: 1 }];

/** A plain object with each field missing (4%), junk (`junk` of the time) or drawn from its pool. */
function generate(next: () => number, pools: Record<string, () => unknown>, extra = true, junk = 0.15): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, valid] of Object.entries(pools)) {
    const r = next();
    if (r < 0.04) continue;
    out[key] = r < 0.04 + junk ? JUNK[Math.floor(next() * JUNK.length)] : valid();
  }
  if (extra && next() < 0.3) out[next() < 0.5 ? 'admin' : 'extra'] = true; // unknown keys are stripped
  return out;
}

/** Outcome of a pipe: the instance (with its class chain) or the issues it threw. */
function outcome(pipe: (plain: unknown) => unknown, input: unknown): unknown {
  try {
    return { ok: describeInstance(pipe(structuredClone(input))) };
  } catch (err) {
    if (err instanceof ValidationFailedError) return { errors: err.errors };
    throw err;
  }
}

function describeInstance(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(describeInstance);
  if (value === null || typeof value !== 'object') return value;
  return { class: value.constructor.name, fields: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describeInstance(v)])) };
}

function differential(dto: Function, inputs: unknown[]): { valid: number; invalid: number } {
  const fastPipe = compileDtoPipe(dto, 'body');
  const slowPipe = compileDtoPipe(dto, 'body', false, { fast: false });
  const fast = compileFastDto(dto)!;
  expect(fast).not.toBeNull();
  // The compiled path words the failures itself: the 422s below are its own, compared with class-validator's.
  expect(fast.explain).not.toBeNull();
  let valid = 0;
  for (const input of inputs) {
    const expected = outcome(slowPipe, input);
    expect(outcome(fastPipe, input)).toEqual(expected);
    // Identical verdicts: the compiled path decides exactly the inputs class-validator accepts.
    const isValid = 'ok' in (expected as object);
    const decided = fast.check(fast.build(structuredClone(input) as Record<string, unknown>));
    expect([input, decided]).toEqual([input, isValid]);
    if (isValid) valid++;
  }
  return { valid, invalid: inputs.length - valid };
}

describe('compileFastDto', () => {
  it('gives the same verdicts, instances and errors as class-transformer + class-validator on a flat DTO', () => {
    const next = rng(1);
    const pools = { name: () => ['Ada', 'x'.repeat(50), 'x'.repeat(51), ''][Math.floor(next() * 4)], email: () => ['a@b.io', 'nope', 'a@b', 'ü@ex.com'][Math.floor(next() * 4)], age: () => [0, 36, 150, 151, -1, 2.5][Math.floor(next() * 6)] };
    const counts = differential(CreateUser, Array.from({ length: 400 }, () => generate(next, pools)));
    expect(counts.valid).toBeGreaterThan(30);
    expect(counts.invalid).toBeGreaterThan(30);
  });

  it('gives the same results on nested DTOs three levels deep, with arrays, optional parts and ValidateIf', () => {
    const next = rng(2);
    const item = (depth: number): unknown => generate(next, {
      sku: () => (next() < 0.97 ? 'SKU-1' : ''),
      qty: () => (next() < 0.97 ? 1 + Math.floor(next() * 5) : 0),
      ...(depth < 2 ? { children: () => (next() < 0.95 ? Array.from({ length: Math.floor(next() * 4) }, () => item(depth + 1)) : { not: 'an array' }) } : {}),
    }, false, 0.01);
    const pools = {
      items: () => (next() < 0.95 ? Array.from({ length: Math.floor(next() * 3) }, () => item(0)) : 'items'),
      address: () => (next() < 0.9 ? generate(next, { zip: () => (next() < 0.9 ? '12345' : '1234'), id: () => (next() < 0.9 ? '8b3f6a2e-4c1d-4f8a-9b2e-1c3d5e7f9a0b' : 'nope') }, true, 0.03) : 'here'),
      kind: () => (next() < 0.5 ? 'retail' : next() < 0.9 ? 'wholesale' : 'other'),
      tags: () => (next() < 0.9 ? ['a', 'b'] : ['a', 1]),
      invoice: () => next() < 0.7,
    };
    const counts = differential(Order, Array.from({ length: 500 }, () => generate(next, pools, true, 0.05)));
    expect(counts.valid).toBeGreaterThan(20);
    expect(counts.invalid).toBeGreaterThan(100);
  });

  it('gives the same results with inline, fallback and custom constraints mixed', () => {
    const next = rng(4);
    // Mostly the first (valid) choice, so that enough whole bodies are valid.
    const one = <T>(list: T[]): T => (next() < 0.6 ? list[0] : list[Math.floor(next() * list.length)]);
    const emails = ['ada@example.com', 'a@localhost', 'ü@example.com', 'x@y.z', '"q r"@ex.io', 'no', `${'a'.repeat(65)}@ex.io`];
    const counts = differential(Mixed, Array.from({ length: 600 }, () => generate(next, {
      price: () => one([1, 1.25, 1.255, Infinity, -3]),
      ratio: () => one([0.5, Infinity, -Infinity, 2]),
      contact: () => one(emails),
      email: () => one(emails),
      code: () => one(['ab', 'a', '😀', 'a😀', 'abc\uFE0F', 'x'.repeat(300)]),
      flagged: () => one(['cat', 'dog', 'aa']),
      pick: () => one(['x', 'y', 'z', 3, '3']),
      even: () => one([2, 4, 3, '2']),
      cc: () => one([[], ['ada@example.com'], ['ada@example.com', 'no'], ['a@b.io', 'ü@example.com'], 'ada@example.com']),
    }, true, 0.03)));
    expect(counts.valid).toBeGreaterThan(40);
    expect(counts.invalid).toBeGreaterThan(300);
  });

  it('gives the same 422s for nested values of the wrong shape: primitives, nulls, arrays of arrays, empty objects', () => {
    const next = rng(5);
    const odd = (): unknown => [null, 'x', 7, true, [], [{}], [[{ sku: 'A', qty: 1 }]], [null, 'y', { sku: '', qty: 0 }], {}, { sku: 5 }][Math.floor(next() * 10)];
    const item = (): unknown => (next() < 0.5 ? { sku: next() < 0.5 ? 'SKU-1' : '', qty: next() < 0.5 ? 1 : 'x', ...(next() < 0.3 ? { children: odd() } : {}) } : odd());
    const counts = differential(Order, Array.from({ length: 600 }, () => generate(next, {
      items: () => (next() < 0.8 ? Array.from({ length: 1 + Math.floor(next() * 3) }, item) : odd()),
      address: () => (next() < 0.5 ? { zip: next() < 0.5 ? '12345' : 5 } : odd()),
      kind: () => 'retail',
    }, true, 0.05)));
    expect(counts.invalid).toBeGreaterThan(400);
  });

  it('keeps field initializers as defaults and runs IsDefined first, like class-transformer', () => {
    const next = rng(3);
    differential(WithDefaults, Array.from({ length: 200 }, () => generate(next, { page: () => [1, 2, 0, '3'][Math.floor(next() * 4)], q: () => 'find' })));
    expect(compileDtoPipe(WithDefaults, 'body')({ q: 'x' })).toEqual(Object.assign(new WithDefaults(), { q: 'x' }));
  });

  it('declines DTOs it cannot reproduce exactly, so the libraries run instead', () => {
    class Transformed { @Transform(({ value }) => String(value).trim()) @IsString() name!: string; }
    class WithAccessor { @IsString() name!: string; get upper() { return this.name.toUpperCase(); } }
    class Untyped { @ValidateNested() child!: object; }
    expect(compileFastDto(Transformed)).toBeNull();
    expect(compileFastDto(WithAccessor)).toBeNull();
    // Eligible: a nested plain object (no @Type) is an unknown value, as class-validator says.
    const untyped = compileFastDto(Untyped)!;
    expect(untyped.check(untyped.build({ child: { a: 1 } }))).toBe(false);
    expect(outcome(compileDtoPipe(Untyped, 'body'), { child: { a: 1 } })).toEqual(outcome(compileDtoPipe(Untyped, 'body', false, { fast: false }), { child: { a: 1 } }));
    expect(compileDtoPipe(Transformed, 'body')({ name: '  Ada ' })).toEqual(Object.assign(new Transformed(), { name: 'Ada' }));
  });
});
