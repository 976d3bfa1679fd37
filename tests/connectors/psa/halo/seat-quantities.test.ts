/**
 * Recurring seat lines as quantity targets (issue #16 item 2): a client billed to a chosen recurring
 * invoice has its recurring seats there as ONE line per item whose quantity BillGrid keeps (key
 * `BGQ-<item>` in comment_1), not a new charge each month. Through core's resolver, reconcile and push plan
 * (with the connector's own capabilities) against the sandbox, whose recurring invoice generates each
 * period's invoice (POST /RecurringInvoice/process): a seat change 10 → 12 updates the line in place, each
 * generated invoice bills the seats then in force and the month's usage once, a re-run plans nothing, and
 * a seat line whose key was stripped in Halo is reported, never doubled. Under every line-key variant
 * (kept, left out of list views, not kept at all: then the Ledger's recorded line id recognises it).
 */
import {
  startSandboxes,
  type LoggedRequest,
  type RunningSandboxes,
} from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS, type HaloVariant } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { createHaloTarget, policy } from '../../../../src/connectors/psa/halo';
import { descriptor } from '../../../../src/connectors/psa/halo/descriptor';
import type { RawBillingLine } from '../../../../src/core/billing-line';
import { assignLineKeys } from '../../../../src/core/line-key';
import type { Mappings } from '../../../../src/core/mapping';
import type { PsaReadScope, StepOutcome } from '../../../../src/core/psa';
import { buildPushPlan, keyedStep, type PushPlan } from '../../../../src/core/push-plan';
import { reconcile, type ReconcileAction } from '../../../../src/core/reconcile';
import { DEFAULT_SETTINGS, type BillingSettings } from '../../../../src/core/settings';
import { mappingTargetResolver } from '../../../../src/core/targets';
import { HaloSpec } from './support/halo-openapi';
import { TENANT_URL, testHttp } from './support/http';
import { CODES } from './support/scenario';

const RECURRING = -90; // Acme Dental Group's recurring invoice (client 101) in the demo fixture
const EXO = 3; // the Halo item 'Exchange Online (Plan 1)', SKU MS-EXO-P1: not on the recurring invoice yet
const USAGE = 5; // 'Voice & SMS usage'

const capabilities = descriptor.capabilities;
const mappings: Mappings = {
  clients: [
    {
      source: 'pax8',
      customerId: 'px-acme',
      customerName: 'Acme Dental Group, LLC',
      companyId: '101',
      status: 'confirmed',
      score: null,
    },
  ],
  products: [
    { source: 'pax8', sku: 'MS-EXO-P1', productId: String(EXO), status: 'confirmed' },
    { source: 'pax8', sku: 'twilio-usage', productId: String(USAGE), status: 'confirmed' },
  ],
  contracts: [],
};
const settings: BillingSettings = {
  global: { ...DEFAULT_SETTINGS, invoiceBehaviour: 'latest', codes: CODES },
  sources: {},
  clients: { '101': { invoiceBehaviour: 'recurring', targetInvoiceId: `recurring:${RECURRING}` } },
};

const MONTHS = {
  '2026-10': { name: 'October', end: '2026-10-31' },
  '2026-11': { name: 'November', end: '2026-11-30' },
  '2026-12': { name: 'December', end: '2026-12-31' },
} as const;
type Month = keyof typeof MONTHS;

/** The month as pulled: the client's Exchange seats, and (optionally) its usage, billed once. */
function monthLines(month: Month, seats: number, usage?: number) {
  const m = MONTHS[month];
  const base = {
    source: 'pax8',
    customerId: 'px-acme',
    customerName: 'Acme Dental Group, LLC',
    periodStart: `${month}-01`,
    periodEnd: m.end,
    cycle: 'monthly',
    currency: 'USD',
    effectiveDate: `${month}-01`,
    orderId: '',
  } as const;
  const raw: RawBillingLine[] = [
    {
      ...base,
      subscriptionId: 'sub-exo',
      sku: 'MS-EXO-P1',
      productName: 'Exchange Online (Plan 1)',
      description: `Exchange Online (Plan 1) - ${m.name} 2026`,
      chargeType: 'recurring',
      quantity: seats,
      unitPrice: 4,
      unitCost: 3.4,
      total: seats * 4,
    },
  ];
  if (usage !== undefined)
    raw.push({
      ...base,
      subscriptionId: 'sub-voice',
      sku: 'twilio-usage',
      productName: 'Voice & SMS usage',
      description: `Voice & SMS usage - ${m.name} 2026`,
      chargeType: 'usage',
      quantity: usage,
      unitPrice: 0.5,
      unitCost: 0.3,
      total: usage * 0.5,
    });
  return assignLineKeys(raw).lines;
}

const isMutation = (r: LoggedRequest) => r.method !== 'GET' && r.path.toLowerCase().startsWith('/api/');

describe('HaloPSA recurring seat lines are quantity targets on the recurring invoice', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('halo').reset());

  const admin = () => sb.admin('halo');
  const state = () => admin().state<HaloState>();
  const patch = async (f: (s: HaloState) => void) => {
    const s = await state();
    f(s);
    await admin().setState(s);
  };
  const template = (s: HaloState) =>
    s.recurringInvoices.find((r) => r.id === RECURRING) as HaloState['invoices'][number];
  const exoLines = (lines: HaloState['invoices'][number]['lines']) => lines.filter((l) => l._itemid === EXO);

  /**
   * One push as the month job makes it: resolve, read the PSA, reconcile, plan every line approved, apply.
   * `known` is the grid's PSA references (the Ledger's line ids), carried between pushes.
   */
  function push(
    lines: ReturnType<typeof monthLines>,
    known: Record<string, string>,
  ): { actions: ReconcileAction[]; plan: PushPlan; outcomes: StepOutcome[] } {
    const t = testHttp(policy, sb.urls.halo);
    const target = createHaloTarget(
      { baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS },
      t.http,
      { now: t.now, integrationName: 'Pax8' },
    );
    const resolver = mappingTargetResolver(mappings, settings);
    const scope: PsaReadScope = {
      periodStart: lines[0].periodStart,
      periodEnd: lines[0].periodEnd,
      companyIds: [],
      contractIds: [],
      lineKeys: [],
      knownIds: { ...known },
    };
    for (const l of lines) {
      const r = resolver.resolve(l, capabilities);
      if (!r.ok) throw new Error(r.message);
      scope.companyIds.push(r.companyId);
      if (r.ref.kind === 'quantity') scope.contractIds.push(r.ref.contractId);
      else {
        scope.contractIds.push(r.ref.container);
        scope.lineKeys.push(l.key);
      }
    }
    const { actions } = reconcile({
      lines,
      state: target.readBilling(scope),
      resolver,
      capabilities,
      psaCurrency: null,
    });
    const plan = buildPushPlan(actions, new Set(lines.map((l) => l.key)), capabilities.chargeContainer);
    const outcomes = plan.steps.length ? target.applyAll(plan.steps.map(keyedStep)) : [];
    outcomes.forEach((o, i) => {
      if (o.status !== 'failed') for (const k of plan.steps[i].lineKeys) known[k] = o.psaId;
    });
    return { actions, plan, outcomes };
  }

  /** What Halo's scheduler does each period: the recurring invoice generates the next invoice. */
  async function generate(): Promise<HaloState['invoices'][number]> {
    const token = await fetch(`${sb.urls.halo}/auth/token?tenant=northwind`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${DEMO_CREDENTIALS.clientId}&client_secret=${DEMO_CREDENTIALS.clientSecret}`,
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const res = await fetch(`${sb.urls.halo}/api/RecurringInvoice/process`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify([RECURRING]),
    });
    return ((await res.json()) as HaloState['invoices'])[0];
  }

  describe.each(['kept', 'dropped-on-list', 'dropped'] as const)('line key %s', (lineKey) => {
    it('seats 10 → 12 update the one line in place; each generated invoice bills its seats and its own usage once; a re-run plans nothing', async () => {
      await patch((s) => (s.variant = { ...s.variant, lineKey } satisfies HaloVariant));
      const spec = new HaloSpec();
      const known: Record<string, string> = {};
      const periods: [Month, number, number][] = [
        ['2026-10', 10, 100],
        ['2026-11', 12, 120],
        ['2026-12', 12, 90],
      ];
      const generated: HaloState['invoices'] = [];
      const reads: number[] = [];
      let seatLineId = '';
      for (const [month, seats, usage] of periods) {
        const lines = monthLines(month, seats, usage);
        await admin().clearRequests();
        const first = push(lines, known);
        // The seats and the usage go in the recurring invoice's ONE write (no request of their own).
        const sent = await admin().requests();
        expect(sent.filter(isMutation).map((r) => `${r.method} ${r.path}`)).toEqual([
          'POST /api/RecurringInvoice',
        ]);
        reads.push(sent.filter((r) => r.method === 'GET').length);
        const seatStep = first.plan.steps.find((s) => s.ref.kind === 'quantity');
        if (month === '2026-10') expect(seatStep?.operation).toBe('create-quantity');
        else if (month === '2026-11') {
          expect(seatStep).toMatchObject({
            operation: 'set-quantity',
            before: { quantity: 10 },
            after: { quantity: 12 },
            psaId: seatLineId,
          });
        } else expect(seatStep).toBeUndefined(); // seats unchanged: only the usage goes
        expect(first.outcomes.filter((o) => o.status !== 'applied')).toEqual([]);
        const seatOutcome = first.outcomes[first.plan.steps.findIndex((s) => s.ref.kind === 'quantity')];
        if (seatOutcome?.status === 'applied') {
          if (seatLineId) expect(seatOutcome.psaId).toBe(seatLineId);
          seatLineId = seatOutcome.psaId;
        }
        expect(seatLineId).toMatch(/^\d+$/);

        // The recurring invoice holds ONE line for the item, a seat line (not a one-time charge).
        const exo = exoLines(template(await state()).lines);
        expect(exo.map((l) => [l.id, l.qty_order, l.onetimecharge === true])).toEqual([
          [Number(seatLineId), seats, false],
        ]);
        if (lineKey !== 'dropped') expect(exo[0].comment_1).toBe(`BGQ-${EXO}`);

        // A re-run plans nothing and sends no change.
        await admin().clearRequests();
        const again = push(lines, known);
        expect(again.actions.filter((a) => a.action !== 'none')).toEqual([]);
        expect(again.plan.steps).toEqual([]);
        const log = await admin().requests();
        expect(log.filter(isMutation)).toEqual([]);
        expect(log.flatMap((r) => spec.check(r))).toEqual([]);

        generated.push(await generate());
        // After the period's invoice is generated, still nothing to do.
        expect(push(lines, known).plan.steps).toEqual([]);
      }
      // Reads per push, compare and apply (docs/PERFORMANCE.md): /api/authinfo, the client list (tax),
      // the recurring invoices' list, the catalogue (the seat item's SKU), the invoice afresh before its write.
      expect(reads).toEqual([5, 5, 5]);
      // Each generated invoice: the seats in force (the seat line names no month: it is the template's) and
      // its own month's usage once.
      expect(
        generated.map((inv) =>
          inv.lines
            .filter((l) => l._itemid === EXO || l._itemid === USAGE)
            .map((l) => [l.item_longdescription, l.qty_order]),
        ),
      ).toEqual([
        [
          ['Exchange Online (Plan 1)', 10],
          ['Voice & SMS usage - October 2026', 100],
        ],
        [
          ['Exchange Online (Plan 1)', 12],
          ['Voice & SMS usage - November 2026', 120],
        ],
        [
          ['Exchange Online (Plan 1)', 12],
          ['Voice & SMS usage - December 2026', 90],
        ],
      ]);
    });
  });

  it('a seat line whose key was stripped in Halo is reported, not added again; with its recorded line id it is recognised and its key restored', async () => {
    const known: Record<string, string> = {};
    push(monthLines('2026-10', 10), known);
    const id = exoLines(template(await state()).lines)[0].id;
    await patch((s) => {
      for (const l of exoLines(template(s).lines)) delete l.comment_1;
    });

    // No recorded id (a grid that lost its PSA references): the look-alike line is not taken, nor doubled.
    await admin().clearRequests();
    const blind = push(monthLines('2026-11', 12), {});
    expect(blind.plan.steps.map((s) => s.operation)).toEqual(['create-quantity']);
    expect(blind.outcomes).toEqual([
      expect.objectContaining({
        status: 'failed',
        retryable: false,
        message: expect.stringMatching(
          new RegExp(
            `already has a line for Exchange Online \\(Plan 1\\) without BillGrid's key \\(line ${id}, quantity 10\\)`,
          ),
        ),
      }),
    ]);
    expect((await admin().requests()).filter(isMutation)).toEqual([]);
    expect(exoLines(template(await state()).lines).map((l) => [l.id, l.qty_order])).toEqual([[id, 10]]);

    // With the Ledger's line id: that line is the seat line; 12 seats set on it, the key written back.
    const known12 = push(monthLines('2026-11', 12), known);
    expect(known12.outcomes.map((o) => o.status)).toEqual(['applied']);
    expect(exoLines(template(await state()).lines).map((l) => [l.id, l.qty_order, l.comment_1])).toEqual([
      [id, 12, `BGQ-${EXO}`],
    ]);
    expect(push(monthLines('2026-11', 12), {}).plan.steps).toEqual([]);
  });

  it('a seat line staff deactivated is left alone with the reason', async () => {
    const known: Record<string, string> = {};
    push(monthLines('2026-10', 10), known);
    await patch((s) => {
      for (const l of exoLines(template(s).lines)) l.isinactive = true;
    });
    await admin().clearRequests();
    const out = push(monthLines('2026-11', 12), known);
    expect(out.outcomes).toEqual([
      expect.objectContaining({ status: 'failed', message: expect.stringMatching(/deactivated in HaloPSA/) }),
    ]);
    expect((await admin().requests()).filter(isMutation)).toEqual([]);
  });
});
