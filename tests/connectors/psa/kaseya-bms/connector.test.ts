/**
 * The Kaseya BMS connector against its stateful sandbox, through the real HTTP path (RetryingHttpClient over
 * the emulator's UrlFetchApp), under every variant of the behaviours Kaseya's swagger leaves open: reading a
 * contract's services back (or not) × changing a line's units (or not).
 */
import {
  startSandboxes,
  type LoggedRequest,
  type RunningSandboxes,
} from '../../../../local/sandbox/framework';
import {
  DEMO_USER,
  DEFAULT_VARIANTS,
  LINE_VARIANTS,
  MODULE,
  READONLY_USER,
  SERVICE,
  accountIdOf,
  contractIdOf,
  demoFixture,
  type BmsVariants,
} from '../../../../local/sandbox/kaseya-bms/fixture';
import type { BmsState } from '../../../../local/sandbox/kaseya-bms/server';
import type { PushStep, StepOutcome } from '../../../../src/core/psa';
import { RateLimitWait } from '../../../../src/core/http';
import {
  CHARGE_REFUSED,
  importOrganizationMappings,
  organizationMappingWrites,
  NO_READ_WARNING,
  memoryLineRecordStore,
  memoryTenantFacts,
  memoryKeptReads,
  KEPT_READS_MS,
  type TenantFacts,
  type KaseyaBmsTarget,
  type LineRecordStore,
} from '../../../../src/connectors/psa/kaseya-bms';
import { connect, isMutation, memoryTokenStore } from './support';

const key = (n: number): string => `BG-${n.toString(16).padStart(16, '0')}`;

function quantity(
  contract: number | string,
  service: number,
  account: number,
  q: number,
  price: number,
  cost: number,
): PushStep {
  return {
    idempotencyKey: `q-${contract}-${service}-${q}-${price}`,
    operation: 'set-quantity',
    ref: {
      kind: 'quantity',
      companyId: String(account),
      contractId: String(contract),
      productId: String(service),
    },
    lineKeys: [key(Number(contract) * 1000 + service)],
    before: null,
    after: {
      quantity: q,
      unitPrice: price,
      unitCost: cost,
      effectiveDate: '2026-10-01',
      description: 'devices',
      productName: `Service ${service}`,
      sku: '',
    },
  };
}

const usageCharge = (contract: number, account: number): PushStep => ({
  idempotencyKey: 'c-usage',
  operation: 'add-charge',
  ref: { kind: 'charge', companyId: String(account), container: String(contract), lineKey: key(0xc1) },
  lineKeys: [key(0xc1)],
  before: null,
  after: {
    quantity: 1534,
    unitPrice: 0.02,
    unitCost: 0.013,
    effectiveDate: '2026-10-31',
    description: 'Voice usage for October 2026',
    productName: 'Voice usage',
    sku: 'VOICE',
    productId: String(SERVICE.m365),
  },
});

const ACME = accountIdOf('c01');
const C01 = contractIdOf('c01');
const C02 = contractIdOf('c02');
const C06 = accountIdOf('c06');
const ACCOUNTS = demoFixture().accounts.length;

/** The month on contracts BMS already had (lines made by hand in BMS) and on one BillGrid creates for c06. */
function monthSteps(newContract: string): PushStep[] {
  return [
    quantity(C01, SERVICE.rmmWorkstation, ACME, 26, 12, 3), // 24 → 26
    quantity(C01, SERVICE.rmmServer, ACME, 3, 45, 8), // already so
    quantity(C01, SERVICE.rmmNetwork, ACME, 5, 6, 1), // not on the contract yet
    quantity(C02, SERVICE.itGlue, accountIdOf('c02'), 12, 2, 0.5), // not on the contract yet
    quantity(newContract, SERVICE.rmmWorkstation, C06, 10, 12, 3),
    quantity(newContract, SERVICE.rmmServer, C06, 2, 45, 8),
    usageCharge(C01, ACME),
    quantity(C01, SERVICE.m365, ACME, 2.5, 26.4, 22), // BMS keeps whole units
  ];
}

type Expect = 'applied' | 'unchanged' | RegExp;

/** What each step of monthSteps must come to under a variant, on a first push. */
function expectedFirst(v: Pick<BmsVariants, 'lineRead' | 'lineUpdate'>): Expect[] {
  const reads = v.lineRead === 'contract-detail';
  const blind =
    /bills \d+\.\d\d in Kaseya BMS, of which BillGrid's own record accounts for 0\.00: it has services/;
  return [
    reads ? (v.lineUpdate === 'put-line' ? 'applied' : /cannot change the units/) : blind,
    reads ? 'unchanged' : blind,
    reads ? 'applied' : blind,
    reads ? 'applied' : blind,
    'applied',
    'applied',
    new RegExp(CHARGE_REFUSED.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    /whole units/,
  ];
}

function check(outcomes: StepOutcome[], expected: Expect[]): void {
  expect(
    outcomes.map((o, i) => {
      const e = expected[i];
      if (typeof e === 'string')
        return o.status === e ? 'ok' : `${i}: ${o.status} ${'message' in o ? o.message : ''}`;
      return o.status === 'failed' && e.test(o.message)
        ? 'ok'
        : `${i}: ${o.status} ${'message' in o ? o.message : ''}`;
    }),
  ).toEqual(expected.map(() => 'ok'));
}

/** Lines per contract and service: never more than one, whatever happened. */
function lineCounts(s: BmsState): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of s.lines)
    m.set(`${l.ContractId}/${l.ServiceId}`, (m.get(`${l.ContractId}/${l.ServiceId}`) ?? 0) + 1);
  return m;
}

const units = (s: BmsState, contract: number | string, service: number): number[] =>
  s.lines.filter((l) => l.ContractId === Number(contract) && l.ServiceId === service).map((l) => l.Units);

describe('Kaseya BMS connector against the sandbox', () => {
  let sb: RunningSandboxes;
  const names = LINE_VARIANTS.map((_, i) => `v${i}`);
  const big = demoFixture();
  for (let i = 0; i < 250; i++)
    big.accounts.push({
      ...big.accounts[0],
      Id: 20_000 + i,
      AccountName: `Bulk Client ${i}`,
      AccountCode: `BULK${i}`,
    });

  beforeAll(async () => {
    sb = await startSandboxes([
      ...LINE_VARIANTS.map((v, i) => ({ kind: 'kaseya-bms', name: names[i], fixture: demoFixture(v) })),
      { kind: 'kaseya-bms', name: 'big', fixture: big },
      { kind: 'kaseya-bms', name: 'camel', fixture: demoFixture({ casing: 'camel' }) },
      { kind: 'kaseya-bms', name: 'envelope', fixture: demoFixture({ rateLimit: 'envelope' }) },
    ]);
  }, 60_000);
  afterAll(() => sb.stop());
  beforeEach(async () => {
    for (const n of [...names, 'big', 'camel', 'envelope']) await sb.admin(n).reset();
  });

  const log = (n = 'v0'): Promise<LoggedRequest[]> => sb.admin(n).requests();
  const state = (n = 'v0'): Promise<BmsState> => sb.admin(n).state<BmsState>();

  it('signs in with a multipart form, then lists accounts, services and recurring-services contracts', async () => {
    const { target } = connect(sb.urls.v0);
    const companies = target.listCompanies();
    expect(companies).toHaveLength(ACCOUNTS);
    expect(companies.find((c) => c.id === String(accountIdOf('c33')))).toEqual({
      id: String(accountIdOf('c33')),
      name: 'Summit Partners Group',
      active: false,
      code: 'SUMMIT33',
    });
    const products = target.listProducts();
    expect(products.map((p) => p.name)).toContain('Managed Workstation');
    expect(products.map((p) => p.name)).not.toContain('On-site visit'); // inactive
    expect(products.find((p) => p.id === String(SERVICE.rmmServer))).toMatchObject({
      unitPrice: 45,
      unitCost: 8,
    });
    const contracts = target.listContracts([String(ACME), String(accountIdOf('c03')), String(C06)]);
    expect(contracts.map((c) => [c.id, c.companyId, c.kind, c.startDate, c.endDate])).toEqual([
      [String(C01), String(ACME), 'recurring-service', '2026-01-01', '2027-12-31'],
      [
        String(contractIdOf('c03')),
        String(accountIdOf('c03')),
        'recurring-service',
        '2026-01-01',
        '2027-12-31',
      ],
    ]); // the block-hours contract is not a place for quantities
    const l = await log();
    expect(l[0].path).toBe('/v2/security/authenticate');
    expect(l[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(l.filter((r) => r.path === '/v2/security/authenticate')).toHaveLength(1);
    for (const r of l.slice(1)) expect(r.headers.authorization).toMatch(/^Bearer bms-at-/);
  });

  it('pages past one page at the paging minimum (100 a page, TotalRecords)', async () => {
    const { target } = connect(sb.urls.big);
    expect(target.listCompanies()).toHaveLength(ACCOUNTS + 250);
    const pages = (await log('big')).filter((r) => r.path === '/v2/crm/accounts/summary');
    expect(pages.map((r) => new URLSearchParams(r.query).get('PageNumber'))).toEqual(['1', '2', '3']);
    expect(pages.every((r) => new URLSearchParams(r.query).get('PageSize') === '100')).toBe(true);
  });

  it('reads answers in camelCase as well as PascalCase', () => {
    const pascal = connect(sb.urls.v0).target;
    const camel = connect(sb.urls.camel).target;
    expect(camel.listCompanies()).toEqual(pascal.listCompanies());
    expect(camel.listProducts()).toEqual(pascal.listProducts());
    expect(camel.readBilling(scope([C01]))).toEqual(pascal.readBilling(scope([C01])));
  });

  it('keeps the token between executions, renews it with the refresh token, signs in again after a 401', async () => {
    const tokens = memoryTokenStore();
    const refresh = memoryTokenStore();
    connect(sb.urls.v0, { tokenStore: tokens, refreshStore: refresh }).target.listCompanies();
    connect(sb.urls.v0, { tokenStore: tokens, refreshStore: refresh }).target.listCompanies();
    const paths = async (): Promise<string[]> =>
      (await log()).map((r) => r.path).filter((p) => p.startsWith('/v2/security'));
    expect(await paths()).toEqual(['/v2/security/authenticate']);
    // Two hours later the access token has expired: the refresh token renews it.
    const later = () => Date.now() + 2 * 3600_000;
    connect(sb.urls.v0, { tokenStore: tokens, refreshStore: refresh, now: later }).target.listCompanies();
    expect(await paths()).toEqual(['/v2/security/authenticate', '/v2/security/refreshtoken']);
    // A token BMS no longer honours (revoked): one new sign-in, and the read succeeds.
    tokens.put({ token: 'revoked-token', expiresAt: Date.now() + 3600_000 });
    expect(
      connect(sb.urls.v0, { tokenStore: tokens, refreshStore: refresh }).target.listCompanies(),
    ).toHaveLength(ACCOUNTS);
    expect(await paths()).toEqual([
      '/v2/security/authenticate',
      '/v2/security/refreshtoken',
      '/v2/security/authenticate',
    ]);
  });

  it('testConnection: connected, wrong password in plain words, never the password itself', () => {
    expect(connect(sb.urls.v0).target.testConnection()).toEqual({
      ok: true,
      message: 'Connected to Kaseya BMS (api.bms.kaseya.com, company NorthwindIT)',
    });
    const bad = connect(sb.urls.v0, { config: { password: 'not-the-password-9' } }).target.testConnection();
    expect(bad).toEqual({
      ok: false,
      message: 'Kaseya BMS rejected the user name, password or company (tenant) name (401)',
    });
    expect(bad.message).not.toContain('not-the-password-9');
    expect(() => connect(sb.urls.v0, { config: { apiHost: 'https://evil.example.com' } })).toThrow(
      /must be one of Kaseya's API hosts/,
    );
  });

  it('refuses a usage or one-off charge with the reason, sending nothing', async () => {
    const out = connect(sb.urls.v0).target.applyAll([usageCharge(C01, ACME)]);
    expect(out).toEqual([{ status: 'failed', retryable: false, message: CHARGE_REFUSED }]);
    expect((await log()).filter(isMutation)).toEqual([]);
  });

  it('a push reads each contract once: the comparison serves the first write; a later write or an old read reads again', async () => {
    let clock = Date.now();
    const target = connect(sb.urls.v0, { now: () => clock }).target;
    const contractReads = async (): Promise<string[]> =>
      (await log())
        .filter((r) => r.method === 'GET' && /^\/v2\/finance\/contracts\/\d+$/.test(r.path))
        .map((r) => r.path);
    target.readBilling(scope([C01, C02]));
    expect((await contractReads()).sort()).toEqual([
      `/v2/finance/contracts/${C01}`,
      `/v2/finance/contracts/${C02}`,
    ]);
    await sb.admin('v0').clearRequests();
    const first = target.applyAll([
      quantity(C01, SERVICE.rmmWorkstation, ACME, 26, 12, 3),
      quantity(C02, SERVICE.itGlue, accountIdOf('c02'), 12, 2, 0.5),
    ]);
    expect(first.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(await contractReads()).toEqual([]);
    // C01 was written: the next write to it reads it again (and sees the line the first one changed).
    await sb.admin('v0').clearRequests();
    expect(target.applyAll([quantity(C01, SERVICE.rmmWorkstation, ACME, 26, 12, 3)])[0].status).toBe(
      'unchanged',
    );
    expect(await contractReads()).toEqual([`/v2/finance/contracts/${C01}`]);
    // A read a minute old is not used for a write.
    target.readBilling(scope([C02]));
    clock += 60_000;
    await sb.admin('v0').clearRequests();
    expect(target.applyAll([quantity(C02, SERVICE.itGlue, accountIdOf('c02'), 13, 2, 0.5)])[0].status).toBe(
      'applied',
    );
    expect(await contractReads()).toEqual([`/v2/finance/contracts/${C02}`]);
    expect(units(await state(), C02, SERVICE.itGlue)).toEqual([13]);
  });

  it('a comparison that only shows or approves answers from contracts read minutes ago; a push reads, and a write keeps what it saved', async () => {
    let clock = Date.now();
    const kept = memoryKeptReads();
    const run = () => connect(sb.urls.v0, { now: () => clock, keptReads: kept }).target;
    const contractReads = async (): Promise<string[]> =>
      (await log())
        .filter((r) => r.method === 'GET' && /^\/v2\/finance\/contracts\/\d+$/.test(r.path))
        .map((r) => r.path)
        .sort();
    const show = { ...scope([C01, C02]), recentReadsMs: KEPT_READS_MS };
    // A pull's comparison reads both contracts and keeps what it read.
    await sb.admin('v0').clearRequests();
    const pulled = run().readBilling(scope([C01, C02]));
    expect(await contractReads()).toHaveLength(2);
    expect(kept.size()).toBe(2);
    // Approval (another execution, minutes later): the same state, no request.
    clock += 5 * 60_000;
    await sb.admin('v0').clearRequests();
    expect(run().readBilling(show)).toEqual(pulled);
    expect(await contractReads()).toEqual([]);
    // A push's comparison reads now.
    run().readBilling(scope([C01]));
    expect(await contractReads()).toEqual([`/v2/finance/contracts/${C01}`]);
    // Past the limit a kept read is not used.
    clock += KEPT_READS_MS;
    await sb.admin('v0').clearRequests();
    run().readBilling(show);
    expect(await contractReads()).toHaveLength(2);
    // A write keeps the contract as BMS saved it: the next comparison sees what the push changed without
    // reading. Where lines are read back, BillGrid keeps no record of its own of the line it changed.
    const record = memoryLineRecordStore();
    const pusher = connect(sb.urls.v0, { now: () => clock, keptReads: kept, lineStore: record }).target;
    pusher.readBilling(scope([C02]));
    expect(pusher.applyAll([quantity(C02, SERVICE.itGlue, accountIdOf('c02'), 17, 2, 0.5)])[0].status).toBe(
      'applied',
    );
    expect(kept.size()).toBe(2);
    expect(record.entries()).toEqual([]);
    await sb.admin('v0').clearRequests();
    const after = run().readBilling(show);
    expect(await contractReads()).toEqual([]);
    const itGlue = (b: typeof after) =>
      b.quantities.find(
        (q) => q.ref.contractId === String(C02) && q.ref.productId === String(SERVICE.itGlue),
      );
    expect(itGlue(after)?.quantity).toBe(17);
    // As a fresh read shows it.
    expect(itGlue(run().readBilling(scope([C02])))).toEqual(itGlue(after));
    // A write whose answer was lost: the contract is not kept, the next comparison reads it.
    await sb
      .admin('v0')
      .faults([{ match: { method: 'PUT', pathIncludes: '/services/' }, status: 500, times: 1 }]);
    expect(pusher.applyAll([quantity(C02, SERVICE.itGlue, accountIdOf('c02'), 18, 2, 0.5)])[0].status).toBe(
      'failed',
    );
    expect(kept.size()).toBe(1);
    await sb.admin('v0').clearRequests();
    const unsure = itGlue(run().readBilling(show));
    expect(await contractReads()).toEqual([`/v2/finance/contracts/${C02}`]);
    expect(unsure?.quantity).toBe(units(await state(), C02, SERVICE.itGlue)[0]);
  });

  it("a push's continuation plans from what the push read and wrote since it began; every write still reads first", async () => {
    let clock = Date.parse('2026-10-28T14:00:00Z');
    const kept = memoryKeptReads();
    const run = () => connect(sb.urls.v0, { now: () => clock, keptReads: kept }).target;
    const contractReads = async (): Promise<string[]> =>
      (await log())
        .filter((r) => r.method === 'GET' && /^\/v2\/finance\/contracts\/\d+$/.test(r.path))
        .map((r) => r.path)
        .sort();
    const C03 = contractIdOf('c03');
    // Review read C03 before the push began: a continuation does not use that read.
    run().readBilling(scope([C03]));
    clock += 60_000;
    const began = clock;
    // The push's first execution compares with a fresh read, then writes C01 and not C02.
    const first = run();
    first.readBilling(scope([C01, C02]));
    clock += 5_000;
    expect(first.applyAll([quantity(C01, SERVICE.rmmWorkstation, ACME, 27, 12, 3)])[0].status).toBe(
      'applied',
    );
    // Its continuation, 50 minutes later (the hourly limit): reads only what the push had not read (C03 was
    // read before the push began), and sees C01 as the push wrote it.
    clock += 50 * 60_000;
    await sb.admin('v0').clearRequests();
    const cont = run().readBilling({ ...scope([C01, C02, C03]), pushBeganAt: began });
    expect(await contractReads()).toEqual([`/v2/finance/contracts/${C03}`]);
    const fresh = run().readBilling(scope([C01, C02, C03]));
    const id = (q: (typeof fresh.quantities)[number]): string => `${q.ref.contractId}/${q.ref.productId}`;
    const sorted = (b: typeof fresh) => [...b.quantities].sort((x, y) => id(x).localeCompare(id(y)));
    expect(sorted(cont)).toEqual(sorted(fresh));
    expect(cont.quantities.find((q) => id(q) === `${C01}/${SERVICE.rmmWorkstation}`)?.quantity).toBe(27);
    // A step planned from a kept read is written only after reading its contract now.
    await sb.admin('v0').clearRequests();
    clock += 5 * 60_000;
    const writer = run();
    writer.readBilling({ ...scope([C02]), pushBeganAt: began });
    expect(await contractReads()).toEqual([]);
    expect(writer.applyAll([quantity(C02, SERVICE.itGlue, accountIdOf('c02'), 14, 2, 0.5)])[0].status).toBe(
      'applied',
    );
    expect(await contractReads()).toEqual([`/v2/finance/contracts/${C02}`]);
  });

  it("a comparison held back by the hour's limit keeps the contracts it did read: its continuation reads only the rest", async () => {
    let saved: { hour: number; counts: Record<string, number> } | null = null;
    const ledger = { get: () => saved, put: (v: typeof saved & object) => void (saved = v) };
    let clock = Date.parse('2026-10-28T14:20:00Z');
    const kept = memoryKeptReads();
    const run = () =>
      connect(sb.urls.v0, {
        config: { hourlyLimit: 2 },
        callLedger: ledger,
        now: () => clock,
        keptReads: kept,
      }).target;
    const began = clock;
    const ids = [C01, C02, contractIdOf('c03')];
    expect(() => run().readBilling(scope(ids))).toThrow(RateLimitWait);
    expect(kept.size()).toBe(2);
    clock = Date.parse('2026-10-28T15:00:05Z');
    await sb.admin('v0').clearRequests();
    run().readBilling({ ...scope(ids), pushBeganAt: began });
    expect(
      (await log()).filter((r) => r.method === 'GET' && /^\/v2\/finance\/contracts\/\d+$/.test(r.path)),
    ).toHaveLength(1);
  });

  describe.each(LINE_VARIANTS.map((v, i) => [`${v.lineRead} / ${v.lineUpdate}`, v, i] as const))(
    'variant %s',
    (_label, variant, i) => {
      const name = (): string => names[i];
      const reads = variant.lineRead === 'contract-detail';
      // The default variant's month and its lost connections run in the shared contract suite
      // (tests/contract/psa-target.test.ts, local/sandbox/kaseya-bms/contract.ts); here only the others.
      const ownCase = (title: string, fn: () => Promise<void>): void => {
        if (
          variant.lineRead !== DEFAULT_VARIANTS.lineRead ||
          variant.lineUpdate !== DEFAULT_VARIANTS.lineUpdate
        )
          it(title, fn);
      };
      let store: LineRecordStore;
      let facts: TenantFacts;
      const run = (): KaseyaBmsTarget => connect(sb.urls[name()], { lineStore: store, facts }).target;
      /** The contract BillGrid creates for c06, before the month (found, not repeated, on a second call). */
      const newContract = (): string =>
        run().createContract({
          companyId: String(C06),
          name: 'Managed Services Delta Engineering',
          reference: 'BG-contract-c06',
          startDate: '2026-10-01',
        }).id;
      beforeEach(() => {
        store = memoryLineRecordStore();
        facts = memoryTenantFacts();
      });

      ownCase(
        'pushes a month convergently: exact target state, then no mutating request on re-run',
        async () => {
          const contract = newContract();
          expect(newContract()).toBe(contract);
          const before = await state(name());
          const steps = monthSteps(contract);
          const target = run();
          const first = target.applyAll(steps);
          check(first, expectedFirst(variant));
          expect(target.warnings).toEqual(reads ? [] : [NO_READ_WARNING]);
          const after = await state(name());
          expect(units(after, contract, SERVICE.rmmWorkstation)).toEqual([10]);
          expect(units(after, contract, SERVICE.rmmServer)).toEqual([2]);
          expect(units(after, C01, SERVICE.rmmWorkstation)).toEqual(
            reads && variant.lineUpdate === 'put-line' ? [26] : [24],
          );
          expect(units(after, C01, SERVICE.rmmNetwork)).toEqual(reads ? [5] : []);
          expect(units(after, C02, SERVICE.itGlue)).toEqual(reads ? [12] : []);
          expect(Math.max(...lineCounts(after).values())).toBe(1);
          expect(after.lines.length - before.lines.length).toBe(reads ? 4 : 2);

          await sb.admin(name()).clearRequests();
          const second = run().applyAll(steps);
          const again = expectedFirst(variant).map((e): Expect => (e === 'applied' ? 'unchanged' : e));
          // With a read path the first push fixed what it could; without one, what it refused stays refused.
          check(second, again);
          expect((await log(name())).filter(isMutation)).toEqual([]);
          expect((await state(name())).lines).toEqual(after.lines);

          // Next month a device is added on the contract BillGrid made: changed in place, or reported.
          const next = monthSteps(contract).slice(4, 6);
          next[0] = quantity(contract, SERVICE.rmmWorkstation, C06, 12, 12, 3);
          const third = run().applyAll(next);
          if (variant.lineUpdate === 'put-line')
            expect(third.map((o) => o.status)).toEqual(['applied', 'unchanged']);
          else
            expect(third[0]).toEqual({
              status: 'failed',
              retryable: false,
              message: expect.stringMatching(/cannot change the units .*BillGrid did not add a second line/),
            });
          const s3 = await state(name());
          expect(units(s3, contract, SERVICE.rmmWorkstation)).toEqual([
            variant.lineUpdate === 'put-line' ? 12 : 10,
          ]);
        },
      );

      it("reads only the month's contracts, from BMS or from its own record", async () => {
        const contract = newContract();
        run().applyAll(monthSteps(contract));
        await sb.admin(name()).clearRequests();
        const now = run().readBilling(scope([C01, Number(contract)]));
        const got = now.quantities.map((q) => [q.ref.contractId, q.ref.productId, q.quantity]).sort();
        const own = [
          [contract, String(SERVICE.rmmServer), 2],
          [contract, String(SERVICE.rmmWorkstation), 10],
        ];
        if (reads) {
          expect(got).toEqual(
            [
              ...own,
              [String(C01), String(SERVICE.rmmWorkstation), variant.lineUpdate === 'put-line' ? 26 : 24],
              [String(C01), String(SERVICE.rmmServer), 3],
              [String(C01), String(SERVICE.m365), 22],
              [String(C01), String(SERVICE.rmmNetwork), 5],
            ].sort(),
          );
        } else {
          expect(got).toEqual(own.sort());
        }
        expect(now.quantities.every((q) => q.ref.companyId !== '')).toBe(true);
      });

      ownCase(
        'survives a crash after each mutating request: no second line, and the re-run converges or asks a person',
        async () => {
          const contract = newContract();
          const steps = monthSteps(contract);
          const baseline = await state(name());
          run().applyAll(steps);
          const reference = (await log(name()))
            .filter(isMutation)
            .filter((r) => !r.path.endsWith('/recurringservices'));
          expect(reference.length).toBeGreaterThan(0);
          for (let k = 0; k < reference.length; k++) {
            await sb.admin(name()).setState(baseline);
            await sb.admin(name()).clearRequests();
            store = memoryLineRecordStore();
            facts = memoryTenantFacts();
            const { method, path } = reference[k];
            const after = reference.slice(0, k).filter((r) => r.method === method && r.path === path).length;
            await sb
              .admin(name())
              .faults([{ match: { method, pathIncludes: path }, after, dropAfterHandling: true }]);
            const crashed = run().applyAll(steps);
            const lost = crashed.filter((o) => o.status === 'failed' && /did not answer/.test(o.message));
            expect(lost.length).toBeGreaterThanOrEqual(1);
            for (const o of lost) expect(o).toMatchObject({ retryable: true });

            const rerun = run().applyAll(steps);
            const s = await state(name());
            expect(Math.max(...lineCounts(s).values())).toBe(1);
            if (reads) {
              // Read back: the re-run finished what the crash interrupted, once.
              expect(rerun.filter((o) => o.status === 'failed' && /did not answer/.test(o.message))).toEqual(
                [],
              );
              expect(units(s, contract, SERVICE.rmmWorkstation)).toEqual([10]);
              expect(units(s, contract, SERVICE.rmmServer)).toEqual([2]);
              expect(units(s, C01, SERVICE.rmmNetwork)).toEqual([5]);
              expect(units(s, C02, SERVICE.itGlue)).toEqual([12]);
              expect(units(s, C01, SERVICE.rmmWorkstation)).toEqual([
                variant.lineUpdate === 'put-line' ? 26 : 24,
              ]);
            } else {
              // No read path: the line whose answer was lost is not sent again; a person is asked to look.
              const asked = rerun.filter((o) => o.status === 'failed' && /got no answer/.test(o.message));
              expect(asked).toHaveLength(lost.length);
              const total = s.lines.filter((l) => l.ContractId === Number(contract)).length;
              expect(total).toBe(2); // both lines exist once: the lost one landed, the other was added on re-run
            }
          }
        },
      );

      it('a write answered with a server error counts as maybe saved: re-read, or a person asked; never a second line', async () => {
        const contract = newContract();
        await sb
          .admin(name())
          .faults([{ match: { method: 'POST', pathIncludes: '/services' }, status: 502, times: 1 }]);
        const step = monthSteps(contract)[4];
        const [first] = run().applyAll([step]);
        expect(first).toMatchObject({
          status: 'failed',
          retryable: true,
          message: expect.stringMatching(/may or may not have been/),
        });
        const [again] = run().applyAll([step]);
        // The 502 came before BMS acted: with a read path the re-run sees no line and adds it; without one it asks.
        if (reads) expect(again.status).toBe('applied');
        else
          expect(again).toMatchObject({ status: 'failed', message: expect.stringMatching(/got no answer/) });
        expect(units(await state(name()), contract, SERVICE.rmmWorkstation)).toEqual(reads ? [10] : []);
      });

      it('probes which behaviour this tenant has, changing nothing', async () => {
        const before = await state(name());
        const t = run();
        expect(t.probeLineRead().status).toBe(reads ? 'confirmed' : 'differs');
        expect(t.probeLineUpdate().status).toBe(variant.lineUpdate === 'put-line' ? 'confirmed' : 'differs');
        expect((await state(name())).lines).toEqual(before.lines);
      });
    },
  );

  it('a contract create whose answer was lost is found by its reference, not repeated', async () => {
    await sb.admin('v0').faults([
      {
        match: { method: 'POST', pathIncludes: '/v2/finance/contracts/recurringservices' },
        dropAfterHandling: true,
      },
    ]);
    const input = {
      companyId: String(C06),
      name: 'Managed Services Delta',
      reference: 'BG-contract-x',
      startDate: '2026-10-01',
    };
    expect(() => connect(sb.urls.v0).target.createContract(input)).toThrow(/did not create the contract/);
    const again = connect(sb.urls.v0).target.createContract(input);
    expect(again.created).toBe(false);
    const s = await state();
    expect(s.contracts.filter((c) => c.ContractName.includes('BG-contract-x'))).toHaveLength(1);
    expect(String(s.contracts.find((c) => c.ContractName.includes('BG-contract-x'))?.Id)).toBe(again.id);
  });

  it('creates a missing account once (found by name after a lost answer), only with the settings BMS requires', async () => {
    const name = 'Greenfield Startups Ltd';
    expect(() => connect(sb.urls.v0).target.createCompany({ name })).toThrow(
      /needs an account manager, account type and business type/,
    );
    const settings = { accountManagerId: 12, accountTypeId: 1, businessTypeId: 2 };
    await sb
      .admin('v0')
      .faults([{ match: { method: 'POST', pathIncludes: '/v2/crm/accounts' }, dropAfterHandling: true }]);
    expect(() => connect(sb.urls.v0, { config: settings }).target.createCompany({ name })).toThrow(
      /did not create the account/,
    );
    const again = connect(sb.urls.v0, { config: settings }).target.createCompany({ name });
    expect(again.created).toBe(false);
    const s = await state();
    expect(s.accounts.filter((a) => a.AccountName === name).map((a) => String(a.Id))).toEqual([again.id]);
  });

  it('auto-create mode: a service of that name is found or created once, then billed', async () => {
    const step = quantity(C01, 0, ACME, 4, 9.5, 4);
    const auto: PushStep = {
      ...step,
      ref: { ...step.ref, kind: 'quantity', productId: 'new:BACKUP-SEAT' } as PushStep['ref'],
      after: { ...step.after, productName: 'Cloud backup seat', sku: 'BACKUP-SEAT' },
    };
    expect(
      connect(sb.urls.v0)
        .target.applyAll([auto])
        .map((o) => o.status),
    ).toEqual(['applied']);
    expect(
      connect(sb.urls.v0)
        .target.applyAll([auto])
        .map((o) => o.status),
    ).toEqual(['unchanged']);
    const s = await state();
    const made = s.services.filter((x) => x.Name === 'Cloud backup seat');
    expect(made.map((x) => [x.UnitPrice, x.UnitCost])).toEqual([[9.5, 4]]);
    expect(units(s, C01, made[0].Id)).toEqual([4]);
  });

  it('reports malformed records with their id and carries on', async () => {
    const s = await state();
    (s.accounts[1] as unknown as Record<string, unknown>).AccountName = null;
    (s.lines[0] as unknown as Record<string, unknown>).Units = 'ten';
    await sb.admin('v0').setState(s);
    const target = connect(sb.urls.v0).target;
    expect(target.listCompanies()).toHaveLength(ACCOUNTS - 1);
    const q = target.readBilling(scope([C01]));
    expect(q.quantities.map((x) => x.ref.productId).sort()).toEqual(
      [String(SERVICE.rmmServer), String(SERVICE.m365)].sort(),
    );
    // The unreadable line's service is not added a second time.
    await sb.admin('v0').clearRequests();
    const out = target.applyAll([quantity(C01, SERVICE.rmmWorkstation, ACME, 26, 12, 3)]);
    expect(out[0]).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/cannot read .*no second line/),
    });
    expect((await log()).filter(isMutation)).toEqual([]);
    expect(target.problems.map((p) => p.message).slice(0, 2)).toEqual([
      expect.stringMatching(new RegExp(`^Account ${s.accounts[1].Id}: AccountName `)),
      expect.stringMatching(new RegExp(`^Contract service ${s.lines[0].Id}: Units `)),
    ]);
  });

  it.each(['v0', 'envelope'])('says when the hourly limit per endpoint is used up (%s)', async (n) => {
    const s = await state(n);
    await sb.admin(n).setState({ ...s, hourlyLimit: 2 });
    const tokens = memoryTokenStore();
    const target = connect(sb.urls[n], { tokenStore: tokens }).target;
    target.listCompanies(); // 1 call
    target.listCompanies(); // cached
    expect(connect(sb.urls[n], { tokenStore: tokens }).target.listCompanies()).toHaveLength(ACCOUNTS); // 2nd call
    expect(() => connect(sb.urls[n], { tokenStore: tokens }).target.listCompanies()).toThrow(
      /limit of 1,500 calls an hour on this endpoint is used up/,
    );
  });

  it('paces its calls under the hourly limit per endpoint across executions, sending nothing past it', async () => {
    let saved: { hour: number; counts: Record<string, number> } | null = null;
    const ledger = { get: () => saved, put: (v: typeof saved & object) => void (saved = v) };
    const tokens = memoryTokenStore();
    const run = () =>
      connect(sb.urls.v0, { config: { hourlyLimit: 2 }, callLedger: ledger, tokenStore: tokens }).target;
    expect(run().listCompanies()).toHaveLength(ACCOUNTS);
    expect(run().listCompanies()).toHaveLength(ACCOUNTS);
    expect(() => run().listCompanies()).toThrow(
      /BillGrid paused before Kaseya BMS's limit of 2 calls an hour on this endpoint; nothing was sent, and it carries on after \d\d:00 UTC/,
    );
    expect(run().listProducts().length).toBeGreaterThan(0); // another endpoint has its own budget
    expect((await log()).filter((r) => r.path === '/v2/crm/accounts/summary')).toHaveLength(2);
    expect(saved).toMatchObject({ counts: { 'GET /v2/crm/accounts/summary': 2 } });
  });

  it("past the hour's limit a comparison waits for the next hour and a push's step continues then, nothing sent", async () => {
    let saved: { hour: number; counts: Record<string, number> } | null = null;
    const ledger = { get: () => saved, put: (v: typeof saved & object) => void (saved = v) };
    const clock = Date.parse('2026-10-28T14:20:00Z');
    const run = () =>
      connect(sb.urls.v0, { config: { hourlyLimit: 1 }, callLedger: ledger, now: () => clock }).target;
    run().readBilling(scope([C01])); // the hour's one contract read
    await sb.admin('v0').clearRequests();
    const reader = run();
    let wait: unknown = null;
    try {
      reader.readBilling(scope([C02]));
    } catch (err) {
      wait = err;
    }
    expect(wait).toBeInstanceOf(RateLimitWait);
    expect((wait as RateLimitWait).message).toMatch(/BillGrid paused .* carries on after 15:00 UTC/);
    // Until the next clock hour (40 minutes), and a few seconds more.
    expect((wait as RateLimitWait).waitMs).toBe(40 * 60_000 + 5_000);
    expect(reader.resumeInMs()).toBe(40 * 60_000 + 5_000);
    // A push's step needs that read first: held for the continuation, not failed for good.
    const pusher = run();
    expect(pusher.applyAll([quantity(C02, SERVICE.itGlue, accountIdOf('c02'), 21, 2, 0.5)])).toEqual([
      expect.objectContaining({ status: 'failed', retryable: true, continueLater: true }),
    ]);
    expect(pusher.resumeInMs()).toBe(40 * 60_000 + 5_000);
    expect((await log()).filter((r) => r.path.startsWith('/v2/finance/'))).toEqual([]);
    expect(run().resumeInMs()).toBe(0);
  });

  it("a read-only BMS user: refusals in BMS's words, nothing changed", async () => {
    const t = connect(sb.urls.v0, {
      config: { userName: READONLY_USER.UserName, password: READONLY_USER.Password },
    }).target;
    const out = t.applyAll([quantity(C01, SERVICE.rmmNetwork, ACME, 5, 6, 1)]);
    expect(out).toEqual([
      {
        status: 'failed',
        retryable: false,
        message: expect.stringMatching(/refused .*: You do not have permission/),
      },
    ]);
    expect((await state()).lines).toEqual(demoFixture().lines);
  });

  it('imports the KaseyaOne organisation mappings and writes new ones back only when they differ', async () => {
    const t = connect(sb.urls.v0).target;
    expect(t.kaseyaOne()).toEqual({
      connected: true,
      modules: [
        { id: String(MODULE.dattoRmm), name: 'Datto RMM' },
        { id: String(MODULE.itGlue), name: 'IT Glue' },
      ],
    });
    const rows = t.organizationMappings([String(MODULE.dattoRmm), String(MODULE.itGlue)]);
    expect(rows.map((r) => [r.accountName, r.moduleId, r.organizationId, r.parentId])).toEqual([
      ['Acme Dental Group', String(MODULE.dattoRmm), 'site-acme-hq', null],
      ['Acme Dental Group', String(MODULE.dattoRmm), 'site-acme-north', 'site-acme-hq'],
      ['Blue Harbor Logistics', String(MODULE.dattoRmm), 'site-blueharbor', null],
      ['Cedar & Pine Law', String(MODULE.itGlue), '3300412', null],
    ]);
    expect(t.organizationMappings([String(MODULE.dattoRmm)], { accountName: 'acme' })).toHaveLength(2);
    // The modules' organisations with their sub-organisations (parent and child, as the mapping page lists them).
    expect(t.organizationParents([String(MODULE.dattoRmm), String(MODULE.itGlue)])).toEqual([
      {
        moduleId: String(MODULE.dattoRmm),
        organizationId: 'site-acme-north',
        parentId: 'site-acme-hq',
        parentName: 'Acme Dental - HQ',
      },
    ]);
    const save = {
      accountId: String(accountIdOf('c05')),
      moduleId: String(MODULE.dattoRmm),
      organizations: [{ id: 'site-crestview', name: 'Crestview Vet', parentId: null }],
    };
    expect(t.saveOrganizationMapping(save).status).toBe('applied');
    await sb.admin('v0').clearRequests();
    expect(t.saveOrganizationMapping(save).status).toBe('unchanged');
    expect((await log()).filter(isMutation)).toEqual([]);
    const taken = t.saveOrganizationMapping({ ...save, accountId: String(accountIdOf('c07')) });
    expect(taken).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/already mapped to another account/),
    });
  });

  it('retries a 5xx or 429 on a read; never resends a write that got a 5xx, and the re-run converges', async () => {
    await sb.admin('v0').faults([
      { match: { method: 'GET', pathIncludes: `/v2/finance/contracts/${C01}` }, status: 503, times: 1 },
      {
        match: { method: 'GET', pathIncludes: `/v2/finance/contracts/${C01}` },
        status: 429,
        times: 1,
        after: 0,
      },
      { match: { method: 'POST', pathIncludes: '/services' }, status: 500, times: 1 },
    ]);
    const step = quantity(C01, SERVICE.rmmNetwork, ACME, 5, 6, 1);
    const { target, reads } = connect(sb.urls.v0);
    const first = target.applyAll([step]);
    expect(first).toEqual([
      {
        status: 'failed',
        retryable: true,
        message: expect.stringMatching(
          /^Kaseya BMS failed while saving .*\(HTTP 500 without a BMS answer\); it may or may not have been saved - push again/,
        ),
      },
    ]);
    expect(reads.stats.retries).toBe(2);
    const posts = (await log()).filter((r) => r.method === 'POST' && r.path.endsWith('/services'));
    expect(posts).toHaveLength(1);
    expect(
      connect(sb.urls.v0)
        .target.applyAll([step])
        .map((o) => o.status),
    ).toEqual(['applied']);
    expect(units(await state(), C01, SERVICE.rmmNetwork)).toEqual([5]);
  });

  it("imports BMS organisation mappings as confirmed client mappings and writes a person's new ones back", async () => {
    const t = connect(sb.urls.v0).target;
    const modules = { [String(MODULE.dattoRmm)]: 'datto-rmm', [String(MODULE.itGlue)]: 'it-glue' };
    const rows = t.organizationMappings(Object.keys(modules));
    const person = {
      source: 'datto-rmm',
      customerId: 'site-blueharbor',
      customerName: 'Blue Harbor Logistics',
      companyId: String(accountIdOf('c03')),
      status: 'manual' as const,
      score: null,
    };
    const { mappings, conflicts } = importOrganizationMappings(rows, modules, [person]);
    expect(conflicts).toEqual([]);
    expect(mappings.map((m) => [m.source, m.customerId, m.companyId, m.status])).toEqual([
      ['datto-rmm', 'site-acme-hq', String(ACME), 'confirmed'],
      ['datto-rmm', 'site-acme-north', String(ACME), 'confirmed'], // a sub-organisation, same account
      ['it-glue', '3300412', String(accountIdOf('c04')), 'confirmed'],
    ]); // Blue Harbor keeps the person's mapping
    const crestview = {
      ...person,
      customerId: 'site-crestview',
      customerName: 'Crestview Vet',
      companyId: String(accountIdOf('c05')),
    };
    const writes = organizationMappingWrites([...mappings, person, crestview], modules);
    await sb.admin('v0').clearRequests();
    expect(writes.map((w) => t.saveOrganizationMapping(w).status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'applied',
    ]);
    expect((await log()).filter(isMutation)).toHaveLength(1);
    expect(writes.map((w) => t.saveOrganizationMapping(w).status)).toEqual(Array(4).fill('unchanged'));
  });

  it('never puts the password or a token in a message', async () => {
    const t = connect(sb.urls.v0).target;
    t.listCompanies();
    await sb.admin('v0').faults([
      {
        match: { pathIncludes: '/crm/accounts' },
        status: 500,
        body: { Success: false, Error: { Message: `boom ${DEMO_USER.Password}` } },
        times: 5,
      },
    ]);
    let message = '';
    try {
      connect(sb.urls.v0).target.listCompanies();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/could not read accounts/);
    expect(message).not.toContain(DEMO_USER.Password);
    expect(message).toContain('•••');
  });
});

function scope(contracts: Array<number | string>) {
  return {
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    companyIds: [],
    contractIds: contracts.map(String),
    lineKeys: [],
  };
}
