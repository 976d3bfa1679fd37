import {
  startSandboxes,
  type LoggedRequest,
  type RunningSandboxes,
} from '../../../../local/sandbox/framework';
import {
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  companyIdOf,
  demoFixture,
  fixedContractIdOf,
  recurringContractIdOf,
  type AtState,
} from '../../../../local/sandbox/autotask/fixture';
import type { PushStep, StepOutcome } from '../../../../src/core/psa';
import {
  contractStartFor,
  createAutotaskTarget,
  mutationPolicy,
  policy,
  type AutotaskTarget,
} from '../../../../src/connectors/psa/autotask';
import { gasHttp, isMutation } from './support';

type Rec = Record<string, unknown>;

const key = (n: number): string => `BG-${n.toString(16).padStart(16, '0')}`;
const day = (v: unknown): string => String(v).slice(0, 10);

function quantity(
  contract: number,
  service: number | string,
  company: number,
  q: number,
  price: number,
  cost: number,
  eff = '2026-10-01',
): PushStep {
  return {
    idempotencyKey: `q-${contract}-${service}-${q}-${price}`,
    operation: 'set-quantity',
    ref: {
      kind: 'quantity',
      companyId: String(company),
      contractId: String(contract),
      productId: String(service),
    },
    lineKeys: [key(contract * 10 + Number(String(service).replace(/\D/g, '') || 0))],
    before: null,
    after: {
      quantity: q,
      unitPrice: price,
      unitCost: cost,
      effectiveDate: eff,
      description: 'seats',
      productName: 'Seats',
      sku: 'SKU',
    },
  };
}

function charge(
  contract: number,
  company: number,
  lineKey: string,
  q: number,
  price: number,
  cost: number,
  productId: string,
  productName: string,
  eff = '2026-10-31',
): PushStep {
  return {
    idempotencyKey: `c-${lineKey}-${q}`,
    operation: 'add-charge',
    ref: { kind: 'charge', companyId: String(company), container: String(contract), lineKey },
    lineKeys: [lineKey],
    before: null,
    after: {
      quantity: q,
      unitPrice: price,
      unitCost: cost,
      effectiveDate: eff,
      description: `${productName} for October 2026`,
      productName,
      sku: 'SKU',
      productId,
    },
  };
}

const ACME = companyIdOf('c01');
const ACME_CONTRACT = recurringContractIdOf('c01');

/** The period row in force on a date for a contract service (the fixture derives seats from Pax8). */
function inForce(state: AtState, contract: number, date: string): Rec[] {
  return state.entities.ContractServiceUnits.filter(
    (r) => r.contractID === contract && day(r.startDate) <= date && day(r.endDate) >= date,
  ).sort((a, b) => Number(a.serviceID) - Number(b.serviceID));
}

/**
 * A realistic month, relative to what the demo Autotask holds: seats down, seats already right, a service
 * not on the contract yet, a price change only; charges for usage, an update, an annual subscription on a
 * fixed-price contract and a one-off.
 */
function monthSteps(s: AtState): PushStep[] {
  const [a1, a2] = inForce(s, ACME_CONTRACT, '2026-10-01');
  const c02 = recurringContractIdOf('c02');
  const c04 = inForce(s, recurringContractIdOf('c04'), '2026-10-01')[0];
  const n = (v: unknown): number => Number(v);
  return [
    quantity(ACME_CONTRACT, n(a1.serviceID), ACME, n(a1.units) - 3, n(a1.price), n(a1.cost)),
    quantity(ACME_CONTRACT, n(a2.serviceID), ACME, n(a2.units), n(a2.price), n(a2.cost)),
    quantity(c02, 5010, companyIdOf('c02'), 7, 45, 0), // not on the contract yet
    quantity(
      recurringContractIdOf('c04'),
      n(c04.serviceID),
      companyIdOf('c04'),
      n(c04.units),
      n(c04.price) + 0.3,
      n(c04.cost),
    ),
    charge(ACME_CONTRACT, ACME, key(0xb1), 1534, 0.02, 0.013, '5007', 'Twilio voice usage'),
    {
      ...charge(
        ACME_CONTRACT,
        ACME,
        key(0xa2),
        2,
        180,
        140,
        '29682805',
        'Hardware & Materials',
        '2026-10-12',
      ),
      operation: 'update-charge',
    },
    charge(
      fixedContractIdOf('c14'),
      companyIdOf('c14'),
      key(0xb2),
      5,
      118.8,
      99,
      '5012',
      'Microsoft 365 Apps for business (annual prepaid)',
      '2026-10-01',
    ),
    charge(
      recurringContractIdOf('c05'),
      companyIdOf('c05'),
      key(0xb3),
      1,
      95,
      70,
      '29682805',
      'On-site visit',
      '2026-10-20',
    ),
  ];
}

/** The sandbox holds exactly what each step asks for. */
function expectConverged(state: AtState, steps: PushStep[]): void {
  for (const s of steps) {
    if (s.ref.kind === 'quantity') {
      const { contractId, productId } = s.ref;
      const eff = s.after.effectiveDate;
      const rows = state.entities.ContractServiceUnits.filter(
        (r) =>
          r.contractID === Number(contractId) &&
          r.serviceID === Number(productId) &&
          day(r.startDate) <= eff &&
          day(r.endDate) >= eff,
      );
      expect({ step: s.idempotencyKey, rows: rows.map((r) => [r.units, r.price, r.cost]) }).toEqual({
        step: s.idempotencyKey,
        rows: [[s.after.quantity, s.after.unitPrice, s.after.unitCost]],
      });
    } else {
      const lineKey = s.ref.lineKey;
      const found = state.entities.ContractCharges.filter((c) => String(c.name).includes(lineKey));
      expect(
        found.map((c) => [
          c.contractID,
          c.unitQuantity,
          c.unitPrice,
          c.unitCost,
          day(c.datePurchased),
          c.description,
        ]),
      ).toEqual([
        [
          Number(s.ref.container),
          s.after.quantity,
          s.after.unitPrice,
          s.after.unitCost,
          s.after.effectiveDate,
          s.after.description,
        ],
      ]);
    }
  }
}

describe('Autotask connector against the sandbox (RetryingHttpClient over synchronous fetch)', () => {
  let sb: RunningSandboxes;
  const big = demoFixture();
  for (let i = 0; i < 1200; i++)
    big.entities.Companies.push({ id: 20_000 + i, companyName: `Bulk Client ${i}`, isActive: true });

  // One company over a page: the smallest tenant whose company list needs the next-page link.
  const just = demoFixture();
  just.entities.Companies = Array.from({ length: 501 }, (_, i) => ({
    id: 30_000 + i,
    companyName: `Client ${i}`,
    isActive: true,
  }));

  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'autotask' },
      { kind: 'autotask', name: 'big', fixture: big },
      { kind: 'autotask', name: 'just', fixture: just },
    ]);
  });
  afterAll(() => sb.stop());
  beforeEach(async () => {
    await sb.admin('autotask').reset();
    await sb.admin('big').reset();
    await sb.admin('just').reset();
  });

  // Production settings: discovery starts at Autotask's global host, which the emulator maps to the sandbox.
  const config = (over: Rec = {}) => ({
    username: DEMO_USER,
    secret: DEMO_SECRET,
    integrationCode: DEMO_INTEGRATION_CODE,
    ownerResourceId: 29682885,
    materialCodeId: DEMO_MATERIAL_CODE,
    ...over,
  });
  const connect = (over: Rec = {}): { target: AutotaskTarget; sleeps: number[] } => {
    const g = gasHttp({ 'https://webservices.autotask.net': sb.urls.autotask });
    return { target: createAutotaskTarget(config(over), g.reads, g.writes), sleeps: g.sleeps };
  };
  const log = () => sb.admin('autotask').requests();
  const state = () => sb.admin('autotask').state<AtState>();
  const mutations = (l: LoggedRequest[]) => l.filter(isMutation);

  it('uses the documented limits: 3 concurrent requests, reads retried, writes never replayed', () => {
    expect(policy.maxConcurrency).toBe(3);
    expect(mutationPolicy.maxConcurrency).toBe(3);
    expect(policy.maxRetries).toBeGreaterThan(0);
    expect(mutationPolicy.maxRetries).toBe(0);
  });

  it('discovers the zone, then sends the three headers to the zone base URL', async () => {
    const { target } = connect();
    // Material codes for charges, Service codes for new services, each list of one use type (F2); labour
    // and internal-time codes and inactive codes are left out.
    const codes = target.listCodes();
    expect(codes.serviceCodes?.map((c) => c.name)).toEqual([
      'Recurring Services (service code)',
      'Microsoft Licensing (service code)',
      'Usage Services (service code)',
    ]);
    expect(codes.itemCodes.map((c) => c.name)).toEqual([
      'Telephony Usage (material code)',
      'Cloud Consumption (material code)',
      'Hardware & Materials (material code)',
      'Resale & Usage (material code)',
    ]);
    const l = await log();
    expect(l.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /atservicesrest/v1.0/zoneInformation',
      'POST /atservicesrest/V1.0/BillingCodes/query',
    ]);
    expect(l[0].query).toBe(`user=${encodeURIComponent(DEMO_USER)}`);
    expect(l[0].headers.secret).toBeUndefined();
    expect(l[1].headers).toMatchObject({
      apiintegrationcode: DEMO_INTEGRATION_CODE,
      username: DEMO_USER,
      secret: DEMO_SECRET,
    });
  });

  it('testConnection: ok, missing permissions in plain words, bad secret', () => {
    expect(connect().target.testConnection()).toEqual({
      ok: true,
      message: expect.stringContaining('Connected to Autotask'),
    });
    const limited = connect({
      username: 'readonly@northwind.example',
      secret: 'readonly-secret',
    }).target.testConnection();
    expect(limited.ok).toBe(false);
    expect(/missing: ([^.]*)\./.exec(limited.message)?.[1]).toBe(
      'view contracts, update contracts, update services',
    );
    const bad = connect({ secret: 'not-the-secret' }).target.testConnection();
    expect(bad).toEqual({
      ok: false,
      message: 'Autotask rejected the API user name, secret or integration code (401)',
    });
    const unknown = connect({ username: 'nobody@northwind.example' }).target.testConnection();
    expect(unknown.ok).toBe(false);
    expect(unknown.message).toMatch(/could not find the zone/);
  });

  it('names a wrong integration code or user name (Autotask answers 500) and does not retry it (F7)', async () => {
    const g = gasHttp({ 'https://webservices.autotask.net': sb.urls.autotask });
    const wrong = createAutotaskTarget(config({ integrationCode: 'NOT-THE-CODE' }), g.reads, g.writes);
    const tested = wrong.testConnection();
    expect(tested.ok).toBe(false);
    expect(tested.message).toMatch(
      /integration code \(API tracking identifier\) or the API user name is wrong/,
    );
    expect(tested.message).not.toMatch(/security level/);
    expect(tested.message).not.toContain('NOT-THE-CODE');
    expect(() => wrong.listCompanies()).toThrow(/check the integration code and the API user name/);
    // Zone discovery, ten probes, one query: each sent once.
    expect(g.reads.stats.retries).toBe(0);
    expect(g.sleeps).toEqual([]);
    // A user name the zone lookup does not know is not retried either.
    await sb.admin('autotask').clearRequests();
    const h = gasHttp({ 'https://webservices.autotask.net': sb.urls.autotask });
    createAutotaskTarget(
      config({ username: 'nobody@northwind.example' }),
      h.reads,
      h.writes,
    ).testConnection();
    expect((await log()).length).toBe(1);
  });

  it('lists companies, products and contracts; pages at 500 with the paging minimum of requests', async () => {
    const { target } = connect();
    const companies = target.listCompanies();
    expect(companies).toHaveLength(39);
    expect(companies.find((c) => c.id === '133')).toEqual({
      id: '133',
      name: 'Summit Partners Group',
      active: false,
      code: 'CUST-1033', // its companyNumber (the clients' account-code search)
    });
    expect(target.listProducts().map((p) => p.code)).toContain('TWILIO-SMS');
    const contracts = target.listContracts(['114', '101', '108']);
    expect(contracts.map((c) => [c.id, c.kind, c.startDate, c.endDate])).toEqual([
      ['3001', 'recurring-service', '2026-01-01', '2027-12-31'],
      ['3014', 'recurring-service', '2026-01-01', '2027-12-31'],
      ['3514', 'fixed-price', '2026-10-01', '2027-09-30'],
    ]);
    expect((await log()).length).toBe(4); // zone + one page each

    const bulk = connect({ globalHost: sb.urls.big }).target.listCompanies();
    expect(bulk).toHaveLength(1239);
    const bigLog = await sb.admin('big').requests();
    // zone + ceil(1239/500) pages, each later page the same body POSTed to the page link
    expect(bigLog.map((r) => r.method)).toEqual(['GET', 'POST', 'POST', 'POST']);
    expect(JSON.parse(bigLog[1].body)).toMatchObject({ MaxRecords: 500 });
    expect(bigLog[2].path).toMatch(/\/Companies\/query\/next$/i);
    expect(JSON.parse(bigLog[2].body)).toEqual(JSON.parse(bigLog[1].body));
  });

  it('refreshes a 501-company tenant with all 501 companies seen (the second page is a POST)', async () => {
    const companies = connect({ globalHost: sb.urls.just }).target.listCompanies();
    expect(companies).toHaveLength(501);
    expect(new Set(companies.map((c) => c.id)).size).toBe(501);
    expect(companies.at(-1)).toEqual({ id: '30500', name: 'Client 500', active: true });
    const log = await sb.admin('just').requests();
    expect(log.map((r) => `${r.method} ${r.path.replace(/^.*v1\.0\//i, '')}`)).toEqual([
      'GET zoneInformation',
      'POST Companies/query',
      'POST Companies/query/next',
    ]);
  });

  it("says ASP.NET's own words from a routing error's { Message } body (F10)", () => {
    const { client } = connect().target;
    // A POST query's next-page link followed with GET: 405, and the body is { Message }, not { errors }.
    const [res] = client.readAll([client.request('get', 'Companies/query/next?paging=%7B%7D')]);
    expect(res.status).toBe(405);
    expect(client.readError(res, 'Companies')).toBe(
      "Autotask could not read Companies (405: The requested resource does not support http method 'GET'.)",
    );
  });

  it('reads only what the month needs: units in force and charges by line key', async () => {
    const { target } = connect();
    const scope = {
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: [String(ACME)],
      contractIds: [String(ACME_CONTRACT), String(fixedContractIdOf('c14'))],
      lineKeys: [key(0xa1), key(0xa2), key(0xb1)],
    };
    const now = target.readBilling(scope);
    const expected = inForce(demoFixture(), ACME_CONTRACT, '2026-10-31').map((r) => [
      String(r.serviceID),
      r.units,
      r.price,
    ]);
    expect(expected.length).toBeGreaterThan(1);
    expect(now.quantities.map((q) => [q.ref.productId, q.quantity, q.unitPrice]).sort()).toEqual(
      expected.sort(),
    );
    expect(now.quantities[0].ref).toMatchObject({
      kind: 'quantity',
      companyId: String(ACME),
      contractId: String(ACME_CONTRACT),
    });
    expect(now.charges.map((c) => [c.ref.lineKey, c.psaId, c.quantity, c.date])).toEqual([
      [key(0xa1), '60001', 1200, '2026-09-30'],
      [key(0xa2), '60002', 1, '2026-10-12'],
    ]);
    const l = await log();
    expect(l.map((r) => r.path.split('/').slice(-2).join('/'))).toEqual([
      'v1.0/zoneInformation',
      'Contracts/query',
      'ContractServiceUnits/query',
      'ContractCharges/query',
    ]);
    const unitsQuery = JSON.parse(l[2].body) as { filter: Rec[] };
    expect(unitsQuery.filter[0]).toEqual({
      op: 'in',
      field: 'contractID',
      value: [ACME_CONTRACT, fixedContractIdOf('c14')],
    });
  });

  it('applies a month convergently: exact target state, then zero mutations on re-run', async () => {
    const before = await state();
    const steps = monthSteps(before);
    const outcomes = connect().target.applyAll(steps);
    expect(outcomes.map((o) => o.status)).toEqual([
      'applied',
      'unchanged',
      'applied',
      'applied',
      'applied',
      'applied',
      'applied',
      'applied',
    ]);
    const after = await state();
    expectConverged(after, steps);
    // F10: the service the adjustment added is reported by its contract service's id (what a re-read reports,
    // below), not by the adjustment's.
    const added = after.entities.ContractServices.find(
      (cs) => cs.contractID === recurringContractIdOf('c02') && cs.serviceID === 5010,
    );
    expect(outcomes[2]).toMatchObject({ status: 'applied', psaId: String(added?.id) });
    expect(after.entities.ContractCharges).toHaveLength(before.entities.ContractCharges.length + 3);
    // Units by adjustment; the price-only change by PATCH of adjustedPrice (F5), not a 0-unit adjustment.
    expect(after.entities.ContractServiceAdjustments.map((a) => a.unitChange)).toEqual([-3, 7]);
    expect(
      mutations(await log()).filter((r) => r.method === 'PATCH' && /\/Services$/.test(r.path)),
    ).toHaveLength(1);
    // The annual seat subscription went to the fixed-price contract with a Material code: its service's
    // own code is a Service code, which Autotask refuses on a charge.
    expect(after.entities.ContractCharges.find((c) => String(c.name).includes(key(0xb2)))).toMatchObject({
      contractID: fixedContractIdOf('c14'),
      billingCodeID: DEMO_MATERIAL_CODE,
      name: `Microsoft 365 Apps for business (annual prepaid) (${key(0xb2)})`,
    });
    // A product mapped straight to a material code keeps it.
    expect(after.entities.ContractCharges.find((c) => String(c.name).includes(key(0xb3)))).toMatchObject({
      billingCodeID: 29682805,
    });
    const first = await log();
    const changed = 7;
    expect(mutations(first)).toHaveLength(changed);
    // Reads: zone, units, charges by key, services for the new charges' billing codes, billing codes, and the
    // units read back once after adding a service (whether its first price took is unverified: F5).
    expect(first.length).toBeLessThanOrEqual(changed + 6);

    await sb.admin('autotask').clearRequests();
    const again = connect().target.applyAll(steps);
    expect(again.map((o) => o.status)).toEqual(Array(8).fill('unchanged'));
    const idOf = (o: (typeof again)[number]) => ('psaId' in o ? o.psaId : null);
    expect(again.map(idOf)).toEqual(outcomes.map(idOf));
    const second = await log();
    expect(mutations(second)).toEqual([]);
    expect(second).toHaveLength(3); // zone, units, charges
    expect(await state()).toEqual({ ...after, usage: expect.any(Array) });
  });

  it("sends a round's writes three at a time, within the thread limit, one request per entity", async () => {
    // Slow writes overlap in the sandbox, which answers 429 past 3 threads on one endpoint.
    await sb.admin('autotask').faults([{ match: { method: 'POST' }, delayMs: 80, times: 50 }]);
    const g = gasHttp({ 'https://webservices.autotask.net': sb.urls.autotask });
    const target = createAutotaskTarget(config(), g.reads, g.writes);
    const out = target.applyAll(monthSteps(await state()));
    expect(out.filter((o) => o.status === 'applied')).toHaveLength(7);
    expect(out.filter((o) => o.status === 'failed')).toEqual([]);
    const writes = mutations(await log());
    expect(writes).toHaveLength(7);
    expect(writes.filter((r) => r.status === 429)).toEqual([]);
    // 7 writes in one round: groups of 3, 3 and 1, each one fetchAll round trip.
    expect(g.writes.stats).toMatchObject({ requests: 7, batches: 3, retries: 0 });
  });

  it('survives a crash after each mutating request: the re-run converges without duplicates', async () => {
    const steps = monthSteps(await state());
    connect().target.applyAll(steps);
    const reference = mutations(await log()).map((r) => ({ method: r.method, path: r.path }));
    expect(reference).toHaveLength(7);

    for (let i = 0; i < reference.length; i++) {
      await sb.admin('autotask').reset();
      const { method, path } = reference[i];
      const after = reference.slice(0, i).filter((r) => r.method === method && r.path === path).length;
      await sb
        .admin('autotask')
        .faults([{ match: { method, pathIncludes: path }, after, dropAfterHandling: true }]);
      const crashed = connect().target.applyAll(steps);
      const failed = crashed.filter(
        (o): o is Extract<StepOutcome, { status: 'failed' }> => o.status === 'failed',
      );
      // Writes go out in groups of Autotask's thread limit: the lost connection fails its own group only.
      expect(failed.length).toBeGreaterThanOrEqual(1);
      expect(failed.length).toBeLessThanOrEqual(policy.maxConcurrency);
      for (const f of failed) {
        expect(f).toMatchObject({
          retryable: true,
          message: expect.stringMatching(
            /^Autotask did not answer while .+ \((connection lost while the batch was in flight|Unexpected error: http\S+)\); it may or may not have been saved - push again/,
          ),
        });
      }

      const rerun = connect().target.applyAll(steps);
      const s = await state();
      expectConverged(s, steps);
      expect(s.entities.ContractServiceAdjustments).toHaveLength(2);
      expect(s.entities.ContractCharges).toHaveLength(5);
      expect(rerun.map((o) => o.status)).toEqual(Array(8).fill('unchanged')); // the dropped request had landed
    }
  });

  it('turns an Autotask validation error into a failed step and carries on', async () => {
    const steps = [
      quantity(ACME_CONTRACT, 5001, ACME, 25, 26.4, 22, '2028-03-01'), // after the contract ends
      quantity(ACME_CONTRACT, 5005, ACME, 30, 3.6, 3),
      {
        ...charge(
          ACME_CONTRACT,
          ACME,
          key(0xa1),
          1300,
          0.02,
          0.013,
          '5007',
          'Twilio voice usage',
          '2026-09-30',
        ),
        operation: 'update-charge' as const,
      },
      quantity(ACME_CONTRACT, 5002, ACME, 2.5, 15, 12.5),
    ];
    const out = connect().target.applyAll(steps);
    expect(out[0]).toEqual({
      status: 'failed',
      retryable: false,
      message: expect.stringContaining(
        "The effective date 2028-03-01 must fall within the contract's dates (2026-01-01 to 2027-12-31)",
      ),
    });
    expect(out[1].status).toBe('applied');
    expect(out[2]).toEqual({
      status: 'failed',
      retryable: false,
      message: expect.stringMatching(/already invoiced charge 60001/),
    });
    expect(out[3]).toEqual({
      status: 'failed',
      retryable: false,
      message: expect.stringMatching(/whole units/),
    });
    const l = await log();
    expect(mutations(l)).toHaveLength(2); // the refused adjustment (sent once, not retried) and the good one
    for (const o of out) if (o.status === 'failed') expect(o.message).not.toContain(DEMO_SECRET);
  });

  it('retries a 429 from Autotask after the Retry-After it gives', async () => {
    await sb.admin('autotask').faults([
      {
        match: { pathIncludes: 'ContractCharges/query' },
        status: 429,
        retryAfter: 7,
        body: { errors: ['Thread Threshold Exceeded'] },
      },
    ]);
    const { target, sleeps } = connect();
    const out = target.applyAll([
      charge(ACME_CONTRACT, ACME, key(0xb1), 5, 0.02, 0.013, '5007', 'Twilio voice usage'),
    ]);
    expect(out[0].status).toBe('applied');
    expect(sleeps).toEqual([7000]);
  });

  it('creates missing company, service, contract and contract service once', async () => {
    const { target } = connect();
    const company = target.createCompany({ name: 'Greenfield Startups Ltd' });
    expect(company.created).toBe(true);
    const service = target.createService({
      name: 'Twilio Flex seat',
      sku: 'TWILIO-FLEX',
      unitPrice: 150,
      unitCost: 120,
      billingCodeId: '29682807',
    });
    expect(service.created).toBe(true);
    const start = contractStartFor('2026-10-05');
    expect(start).toBe('2026-09-01');
    const contract = target.createContract({
      companyId: company.id,
      name: 'Greenfield - Managed Services',
      kind: 'recurring-service',
      startDate: start,
    });
    const cs = target.addContractService({
      contractId: contract.id,
      serviceId: service.id,
      unitPrice: 150,
      unitCost: 120,
    });
    expect([contract.created, cs.created]).toEqual([true, true]);
    const s = await state();
    expect(s.entities.Contracts.find((c) => c.id === Number(contract.id))).toMatchObject({
      companyID: Number(company.id),
      contractType: 7,
      startDate: '2026-09-01T00:00:00Z',
      endDate: '2029-08-31T00:00:00Z',
    });

    await sb.admin('autotask').clearRequests();
    const again = connect().target;
    expect(again.createCompany({ name: 'greenfield startups ltd' })).toEqual({
      id: company.id,
      created: false,
    });
    expect(
      again.createService({
        name: 'Twilio Flex seat',
        sku: 'TWILIO-FLEX',
        unitPrice: 150,
        unitCost: 120,
        billingCodeId: 29682807,
      }),
    ).toEqual({
      id: service.id,
      created: false,
    });
    expect(
      again.createContract({
        companyId: company.id,
        name: 'Greenfield - Managed Services',
        kind: 'recurring-service',
        startDate: start,
      }),
    ).toEqual({
      id: contract.id,
      created: false,
    });
    expect(
      again.addContractService({
        contractId: contract.id,
        serviceId: service.id,
        unitPrice: 150,
        unitCost: 120,
      }),
    ).toEqual({
      id: cs.id,
      created: false,
    });
    expect(mutations(await log())).toEqual([]);

    // The new contract takes seats; an unknown SKU is found-or-created by the push itself.
    const seats = again.applyAll([
      quantity(Number(contract.id), service.id, Number(company.id), 4, 150, 120),
      {
        ...quantity(Number(contract.id), 'new:M365-COPILOT', Number(company.id), 3, 30, 25),
        codes: { incomeAccount: null, expenseAccount: null, taxCode: null, itemCode: '29682802' },
      },
    ]);
    expect(seats.map((o) => o.status)).toEqual(['applied', 'applied']);
    const after = await state();
    const copilot = after.entities.Services.find((x) => x.sku === 'M365-COPILOT');
    expect(copilot).toMatchObject({ billingCodeID: 29682802, unitPrice: 30 });
    expect(
      connect().target.applyAll([
        quantity(Number(contract.id), 'new:M365-COPILOT', Number(company.id), 3, 30, 25),
      ])[0].status,
    ).toBe('unchanged');
    expect(after.entities.Services.filter((x) => x.sku === 'M365-COPILOT')).toHaveLength(1);
  });

  it("gives a new charge a Material code, never its service's Service code, and says how to fix a missing one", async () => {
    const step = charge(ACME_CONTRACT, ACME, key(0xc1), 3, 36, 30, '5009', 'Microsoft 365 E3 (annual)');
    // No material code anywhere: the service's own code (useType 5) is not used; nothing is sent.
    const none = connect({ materialCodeId: undefined }).target.applyAll([step]);
    expect(none[0]).toMatchObject({
      status: 'failed',
      retryable: false,
      message: expect.stringMatching(/No Autotask Material billing code .*choose a material code/),
    });
    expect(mutations(await log())).toEqual([]);
    // The default item code is used when it is a material code; a service code there is passed over.
    const codes = (itemCode: string) => ({
      incomeAccount: null,
      expenseAccount: null,
      taxCode: null,
      itemCode,
    });
    const out = connect({ materialCodeId: undefined }).target.applyAll([
      { ...step, codes: codes('29682804') },
      { ...charge(ACME_CONTRACT, ACME, key(0xc2), 1, 5, 4, '5009', 'E3'), codes: codes('29682802') },
    ]);
    expect(out.map((o) => o.status)).toEqual(['applied', 'failed']);
    const s = await state();
    expect(s.entities.ContractCharges.find((c) => String(c.name).includes(key(0xc1)))).toMatchObject({
      billingCodeID: 29682804,
    });
  });

  it("sends fractional usage at Autotask's 4 decimals and does not re-send it (F3)", async () => {
    // 1534.123456 minutes at 0.00791234 bill 12.14; Autotask would keep 1534.1235 × 0.0079 = 12.12, so the
    // charge goes as 1 × 12.14 with the figures in its description (see price-precision.test.ts).
    const usage = charge(ACME_CONTRACT, ACME, key(0xd1), 1534.123456, 0.00791234, 0.0051, '5007', 'Voice');
    expect(connect().target.applyAll([usage])[0].status).toBe('applied');
    const saved = (await state()).entities.ContractCharges.find((c) => String(c.name).includes(key(0xd1)));
    expect(saved).toMatchObject({
      unitQuantity: 1,
      unitPrice: 12.14,
      unitCost: 7.824, // 1534.123456 × 0.0051 = 7.8240296...
      description: '1534.123456 × 0.00791234: Voice for October 2026',
    });
    await sb.admin('autotask').clearRequests();
    expect(connect().target.applyAll([usage])[0].status).toBe('unchanged');
    expect(mutations(await log())).toEqual([]);
    // A real change at the 4th decimal of the price is still sent (money compared at Autotask's precision);
    // 1534.1235 × 0.0082 bills the line's 12.58, so quantity and price go as they are.
    const dearer = { ...usage, after: { ...usage.after, unitPrice: 0.0082 } };
    expect(connect().target.applyAll([dearer])[0].status).toBe('applied');
    expect(
      (await state()).entities.ContractCharges.find((c) => String(c.name).includes(key(0xd1))),
    ).toMatchObject({ unitQuantity: 1534.1235, unitPrice: 0.0082, description: 'Voice for October 2026' });
  });

  it("keeps names within Autotask's field lengths and finds the shortened record again (F8)", async () => {
    const { target } = connect();
    const company =
      'Northwind Regional Healthcare and Community Outreach Services Cooperative of the Greater Valley'; // 98
    const contractName = `${company} - Managed Services`; // 117 > 100
    const contract = target.createContract({
      companyId: String(ACME),
      name: contractName,
      kind: 'recurring-service',
      startDate: '2026-10-01',
    });
    expect(contract.created).toBe(true);
    const saved = (await state()).entities.Contracts.find((c) => c.id === Number(contract.id));
    expect(String(saved?.contractName)).toHaveLength(100);
    expect(String(saved?.contractName)).toMatch(/^Northwind Regional .*…$/);
    expect(
      connect().target.createContract({
        companyId: String(ACME),
        name: contractName,
        kind: 'recurring-service',
        startDate: '2026-10-01',
      }),
    ).toEqual({ id: contract.id, created: false });
    const longService =
      `${'Microsoft 365 E5 with Teams Phone, Audio Conferencing and Copilot '.repeat(3)}`.trim();
    const svc = target.createService({
      name: longService,
      sku: '',
      unitPrice: 1,
      unitCost: 1,
      billingCodeId: 29682801,
    });
    expect(svc.created).toBe(true);
    expect(
      connect().target.createService({
        name: longService,
        sku: '',
        unitPrice: 1,
        unitCost: 1,
        billingCodeId: 29682801,
      }),
    ).toEqual({ id: svc.id, created: false });
    const co = target.createCompany({
      name: `${company} and Partners Incorporated`,
      phone: '+1 (555) 010-0000 ext. 12345',
    });
    expect(co.created).toBe(true);
  });

  it('reads the newer unit row where rows touch on a mid-month adjustment: a retry sends nothing (F4)', async () => {
    const before = await state();
    const [row] = inForce(before, ACME_CONTRACT, '2026-10-20');
    const n = (v: unknown): number => Number(v);
    const step = quantity(
      ACME_CONTRACT,
      n(row.serviceID),
      ACME,
      n(row.units) + 4,
      n(row.price),
      n(row.cost),
      '2026-10-20',
    );
    expect(connect().target.applyAll([step])[0].status).toBe('applied');
    await sb.admin('autotask').clearRequests();
    // Two rows now contain 2026-10-20: the old one (lower id, old units) ends on it, the new one starts there.
    expect(connect().target.applyAll([step])[0].status).toBe('unchanged');
    expect(mutations(await log())).toEqual([]);
    const after = await state();
    expect(after.entities.ContractServiceAdjustments.map((a) => a.unitChange)).toEqual([4]);
    // The reconcile read agrees on the last day of a month whose last day starts a new row.
    const endStep = quantity(
      ACME_CONTRACT,
      n(row.serviceID),
      ACME,
      n(row.units) + 1,
      n(row.price),
      n(row.cost),
      '2026-10-31',
    );
    expect(connect().target.applyAll([endStep])[0].status).toBe('applied');
    const read = connect().target.readBilling({
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: [String(ACME)],
      contractIds: [String(ACME_CONTRACT)],
      lineKeys: [],
    });
    expect(read.quantities.find((q) => q.ref.productId === String(row.serviceID))?.quantity).toBe(
      n(row.units) + 1,
    );
  });

  it('creates services with a Service code only', async () => {
    const { target } = connect();
    expect(() =>
      target.createService({
        name: 'Flex',
        sku: 'FLEX-1',
        unitPrice: 1,
        unitCost: 1,
        billingCodeId: 29682805,
      }),
    ).toThrow(/not an active Autotask Service billing code/);
    const material = { incomeAccount: null, expenseAccount: null, taxCode: null, itemCode: '29682805' };
    const [out] = target.applyAll([
      { ...quantity(ACME_CONTRACT, 'new:FLEX-2', ACME, 2, 10, 8), codes: material },
    ]);
    expect(out).toMatchObject({
      status: 'failed',
      retryable: false,
      message: expect.stringMatching(/needs a Service billing code to create the service/),
    });
    expect(mutations(await log())).toEqual([]);
  });

  it('stays within the thread limit when a read needs several parallel queries', async () => {
    await sb
      .admin('autotask')
      .faults([{ match: { pathIncludes: '/Contracts/query' }, delayMs: 120, times: 10 }]);
    const { target, sleeps } = connect();
    const ids = Array.from({ length: 1300 }, (_, i) => String(3001 + i)); // 4 chunks of contract ids
    const now = target.readBilling({
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: [],
      contractIds: ids,
      lineKeys: [],
    });
    expect(now.quantities.length).toBeGreaterThan(50);
    const l = await log();
    expect(l.filter((r) => r.path.endsWith('/Contracts/query'))).toHaveLength(4);
    expect(l.filter((r) => r.status === 429)).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it('reports a malformed Autotask record with its id instead of dropping it or failing', async () => {
    const s = await state();
    s.entities.Companies.push({ id: 777, companyName: null, isActive: true });
    await sb.admin('autotask').setState(s);
    const { target } = connect();
    expect(target.listCompanies()).toHaveLength(39);
    expect(target.problems).toEqual([
      {
        entity: 'Companies',
        recordId: '777',
        message: expect.stringContaining('Companies 777: companyName'),
      },
    ]);
  });

  it('never puts the secret in messages or logs it sends elsewhere', () => {
    const { target } = connect({ secret: 'not-the-secret' });
    const out = target.applyAll(monthSteps(demoFixture()));
    for (const o of out) {
      expect(o.status).toBe('failed');
      if (o.status === 'failed') {
        expect(o.message).toBe('Autotask rejected the API user name, secret or integration code (401)');
        expect(o.message).not.toContain('not-the-secret');
      }
    }
  });
});
