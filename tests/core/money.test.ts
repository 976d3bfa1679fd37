import fc from 'fast-check';
import {
  CurrencyTotals,
  extendedCents,
  formatCents,
  microsToCents,
  microsToNumber,
  sumToCents,
  toMicros,
  chargeForm,
  unitPriceFor,
} from '../../src/core/money';

describe('exact money', () => {
  it('reads amounts as written, numbers and decimal strings alike', () => {
    expect(toMicros(0.1) + toMicros(0.2)).toBe(toMicros(0.3));
    expect(toMicros('2192.84855')).toBe(2_192_848_550n);
    expect(toMicros(-3.5)).toBe(-3_500_000n);
    expect(toMicros(1e-7)).toBe(0n);
    expect(toMicros('0.0000005')).toBe(1n);
    expect(toMicros(-0.0000005)).toBe(-1n);
    expect(() => toMicros('1,50')).toThrow("'1,50' is not an amount");
    expect(() => toMicros(Number.NaN)).toThrow('NaN is not an amount');
    // Absurd but finite amounts (a cell holding 1e308) are read exactly, not refused here: the push
    // refuses them with a reason, and nothing on the way may crash.
    expect(toMicros(1e21)).toBe(10n ** 27n);
    expect(toMicros(-1e308)).toBe(-(BigInt(1e308) * 10n ** 6n));
  });

  it('rounds once, at the end, half away from zero', () => {
    // 300 × 0.00333 = 0.999: rounding each to cents first would give 0.
    expect(sumToCents(Array.from({ length: 300 }, () => 0.00333))).toBe(1);
    expect(sumToCents([0.005])).toBe(0.01);
    expect(sumToCents([-0.005])).toBe(-0.01);
    expect(sumToCents([0.1, 0.2])).toBe(0.3);
    expect(formatCents(microsToCents(toMicros(-1234.5)))).toBe('-1234.50');
  });

  it('sums exactly whatever the order (binary floats do not)', () => {
    const amount = fc.integer({ min: -10_000_000_00000, max: 10_000_000_00000 }).map((n) => n / 100000);
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 60 }), (xs) => {
        const fwd = xs.reduce((s, x) => s + toMicros(x), 0n);
        const back = [...xs].reverse().reduce((s, x) => s + toMicros(x), 0n);
        expect(fwd).toBe(back);
        // Exactly the sum of the integers the amounts were made from.
        const ints = xs.reduce((s, x) => s + BigInt(Math.round(x * 100000)), 0n);
        expect(fwd).toBe(ints * 10n);
      }),
    );
  });

  it('keeps currencies apart', () => {
    const t = new CurrencyTotals();
    t.add('USD', 10.005);
    t.add('EUR', 2);
    t.add('USD', '0.00001');
    expect(t.entries()).toEqual([
      { currency: 'EUR', total: 2 },
      { currency: 'USD', total: 10.01 },
    ]);
  });

  it('derives a unit price whose extension is the total to the cent, or says there is none', () => {
    for (const [total, qty, unit] of [
      [100, 25, 4],
      [104, 40, 2.6],
      [125, 30, 4.166667],
      [-12.5, 5, -2.5],
      [0, 0, 0],
    ] as const) {
      expect(unitPriceFor(total, qty)).toBe(unit);
      expect(extendedCents(qty, unit)).toBe(microsToCents(toMicros(total)));
    }
    expect(unitPriceFor(0.01, 3_000_000)).toBeNull();
    expect(unitPriceFor(5, 0)).toBeNull();
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.integer({ min: 1, max: 5000 }),
        (c, q) => {
          const total = c / 100;
          const unit = unitPriceFor(total, q);
          if (unit !== null) expect(extendedCents(q, unit)).toBe(BigInt(c));
          else expect(Math.abs(total / q)).toBeLessThan(0.00001);
        },
      ),
    );
    expect(microsToNumber(-1_234_567n)).toBe(-1.234567);
  });

  it('sends a charge as 1 × its amount only when 4-decimal figures cannot bill it, and never crashes on absurd ones', () => {
    expect(chargeForm(113.5, 0.02024, 0.01, 4)).toEqual({
      quantity: 1,
      unitPrice: 2.3,
      unitCost: 1.135,
      asAmount: true,
    });
    expect(chargeForm(3, 12.5, 10, 4)).toEqual({
      quantity: 3,
      unitPrice: 12.5,
      unitCost: 10,
      asAmount: false,
    });
    expect(chargeForm(1e308, 2, 1, 4)).toEqual({
      quantity: 1e308,
      unitPrice: 2,
      unitCost: 1,
      asAmount: false,
    });
  });
});
