/**
 * #23 item 2, charge detail "grouped", through the BUILT bundle (run `npm run build` first): the demo month
 * into Autotask with one charge per contract, product and month. Each grouped charge bills the exact sum of
 * its rows (rounded once) and every row's Status names the charge it went to; a second push sends nothing;
 * a changed row updates exactly one charge (one PATCH) and the push after that sends nothing again.
 */
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { microsToCents, productMicros } from '../../../../src/core/money';
import { billableDefaults, startBundle, type BundleHost, type DefaultsView } from '../../../e2e/bundle-host';
import { isMutation } from './support';

type Entity = Record<string, unknown>;
type AutotaskState = { entities: Record<string, Entity[]> };

const GROUPED = /grouped charge (BG-[0-9a-f]{16}) \((\d+) lines?\)/;
const TAB = `Billing ${DEMO_MONTH}`;

describe('grouped charges on Autotask (charge detail, bundle)', () => {
  let b: BundleHost;
  beforeAll(async () => {
    b = await startBundle('autotask');
  });
  afterAll(() => b.sb.stop());

  const charges = async () =>
    (await b.sb.admin('autotask').state<AutotaskState>()).entities.ContractCharges ?? [];
  const mutations = async () => (await b.sb.admin('autotask').requests()).filter(isMutation);
  const push = async () => {
    await b.sb.admin('autotask').clearRequests();
    b.call('pushBillingMonth', DEMO_MONTH);
    return mutations();
  };
  /** Rows by the grouped charge their Status names. */
  const groups = () => {
    const out = new Map<string, Record<string, unknown>[]>();
    for (const r of b.rows(TAB)) {
      const m = GROUPED.exec(String(r.Status));
      if (!m) continue;
      out.set(m[1], [...(out.get(m[1]) ?? []), r]);
    }
    return out;
  };
  /** Σ quantity × unit price of the rows, exact, rounded once to cents. */
  const sumCents = (rows: Record<string, unknown>[]) =>
    microsToCents(rows.reduce((s, r) => s + productMicros(Number(r.Quantity), Number(r['Unit price'])), 0n));
  const billedCents = (c: Entity) =>
    microsToCents(productMicros(Number(c.unitQuantity), Number(c.unitPrice)));
  const chargeOf = (all: Entity[], key: string) => all.filter((c) => String(c.name).includes(`(${key})`));

  it('bills one charge per contract, product and month, converges, and a changed row updates one charge', async () => {
    b.call('refreshClients');
    billableDefaults(b);
    const d = b.call('getDefaults') as DefaultsView & { groupedCharges?: boolean };
    expect(d.groupedCharges).toBe(true);
    b.call('saveDefaults', { ...d.settings, global: { ...d.settings.global, chargeDetail: 'grouped' } });
    b.call('pullBillingMonth', DEMO_MONTH);
    b.call('approveRows', DEMO_MONTH, { approve: true });

    const first = await push();
    const byGroup = groups();
    const rows = [...byGroup.values()].flat();
    expect(byGroup.size).toBeGreaterThan(0);
    // Fewer charges than rows: some charge holds several rows.
    expect(byGroup.size).toBeLessThan(rows.length);
    for (const r of rows) expect(String(r.Status)).toMatch(/^Pushed: In grouped charge/);
    const all = await charges();
    expect(first.filter((r) => r.method === 'POST' && /\/Charges$/.test(r.path))).toHaveLength(byGroup.size);
    for (const [key, members] of byGroup) {
      const [c, ...more] = chargeOf(all, key);
      expect(more).toEqual([]);
      expect([key, billedCents(c)]).toEqual([key, sumCents(members)]);
      expect(String(c.description)).toMatch(new RegExp(`^${members.length} lines?: `));
      // Every row of the group says so, and points at the same Autotask charge.
      for (const r of members) expect(String(r['PSA reference'])).toBe(String(c.id));
    }

    expect(await push()).toEqual([]);

    // One row of a group of several changes: exactly that group's charge is updated, once.
    const [key, members] = [...byGroup].find(([, m]) => m.length > 1) ?? [...byGroup][0];
    const sheet = b.sheet(TAB);
    const head = (sheet.rows[0] ?? []).map((c) => c?.v);
    const [keyCol, qtyCol] = [head.indexOf('Line key'), head.indexOf('Quantity')];
    const row = sheet.rows.find((r) => r?.[keyCol]?.v === members[0]['Line key']);
    const cell = row?.[qtyCol];
    if (!cell) throw new Error('member row not found');
    cell.v = Number(cell.v) + 3;
    const changed = await push();
    expect(changed.map((r) => r.method)).toEqual(['PATCH']);
    const [patched] = chargeOf(await charges(), key);
    expect((JSON.parse(changed[0].body) as { id: number }).id).toBe(patched.id);
    expect(billedCents(patched)).toBe(sumCents(groups().get(key) ?? []));
    expect(sumCents(groups().get(key) ?? [])).not.toBe(sumCents(members));

    expect(await push()).toEqual([]);
  });
});
