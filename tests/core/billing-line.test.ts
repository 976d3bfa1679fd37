import fc from 'fast-check';
import { parseBillingLine, parseRawBillingLine } from '../../src/core/billing-line';
import { line, raw } from './fixtures';

const bad = (over: Record<string, unknown>): string => {
  const r = parseBillingLine({ ...line(), ...over });
  if (r.ok) throw new Error(`expected ${JSON.stringify(over)} to be rejected`);
  return r.message;
};

describe('parseBillingLine', () => {
  it('accepts a valid line and keeps its values', () => {
    const l = line();
    const r = parseBillingLine(l);
    expect(r).toEqual({ ok: true, line: l });
  });

  it.each([
    [{ quantity: 'ten' }, "Quantity 'ten' is not a number"],
    [{ quantity: '10' }, "Quantity '10' is not a number"],
    [{ quantity: Number.NaN }, 'Quantity NaN is not a usable number'],
    [{ unitPrice: Number.POSITIVE_INFINITY }, 'Unit price Infinity is not a usable number'],
    [{ unitCost: undefined }, 'Unit cost is missing'],
    [{ total: null }, 'Total is missing'],
    [{ quantity: -3 }, 'Quantity -3 cannot be negative for a recurring charge'],
    [{ quantity: -1, chargeType: 'usage' }, 'Quantity -1 cannot be negative for a usage charge'],
    [
      { currency: 'XYZ' },
      "Currency 'XYZ' is not supported (USD, EUR, GBP, AUD, NZD, CAD, ZAR, CHF, SEK, NOK, DKK)",
    ],
    [{ currency: '' }, 'Currency is missing'],
    [
      { periodStart: '2026-10-31', periodEnd: '2026-10-01' },
      'Period end 2026-10-01 is before period start 2026-10-31',
    ],
    [{ periodStart: '2026-02-30' }, "Period start '2026-02-30' is not a real date"],
    [{ effectiveDate: '31/10/2026' }, "Effective date '31/10/2026' is not a date in yyyy-mm-dd form"],
    [{ periodEnd: undefined }, 'Period end is missing'],
    [{ sku: '' }, 'Product/SKU is missing'],
    [{ sku: '   ' }, 'Product/SKU is missing'],
    [{ sku: undefined }, 'Product/SKU is missing'],
    [{ customerId: undefined }, 'Customer id is missing'],
    [
      { chargeType: 'monthly' },
      "Charge type 'monthly' is not one of recurring, pro-rata, arrears, usage, one-off",
    ],
    [{ cycle: 'weekly' }, "Billing cycle 'weekly' is not one of monthly, annual, one-time, usage"],
    [{ key: '' }, 'Line key is missing'],
  ])('rejects %p with a readable message', (over, message) => {
    expect(bad(over)).toBe(message);
  });

  it('allows negative quantities for credits (pro-rata, one-off)', () => {
    expect(parseBillingLine(line({ chargeType: 'pro-rata', quantity: -2, total: -44 })).ok).toBe(true);
    expect(parseBillingLine(line({ chargeType: 'one-off', quantity: -1, total: -5 })).ok).toBe(true);
  });

  it('reports the first problem only, in field order', () => {
    expect(bad({ customerId: '', quantity: 'ten' })).toBe('Customer id is missing');
  });

  it('rejects something that is not a record', () => {
    expect(parseBillingLine('a line')).toEqual({ ok: false, message: 'The line is empty or not a record' });
    expect(parseBillingLine(undefined)).toEqual({ ok: false, message: 'The line is empty or not a record' });
  });

  it('parses connector lines without a key', () => {
    expect(parseRawBillingLine(raw())).toEqual({ ok: true, line: raw() });
    expect(parseRawBillingLine({ ...raw(), quantity: 'x' })).toEqual({
      ok: false,
      message: "Quantity 'x' is not a number",
    });
  });

  it('never throws and always returns one non-empty message for arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const r = parseBillingLine(input);
        return r.ok || (typeof r.message === 'string' && r.message.length > 0);
      }),
    );
  });

  it('rejects any non-finite or textual quantity with the field named', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(NaN, Infinity, -Infinity), fc.string()), (q) => {
        const r = parseBillingLine({ ...line(), quantity: q });
        return !r.ok && r.message.startsWith('Quantity');
      }),
    );
  });
});
