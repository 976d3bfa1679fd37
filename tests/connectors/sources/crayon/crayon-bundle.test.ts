/**
 * A Crayon month through the BUILT bundle (dist/Code.js) in the emulator into Autotask, as a person runs
 * it from the sidebar: monthly and annual seats become contract-service units from their period's start,
 * Azure consumption lands as a charge in arrears on the billing period the arrears setting says (seed 003:
 * sync the "most recent" or the "next" invoice), a mid-month seat reduction as a negative (credit) charge;
 * a second push sends nothing.
 * Both settings in one push: the Crayon integration bills arrears on the NEXT invoice (a charge on the 1st
 * of the month after the usage), one of its clients keeps MOST RECENT by its own setting (a charge on the
 * usage period's end, in the month consumed).
 * Annual seats go to each client's fixed-price contract, created from the sidebar ("Create in PSA"), as
 * charges (fixed-price contracts hold no services), by the annual rule that is on by default.
 * Then Crayon bills two more seats and the integration goes back to "most recent": before approval the
 * grid shows exactly that contract service differing by 2, and each Azure charge moved to the month
 * consumed (the same charge re-dated, not a second one); a push does just that, the next nothing.
 */
import { DEMO_MONTH } from '../../../../local/demo/msp';
import type { CrayonFixture } from '../../../../local/sandbox/crayon/fixture';
import { extendedCents } from '../../../../src/core/money';
import { bundleMonth, type BundleMonth } from '../support/bundle-month';

type Entity = Record<string, unknown>;
type AutotaskState = { entities: Record<string, Entity[]> };
type Settings = Record<'sources' | 'clients', Record<string, Record<string, unknown>>> &
  Record<string, unknown>;

/** The month after a yyyy-mm-dd date's month (yyyy-mm). */
function monthAfter(day: string): string {
  const [y, m] = day.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
const companyOf = (cell: unknown) => /\[(\d+)\]\s*$/.exec(String(cell))?.[1] ?? '';

describe('a Crayon month through the built bundle → Autotask', () => {
  let m: BundleMonth;
  beforeAll(async () => {
    m = await bundleMonth(['crayon'], 'autotask');
  });
  afterAll(() => m.stop());

  it('lands monthly and annual seats, Azure in arrears and a pro-rata credit; a second push sends nothing', async () => {
    m.connect();
    // A fixed-price contract for each Crayon client, from the sidebar, for its annual subscriptions.
    const links = m.call('listContractLinks') as {
      rows: { source: string; customerId: string; customerName: string; companyId: string }[];
    };
    const crayonClients = links.rows.filter((r) => r.source === 'crayon');
    expect(crayonClients.length).toBeGreaterThan(0);
    for (const r of crayonClients) {
      const made = m.call('createMissingInPsa', { ...r, month: DEMO_MONTH, kind: 'fixed-price' }) as {
        contractName: string;
      };
      expect(made.contractName).toMatch(/Annual Subscriptions$/);
    }
    // Arrears: the Crayon integration on the next invoice, the first client with Azure usage on the most
    // recent one (its own setting).
    const [head0, ...pulled0] = (m.call('pullBillingMonth', DEMO_MONTH), m.grid(DEMO_MONTH));
    const keeper = companyOf(
      pulled0.find((r) => r[head0.indexOf('Charge type')] === 'arrears')?.[head0.indexOf('PSA company')],
    );
    expect(keeper).not.toBe('');
    const d = m.call('getDefaults') as { settings: Settings };
    m.call('saveDefaults', {
      ...d.settings,
      sources: { ...d.settings.sources, crayon: { ...d.settings.sources.crayon, arrearsMode: 'next' } },
      clients: {
        ...d.settings.clients,
        [keeper]: { ...d.settings.clients[keeper], arrearsMode: 'most-recent' },
      },
    });
    const before = await m.sb.admin('autotask').state<AutotaskState>();
    const fixedPrice = new Set(
      (before.entities.Contracts ?? []).filter((c) => c.contractType === 3).map((c) => Number(c.id)),
    );
    const { pulled, pushed } = m.pullApprovePush(DEMO_MONTH);
    expect(pulled.problems).toEqual([]);
    expect([pushed.failed, pushed.finished, pushed.applied]).toEqual([0, true, pushed.steps]);

    const [header, ...body] = m.grid(DEMO_MONTH);
    const col = (name: string) => {
      const i = header.indexOf(name);
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    const rows = body.filter((r) => r[col('Source')] === 'crayon');
    expect(rows).toHaveLength(pulled.lines);
    for (const r of rows) expect(String(r[col('Status')])).toMatch(/^Pushed/);
    const kind = (cycle: string, charge: string) =>
      rows.filter((r) => r[col('Cycle')] === cycle && r[col('Charge type')] === charge);
    const monthly = kind('monthly', 'recurring');
    const annual = kind('annual', 'recurring');
    const azure = kind('usage', 'arrears');
    const credits = kind('monthly', 'pro-rata').filter((r) => Number(r[col('Total')]) < 0);
    for (const set of [monthly, annual, azure, credits]) expect(set.length).toBeGreaterThan(0);

    const after = await m.sb.admin('autotask').state<AutotaskState>();
    const fresh = (entity: string) =>
      (after.entities[entity] ?? []).filter(
        (e) => !(before.entities[entity] ?? []).some((b) => b.id === e.id),
      );
    const adjustments = fresh('ContractServiceAdjustments');
    const charges = fresh('ContractCharges');
    const ref = (r: unknown[]) => Number(r[col('PSA reference')]);
    const contractOf = (r: unknown[]) => Number(/\[(\d+)\]$/.exec(String(r[col('PSA contract')]))?.[1]);

    // Monthly seats: units added from the period's start on the recurring-service contract. The row's PSA
    // reference is the contract service the adjustment added (the id a re-read reports: Autotask F10).
    for (const r of monthly) {
      const cs = (after.entities.ContractServices ?? []).find((x) => x.id === ref(r));
      const a = adjustments.find((x) => x.contractID === cs?.contractID && x.serviceID === cs?.serviceID);
      expect(a).toMatchObject({
        contractID: contractOf(r),
        unitChange: r[col('Quantity')],
        effectiveDate: `${String(r[col('Period start')])}T00:00:00Z`,
      });
      expect(fixedPrice.has(contractOf(r))).toBe(false);
    }
    // Annual seats: a charge on the client's fixed-price contract, dated on the annual term's first day.
    expect(annual.every((r) => String(r[col('Period end')]) > `${DEMO_MONTH}-31`)).toBe(true);
    for (const r of annual) {
      expect(fixedPrice.has(contractOf(r))).toBe(true);
      const c = charges.find((x) => x.id === ref(r));
      expect(c).toMatchObject({ contractID: contractOf(r), unitQuantity: r[col('Quantity')] });
    }
    // Azure: "most recent" (the keeper): billed in the month consumed, a charge on the usage period's end;
    // "next" (the integration's setting): billed in the following month, a charge on its 1st. Each bills what
    // Crayon billed: Autotask keeps 4-decimal prices, and 113.5 × 0.02024 (2.30) would bill
    // 113.5 × 0.0202 = 2.29, so such a line goes as 1 × 2.30 with "113.5 × 0.02024" in its description.
    expect(azure.every((r) => String(r[col('Period end')]).startsWith(DEMO_MONTH))).toBe(true);
    const kept = azure.filter((r) => companyOf(r[col('PSA company')]) === keeper);
    const moved = azure.filter((r) => companyOf(r[col('PSA company')]) !== keeper);
    expect([kept.length > 0, moved.length > 0]).toEqual([true, true]);
    let asAmount = 0;
    for (const r of azure) {
      const end = String(r[col('Period end')]);
      const billed = kept.includes(r)
        ? { month: end.slice(0, 7), on: end }
        : { month: monthAfter(end), on: `${monthAfter(end)}-01` };
      expect(r[col('Billing period')]).toBe(billed.month);
      const c = charges.find((x) => x.id === ref(r));
      const [q, p] = [Number(r[col('Quantity')]), Number(r[col('Unit price')])];
      expect(c).toMatchObject({ contractID: contractOf(r) });
      expect(extendedCents(Number(c?.unitQuantity), Number(c?.unitPrice))).toBe(extendedCents(q, p));
      expect(String(c?.datePurchased)).toBe(`${billed.on}T00:00:00Z`);
      if (c?.unitQuantity === q) continue;
      asAmount++;
      expect(c).toMatchObject({ unitQuantity: 1, description: expect.stringMatching(`^${q} × ${p}: `) });
    }
    expect(asAmount).toBeGreaterThan(0);
    // Credits: a negative charge on the change date.
    for (const r of credits) {
      const c = charges.find((x) => x.id === ref(r));
      expect(c).toMatchObject({ contractID: contractOf(r), unitQuantity: r[col('Quantity')] });
      expect(Number(c?.unitQuantity)).toBeLessThan(0);
      expect(String(c?.datePurchased)).toBe(`${String(r[col('Period start')])}T00:00:00Z`);
    }

    await m.sb.admin('autotask').clearRequests();
    const again = m.call('pushBillingMonth', DEMO_MONTH) as {
      applied: number;
      unchanged: number;
      steps: number;
    };
    // Services BillGrid auto-created are recorded as product mappings, so the plan names them by the id
    // Autotask's state is read by: nothing is planned, nothing sent.
    expect(again).toMatchObject({ steps: 0, applied: 0 });
    expect(await m.psaMutations()).toEqual([]);

    // After the push: Crayon bills 2 more seats on one monthly subscription, and the integration goes back
    // to "most recent". The re-pull checks quantities against Autotask's contract services before approval
    // (exactly that service differs, by 2) and moves each "next" Azure charge to the month consumed: the
    // same charge, re-dated (never a second one), then nothing.
    const crayon = m.sb.admin('crayon');
    const vendor = await crayon.state<CrayonFixture>();
    const bumped = monthly.find((r) => Number(r[col('Quantity')]) > 0)!;
    const [subId, chargeType, start] = String(bumped[col('Record id')]).split('|');
    const rec = vendor.records.find(
      (x) =>
        x.record.SubscriptionId === subId &&
        x.record.ChargeType === chargeType &&
        String(x.record.ChargeStartDate).startsWith(start),
    )!.record;
    rec.Quantity = Number(rec.Quantity) + 2;
    rec.ResellerSalesPriceTotal = Math.round(rec.Quantity * Number(rec.ResellerSalesUnitPrice) * 100) / 100;
    await crayon.setState(vendor);
    const d2 = m.call('getDefaults') as { settings: Settings };
    m.call('saveDefaults', {
      ...d2.settings,
      sources: {
        ...d2.settings.sources,
        crayon: { ...d2.settings.sources.crayon, arrearsMode: 'most-recent' },
      },
    });
    expect((m.call('pullBillingMonth', DEMO_MONTH) as { problems: string[] }).problems).toEqual([]);
    const [h2, ...b2] = m.grid(DEMO_MONTH);
    const at = (r: unknown[], name: string) => r[h2.indexOf(name)];
    const byKey = new Map(b2.map((r) => [String(at(r, 'Line key')), r]));
    const keyOf = (r: unknown[]) => String(r[col('Line key')]);
    // Auto-create mode: a contract service per contract and SKU.
    const serviceOf = (r: unknown[]) => `${String(at(r, 'PSA contract'))}|${String(at(r, 'Product/SKU'))}`;
    const target = serviceOf(byKey.get(keyOf(bumped))!);
    for (const r of b2.filter((x) => at(x, 'Source') === 'crayon' && at(x, 'Charge type') === 'recurring')) {
      if (at(r, 'Cycle') !== 'monthly') continue;
      if (serviceOf(r) === target) {
        expect([at(r, 'Difference'), String(at(r, 'Action'))]).toEqual([
          2,
          expect.stringMatching(/^Set quantity /),
        ]);
      } else expect([at(r, 'Difference'), at(r, 'Action')]).toEqual([0, 'Already in the PSA']);
    }
    for (const r of moved) {
      const end = String(r[col('Period end')]);
      expect(at(byKey.get(keyOf(r))!, 'Action')).toMatch(
        new RegExp(` from ${monthAfter(end)}-01 to ${end}$`),
      );
    }
    for (const r of kept) expect(at(byKey.get(keyOf(r))!, 'Action')).toBe('Already in the PSA');
    const chargesBefore =
      (await m.sb.admin('autotask').state<AutotaskState>()).entities.ContractCharges ?? [];
    m.call('approveRows', DEMO_MONTH, { approve: true });
    const third = m.call('pushBillingMonth', DEMO_MONTH) as { failed: number; applied: number };
    expect(third).toMatchObject({ failed: 0, applied: moved.length + 1 });
    const chargesAfter = (await m.sb.admin('autotask').state<AutotaskState>()).entities.ContractCharges ?? [];
    expect(chargesAfter.map((c) => c.id)).toEqual(chargesBefore.map((c) => c.id));
    for (const r of moved) {
      const c = chargesAfter.find((x) => x.id === ref(r));
      expect(String(c?.datePurchased)).toBe(`${String(r[col('Period end')])}T00:00:00Z`);
    }
    expect(m.call('pushBillingMonth', DEMO_MONTH)).toMatchObject({ steps: 0, applied: 0 });
  }, 240_000);
});
