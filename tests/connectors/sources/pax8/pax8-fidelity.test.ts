/**
 * Pax8 as it really behaves (findings P1, P2, P3, P6, P7, P9 of the sources review; see SOURCES.md):
 * each case is a sandbox behaviour first, then what the connector must do with it.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { realisticFixture, type Pax8Fixture } from '../../../../local/sandbox/pax8/fixture';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { createPax8Source, pax8HttpPolicy } from '../../../../src/connectors/sources/pax8';
import { extendedCents, sumToCents, toMicros } from '../../../../src/core/money';
import type { BillingPeriod } from '../../../../src/core/source';
import { SourceError } from '../../../../src/core/source';
import { stopGasHttp, testHttp } from '../support/gas-http';

const PERIOD: BillingPeriod = { month: DEMO_MONTH, start: '2026-10-01', end: '2026-10-31' };
const VARIANTS = ['omit-content', 'empty-array'] as const;

describe('Pax8 as it really behaves', () => {
  let sb: RunningSandboxes;
  const real = realisticFixture();

  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'pax8', name: 'pax8-real', fixture: real }]);
  });
  afterAll(async () => {
    await sb.stop();
    await stopGasHttp();
  });
  beforeEach(async () => {
    await sb.admin('pax8-real').reset();
  });

  const admin = () => sb.admin('pax8-real');
  async function withState(patch: Partial<Pax8Fixture>): Promise<void> {
    const state = await admin().state<Pax8Fixture>();
    await admin().setState({ ...state, ...patch });
  }
  function source(extra: Record<string, unknown> = {}) {
    const t = testHttp(pax8HttpPolicy(), {
      'https://api.pax8.com': sb.urls['pax8-real'],
      'https://token-manager.pax8.com': sb.urls['pax8-real'],
    });
    return createPax8Source(
      { clientId: real.clients[0].clientId, clientSecret: real.clients[0].clientSecret, ...extra },
      t.http,
    );
  }
  function pullError(src: ReturnType<typeof source>, period = PERIOD): Error {
    try {
      src.pullPeriod(period);
    } catch (e) {
      expect(e).toBeInstanceOf(SourceError);
      return e as Error;
    }
    throw new Error('the pull did not fail');
  }

  const bobo = real.companies.find((c) => c.billOnBehalfOfEnabled)!;
  /** What the MSP must bill: every item Pax8 does not bill itself. */
  const billable = real.items.filter((i) => !i.billedByPax8);

  it('P1: leaves out, and reports, every item Pax8 bills to a bill-on-behalf client itself', () => {
    const r = source().pullPeriod(PERIOD);
    expect(r.lines.some((l) => l.customerId === bobo.id)).toBe(false);
    const boboItems = real.items.filter((i) => i.companyId === bobo.id);
    expect(boboItems.length).toBe(2);
    for (const item of boboItems) {
      expect(r.problems).toContainEqual({
        customerId: bobo.id,
        customerName: bobo.name,
        recordId: item.id,
        message:
          'Pax8 invoice item not billed: billed by Pax8 directly to the client (billedByPax8), so not billed again',
      });
    }
  });

  it('P1: a bill-on-behalf company is not billed even where an item does not say billedByPax8', async () => {
    const state = await admin().state<Pax8Fixture>();
    await admin().setState({
      ...state,
      items: state.items.map((i) => (i.companyId === bobo.id ? { ...i, billedByPax8: false } : i)),
    });
    const r = source().pullPeriod(PERIOD);
    expect(r.lines.some((l) => l.customerId === bobo.id)).toBe(false);
    expect(r.problems.filter((p) => p.customerId === bobo.id).map((p) => p.message)).toEqual([
      'Pax8 invoice item not billed: the company is bill-on-behalf (Pax8 invoices the client directly), so not billed again',
      'Pax8 invoice item not billed: the company is bill-on-behalf (Pax8 invoices the client directly), so not billed again',
    ]);
  });

  it("P9: flat, volume and tiered items reach the PSA at Pax8's total (quantity × unit price = total to the cent)", () => {
    const r = source().pullPeriod(PERIOD);
    const bySku = new Map(r.lines.map((l) => [l.sku, l]));
    expect(bySku.get('ACR-BKP-FLAT')).toMatchObject({ quantity: 25, unitPrice: 4, total: 100 });
    expect(bySku.get('ACR-M365-VOL')).toMatchObject({ quantity: 40, unitPrice: 2.6, total: 104 });
    expect(bySku.get('ACR-STO-TIER')).toMatchObject({ quantity: 30, total: 125 });
    expect(bySku.get('ACR-BKP-FLAT')!.description).toContain('flat price: 100 for 25');
    // What a PSA invoices (quantity × unit price, rounded to cents) is Pax8's total, for every line.
    for (const l of r.lines) {
      const item = real.items.find((i) => i.id === l.recordId)!;
      expect(extendedCents(l.quantity, l.unitPrice)).toBe(toMicros(item.total) / 10_000n);
    }
  });

  it('P9: an item whose total cannot be quantity × a unit price to the cent is refused with a reason, not mis-billed', async () => {
    const state = await admin().state<Pax8Fixture>();
    const flat = state.items.find((i) => i.sku === 'ACR-BKP-FLAT')!;
    await admin().setState({
      ...state,
      items: state.items.map((i) => (i.id === flat.id ? { ...i, quantity: 3_000_000, total: 0.01 } : i)),
    });
    const r = source().pullPeriod(PERIOD);
    expect(r.lines.some((l) => l.recordId === flat.id)).toBe(false);
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        recordId: flat.id,
        message:
          "Pax8 invoice item skipped: Pax8's total 0.01 for quantity 3000000 cannot be billed as quantity × a unit price to the cent; bill this item by hand",
      }),
    );
  });

  it('P3: a list Pax8 answers without `content` is an empty list, not an unreadable response', async () => {
    for (const emptyList of VARIANTS) {
      await withState({ subscriptions: [], variants: { emptyList } });
      const res = await fetch(`${sb.urls['pax8-real']}/v1/subscriptions`, {
        headers: { Authorization: `Bearer ${await tokenFor()}` },
      });
      const body = (await res.json()) as Record<string, unknown>;
      expect('content' in body).toBe(emptyList === 'empty-array');
      const r = source().pullPeriod(PERIOD);
      expect(r.lines).toHaveLength(billable.length);
      expect(r.problems.every((p) => p.message.includes('not billed'))).toBe(true);
    }
  });

  it('P2: before Pax8 issues the month’s invoice (around the 5th) the pull says so; from then on it bills', async () => {
    for (const emptyList of VARIANTS) {
      await withState({ today: '2026-10-04', variants: { emptyList } });
      expect(pullError(source()).message).toBe(
        "Pax8 has no invoice dated 2026-10-01 to 2026-10-31 yet (Pax8 dates a month's invoice the 1st and issues it around the 5th); pull 2026-10 again once Pax8 has issued it",
      );
      await withState({ today: '2026-10-05', variants: { emptyList } });
      expect(source().pullPeriod(PERIOD).lines).toHaveLength(billable.length);
    }
  });

  it('P7: a record served on two pages becomes one line and is reported; a record lost between pages fails the pull', async () => {
    const size = { pageSize: 4 };
    await withState({ variants: { paging: 'stable' } });
    const stable = source(size).pullPeriod(PERIOD);
    expect(stable.lines).toHaveLength(billable.length);

    await withState({ variants: { paging: 'repeat' } });
    const repeat = source(size).pullPeriod(PERIOD);
    const ids = repeat.lines.map((l) => l.recordId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(stable.lines.map((l) => l.recordId).sort());
    expect(sumToCents(repeat.lines.map((l) => l.total))).toBe(sumToCents(billable.map((i) => i.total)));
    expect(repeat.problems.filter((p) => /twice while paging/.test(p.message)).length).toBeGreaterThan(0);

    await withState({ variants: { paging: 'shifting' } });
    expect(pullError(source(size)).message).toMatch(
      /^Pax8 changed the (companies|subscriptions|invoices|items of invoice \S+) while BillGrid was paging through them \(\d+ distinct records read, \d+ announced\); nothing from Pax8 was billed, pull again$/,
    );
  });

  it('P6: Azure under its real SKU families — MST-AZR… and AZR-ARR-… are consumption, MST-ARI… reserved instances are not', () => {
    const r = source().pullPeriod(PERIOD);
    const tagged = (sku: string) => r.lines.find((l) => l.sku === sku)?.tags?.includes('azure') ?? false;
    expect(tagged('AZR-ARR-USAGE')).toBe(true);
    expect(tagged('MST-AZR-0145P')).toBe(true);
    expect(r.lines.some((l) => l.sku === 'MST-ARI-D2SV3-1Y')).toBe(true);
    expect(tagged('MST-ARI-D2SV3-1Y')).toBe(false);
  });

  it('bills each billable item exactly once at its vendor total, whatever the paging', async () => {
    for (const paging of ['stable', 'repeat'] as const) {
      await withState({ variants: { paging } });
      const r = source({ pageSize: 3 }).pullPeriod(PERIOD);
      expect(r.lines.map((l) => l.recordId).sort()).toEqual(billable.map((i) => i.id).sort());
      for (const l of r.lines) {
        expect(l.total).toBe(billable.find((i) => i.id === l.recordId)!.total);
      }
    }
  });

  async function tokenFor(): Promise<string> {
    const res = await fetch(`${sb.urls['pax8-real']}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: real.clients[0].clientId,
        client_secret: real.clients[0].clientSecret,
        audience: 'https://api.pax8.com',
        grant_type: 'client_credentials',
      }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }
});
