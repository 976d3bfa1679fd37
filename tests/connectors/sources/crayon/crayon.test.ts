import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  CRAYON_CLIENT,
  CRAYON_USER,
  badFixture,
  bigFixture,
  demoFixture,
  type CrayonFixture,
  type CrayonVariants,
} from '../../../../local/sandbox/crayon/fixture';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import {
  createCrayonSource,
  crayonDescriptor,
  crayonCredentialsSchema,
  crayonHttpPolicy,
  crayonProbes,
} from '../../../../src/connectors/sources/crayon';
import { lineIdentity } from '../../../../src/core/line-key';
import type { BillingPeriod, PullResult } from '../../../../src/core/source';
import { SourceError } from '../../../../src/core/source';
import { stopGasHttp, testHttp } from '../support/gas-http';
import { CrayonSpec } from './crayon-openapi';

const PERIOD: BillingPeriod = { month: DEMO_MONTH, start: '2026-10-01', end: '2026-10-31' };
const cents = (n: number) => Math.round(n * 100) / 100;
const CREDS = { ...CRAYON_CLIENT, ...CRAYON_USER };
const SECRETS = [CRAYON_CLIENT.clientSecret, CRAYON_USER.password];

/** What Crayon's records charge each tenant (by primary domain), straight from the fixture. */
function fixtureTotals(f: CrayonFixture): Map<string, number> {
  const byDomain = new Map(f.customerTenants.map((t) => [t.domain, String(t.id)]));
  const out = new Map<string, number>();
  for (const { record } of f.records) {
    const id = byDomain.get(record.TenantPrimaryDomain as string)!;
    out.set(id, cents((out.get(id) ?? 0) + (record.ResellerSalesPriceTotal as number)));
  }
  return out;
}

function lineTotals(r: PullResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of r.lines) out.set(l.customerId, cents((out.get(l.customerId) ?? 0) + l.total));
  return out;
}

const VARIANTS: Array<[string, Partial<CrayonVariants> & { maxPageSize?: number }]> = [
  ['documented envelope, camelCase, JSON records file', {}],
  ['bare arrays as in the spec', { listShape: 'array' }],
  ['PascalCase as in the docs', { casing: 'pascal' }],
  ['CSV records file', { recordsFile: 'csv' }],
  ['CSV with semicolons', { recordsFile: 'csv', csvDelimiter: ';' }],
  ['page size silently reduced, envelope', { pageSizeCap: 'clamp', maxPageSize: 4 }],
  ['page size silently reduced, bare arrays', { pageSizeCap: 'clamp', maxPageSize: 4, listShape: 'array' }],
];

describe('Crayon source against the stateful Cloud-iQ sandbox', () => {
  let sb: RunningSandboxes;
  const demo = demoFixture();
  const spec = new CrayonSpec();
  const names = ['crayon', 'crayon-bad', 'crayon-big'];

  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'crayon' },
      { kind: 'crayon', name: 'crayon-bad', fixture: badFixture() },
      { kind: 'crayon', name: 'crayon-big', fixture: bigFixture(230) },
    ]);
  });
  afterAll(async () => {
    await sb.stop();
    await stopGasHttp();
  });
  beforeEach(async () => {
    await Promise.all(names.map((n) => sb.admin(n).reset()));
  });
  // Every request the connector sent and every answer it got, in every test, valid per the vendored spec.
  afterEach(async () => {
    for (const name of ['crayon', 'crayon-big']) {
      for (const entry of await sb.admin(name).requests()) {
        const check = spec.check(entry);
        if (!check.ok)
          throw new Error(`${entry.method} ${entry.path}?${entry.query}: ${check.errors.join('; ')}`);
      }
    }
  });

  async function useVariant(name: string, v: Partial<CrayonVariants> & { maxPageSize?: number }) {
    const state = await sb.admin(name).state<CrayonFixture>();
    const { maxPageSize, ...variants } = v;
    await sb.admin(name).setState({
      ...state,
      variants: { ...state.variants, ...variants },
      maxPageSize: maxPageSize ?? state.maxPageSize,
    });
  }

  function source(name = 'crayon', extra: Record<string, unknown> = {}) {
    const t = testHttp(crayonHttpPolicy(), { 'https://api.crayon.com': sb.urls[name] });
    return { src: createCrayonSource({ ...CREDS, ...extra }, t.http), ...t };
  }

  describe.each(VARIANTS)('under the variant: %s', (_label, variant) => {
    beforeEach(() => useVariant('crayon', variant));

    it("bills every record of the month's statements, amounts as Crayon charged them", () => {
      const result = source().src.pullPeriod(PERIOD);
      expect(result.problems).toEqual([]);
      expect(result.lines).toHaveLength(demo.records.length);
      expect(lineTotals(result)).toEqual(fixtureTotals(demo));
      expect(new Set(result.lines.map((l) => l.currency))).toEqual(new Set(['EUR', 'GBP', 'SEK']));
    });

    it('lists every customer tenant', () => {
      const customers = source().src.listCustomers();
      expect(customers.map((c) => c.name).sort()).toEqual(demo.customerTenants.map((t) => t.name).sort());
      expect(customers.every((c) => c.status === 'removed' || c.status === 'active')).toBe(true);
    });
  });

  it.each<[Partial<CrayonVariants>, string[]]>([
    [{}, ['confirmed', 'confirmed', 'confirmed']],
    [{ listShape: 'array', casing: 'pascal' }, ['differs', 'differs', 'confirmed']],
    [{ recordsFile: 'csv' }, ['confirmed', 'confirmed', 'confirmed']],
  ])('the tenant check tells which documented behaviour the tenant has (%j)', async (variant, expected) => {
    await useVariant('crayon', variant);
    const { src, http } = source();
    const results = crayonProbes.map((p) => p.run(src, { credentials: CREDS, http }));
    expect(results.map((r) => r.status)).toEqual(expected);
    if (variant.recordsFile) expect(results[2].detail).toMatch(/CSV/);
    // Read-only: only GETs after the token.
    const log = await sb.admin('crayon').requests();
    expect(log.filter((r) => r.method !== 'GET').map((r) => r.path)).toEqual(['/api/v1/connect/token']);
  });

  it('the tenant check reports a zipped records file as a difference', async () => {
    const { src, http } = source('crayon-bad');
    const state = await sb.admin('crayon-bad').state<CrayonFixture>();
    // Make the zipped GBP statement the most recent one of its organisation.
    const zipped = state.zippedStatements![0];
    await sb.admin('crayon-bad').setState({
      ...state,
      statements: state.statements.map((s) =>
        s.id === zipped ? { ...s, startDate: '2026-11-01T00:00:00Z', endDate: '2026-11-30T23:59:59Z' } : s,
      ),
    });
    expect(crayonProbes[2].run(src, { credentials: CREDS, http })).toMatchObject({
      status: 'differs',
      detail: expect.stringMatching(/zip/),
    });
  });

  it('gives annual prepaid seats the annual cycle, annual-term monthly seats the monthly cycle', () => {
    const { lines } = source().src.pullPeriod(PERIOD);
    const e3 = lines.filter((l) => l.productName === 'Microsoft 365 E3');
    expect(e3.length).toBeGreaterThan(0);
    for (const l of e3) {
      expect(l).toMatchObject({
        cycle: 'annual',
        chargeType: 'recurring',
        periodStart: '2026-10-15',
        periodEnd: '2027-10-14',
      });
    }
    const exo = lines.filter((l) => l.productName === 'Exchange Online (Plan 1)');
    expect(exo.every((l) => l.cycle === 'monthly' && /1-year term, billed monthly/.test(l.description))).toBe(
      true,
    );
    const bp = lines.filter(
      (l) => l.productName === 'Microsoft 365 Business Premium' && l.chargeType === 'recurring',
    );
    expect(
      bp.every(
        (l) => l.cycle === 'monthly' && l.periodStart === '2026-10-01' && l.periodEnd === '2026-10-31',
      ),
    ).toBe(true);
  });

  it('passes Azure consumption on as arrears for the usage period, and pro-rata charges and credits as the records carry them', () => {
    const { lines } = source().src.pullPeriod(PERIOD);
    const azure = lines.filter((l) => l.tags?.includes('azure'));
    expect(azure.length).toBe(demo.records.filter((r) => r.record.MeterId).length);
    for (const l of azure)
      expect(l).toMatchObject({ chargeType: 'arrears', cycle: 'usage', effectiveDate: '2026-10-31' });
    const proRata = lines.filter((l) => l.chargeType === 'pro-rata');
    const credits = proRata.filter((l) => l.total < 0);
    const charges = proRata.filter((l) => l.total > 0);
    expect(credits.length).toBeGreaterThan(0);
    expect(charges.length).toBeGreaterThan(0);
    for (const c of credits) {
      expect(c.quantity).toBeLessThan(0);
      expect(c.effectiveDate).toBe('2026-10-20');
    }
    for (const c of charges) expect(c.effectiveDate).toBe('2026-10-12');
  });

  it('bills a one-time purchase as a one-off line on its order date', () => {
    const { lines } = source().src.pullPeriod(PERIOD);
    const oneOff = lines.filter((l) => l.chargeType === 'one-off');
    expect(oneOff).toHaveLength(1);
    expect(oneOff[0]).toMatchObject({
      cycle: 'one-time',
      sku: '9EM-00652',
      quantity: 8,
      total: 768,
      periodStart: '2026-10-07',
      effectiveDate: '2026-10-07',
    });
  });

  it('reads a month in the fewest requests: a token, three lists, one statement list per organisation, one file per statement', async () => {
    source().src.pullPeriod(PERIOD);
    const log = await sb.admin('crayon').requests();
    const statements = demo.statements.length;
    expect(log).toHaveLength(1 + 3 + demo.organizations.length + statements);
  });

  it('retries a records file that failed with a 503 and loses nothing', async () => {
    await sb
      .admin('crayon')
      .faults([{ match: { pathIncludes: 'billingrecordsfile' }, status: 503, times: 2 }]);
    const result = source().src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);
    expect(result.lines).toHaveLength(demo.records.length);
  });

  it('is created from its descriptor: Connect fields equal the credential schema, token kept under a key without secrets', () => {
    const shape = crayonCredentialsSchema.shape;
    expect(crayonDescriptor.fields.map((f) => f.name).sort()).toEqual(Object.keys(shape).sort());
    expect(crayonDescriptor.fields.filter((f) => f.exposure === 'secret').map((f) => f.name)).toEqual([
      'clientSecret',
      'password',
    ]);
    const t = testHttp(crayonHttpPolicy(), { 'https://api.crayon.com': sb.urls.crayon });
    const keys: string[] = [];
    const src = crayonDescriptor.create(crayonDescriptor.credentials.parse(CREDS), {
      http: () => t.http,
      tokenStore: (key) => {
        keys.push(key);
        return undefined;
      },
    });
    expect(src.pullPeriod(PERIOD).lines).toHaveLength(demo.records.length);
    expect(keys).toHaveLength(1);
    for (const s of SECRETS) expect(keys[0]).not.toContain(s);
    expect(crayonDescriptor.urlPrefixes.every((u) => /^https:\/\/.+\/$/.test(u))).toBe(true);
  });

  it('gives the same lines the same identity on every pull (stable keys from Crayon ids)', () => {
    const a = source().src.pullPeriod(PERIOD).lines.map(lineIdentity);
    const b = source().src.pullPeriod(PERIOD).lines.map(lineIdentity);
    expect(new Set(a).size).toBe(a.length);
    expect(b.sort()).toEqual(a.sort());
  });

  it('uses one token for a whole pull and fetches a new one once when it is refused', async () => {
    const { src } = source();
    src.pullPeriod(PERIOD);
    expect(src.auth.issued).toBe(1);
    const state = await sb.admin('crayon').state<CrayonFixture>();
    await sb.admin('crayon').setState({ ...state, tokens: [] });
    const again = src.pullPeriod(PERIOD);
    expect(again.problems).toEqual([]);
    expect(src.auth.issued).toBe(2);
  });

  it.each([
    ['envelope', {}],
    ['bare arrays', { listShape: 'array' as const }],
  ])('pages past one page (%s): every tenant of a big reseller, in the fewest requests', async (_l, v) => {
    await useVariant('crayon-big', v);
    const big = bigFixture(230);
    const { src } = source('crayon-big', { pageSize: 100 });
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);
    expect(result.lines).toHaveLength(big.records.length);
    expect(lineTotals(result)).toEqual(fixtureTotals(big));
    const tenantPages = (await sb.admin('crayon-big').requests()).filter(
      (r) => r.path === '/api/v1/CustomerTenants',
    );
    // 230 tenants at 100 a page: 3 pages; a bare-array list cannot know it has ended before a short page.
    expect(tenantPages).toHaveLength(3);
  });

  it('reports each malformed record, tenant and unreadable file, and still bills the rest', () => {
    const bad = badFixture();
    const result = source('crayon-bad').src.pullPeriod(PERIOD);
    const messages = result.problems.map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Quantity 'ten' is not a number/),
        expect.stringMatching(/no Crayon customer tenant matches 'unknown-tenant\.onmicrosoft\.com'/),
        expect.stringMatching(/currency XYZ differs from the invoice profile's EUR/),
        expect.stringMatching(/charge start date '2026-02-30T00:00:00' is not a real date/),
        expect.stringMatching(/charge type 'Mystery fee' is not one BillGrid knows/),
        expect.stringMatching(/customer tenant skipped: name: name is missing/),
        expect.stringMatching(/zip archive/),
      ]),
    );
    expect(result.problems).toHaveLength(7);
    const zipped = bad.statements.find((s) => s.id === bad.zippedStatements![0])!;
    const unreadable = bad.records.filter((r) => r.statementId === zipped.id).length;
    expect(result.lines).toHaveLength(demo.records.length - unreadable);
    expect(result.lines.some((l) => l.currency === 'GBP' && l.chargeType === 'recurring')).toBe(false);
  });

  it('never puts a credential in a message: wrong client secret, wrong password, a vendor error echoing them', async () => {
    const wrongClient = source('crayon', { clientSecret: 'wrong-secret-value' }).src;
    expect(() => wrongClient.listCustomers()).toThrow(/rejected the API client/);
    const wrongUser = source('crayon', { password: 'wrong-password-value' }).src;
    let err: unknown;
    try {
      wrongUser.listCustomers();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toMatch(/rejected the API user name \/ password/);
    expect((err as Error).message).not.toContain('wrong-password-value');

    await sb.admin('crayon').faults([
      {
        match: { pathIncludes: 'billingrecordsfile' },
        status: 400,
        body: {
          errorCode: 'Bad',
          message: `client ${CRAYON_CLIENT.clientSecret} user ${CRAYON_USER.password}`,
        },
      },
    ]);
    const result = source().src.pullPeriod(PERIOD);
    expect(result.problems).toHaveLength(1);
    const text = JSON.stringify(result);
    for (const s of SECRETS) expect(text).not.toContain(s);
  });

  it('retries a rate-limited request after Retry-After and loses nothing', async () => {
    await sb
      .admin('crayon')
      .faults([{ match: { pathPrefix: '/api/v1/Subscriptions' }, status: 429, retryAfter: 2 }]);
    const { src, sleeps } = source();
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);
    expect(result.lines).toHaveLength(demo.records.length);
    expect(sleeps).toContain(2000);
  });

  it('fails the pull with a clear message when Crayon cannot list the customer tenants', async () => {
    await sb.admin('crayon').faults([
      {
        match: { pathPrefix: '/api/v1/CustomerTenants' },
        status: 403,
        body: { errorCode: 'Forbidden', message: 'Access denied' },
      },
    ]);
    expect(() => source().src.pullPeriod(PERIOD)).toThrow(
      /Crayon could not list the customer tenants \(HTTP 403: Access denied\)/,
    );
  });
});
