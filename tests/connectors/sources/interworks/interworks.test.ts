import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  IW_CLIENT,
  IW_USER,
  badFixture,
  bigFixture,
  demoFixture,
  type IwFixture,
  type IwVariants,
} from '../../../../local/sandbox/interworks/fixture';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import {
  createInterworksSource,
  interworksDescriptor,
  interworksCredentialsSchema,
  interworksHttpPolicy,
  interworksProbes,
} from '../../../../src/connectors/sources/interworks';
import type { BillingPeriod, PullResult } from '../../../../src/core/source';
import { stopGasHttp, testHttp } from '../support/gas-http';

const PERIOD: BillingPeriod = { month: DEMO_MONTH, start: '2026-10-01', end: '2026-10-31' };
const HOST = 'https://bss.northwind.example';
const CREDS = { host: HOST, ...IW_CLIENT, ...IW_USER };
const cents = (n: number) => Math.round(n * 100) / 100;

function chargedTotals(f: IwFixture): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of f.charges)
    out.set(String(c.accountId), cents((out.get(String(c.accountId)) ?? 0) + c.amount));
  return out;
}
function lineTotals(r: PullResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of r.lines) out.set(l.customerId, cents((out.get(l.customerId) ?? 0) + l.total));
  return out;
}

describe('interworks.cloud source against the stateful BSS sandbox', () => {
  let sb: RunningSandboxes;
  const demo = demoFixture();
  const names = ['iw', 'iw-bad', 'iw-big'];

  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'interworks', name: 'iw' },
      { kind: 'interworks', name: 'iw-bad', fixture: badFixture() },
      { kind: 'interworks', name: 'iw-big', fixture: bigFixture(130) },
    ]);
  });
  afterAll(async () => {
    await sb.stop();
    await stopGasHttp();
  });
  beforeEach(async () => {
    await Promise.all(names.map((n) => sb.admin(n).reset()));
  });

  async function useVariant(name: string, v: Partial<IwVariants>) {
    const state = await sb.admin(name).state<IwFixture>();
    await sb.admin(name).setState({ ...state, variants: { ...state.variants, ...v } });
  }
  function source(name = 'iw', extra: Record<string, unknown> = {}) {
    const t = testHttp(interworksHttpPolicy(), { [HOST]: sb.urls[name] });
    return { src: createInterworksSource({ ...CREDS, ...extra }, t.http), ...t };
  }

  describe.each([
    ['pagination in a body envelope, dates', { pagination: 'envelope', dates: 'date' }],
    ['pagination in an X-Pagination header, date-times', { pagination: 'header', dates: 'datetime' }],
  ] as Array<[string, IwVariants]>)('under the variant: %s', (_l, v) => {
    beforeEach(() => useVariant('iw', v));

    it('bills every charge of the month, with the units in force and the change dates', () => {
      const result = source().src.pullPeriod(PERIOD);
      expect(result.problems).toEqual([]);
      expect(lineTotals(result)).toEqual(chargedTotals(demo));
      const subs = new Set(demo.charges.map((c) => c.subscriptionId));
      const recurring = result.lines.filter((l) => l.chargeType === 'recurring');
      expect(recurring).toHaveLength(subs.size);
      // Each subscription's recurring line carries the units the BSS has at the month's end.
      for (const l of recurring) {
        const sub = demo.subscriptions.find((s) => String(s.id) === l.subscriptionId)!;
        expect(l.quantity).toBe(sub.quantity);
      }
    });

    it('lists every account as a customer', () => {
      const customers = source().src.listCustomers();
      expect(customers.map((c) => c.name).sort()).toEqual(demo.accounts.map((a) => a.name).sort());
    });
  });

  it('makes increases, decreases and cancellations effective on the day they were realised', () => {
    const { lines } = source().src.pullPeriod(PERIOD);
    const byKind = (type: string) => demo.charges.filter((c) => c.type === type);
    for (const type of ['Increase', 'Decrease', 'Cancel']) {
      const changes = byKind(type);
      expect(changes.length).toBeGreaterThan(0);
      for (const c of changes) {
        const change = lines.find((l) => l.recordId === `charge ${c.id}`)!;
        expect(change).toMatchObject({
          chargeType: 'pro-rata',
          quantity: c.quantity,
          total: c.amount,
          effectiveDate: c.effectiveDate,
        });
        const recurring = lines.find((l) => l.recordId === `subscription ${c.subscriptionId}`)!;
        expect(recurring.effectiveDate).toBe(c.effectiveDate);
      }
    }
    const cancelled = demo.subscriptions.filter((s) => s.status === 'Cancelled');
    for (const s of cancelled)
      expect(lines.find((l) => l.recordId === `subscription ${s.id}`)?.quantity).toBe(0);
  });

  it('maps Billing Cycle to the line cycle (annual plans → annual) and keeps the Billing Plan in the description', () => {
    const { lines } = source().src.pullPeriod(PERIOD);
    const annual = lines.filter((l) => l.productName === 'Microsoft 365 E5 (annual)');
    expect(annual.length).toBeGreaterThan(0);
    for (const l of annual) expect(l).toMatchObject({ cycle: 'annual', periodEnd: '2027-10-01' });
    expect(
      lines
        .filter((l) => l.sku === 'MS-365-BSTD')
        .every((l) => l.cycle === 'monthly' && /Monthly \(1 month commitment\)/.test(l.description)),
    ).toBe(true);
  });

  it('pages past one page (envelope and header) in the fewest requests', async () => {
    const big = bigFixture(130);
    for (const pagination of ['envelope', 'header'] as const) {
      await sb.admin('iw-big').reset();
      await useVariant('iw-big', { pagination });
      const result = source('iw-big', { pageSize: 50 }).src.pullPeriod(PERIOD);
      expect(result.problems).toEqual([]);
      expect(lineTotals(result)).toEqual(chargedTotals(big));
      const accountPages = (await sb.admin('iw-big').requests()).filter((r) => r.path === '/api/accounts');
      expect(accountPages).toHaveLength(3);
    }
  });

  it('reports each malformed charge and still bills the rest', () => {
    const result = source('iw-bad').src.pullPeriod(PERIOD);
    expect(result.problems.map((p) => p.message)).toEqual([
      "interworks.cloud charge skipped: quantity: quantity 'ten' is not a number",
      "interworks.cloud charge skipped: effectiveDate: effectiveDate '2026-02-30' is not a real date",
      "interworks.cloud charge skipped: billing cycle 'Fortnightly' is not one BillGrid knows",
      'interworks.cloud charge skipped: account 424242 (Ghost Ltd) is not an interworks.cloud account BillGrid can see',
      "interworks.cloud charge skipped: currency 'XYZ' is not supported",
      ...[1, 2, 3, 4, 5].map(
        (n) =>
          `interworks.cloud subscription ${79000 + n} not billed this month: its charge ${n} could not be read, so its units and total would be wrong`,
      ),
    ]);
    expect(lineTotals(result)).toEqual(chargedTotals(demo));
  });

  it('sends the client key only as HTTP Basic and never puts a credential in a message', async () => {
    source().src.listCustomers();
    const token = (await sb.admin('iw').requests()).find((r) => r.path === '/oauth/token')!;
    expect(token.headers.authorization).toMatch(/^Basic /);
    expect(token.body).not.toContain(IW_CLIENT.clientSecret);
    expect(() => source('iw', { clientSecret: 'wrong-secret-1' }).src.listCustomers()).toThrow(
      /rejected the Client Key \/ Client Secret/,
    );
    let message = '';
    try {
      source('iw', { password: 'wrong-pass-2' }).src.listCustomers();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/rejected the API user name \/ password/);
    expect(message).not.toContain('wrong-pass-2');
    await sb.admin('iw').faults([
      {
        match: { pathPrefix: '/api/charges' },
        status: 400,
        body: { message: `bad ${IW_USER.password} ${IW_CLIENT.clientSecret}` },
      },
    ]);
    let failure = '';
    try {
      source().src.pullPeriod(PERIOD);
    } catch (e) {
      failure = (e as Error).message;
    }
    expect(failure).toMatch(/could not list the charges \(HTTP 400/);
    expect(failure).not.toContain(IW_USER.password);
    expect(failure).not.toContain(IW_CLIENT.clientSecret);
  });

  it('the tenant check confirms the modelled charges route, fields and pagination, and says when they differ', async () => {
    const run = () => {
      const { src, http } = source();
      return interworksProbes.map((p) => p.run(src, { credentials: CREDS, http }));
    };
    expect(run().map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    await useVariant('iw', { pagination: 'header' });
    expect(run()[2].detail).toMatch(/X-Pagination header/);

    const state = await sb.admin('iw').state<IwFixture>();
    const [first, ...rest] = state.charges;
    const { unitCost, ...renamed } = first;
    await sb.admin('iw').setState({ ...state, charges: [{ ...renamed, cost: unitCost }, ...rest] });
    expect(run()[1]).toMatchObject({ status: 'differs', detail: expect.stringMatching(/unitCost/) });

    await sb
      .admin('iw')
      .faults([{ match: { pathPrefix: '/api/charges' }, status: 404, body: { message: 'No route' } }]);
    expect(run()[0]).toMatchObject({ status: 'differs', detail: expect.stringMatching(/answered missing/) });
    const log = await sb.admin('iw').requests();
    expect(log.filter((r) => r.method !== 'GET').every((r) => r.path === '/oauth/token')).toBe(true);
  });

  it('is created from its descriptor: Connect fields equal the credential schema, token kept under a key without secrets', () => {
    expect(interworksDescriptor.fields.map((f) => f.name).sort()).toEqual(
      Object.keys(interworksCredentialsSchema.shape).sort(),
    );
    const t = testHttp(interworksHttpPolicy(), { [HOST]: sb.urls.iw });
    const keys: string[] = [];
    const src = interworksDescriptor.create(interworksDescriptor.credentials.parse(CREDS), {
      http: () => t.http,
      tokenStore: (key) => {
        keys.push(key);
        return undefined;
      },
    });
    expect(lineTotals(src.pullPeriod(PERIOD))).toEqual(chargedTotals(demo));
    expect(keys[0]).not.toContain(IW_CLIENT.clientSecret);
    expect(keys[0]).not.toContain(IW_USER.password);
  });

  it('refuses a BSS address that is not https://host', () => {
    const t = testHttp(interworksHttpPolicy(), {});
    expect(() => createInterworksSource({ ...CREDS, host: 'http://bss.example/api' }, t.http)).toThrow(
      /BSS address must be https:\/\/your-bss-host/,
    );
  });
});
