import { inclusiveEnd, isAzureConsumption, itemToLine } from '../../../../src/connectors/sources/pax8';

const item = {
  id: 'i1',
  type: 'subscription',
  companyId: 'c1',
  companyName: 'Acme',
  startPeriod: '2026-10-01',
  endPeriod: '2026-10-31',
  quantity: 10,
  term: 'Monthly',
  sku: 'SKU-1',
  productName: 'Microsoft 365 Business Premium',
  price: 22,
  cost: 19.8,
  total: 220,
  currencyCode: 'USD',
  subscriptionId: 's1',
};
const ctx = { invoice: { id: 'inv' }, companyName: 'Acme Ltd', subscriptionTerm: undefined };

describe('Pax8 item mapping', () => {
  it('turns exclusive period ends into inclusive ones and leaves inclusive ones alone', () => {
    expect(inclusiveEnd('2019-04-01', '2019-05-01')).toBe('2019-04-30');
    expect(inclusiveEnd('2026-10-01', '2027-10-01')).toBe('2027-09-30');
    expect(inclusiveEnd('2025-02-01', '2025-02-28')).toBe('2025-02-28');
    expect(inclusiveEnd('2026-10-16', '2026-10-31')).toBe('2026-10-31');
  });

  it('recognises Azure consumption but not licences named after Azure', () => {
    expect(isAzureConsumption({ ...item, productName: 'Microsoft Azure Plan', term: 'Arrears' })).toBe(true);
    expect(isAzureConsumption({ ...item, productName: 'Azure subscription', term: 'Monthly' })).toBe(true);
    expect(
      isAzureConsumption({ ...item, productName: 'Azure Active Directory Premium P1', term: 'Annual' }),
    ).toBe(false);
  });

  it('maps a seat line, falls back to the subscription term, and refuses what it cannot know', () => {
    const ok = itemToLine(item, ctx);
    expect(ok).toMatchObject({
      ok: true,
      line: {
        customerName: 'Acme Ltd',
        chargeType: 'recurring',
        cycle: 'monthly',
        unitCost: 19.8,
        total: 220,
      },
    });
    expect(itemToLine({ ...item, term: null }, { ...ctx, subscriptionTerm: 'Annual' })).toMatchObject({
      ok: true,
      line: { cycle: 'annual' },
    });
    expect(itemToLine({ ...item, term: null }, ctx)).toEqual({
      ok: false,
      message: "billing term '' is not one BillGrid knows",
    });
    expect(itemToLine({ ...item, cost: undefined, costTotal: 198 }, ctx)).toMatchObject({
      ok: true,
      line: { unitCost: 19.8 },
    });
    expect(itemToLine({ ...item, quantity: -2, total: -44 }, ctx)).toEqual({
      ok: false,
      message: 'Quantity -2 cannot be negative for a recurring charge',
    });
    expect(itemToLine({ ...item, type: 'prorate', quantity: -2, total: -44 }, ctx)).toMatchObject({
      ok: true,
      line: { chargeType: 'pro-rata', total: -44 },
    });
  });
});
