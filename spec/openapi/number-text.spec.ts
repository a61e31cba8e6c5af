import { numberText } from '../../lib/openapi/number-text';
import { rng } from '../helpers/random';

describe('numberText (number → JSON text for the compiled writer)', () => {
  it('writes edge values exactly as String()', () => {
    const values = [
      0, -0, 1, -1, 9, 10, 999, 1000, 1001, 999_999, 1_000_000, 123_456_789, 2 ** 31, -(2 ** 31), 2 ** 53, 1e15 - 1, 1e15, 1e21,
      0.1, 0.2, 0.1 + 0.2, 1.5, -2.25, 79.19, 1.005, 4.35, 100.5, 0.05, 0.000001, 0.0000015, 1e-7, 5e-7, 0.000123, 0.999999,
      0.9999995, 123456.789, 999_999_999.999999, 1e9 - 0.5, 1e9 + 0.5, 1 / 3, Math.PI, Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON,
    ];
    for (const v of values) expect([v, numberText(v)]).toEqual([v, String(v)]);
  });

  it('writes what String() writes for 200,000 generated numbers of every shape', () => {
    const next = rng(5);
    const sign = (): number => (next() < 0.5 ? -1 : 1);
    const shapes: (() => number)[] = [
      () => Math.round(next() * 1e8) / 100, // prices
      () => sign() * Math.round(next() * 1e9) / 10 ** Math.floor(next() * 10), // up to 9 fraction digits
      () => sign() * Math.round(next() * 1e15) / 10 ** Math.floor(next() * 16), // up to 15 significant digits anywhere
      () => sign() * Math.floor(next() * 2 ** 53), // any safe integer
      () => sign() * next() * 10 ** (next() * 30 - 12), // full-precision values, with and without exponent
      () => Math.fround(next() * 1000), // float32 values: many digits
    ];
    for (let i = 0; i < 200_000; i++) {
      const v = shapes[i % shapes.length]();
      if (numberText(v) !== String(v)) expect([v, numberText(v)]).toEqual([v, String(v)]);
    }
  });
});
