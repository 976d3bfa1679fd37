/**
 * The ConnectWise connector against its stateful sandbox, through the real HTTP path (RetryingHttpClient over
 * the emulator's UrlFetchApp), under every paging variant and both proration policies: lists past one page,
 * a month of quantity and charge steps pushed convergently (the second push sends no mutating request),
 * a crash after each mutating request converging on re-run, malformed records reported per record, the
 * throttle, field limits, create-missing, and credentials never in a message.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  DEMO_CLIENT_ID,
  PAGING_VARIANTS,
  agreementIdOf,
  companyIdOf,
  demoFixture,
  type CwState,
  type CwVariants,
  type Rec,
} from '../../../../local/sandbox/connectwise/fixture';
import type { PushStep, StepOutcome } from '../../../../src/core/psa';
import { CREDENTIALS, chargeStep, connect, isMutation, key, quantityStep } from './support';

const ACME = companyIdOf('c01');
const ACME_AG = agreementIdOf('c01');
const BLUE = companyIdOf('c03');
const BLUE_AG = agreementIdOf('c03');
const CREST = companyIdOf('c05');
const CREST_AG = agreementIdOf('c05');
const TEMPLATE = '501';

async function started(fixture: CwState): Promise<RunningSandboxes> {
  return startSandboxes([{ kind: 'connectwise', fixture }]);
}

const additionsOf = (s: CwState, agreementId: number) =>
  s.additions.filter((a) => a.agreementId === agreementId) as Array<
    Rec & {
      product: { id: number };
      quantity: number;
      cancelledDate: string | null;
      invoiceDescription: string;
    }
  >;

/** A month of steps on the demo site: change, add (existing and new product), cancel, two charges. */
function monthSteps(s: CwState): PushStep[] {
  const acme = additionsOf(s, ACME_AG)[0];
  const blue = additionsOf(s, BLUE_AG)[0];
  return [
    quantityStep(ACME, ACME_AG, String(acme.product.id), acme.quantity + 3, 26.4, 23.76),
    quantityStep(ACME, ACME_AG, 'new:MST-AZR-PLAN', 2, 1, 0.85, {
      itemCode: TEMPLATE,
      productName: 'Azure plan',
    }),
    quantityStep(BLUE, BLUE_AG, String(blue.product.id), 0, 12.5, 11.25),
    quantityStep(CREST, CREST_AG, '507', 4, 3.5, 2.1),
    chargeStep(ACME, ACME_AG, key(0xc1), 'new:TWILIO-VOICE', 1534, 0.02, { itemCode: TEMPLATE }),
    chargeStep(BLUE, BLUE_AG, key(0xc2), '510', 1, 150, { effectiveDate: '2026-10-17' }),
  ];
}

/** What ConnectWise bills, without ids it happened to hand out (a re-run may create in another order). */
function project(s: CwState): unknown {
  const itemOf = new Map(s.catalog.map((c) => [c.id, String(c.identifier)]));
  const strip = ({ id: _id, ...r }: Rec) => r;
  const sort = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
  return {
    catalog: sort(s.catalog.map(strip)),
    additions: sort(
      s.additions.map((a) => {
        const { product, ...rest } = strip(a) as Record<string, unknown> & { product: { id: number } };
        return { ...rest, product: itemOf.get(product.id) };
      }),
    ),
  };
}

const statuses = (o: StepOutcome[]) => o.map((x) => x.status);

describe.each(
  PAGING_VARIANTS.flatMap((paging) =>
    (['update', 'prorate'] as const).map(
      (proration) => [`${paging} / ${proration}`, paging, proration] as const,
    ),
  ),
)('ConnectWise connector, %s', (_label, paging, proration) => {
  let sb: RunningSandboxes;
  const fixture = demoFixture({ paging } as Partial<CwVariants>);
  beforeAll(async () => {
    sb = await started(fixture);
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('connectwise').reset());

  const cw = () => connect(sb.urls.connectwise, { proration }).target;
  const state = async () => (await sb.admin('connectwise').state()) as CwState;
  const mutations = async () => (await sb.admin('connectwise').requests()).filter(isMutation);

  it('pushes a month, reads it back as pushed, and a second push sends no mutating request', async () => {
    const steps = monthSteps(await state());
    const first = cw().applyAll(steps);
    expect(first.map((o) => (o.status === 'failed' ? o.message : o.status))).toEqual(
      steps.map(() => 'applied'),
    );
    expect((await mutations()).length).toBeGreaterThanOrEqual(steps.length);

    const s = await state();
    const acme = additionsOf(s, ACME_AG);
    const azure = s.catalog.find((c) => c.identifier === 'MST-AZR-PLAN')!;
    expect(azure).toMatchObject({
      integrationXRef: 'billgrid:MST-AZR-PLAN',
      subcategory: { id: 31 },
      type: { id: 41 },
    });
    expect(acme.filter((a) => a.product.id === azure.id && !a.cancelledDate).map((a) => a.quantity)).toEqual([
      2,
    ]);
    // Cancelled, not deleted: the billed history stays.
    const blueFirst = additionsOf(fixture, BLUE_AG)[0];
    expect(additionsOf(s, BLUE_AG).find((a) => a.id === blueFirst.id)).toMatchObject({
      cancelledDate: '2026-10-01T00:00:00Z',
    });
    // The usage line is billed once: its month only, the line key in its invoice description.
    expect(acme.find((a) => a.invoiceDescription.includes(key(0xc1)))).toMatchObject({
      quantity: 1534,
      effectiveDate: '2026-10-01T00:00:00Z',
      cancelledDate: '2026-11-01T00:00:00Z',
      billCustomer: 'Billable',
    });

    const scope = {
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: [ACME, BLUE, CREST].map(String),
      contractIds: [ACME_AG, BLUE_AG, CREST_AG].map(String),
      lineKeys: [key(0xc1), key(0xc2)],
    };
    const read = cw().readBilling(scope);
    for (const st of steps) {
      if (st.ref.kind === 'quantity') {
        const ref = st.ref;
        const q = read.quantities.find(
          (x) => x.ref.contractId === ref.contractId && x.ref.productId === ref.productId,
        );
        expect({ product: ref.productId, quantity: q?.quantity ?? 0 }).toEqual({
          product: ref.productId,
          quantity: st.after.quantity,
        });
      } else {
        const lineKey = st.ref.lineKey;
        expect(read.charges.find((c) => c.ref.lineKey === lineKey)).toMatchObject({
          quantity: st.after.quantity,
        });
      }
    }

    await sb.admin('connectwise').clearRequests();
    const second = cw().applyAll(steps);
    expect(statuses(second)).toEqual(steps.map(() => 'unchanged'));
    expect(await mutations()).toEqual([]);
  });

  it('converges after a crash following each mutating request (the server acted, the answer was lost)', async () => {
    const steps = monthSteps(await state());
    cw().applyAll(steps);
    const clean = project(await state());
    const sent = await mutations();
    const methods = [...new Set(sent.map((r) => r.method))];
    expect(methods.sort()).toEqual(['PATCH', 'POST']);
    let crashes = 0;
    for (const method of methods) {
      const n = sent.filter((r) => r.method === method).length;
      for (let k = 0; k < n; k++) {
        await sb.admin('connectwise').reset();
        await sb.admin('connectwise').faults([{ match: { method }, after: k, dropAfterHandling: true }]);
        const crashed = cw().applyAll(steps);
        // A lost answer fails its step (retryable), or is absorbed in the same run: a catalog item whose
        // create answer was lost is looked up again before the step gives up.
        const failed = crashed.filter((o) => o.status === 'failed');
        for (const f of failed) if (f.status === 'failed') expect(f.retryable).toBe(true);
        crashes += failed.length;
        const rerun = cw().applyAll(steps);
        expect(rerun.filter((o) => o.status === 'failed')).toEqual([]);
        expect(project(await state())).toEqual(clean);
      }
    }
    expect(crashes).toBeGreaterThan(0);
  });
});

describe('ConnectWise connector: paging, problems, limits, throttle, create-missing, secrets', () => {
  let sb: RunningSandboxes;
  const big = (paging: CwVariants['paging']): CwState => {
    const f = demoFixture({ paging });
    for (let i = 0; i < 2300; i++)
      f.companies.push({
        id: 10_000 + i,
        identifier: `Bulk${i}`,
        name: `Bulk client ${i}`,
        deletedFlag: false,
      });
    return f;
  };

  afterEach(() => sb?.stop());

  it.each(PAGING_VARIANTS)('lists past one page (%s)', async (paging) => {
    sb = await started(big(paging));
    const companies = connect(sb.urls.connectwise).target.listCompanies();
    expect(companies.length).toBe(demoFixture().companies.length + 2300);
    expect(new Set(companies.map((c) => c.id)).size).toBe(companies.length);
    const gets = (await sb.admin('connectwise').requests()).filter((r) =>
      r.path.endsWith('/company/companies'),
    );
    // Three full-or-partial pages (plus, without any Link, nothing more than one page that adds nothing).
    expect(gets.length).toBeGreaterThanOrEqual(3);
    expect(gets.length).toBeLessThanOrEqual(4);
    expect(gets.every((r) => r.headers['pagination-type'] === 'forward-only')).toBe(true);
  });

  it('reports a malformed record per record and refuses only the step it concerns', async () => {
    const f = demoFixture();
    f.companies.push({ id: 9999, identifier: 'Broken', name: null as unknown as string, deletedFlag: false });
    const acme = additionsOf(f, ACME_AG)[0];
    (acme as Record<string, unknown>).quantity = 'lots';
    sb = await started(f);
    const t = connect(sb.urls.connectwise).target;
    const companies = t.listCompanies();
    expect(companies.some((c) => c.id === '9999')).toBe(false);
    expect(t.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^companies 9999: name/)]);
    const out = t.applyAll([
      quantityStep(ACME, ACME_AG, String(acme.product.id), 9, 26.4, 23.76),
      quantityStep(CREST, CREST_AG, '507', 4, 3.5, 2.1),
    ]);
    expect(out[0]).toMatchObject({
      status: 'failed',
      retryable: false,
      message: expect.stringMatching(/cannot read/),
    });
    expect(out[1].status).toBe('applied');
  });

  it('keeps within field limits: a long SKU and name are cut, the item found again by its integrationXRef', async () => {
    sb = await started(demoFixture());
    const sku = `VERY-LONG-SKU-${'X'.repeat(90)}`;
    const step = quantityStep(ACME, ACME_AG, `new:${sku}`, 3, 5, 4, {
      itemCode: TEMPLATE,
      productName: 'N'.repeat(80),
    });
    expect(statuses(connect(sb.urls.connectwise).target.applyAll([step]))).toEqual(['applied']);
    const s = (await sb.admin('connectwise').state()) as CwState;
    const item = s.catalog.find((c) => String(c.identifier).startsWith('VERY-LONG'))!;
    expect(String(item.identifier)).toHaveLength(75);
    expect(String(item.description)).toHaveLength(60);
    expect(String(item.integrationXRef).length).toBeLessThanOrEqual(50);
    await sb.admin('connectwise').clearRequests();
    expect(statuses(connect(sb.urls.connectwise).target.applyAll([step]))).toEqual(['unchanged']);
    expect((await sb.admin('connectwise').requests()).filter(isMutation)).toEqual([]);
  });

  it('refreshes at the paging minimum: many companies’ agreements in one list, the catalog read once for products and codes', async () => {
    const f = demoFixture();
    const model = f.agreements[0];
    for (let i = 0; i < 250; i++) {
      f.companies.push({ id: 30_000 + i, identifier: `Many${i}`, name: `Many ${i}`, deletedFlag: false });
      f.agreements.push({ ...model, id: 40_000 + i, company: { id: 30_000 + i, name: `Many ${i}` } });
    }
    sb = await started(f);
    const t = connect(sb.urls.connectwise).target;
    const asked = f.companies.map((c) => String(c.id)).filter((id) => id !== String(ACME));
    const contracts = t.listContracts(asked);
    expect(contracts.filter((c) => c.companyId === String(ACME))).toEqual([]);
    expect(contracts.filter((c) => Number(c.companyId) >= 30_000)).toHaveLength(250);
    t.listProducts();
    t.listCodes();
    const paths = (await sb.admin('connectwise').requests()).map((r) =>
      r.path.replace(/^.*\/apis\/3\.0/, ''),
    );
    expect(paths.filter((p) => p === '/finance/agreements')).toHaveLength(1);
    expect(paths.filter((p) => p === '/procurement/catalog')).toHaveLength(1);
  });

  it('creates a new catalog item once per batch: a lost create fails its SKU, no later step makes it with its own price', async () => {
    sb = await started(demoFixture());
    // Found by the fault schedules: the second step created the item with its price after the first was lost.
    await sb
      .admin('connectwise')
      .faults([
        { match: { method: 'POST', pathIncludes: '/procurement/catalog' }, after: 0, times: 1, drop: true },
      ]);
    const steps = [
      quantityStep(ACME, ACME_AG, 'new:ONCE-SKU', 3, 5, 4, { itemCode: TEMPLATE }),
      chargeStep(ACME, ACME_AG, key(0xabc), 'new:ONCE-SKU', 2, 7, { itemCode: TEMPLATE }),
    ];
    const first = connect(sb.urls.connectwise).target.applyAll(steps);
    expect(first.map((o) => [o.status, o.status === 'failed' && o.retryable])).toEqual([
      ['failed', true],
      ['failed', true],
    ]);
    const creates = (await sb.admin('connectwise').requests()).filter(
      (r) => r.method === 'POST' && r.path.endsWith('/procurement/catalog'),
    );
    expect(creates).toHaveLength(1);
    expect(statuses(connect(sb.urls.connectwise).target.applyAll(steps))).toEqual(['applied', 'applied']);
    const item = ((await sb.admin('connectwise').state()) as CwState).catalog.filter(
      (c) => c.identifier === 'ONCE-SKU',
    );
    expect(item.map((c) => c.price)).toEqual([5]);
  });

  it.each([true, false])(
    'waits out the throttle (Retry-After: %s) and finishes the list',
    async (retryAfter) => {
      const f = demoFixture({ retryAfter });
      f.throttle = { limit: 3, windowMs: 1000 };
      sb = await started(f);
      const c = connect(sb.urls.connectwise, {}, { realSleep: true });
      const [a, b, d, e] = [
        c.target.listCompanies(),
        c.target.listProducts(),
        c.target.listContracts([String(ACME)]),
        c.target.listCompanies(),
      ];
      expect(a.length).toBe(e.length);
      expect(b.length).toBeGreaterThan(0);
      expect(d.length).toBeGreaterThan(0);
      const statuses429 = (await sb.admin('connectwise').requests()).filter((r) => r.status === 429);
      expect(statuses429.length).toBeGreaterThan(0);
      expect(c.sleeps.length).toBeGreaterThan(0);
    },
  );

  it('creates a missing company and agreement once (a second call reuses them), and says when a contact is missing', async () => {
    sb = await started(demoFixture());
    const t = connect(sb.urls.connectwise).target;
    const first = t.createCompany({ name: 'Greenfield Startups Ltd' });
    expect(first.created).toBe(true);
    expect(connect(sb.urls.connectwise).target.createCompany({ name: 'Greenfield Startups Ltd' })).toEqual({
      id: first.id,
      created: false,
    });
    expect(() =>
      t.createContract({
        companyId: first.id,
        name: 'Managed Services',
        kind: 'recurring-service',
        startDate: '2026-10-01',
      }),
    ).toThrow(/needs a contact/);
    const fairway = String(companyIdOf('c08'));
    const made = t.createContract({
      companyId: fairway,
      name: 'Managed Services',
      kind: 'recurring-service',
      startDate: '2026-10-01',
    });
    expect(made.created).toBe(true);
    const again = connect(sb.urls.connectwise).target.createContract({
      companyId: fairway,
      name: 'Managed Services',
      kind: 'recurring-service',
      startDate: '2026-10-01',
    });
    expect(again).toEqual({ id: made.id, created: false });
    expect(t.contractStartFor('2026-10-01')).toBe('2026-10-01');
  });

  it('never puts a credential in a message', async () => {
    sb = await started(demoFixture());
    const secrets = [DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, DEMO_CLIENT_ID];
    const wrong = connect(sb.urls.connectwise, { privateKey: 'wrong-Priv4te!' }).target.testConnection();
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toMatch(/401/);
    const noClient = connect(sb.urls.connectwise, { clientId: 'not-registered' }).target.testConnection();
    expect(noClient.ok).toBe(false);
    const good = connect(sb.urls.connectwise).target;
    expect(good.testConnection().ok).toBe(true);
    // A refused change echoes ConnectWise's words, not the keys.
    await sb.admin('connectwise').faults([
      {
        match: { method: 'PATCH' },
        status: 400,
        body: { code: 'InvalidObject', message: `bad ${DEMO_PRIVATE_KEY} ${DEMO_CLIENT_ID}` },
      },
      {
        match: { method: 'POST' },
        status: 400,
        body: { code: 'InvalidObject', message: `bad ${DEMO_PRIVATE_KEY} ${DEMO_CLIENT_ID}` },
      },
    ]);
    const out = good.applyAll([quantityStep(CREST, CREST_AG, '507', 4, 3.5, 2.1)]);
    expect(out[0].status).toBe('failed');
    for (const m of [
      wrong.message,
      noClient.message,
      ...out.map((o) => o.message),
      ...good.problems.map((p) => p.message),
    ])
      for (const s of [...secrets, 'wrong-Priv4te!', CREDENTIALS.privateKey]) expect(m).not.toContain(s);
  });
});
