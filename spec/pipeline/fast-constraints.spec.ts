import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsEmail, IsIn, IsInt, IsNegative, IsNotEmpty, IsNumber, IsObject, IsPositive,
  IsString, Length, Matches, Max, Min, getMetadataStorage, isEmail, length, registerDecorator, type ValidationArguments,
} from 'class-validator';
import { inlineFor, type Inline } from '../../lib/pipeline/fast-constraints';
import { rng } from '../helpers/random';

/** The registered constraint behind one decorator, as fast-dto.ts sees it. */
function constraintOf(decorator: PropertyDecorator): { name: string | undefined; constraints: unknown[]; validate: (v: unknown, a: ValidationArguments) => unknown; args: ValidationArguments } {
  class Probe { value!: unknown; }
  decorator(Probe.prototype, 'value');
  const storage = getMetadataStorage();
  const [meta] = storage.getTargetValidationMetadatas(Probe, '', false, false, undefined);
  const [c] = storage.getTargetValidatorConstraints(meta.constraintCls);
  const instance = c.instance as { validate(v: unknown, a: ValidationArguments): unknown };
  const args: ValidationArguments = { targetName: 'Probe', property: 'value', object: {}, value: undefined, constraints: meta.constraints };
  return { name: meta.name, constraints: meta.constraints, validate: (v, a) => instance.validate(v, a), args };
}

function compile(inline: Inline, part: 'expr' | 'refute' = 'expr'): (x: unknown) => boolean {
  const refs: unknown[] = [];
  const ref = (value: unknown): string => `R[${refs.push(value) - 1}]`;
  const fn = new Function('R', 'x', `return ${inline[part]!('x', ref)};`) as (r: unknown[], x: unknown) => boolean;
  return (x) => fn(refs, x);
}

const VALUES: unknown[] = [
  undefined, null, 0, -0, 1, -1, 7, 49, 50, 51, 100, 1.5, -0.5, 2 ** 53, NaN, Infinity, -Infinity, '', 'a', 'abc', '7', 'x'.repeat(60),
  '😀😀', 'a\uFE0F', 'retail', 'wholesale', 'ab-12', 'AB-12', true, false, new String(''), new Number(1), new Boolean(false),
  [], [1, 2, 3], Array.from({ length: 11 }), {}, Object.create(null), new Map(), () => 0, Symbol('s'),
];

describe('inlineFor: class-validator built-ins as inline code', () => {
  const exactOnes: [string, PropertyDecorator][] = [
    ['IsString', IsString()], ['IsBoolean', IsBoolean()], ['IsInt', IsInt()], ['IsArray', IsArray()], ['IsObject', IsObject()],
    ['IsDefined', IsDefined()], ['IsNotEmpty', IsNotEmpty()], ['IsPositive', IsPositive()], ['IsNegative', IsNegative()],
    ['Min(0)', Min(0)], ['Max(50)', Max(50)], ['ArrayMinSize(1)', ArrayMinSize(1)], ['ArrayMaxSize(10)', ArrayMaxSize(10)],
    ['IsIn', IsIn(['retail', 'wholesale', 7])], ['Matches(/^[a-z]{2}-\\d+$/i)', Matches(/^[a-z]{2}-\d+$/i)],
  ];
  it.each(exactOnes)('%s: the inline gives class-validator\'s verdict on every value', (_label, decorator) => {
    const c = constraintOf(decorator);
    const inline = inlineFor(c.name, c.constraints, c.validate, c.args);
    expect(inline).not.toBeNull();
    expect(inline!.exact).toBe(true);
    const fast = compile(inline!);
    for (const value of VALUES) expect([value, fast(value)]).toEqual([value, c.validate(value, { ...c.args, value }) === true]);
  });

  it('never accepts an address validator.js refuses (IsEmail, 20,000 generated strings)', () => {
    const c = constraintOf(IsEmail());
    const sure = compile(inlineFor(c.name, c.constraints, c.validate, c.args)!);
    const next = rng(7);
    const pick = (chars: string): string => chars[Math.floor(next() * chars.length)];
    const ALPHABET = 'abcXYZ0129.-_+@@..--"\' !#$%&*/=?^`{|}~é😀\uFE0F[]()<>,;:\\';
    const part = (chars: string, min: number, max: number): string => Array.from({ length: min + Math.floor(next() * (max - min + 1)) }, () => pick(chars)).join('');
    const some = (n: number, make: () => string, sep: string): string => Array.from({ length: 1 + Math.floor(next() * n) }, make).join(sep);
    const mutate = (s: string): string => {
      if (next() > 0.25) return s;
      const at = Math.floor(next() * (s.length + 1));
      return s.slice(0, at) + pick(ALPHABET) + s.slice(at + (next() < 0.5 ? 1 : 0));
    };
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const local = next() < 0.05 ? 'x'.repeat(60 + Math.floor(next() * 10)) : some(3, () => part("abZ09_+-%'=", 1, 22), '.');
      const domain = some(3, () => part('abz09-', 1, next() < 0.05 ? 70 : 12), '.');
      const tld = next() < 0.9 ? part('abcz', 1, 5) : part('z09-', 1, 4);
      const candidate = next() < 0.2 ? part(ALPHABET, 0, 30) : mutate(`${local}@${domain}.${tld}${next() < 0.03 ? 'y'.repeat(200) : ''}`);
      if (!sure(candidate)) continue;
      accepted++;
      expect([candidate, isEmail(candidate)]).toEqual([candidate, true]);
    }
    expect(accepted).toBeGreaterThan(3_000);
    for (const ok of ['ada@example.com', 'a.b+c@mail.example.co.uk', "o'hara@x-y.io"]) expect(sure(ok)).toBe(true);
    for (const hard of ['ü@example.com', '"a b"@example.com', 'a@[127.0.0.1]', `${'a'.repeat(65)}@example.com`]) expect(sure(hard)).toBe(false);
  });

  it('never accepts a length validator.js refuses (Length(2, 5), surrogates and variation selectors left to it)', () => {
    const c = constraintOf(Length(2, 5));
    const sure = compile(inlineFor(c.name, c.constraints, c.validate, c.args)!);
    const next = rng(8);
    const chars = ['a', 'é', '😀', '\uFE0F', '\uFE0E', '\uD800', ' '];
    for (let i = 0; i < 5_000; i++) {
      const s = Array.from({ length: Math.floor(next() * 8) }, () => chars[Math.floor(next() * chars.length)]).join('');
      if (sure(s)) expect([s, length(s, 2, 5)]).toEqual([s, true]);
    }
    expect(sure('abc')).toBe(true);
    expect(sure('😀😀')).toBe(false); // 4 code units, 2 characters: validator.js decides
  });

  it('refuses without the real check only what the real check refuses (IsEmail, Length, IsNumber)', () => {
    const next = rng(9);
    const ALPHABET = 'abc@.-_😀\uFE0F "é';
    const strings = Array.from({ length: 10_000 }, () => Array.from({ length: Math.floor(next() * 12) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join(''));
    for (const decorator of [IsEmail(), Length(2, 5), IsNumber()]) {
      const c = constraintOf(decorator);
      const inline = inlineFor(c.name, c.constraints, c.validate, c.args)!;
      const refute = compile(inline, 'refute');
      let refuted = 0;
      for (const value of [...strings, ...VALUES]) {
        if (!refute(value)) continue;
        refuted++;
        let real = false;
        try { real = c.validate(value, { ...c.args, value }) === true; } catch { /* validator.js throws on lone surrogates: a no too */ }
        expect([value, real]).toEqual([value, false]);
      }
      expect(refuted).toBeGreaterThan(1_000);
    }
  });

  it('drops the inline of a custom constraint whose "no" the refutation would contradict', () => {
    class Lenient { value!: unknown; }
    registerDecorator({ name: 'isEmail', target: Lenient, propertyName: 'value', validator: { validate: (v: unknown) => typeof v === 'string' } });
    const storage = getMetadataStorage();
    const [meta] = storage.getTargetValidationMetadatas(Lenient, '', false, false, undefined);
    const instance = storage.getTargetValidatorConstraints(meta.constraintCls)[0].instance as { validate(v: unknown, a: ValidationArguments): unknown };
    const args: ValidationArguments = { targetName: 'Lenient', property: 'value', object: {}, value: undefined, constraints: meta.constraints ?? [] };
    expect(inlineFor(meta.name, meta.constraints, (v, a) => instance.validate(v, a), args)).toBeNull();
  });

  it('treats finite numbers as IsNumber() does and leaves maxDecimalPlaces to class-validator', () => {
    const c = constraintOf(IsNumber({ allowInfinity: true }));
    const inline = inlineFor(c.name, c.constraints, c.validate, c.args)!;
    expect(inline.exact).toBe(false);
    expect([1.5, Infinity].map(compile(inline))).toEqual([true, false]);
    const decimals = constraintOf(IsNumber({ maxDecimalPlaces: 2 }));
    expect(inlineFor(decimals.name, decimals.constraints, decimals.validate, decimals.args)).toBeNull();
  });

  it('keeps the generic call for a custom constraint that reuses a built-in name, and for regexps with state', () => {
    class Custom { value!: unknown; }
    registerDecorator({ name: 'isEmail', target: Custom, propertyName: 'value', validator: { validate: (v: unknown) => v === 'admin' } });
    const storage = getMetadataStorage();
    const [meta] = storage.getTargetValidationMetadatas(Custom, '', false, false, undefined);
    const instance = storage.getTargetValidatorConstraints(meta.constraintCls)[0].instance as { validate(v: unknown, a: ValidationArguments): unknown };
    const args: ValidationArguments = { targetName: 'Custom', property: 'value', object: {}, value: undefined, constraints: meta.constraints ?? [] };
    expect(inlineFor(meta.name, meta.constraints, (v, a) => instance.validate(v, a), args)).toBeNull();

    const global = constraintOf(Matches(/a/g));
    expect(inlineFor(global.name, global.constraints, global.validate, global.args)).toBeNull();
    const source = constraintOf(Matches('^a+$', 'i'));
    expect(inlineFor(source.name, source.constraints, source.validate, source.args)).toBeNull();
  });
});
