/** The demo month (Pax8 + Twilio) into Autotask through the built bundle (tests/e2e/month-through-bundle). */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, deserializeState, serializeState } from '../../../../local/gas';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import {
  ADJUSTMENT_PRICE_VARIANTS,
  CONTRACT_PERIOD,
  contractPeriods,
  recurringContractIdOf,
  type AtState,
} from '../../../../local/sandbox/autotask/fixture';
import { urlMapFor } from '../../../../local/workbench/vendors';
import { describeMonthThroughBundle } from '../../../e2e/month-through-bundle';
import { billableDefaults, startBundle, type BundleHost } from '../../../e2e/bundle-host';
import { isMutation } from './support';

describeMonthThroughBundle({
  psa: 'autotask',
  sources: ['pax8', 'twilio'],
  isMutation,
  contractsLinked: 20,
  // One request per entity changed.
  checkMutations: (mutations, applied) => expect(mutations).toBeGreaterThanOrEqual(applied),
});

/**
 * Issue #15's done-when, in one month through the bundle: a quarterly contract beside monthly ones, annual
 * subscriptions (on the clients' fixed-price contracts), fractional usage (more decimals than Autotask keeps)
 * and a price change push convergently — second push: no mutating request — under every sandbox variant of
 * what a price on an adjustment does; a contract whose month is approved and posted gets no adjustment.
 * Set up once (refresh, pull, approve, the edits); each variant pushes from that snapshot.
 */
describe('Autotask #15 done when: quarterly and monthly contracts, annual, fractional usage, a price change (bundle)', () => {
  const TAB = `Billing ${DEMO_MONTH}`;
  const quarterly = recurringContractIdOf('c01');
  let b: BundleHost;
  let workbook = '';
  let tenant: AtState;
  let posted = 0;
  let usageKey = '';
  const code = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'Code.js'), 'utf8');

  beforeAll(async () => {
    b = await startBundle('autotask');
    const s = await b.sb.admin('autotask').state<AtState>();
    // c01 bills per quarter: its unit rows follow the quarter (as periods.test.ts builds them).
    const c = s.entities.Contracts.find((x) => x.id === quarterly);
    if (!c) throw new Error('no c01 contract');
    c.contractPeriodType = CONTRACT_PERIOD.quarterly;
    const byService = new Map<unknown, Record<string, unknown>>();
    for (const u of s.entities.ContractServiceUnits)
      if (u.contractID === quarterly) byService.set(u.contractServiceID, u);
    s.entities.ContractServiceUnits = s.entities.ContractServiceUnits.filter(
      (u) => u.contractID !== quarterly,
    );
    let id = 990_000;
    for (const u of byService.values())
      for (const p of contractPeriods(String(c.startDate), String(c.endDate), 3))
        s.entities.ContractServiceUnits.push({ ...u, ...p, id: ++id });
    await b.sb.admin('autotask').setState(s);

    b.call('refreshClients');
    billableDefaults(b);
    b.call('pullBillingMonth', DEMO_MONTH);
    b.call('approveRows', DEMO_MONTH, { approve: true });

    // Edits on the grid: a seat price changed, a usage quantity with more decimals than Autotask keeps.
    const sheet = b.sheet(TAB);
    const head = (sheet.rows[0] ?? []).map((x) => x?.v);
    const col = (h: string) => head.indexOf(h);
    const body = sheet.rows.slice(1);
    const v = (r: (typeof body)[number] | undefined, h: string) => r?.[col(h)]?.v;
    const seat = body.find(
      (r) =>
        v(r, 'Charge type') === 'recurring' &&
        String(v(r, 'Action')).startsWith('Already') &&
        !String(v(r, 'PSA contract')).endsWith(`[${quarterly}]`),
    );
    const usage = body.find(
      (r) => v(r, 'Charge type') === 'usage' && String(v(r, 'Action')).startsWith('Add'),
    );
    const seatPrice = seat?.[col('Unit price')];
    const usageQty = usage?.[col('Quantity')];
    if (!seatPrice || !usageQty) throw new Error('no seat or usage row to edit');
    seatPrice.v = Number(seatPrice.v) + 1.25;
    usageQty.v = 12.345678;
    usageKey = String(v(usage, 'Line key'));

    // Another monthly contract's October is approved and posted (every service).
    const t = await b.sb.admin('autotask').state<AtState>();
    const contractOf = (r: (typeof body)[number] | undefined) =>
      /\[(\d+)\]$/.exec(String(v(r, 'PSA contract')))?.[1];
    const changing = body.find(
      (r) =>
        String(v(r, 'Action')).startsWith('Set quantity') &&
        r !== seat &&
        Number(contractOf(r)) !== quarterly &&
        Number(contractOf(r)) !== Number(contractOf(seat)),
    );
    posted = Number(contractOf(changing));
    if (!posted) throw new Error('no other contract with a quantity change');
    for (const u of t.entities.ContractServiceUnits)
      if (u.contractID === posted && String(u.endDate) >= `${DEMO_MONTH}-01`)
        u.approveAndPostDate = '2026-11-01T00:00:00Z';
    await b.sb.admin('autotask').setState(t);
    tenant = t;
    workbook = serializeState(b.host.state);
  });
  afterAll(() => b.sb.stop());

  it.each(ADJUSTMENT_PRICE_VARIANTS)(
    'variant %s: converges; nothing sent into the posted period',
    async (variant) => {
      const host = new LocalHost(
        new GasRuntime(deserializeState(workbook), { urlMap: urlMapFor(b.sb.urls) }),
        code,
      );
      const call = (fn: string, ...args: unknown[]) => {
        const r = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
        if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
        return r.result as { applied: number; failed: number; steps: number };
      };
      const admin = b.sb.admin('autotask');
      await admin.setState({ ...tenant, variants: { adjustmentPrice: variant } });
      await admin.clearRequests();
      const first = call('pushBillingMonth', DEMO_MONTH);
      const sent = (await admin.requests()).filter(isMutation);
      expect(first.applied).toBeGreaterThan(10);
      // Nothing refused (a posted period, a 0-unit adjustment, a rounding) and nothing aimed at the posted contract.
      expect(sent.filter((r) => r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);
      const toPosted = sent.filter(
        (r) => /ContractServiceAdjustments/.test(r.path) && JSON.parse(r.body).contractID === posted,
      );
      expect(toPosted).toEqual([]);
      const rows = (host.state.spreadsheets[0].sheets.find((s) => s.name === TAB)?.rows ?? []).map((r) =>
        (r ?? []).map((x) => String(x?.v ?? '')),
      );
      const [head, ...body] = rows;
      const failed = body.filter((r) => r[head.indexOf('Status')].startsWith('Failed'));
      expect(failed.length).toBeGreaterThan(0);
      for (const r of failed) {
        expect(r[head.indexOf('PSA contract')]).toMatch(new RegExp(`\\[${posted}\\]$`));
        expect(r[head.indexOf('Status')]).toMatch(/approved and posted/);
      }
      expect(first.failed).toBe(failed.length);
      // The quarterly contract's rows, the annual lines (charges on fixed-price contracts) and the fraction landed.
      const statusOf = (r: string[]) => r[head.indexOf('Status')];
      const onQuarterly = body.filter(
        (r) =>
          r[head.indexOf('PSA contract')].endsWith(`[${quarterly}]`) &&
          r[head.indexOf('Approved')] === 'true',
      );
      expect(onQuarterly.length).toBeGreaterThan(0);
      for (const r of onQuarterly) expect(statusOf(r)).toMatch(/^(Pushed|Up to date)/);
      const state = await admin.state<AtState>();
      const fixedPrice = new Set(
        state.entities.Contracts.filter((c) => c.contractType === 3).map((c) => c.id),
      );
      expect(state.entities.ContractCharges.some((ch) => fixedPrice.has(ch.contractID))).toBe(true);
      const fraction = state.entities.ContractCharges.find((ch) => String(ch.name).includes(usageKey));
      // Autotask keeps 4 decimals: 12.3457 × the price, or 1 × the amount with the line's figures described.
      expect(
        Number(fraction?.unitQuantity) === 12.3457 || String(fraction?.description).startsWith('12.345678 ×'),
      ).toBe(true);

      await admin.clearRequests();
      const again = call('pushBillingMonth', DEMO_MONTH);
      expect((await admin.requests()).filter(isMutation)).toEqual([]);
      expect(again.applied).toBe(0);
    },
  );
});
