import fc from 'fast-check';
import type { BillingLine } from '../../src/core/billing-line';
import { COLLAPSED_AZURE_SKU, applyModifiers, isAzureLine } from '../../src/core/modifiers';
import { DEFAULT_AZURE_RULE, DEFAULT_SETTINGS } from '../../src/core/settings';
import type { EffectiveSettings, Modifiers } from '../../src/core/settings';
import { keyed, line, raw, rawLineArb } from './fixtures';

const withMods = (m: Partial<Modifiers>): EffectiveSettings => ({
  ...DEFAULT_SETTINGS,
  modifiers: { ...DEFAULT_SETTINGS.modifiers, ...m },
});
const all = (m: Partial<Modifiers>) => () => withMods(m);

const azure = (over: Partial<BillingLine> = {}) =>
  raw({ sku: 'MST-AZR-PLAN', productName: 'Azure plan', chargeType: 'arrears', cycle: 'usage', ...over });

describe('isAzureLine (default rule)', () => {
  it.each([
    ['SKU prefix', { sku: 'MST-AZR-PLAN-USAGE', productName: 'x', description: '' }],
    ['product name', { sku: 'X1', productName: 'Microsoft Azure', description: '' }],
    ['description', { sku: 'X1', productName: 'Cloud', description: 'Azure plan usage for October' }],
    ['source tag', { sku: 'X1', productName: 'Cloud', description: '', tags: ['Azure'] }],
  ])('recognises an Azure line by %s', (_n, l) => {
    expect(isAzureLine(l, DEFAULT_AZURE_RULE)).toBe(true);
  });

  it('does not mistake licences with Azure in their name for Azure consumption', () => {
    for (const productName of [
      'Azure Active Directory Premium P1',
      'Azure AD Premium P2',
      'Microsoft 365 E3',
    ]) {
      expect(isAzureLine({ sku: 'AAD-P1', productName, description: productName }, DEFAULT_AZURE_RULE)).toBe(
        false,
      );
    }
  });

  it('follows a configured rule', () => {
    const rule = { skuPrefixes: ['AZ'], namePatterns: [], tags: [] };
    expect(isAzureLine({ sku: 'az-123', productName: 'Microsoft Azure', description: '' }, rule)).toBe(true);
    expect(isAzureLine({ sku: 'MST-AZR-PLAN', productName: 'Microsoft Azure', description: '' }, rule)).toBe(
      false,
    );
  });
});

describe('applyModifiers', () => {
  it('keeps everything when no modifier is on', () => {
    const lines = keyed([raw(), azure(), raw({ sku: 'Z', total: 0, unitPrice: 0 })]);
    const r = applyModifiers(lines, all({}));
    expect(r.lines).toEqual(lines);
    expect(r.fates.map((f) => f.fate)).toEqual(['kept', 'kept', 'kept']);
  });

  it('drops Azure lines with a reason', () => {
    const lines = keyed([raw(), azure()]);
    const r = applyModifiers(lines, all({ dropAzure: true, collapseAzure: true }));
    expect(r.lines).toEqual([lines[0]]);
    expect(r.dropped).toEqual([
      { line: lines[1], reason: 'azure', message: 'Dropped: Azure line (Drop Azure lines is on)' },
    ]);
    expect(r.collapsed).toEqual([]);
  });

  it('collapses Azure lines into one line per customer: quantity 1, cost and price summed, margin untouched', () => {
    const lines = keyed([
      azure({ subscriptionId: 'a', quantity: 1, unitCost: 90, unitPrice: 100, total: 100 }),
      raw(),
      azure({ subscriptionId: 'b', quantity: 2, unitCost: 9, unitPrice: 10, total: 20 }),
      azure({ customerId: 'cust-2', quantity: 1, unitCost: 4.5, unitPrice: 5, total: 5 }),
    ]);
    const r = applyModifiers(lines, all({ collapseAzure: true }));
    expect(r.collapsed).toHaveLength(2);
    const c1 = r.collapsed.find((c) => c.line.customerId === 'cust-1');
    expect(c1?.from).toEqual([lines[0].key, lines[2].key].sort());
    expect(c1?.line).toMatchObject({
      sku: COLLAPSED_AZURE_SKU,
      quantity: 1,
      unitCost: 108,
      unitPrice: 120,
      total: 120,
      chargeType: 'arrears',
      currency: 'USD',
    });
    expect(r.fates[0]).toEqual({ key: lines[0].key, fate: 'collapsed', into: c1?.line.key });
    expect(r.fates[1]).toEqual({ key: lines[1].key, fate: 'kept' });
    expect(r.lines.map((l) => l.sku)).toEqual(['MS-365-BP', COLLAPSED_AZURE_SKU, COLLAPSED_AZURE_SKU]);
  });

  it('never collapses lines in different currencies together', () => {
    const lines = keyed([azure({ currency: 'USD' }), azure({ currency: 'EUR', subscriptionId: 'x' })]);
    expect(applyModifiers(lines, all({ collapseAzure: true })).collapsed).toHaveLength(2);
  });

  it('drops favourable (negative) pro-rata but keeps pro-rata we are owed', () => {
    const lines = keyed([
      raw({ chargeType: 'pro-rata', quantity: -2, total: -12.5 }),
      raw({ chargeType: 'pro-rata', quantity: 2, total: 12.5, subscriptionId: 'x' }),
      raw({ chargeType: 'one-off', quantity: -1, total: -3, subscriptionId: 'y' }),
    ]);
    const r = applyModifiers(lines, all({ dropFavourableProRata: true }));
    expect(r.lines).toEqual([lines[1], lines[2]]);
    expect(r.dropped[0].message).toBe(
      'Dropped: favourable pro-rata -12.50 USD (Drop favourable pro-rata is on)',
    );
  });

  it('drops $0 lines (including ones that round to $0.00) and a collapsed line that sums to $0', () => {
    const lines = keyed([
      raw({ total: 0.004, unitPrice: 0.0004 }),
      raw({ subscriptionId: 'x', total: 0.01 }),
      azure({ total: 5, unitPrice: 5, quantity: 1 }),
      azure({ total: -5, unitPrice: -5, quantity: 1, subscriptionId: 'z' }),
    ]);
    const r = applyModifiers(lines, all({ dropZero: true, collapseAzure: true }));
    expect(r.lines).toEqual([lines[1]]);
    expect(r.dropped.map((d) => d.reason)).toEqual(['zero', 'zero']);
    expect(r.fates.at(-1)).toEqual({
      key: r.collapsed[0].line.key,
      fate: 'dropped',
      reason: 'zero',
      message: 'Dropped: $0 line (Drop $0 lines is on)',
    });
  });

  it('resolves modifiers per client', () => {
    const lines = keyed([azure({ customerId: 'drop-me' }), azure({ customerId: 'keep-me' })]);
    const r = applyModifiers(lines, (l) => withMods({ dropAzure: l.customerId === 'drop-me' }));
    expect(r.lines.map((l) => l.customerId)).toEqual(['keep-me']);
  });

  const modsArb = fc.record({
    dropAzure: fc.boolean(),
    collapseAzure: fc.boolean(),
    dropFavourableProRata: fc.boolean(),
    dropZero: fc.boolean(),
  });

  it('property: every input line has exactly one fate and nothing is lost', () => {
    fc.assert(
      fc.property(fc.array(rawLineArb, { maxLength: 40 }), modsArb, (raws, mods) => {
        const lines = keyed(raws);
        const r = applyModifiers(lines, all(mods));
        const fates = r.fates.slice(0, lines.length);
        expect(fates.map((f) => f.key)).toEqual(lines.map((l) => l.key));
        const collapsedKeys = new Set(r.collapsed.map((c) => c.line.key));
        for (const f of fates) if (f.fate === 'collapsed') expect(collapsedKeys.has(f.into)).toBe(true);
        // Output lines are exactly the kept fates; dropped lines are never in the output.
        const kept = new Set(r.fates.filter((f) => f.fate === 'kept').map((f) => f.key));
        expect(new Set(r.lines.map((l) => l.key))).toEqual(kept);
        for (const d of r.dropped) expect(kept.has(d.line.key)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('property: collapsing preserves the sum of costs and of prices', () => {
    fc.assert(
      fc.property(fc.array(rawLineArb, { maxLength: 40 }), (raws) => {
        const lines = keyed(raws);
        const r = applyModifiers(lines, all({ collapseAzure: true }));
        const cost = (ls: BillingLine[]) => ls.reduce((s, l) => s + l.quantity * l.unitCost, 0);
        const price = (ls: BillingLine[]) => ls.reduce((s, l) => s + l.total, 0);
        expect(Math.abs(cost(r.lines) - cost(lines))).toBeLessThan(1e-4);
        expect(Math.abs(price(r.lines) - price(lines))).toBeLessThan(1e-4);
      }),
      { numRuns: 300 },
    );
  });

  it('property: the result does not depend on row order', () => {
    fc.assert(
      fc.property(fc.array(rawLineArb, { maxLength: 30 }), modsArb, (raws, mods) => {
        const lines = keyed(raws);
        const sortLines = (ls: BillingLine[]) => ls.map((l) => JSON.stringify(l)).sort();
        const a = applyModifiers(lines, all(mods));
        const b = applyModifiers(lines.slice().reverse(), all(mods));
        expect(sortLines(b.lines)).toEqual(sortLines(a.lines));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves a single line untouched (no margin change outside collapse)', () => {
    const l = line({ quantity: 3, unitCost: 1.11, unitPrice: 2.22, total: 6.66 });
    expect(applyModifiers([l], all({ dropZero: true, dropFavourableProRata: true })).lines[0]).toBe(l);
  });
});
