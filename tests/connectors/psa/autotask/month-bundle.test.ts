/** The demo month (Pax8 + Twilio) into Autotask through the built bundle (tests/e2e/month-through-bundle). */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, deserializeState, serializeState } from '../../../../local/gas';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import {
  ADJUSTMENT_PRICE_VARIANTS,
  CONTRACT_PERIOD,
  CONTRACT_PERIOD_DEFAULT_VARIANTS,
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
 * Each case also creates contracts from the sidebar's path (Contracts: "Create contract in PSA" for a client
 * whose company has none, "Create contract for this subscription" for one of its subscriptions) under one of
 * the variants of what Autotask gives a contract created without a period type (F9), and bills that client on
 * them: every pair of the two variant sets (9 cases).
 * Set up once (refresh, pull, the edits, approving the clients the checks are about); the contracts are made
 * once per contract-period default (a snapshot its three cases share); each case pushes from its snapshot.
 */
describe('Autotask #15 done when: quarterly and monthly contracts, annual, fractional usage, a price change (bundle)', () => {
  const TAB = `Billing ${DEMO_MONTH}`;
  const quarterly = recurringContractIdOf('c01');
  let b: BundleHost;
  let workbook = '';
  let tenant: AtState;
  let posted = 0;
  let usageKey = '';
  /** The client whose company has no contract yet (its rows blocked): one customer per source. */
  let unlinked: { source: string; customerId: string; customerName: string; companyId: string }[] = [];
  let ownSubscription = '';
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

    // A company without any contract (its rows blocked), with a monthly subscription: its contracts are created
    // in each case, under its variant.
    const noContract = body.filter((r) => String(v(r, 'Action')).includes('No PSA contract is mapped'));
    const companyOf = (r: (typeof body)[number] | undefined) =>
      /\[(\d+)\]$/.exec(String(v(r, 'PSA company')))?.[1] ?? '';
    const monthly = noContract.find(
      (r) => v(r, 'Cycle') === 'monthly' && v(r, 'Charge type') === 'recurring' && companyOf(r) !== '',
    );
    if (!monthly) throw new Error('no monthly subscription without a contract');
    ownSubscription = String(v(monthly, 'Subscription'));
    const customers = new Map(
      noContract
        .filter((r) => companyOf(r) === companyOf(monthly))
        .map((r) => [
          `${String(v(r, 'Source'))}/${String(v(r, 'Customer id'))}`,
          {
            source: String(v(r, 'Source')),
            customerId: String(v(r, 'Customer id')),
            customerName: String(v(r, 'Customer')),
            companyId: companyOf(r),
          },
        ]),
    );
    // The monthly subscription's customer first: its click creates the client's contract.
    unlinked = [...customers.values()].sort(
      (a, b) =>
        Number(b.customerId === v(monthly, 'Customer id')) -
        Number(a.customerId === v(monthly, 'Customer id')),
    );
    if (unlinked.length < 2) throw new Error('no client with two sources and no contract');

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
    // Only the clients the checks are about are approved (the whole month is pushed by the test above): the
    // quarterly contract's, the seat price's, the fraction's, the posted contract's and an annual line's on
    // a fixed-price contract. Nine pushes of those stay cheap.
    const fixedPrice = new Set(t.entities.Contracts.filter((x) => x.contractType === 3).map((x) => x.id));
    const annual = body.find(
      (r) => v(r, 'Cycle') === 'annual' && fixedPrice.has(Number(contractOf(r))) && companyOf(r) !== '',
    );
    const chosen = [body.find((r) => Number(contractOf(r)) === quarterly), seat, usage, changing, annual];
    if (chosen.some((r) => !r)) throw new Error('no row for one of the checks');
    const clients = [...new Set(chosen.map((r) => String(v(r, 'Customer') || v(r, 'Customer id'))))];
    b.call('approveRows', DEMO_MONTH, { approve: true, clients });
    for (const u of t.entities.ContractServiceUnits)
      if (u.contractID === posted && String(u.endDate) >= `${DEMO_MONTH}-01`)
        u.approveAndPostDate = '2026-11-01T00:00:00Z';
    await b.sb.admin('autotask').setState(t);
    tenant = t;
    workbook = serializeState(b.host.state);
  });
  afterAll(() => b.sb.stop());

  const hostOf = (book: string) =>
    new LocalHost(new GasRuntime(deserializeState(book), { urlMap: urlMapFor(b.sb.urls) }), code);
  const callOn =
    (host: LocalHost) =>
    (fn: string, ...args: unknown[]) => {
      const r = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
      if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
      return r.result as { applied: number; failed: number; steps: number };
    };
  type Made = { contractName: string; createdContract: boolean };
  /** Per contract-period default, the workbook and tenant once the sidebar has made the contracts. */
  const contractsMade = new Map<string, { workbook: string; tenant: AtState; made: Made[] }>();
  const contractsUnder = async (periodDefault: string) => {
    const known = contractsMade.get(periodDefault);
    if (known) return known;
    const admin = b.sb.admin('autotask');
    await admin.setState({ ...tenant, variants: { contractPeriodDefault: periodDefault } });
    const host = hostOf(workbook);
    const call = callOn(host);
    // Contracts, as the sidebar does it: the client's contract (its second customer finds the same one),
    // then one subscription's own; then the client's rows are approved.
    const made = [
      ...unlinked.map((c) => call('createMissingInPsa', { ...c, month: DEMO_MONTH })),
      call('createMissingInPsa', { ...unlinked[0], month: DEMO_MONTH, subscriptionId: ownSubscription }),
    ] as unknown as Made[];
    call('approveRows', DEMO_MONTH, { approve: true, clients: [unlinked[0].customerName] });
    const done = { workbook: serializeState(host.state), tenant: await admin.state<AtState>(), made };
    contractsMade.set(periodDefault, done);
    return done;
  };

  it.each(
    ADJUSTMENT_PRICE_VARIANTS.flatMap((v) => CONTRACT_PERIOD_DEFAULT_VARIANTS.map((d) => [v, d] as const)),
  )(
    'adjustment price %s, contract period default %s: contracts created from the sidebar; converges; nothing sent into the posted period',
    async (variant, periodDefault) => {
      const admin = b.sb.admin('autotask');
      const { made, ...snapshot } = await contractsUnder(periodDefault);
      const host = hostOf(snapshot.workbook);
      const call = callOn(host);
      await admin.setState({
        ...snapshot.tenant,
        variants: { adjustmentPrice: variant, contractPeriodDefault: periodDefault },
      });
      expect(made.map((m) => m.createdContract)).toEqual([true, ...unlinked.slice(1).map(() => false), true]);
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
      // The contracts created from the sidebar bill monthly whatever Autotask defaults to, and hold the client's
      // rows: the subscription's own its service, the client's the rest (services and charges).
      const created = state.entities.Contracts.filter((c) =>
        made.some((m) => m.contractName === c.contractName),
      );
      expect(created.map((c) => c.contractPeriodType)).toEqual([
        CONTRACT_PERIOD.monthly,
        CONTRACT_PERIOD.monthly,
      ]);
      const mine = body.filter((r) => unlinked.some((c) => c.customerId === r[head.indexOf('Customer id')]));
      expect(mine.length).toBeGreaterThan(5);
      for (const r of mine)
        expect([r[head.indexOf('Line key')], statusOf(r)]).toEqual([
          r[head.indexOf('Line key')],
          expect.stringMatching(/^Pushed/),
        ]);
      const own = created.find((c) => String(c.contractName).endsWith(`Subscription ${ownSubscription}`));
      const onOwn = mine.filter((r) => r[head.indexOf('Subscription')] === ownSubscription);
      expect(onOwn.length).toBeGreaterThan(0);
      const servicesOn = (id: unknown) =>
        state.entities.ContractServices.filter((cs) => cs.contractID === id);
      expect(servicesOn(own?.id)).toHaveLength(1);
      const client = created.find((c) => c !== own);
      expect(servicesOn(client?.id).length).toBeGreaterThan(1);
      // The subscription's own contract holds its seats in October, in unit rows of one month each.
      const ownRows = state.entities.ContractServiceUnits.filter((x) => x.contractID === own?.id);
      for (const u of ownRows) expect(String(u.endDate).slice(0, 7)).toBe(String(u.startDate).slice(0, 7));
      const october = ownRows.filter((u) => String(u.startDate).startsWith(DEMO_MONTH));
      expect(october.map((u) => Number(u.units))).toEqual(
        onOwn.map((r) => Number(r[head.indexOf('Quantity')])),
      );

      await admin.clearRequests();
      const again = call('pushBillingMonth', DEMO_MONTH);
      expect((await admin.requests()).filter(isMutation)).toEqual([]);
      expect(again.applied).toBe(0);
    },
  );
});
