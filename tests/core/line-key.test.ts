import fc from 'fast-check';
import type { RawBillingLine } from '../../src/core/billing-line';
import { LINE_KEY_PATTERN, assignLineKeys } from '../../src/core/line-key';
import { raw, rawLineArb } from './fixtures';

/** key → line content, so results can be compared regardless of order. */
const keyed = (lines: RawBillingLine[]): string[] =>
  assignLineKeys(lines)
    .lines.map((l) => JSON.stringify(l))
    .sort();

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('line keys', () => {
  it("are 'BG-' plus 16 hex digits (19 characters)", () => {
    const [l] = assignLineKeys([raw()]).lines;
    expect(l.key).toMatch(LINE_KEY_PATTERN);
    expect(l.key).toHaveLength(19);
  });

  it('do not change when amounts, names or descriptions change on a re-pull', () => {
    const a = assignLineKeys([raw()]).lines[0].key;
    const b = assignLineKeys([
      raw({ quantity: 12, total: 264, unitPrice: 22, description: 'renamed', customerName: 'ACME' }),
    ]).lines[0].key;
    expect(b).toBe(a);
  });

  it.each([
    ['source', { source: 'another-source' }],
    ['customer', { customerId: 'cust-2' }],
    ['subscription', { subscriptionId: 'sub-2' }],
    ['SKU', { sku: 'OTHER' }],
    ['charge type', { chargeType: 'usage' as const }],
    ['period start', { periodStart: '2026-10-02' }],
    ['period end', { periodEnd: '2026-10-30' }],
    ['record id', { recordId: 'inv-item-9' }],
  ])('change when the %s changes', (_name, over) => {
    expect(assignLineKeys([raw(over)]).lines[0].key).not.toBe(assignLineKeys([raw()]).lines[0].key);
  });

  it('give genuinely repeated charges distinct keys and report the collision', () => {
    const r = assignLineKeys([raw({ quantity: 1, total: 22 }), raw({ quantity: 2, total: 44 }), raw()]);
    expect(new Set(r.lines.map((l) => l.key)).size).toBe(3);
    // The plain identity key (what a lone line would get) goes to exactly one of them.
    const plain = assignLineKeys([raw({ quantity: 5 })]).lines[0].key;
    expect(r.collisions).toEqual([{ key: plain, count: 3 }]);
    expect(r.lines.filter((l) => l.key === plain)).toHaveLength(1);
  });

  it('use the vendor record id, so repeated charges with record ids need no ordinal', () => {
    const r = assignLineKeys([raw({ recordId: 'a' }), raw({ recordId: 'b' })]);
    expect(r.collisions).toEqual([]);
    expect(r.lines[0].key).not.toBe(r.lines[1].key);
  });

  it('one vendor record is one line: the same record received twice is kept once and reported, never numbered', () => {
    const item = raw({ recordId: 'item-7', quantity: 12 });
    const r = assignLineKeys([item, raw({ recordId: 'item-8' }), { ...item }]);
    expect(r.lines.map((l) => l.recordId)).toEqual(['item-7', 'item-8']);
    expect(r.lines.find((l) => l.recordId === 'item-7')?.quantity).toBe(12);
    expect(r.collisions).toEqual([]);
    expect(r.duplicates).toEqual([
      {
        key: r.lines[0].key,
        source: item.source,
        customerId: item.customerId,
        customerName: item.customerName,
        recordId: 'item-7',
        count: 2,
      },
    ]);
  });

  it('keep the output in input order', () => {
    const input = [raw({ sku: 'A' }), raw({ sku: 'B' }), raw({ sku: 'C' })];
    expect(assignLineKeys(input).lines.map((l) => l.sku)).toEqual(['A', 'B', 'C']);
  });

  it('property: shuffling the pull gives every line the same key', () => {
    fc.assert(
      fc.property(fc.array(rawLineArb, { maxLength: 40 }), fc.integer(), (lines, seed) => {
        expect(keyed(shuffle(lines, seed))).toEqual(keyed(lines));
      }),
      { numRuns: 300 },
    );
  });

  it('property: keys are unique within a pull, even with many identical lines', () => {
    fc.assert(
      fc.property(fc.array(rawLineArb, { maxLength: 60 }), (lines) => {
        const doubled = [...lines, ...lines];
        const keys = assignLineKeys(doubled).lines.map((l) => l.key);
        return new Set(keys).size === keys.length && keys.every((k) => LINE_KEY_PATTERN.test(k));
      }),
      { numRuns: 200 },
    );
  });
});
