/**
 * #23 charge detail in the core: grouped lines become one charge whose values are the exact sum of its lines,
 * rounded once; its key depends on what groups it only; a changed line updates it; a line billed in one form
 * is never billed again in the other after the setting changes.
 */
import type { BillingLine } from '../../src/core/billing-line';
import { chargeGroupKeyOf, groupValues } from '../../src/core/charge-groups';
import type { PsaBillingState, PsaCapabilities, PsaChargeNow } from '../../src/core/psa';
import { buildPushPlan } from '../../src/core/push-plan';
import { reconcile } from '../../src/core/reconcile';
import { DEFAULT_SETTINGS, type ChargeDetail } from '../../src/core/settings';
import type { TargetResolver } from '../../src/core/targets';
import { keyed, raw } from './fixtures';

const caps: PsaCapabilities = {
  quantityTargets: true,
  chargeContainer: 'contract',
  chargeDecimals: 4,
  chargeDatesKept: true,
  groupedCharges: true,
};

const usage = (over: Parameters<typeof raw>[0]) =>
  raw({
    chargeType: 'usage',
    sku: 'VOICE',
    productName: 'Voice',
    description: 'Voice',
    quantity: 1,
    unitCost: 0,
    ...over,
  });

const resolver = (detail: ChargeDetail | undefined): TargetResolver => ({
  resolve: (line) => ({
    ok: true,
    ref: { kind: 'charge', companyId: '7', container: '70', lineKey: line.key },
    companyId: '7',
    productId: 'p-voice',
    settings: { ...DEFAULT_SETTINGS, ...(detail ? { chargeDetail: detail } : {}) },
  }),
});

const run = (lines: BillingLine[], detail: ChargeDetail | undefined, charges: PsaChargeNow[] = []) => {
  const state: PsaBillingState = { quantities: [], charges };
  return reconcile({ lines, state, resolver: resolver(detail), capabilities: caps, psaCurrency: null });
};

// Three calls of a fraction of a cent each: per line they round to 0.00; their exact sum is 0.0123 → 0.01.
const lines = keyed([
  usage({ customerId: 'a', subscriptionId: 's1', unitPrice: 0.004, total: 0 }),
  usage({ customerId: 'a', subscriptionId: 's2', unitPrice: 0.0041, total: 0 }),
  usage({ customerId: 'a', subscriptionId: 's3', unitPrice: 0.0042, total: 0 }),
]);
const key = chargeGroupKeyOf(lines[0], '70', 'most-recent');

describe('grouped charges (core)', () => {
  it('sums exactly and rounds once; the same price keeps quantity × price', () => {
    const v = groupValues(lines);
    expect([v.quantity, v.unitPrice, v.asAmount, v.amountCents]).toEqual([1, 0.01, true, 1n]);
    expect(v.description).toMatch(/^3 lines: (Voice: 1 × 0\.004\d?(; |$)){3}$/);
    const same = groupValues(
      keyed([
        usage({ quantity: 2.5, unitPrice: 0.3 }),
        usage({ subscriptionId: 'x', quantity: 1.25, unitPrice: 0.3 }),
      ]),
    );
    expect([same.quantity, same.unitPrice, same.asAmount, same.amountCents]).toEqual([
      3.75,
      0.3,
      false,
      113n,
    ]);
  });

  it('one key per contract, product, month and currency, whatever the lines or their order', () => {
    expect(lines.map((l) => chargeGroupKeyOf(l, '70', 'most-recent'))).toEqual([key, key, key]);
    expect(chargeGroupKeyOf(lines[0], '71', 'most-recent')).not.toBe(key);
    expect(chargeGroupKeyOf({ ...lines[0], sku: 'SMS' }, '70', 'most-recent')).not.toBe(key);
    expect(chargeGroupKeyOf({ ...lines[0], currency: 'EUR' }, '70', 'most-recent')).not.toBe(key);
    expect(
      chargeGroupKeyOf(
        { ...lines[0], periodStart: '2026-11-01', periodEnd: '2026-11-30' },
        '70',
        'most-recent',
      ),
    ).not.toBe(key);
    expect(lines.map((l) => l.key)).not.toContain(key);
  });

  it('grouped: one add-charge for all lines; equal in the PSA → none; a line changed → one update', () => {
    const r = run(lines, 'grouped');
    const charges = r.actions.filter((a) => a.ref?.kind === 'charge');
    expect(
      charges.map((a) => [a.action, a.ref?.kind === 'charge' && a.ref.lineKey, a.lineKeys.length]),
    ).toEqual([['add-charge', key, 3]]);
    for (const l of lines) expect(r.byLine.get(l.key)).toBe(charges[0]);
    const plan = buildPushPlan(r.actions, new Set(lines.map((l) => l.key)));
    expect(plan.steps).toHaveLength(1);
    // Part of a group approved: nothing of it goes.
    expect(buildPushPlan(r.actions, new Set([lines[0].key])).skipped[0].message).toMatch(/grouped charge/);

    const a = charges[0].after;
    if (!a) throw new Error('no values');
    const held: PsaChargeNow = {
      ref: { kind: 'charge', companyId: '7', container: '70', lineKey: key },
      psaId: '900',
      quantity: a.quantity,
      unitPrice: a.unitPrice,
      unitCost: a.unitCost,
      description: a.description,
      date: a.effectiveDate,
    };
    expect(run(lines, 'grouped', [held]).actions.map((x) => x.action)).toEqual(['none']);
    const edited = [{ ...lines[0], quantity: 400 }, lines[1], lines[2]];
    const again = run(edited, 'grouped', [held]);
    expect(again.actions.map((x) => [x.action, x.psaId])).toEqual([['update-charge', '900']]);
  });

  it('per line: one charge each, as before', () => {
    const r = run(lines, undefined);
    expect(r.actions.map((a) => a.action)).toEqual(['add-charge', 'add-charge', 'add-charge']);
  });

  it('never billed twice when the setting changes: each form holds what the other billed', () => {
    const own: PsaChargeNow = {
      ref: { kind: 'charge', companyId: '7', container: '70', lineKey: lines[1].key },
      psaId: '800',
      quantity: 1,
      unitPrice: 0.0041,
      unitCost: 0,
      description: '',
      date: lines[1].effectiveDate,
    };
    const grouped = run(lines, 'grouped', [own]);
    expect(grouped.actions.map((a) => [a.action, a.reason])).toEqual([['blocked', 'charge-detail']]);
    expect(grouped.actions[0].message).toMatch(/already billed on its own \(PSA charge 800\)/);

    const group: PsaChargeNow = { ...own, ref: { ...own.ref, lineKey: key }, psaId: '900' };
    const perLine = run(lines, 'per-line', [group]);
    expect(perLine.actions.map((a) => a.reason)).toEqual(['charge-detail', 'charge-detail', 'charge-detail']);
    expect(perLine.actions[0].message).toMatch(new RegExp(`Billed in grouped charge ${key}`));
  });
});
