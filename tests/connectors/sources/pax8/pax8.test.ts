import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  badFixture,
  bigFixture,
  demoFixture,
  type Pax8Fixture,
} from '../../../../local/sandbox/pax8/fixture';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { createPax8Source, memoryTokenStore, pax8HttpPolicy } from '../../../../src/connectors/sources/pax8';
import type { BillingPeriod } from '../../../../src/core/source';
import { SourceError } from '../../../../src/core/source';
import { stopGasHttp, testHttp } from '../support/gas-http';

const PERIOD: BillingPeriod = { month: DEMO_MONTH, start: '2026-10-01', end: '2026-10-31' };
const cents = (n: number) => Math.round(n * 100) / 100;
const pages = (n: number, size = 200) => Math.max(1, Math.ceil(n / size));

/** Items of the invoices a pull of the period must bill: dated in the period and not void. */
function billedItems(f: Pax8Fixture) {
  const invoices = f.invoices.filter(
    (i) => i.invoiceDate >= PERIOD.start && i.invoiceDate <= PERIOD.end && i.status !== 'Void',
  );
  const ids = new Set(invoices.map((i) => i.id));
  return { invoices, items: f.items.filter((i) => ids.has(i.invoiceId)) };
}

function totalsByCompany(lines: Array<{ customerId: string; total: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) out.set(l.customerId, cents((out.get(l.customerId) ?? 0) + l.total));
  return out;
}

describe('Pax8 source against the stateful sandbox', () => {
  let sb: RunningSandboxes;
  const demo = demoFixture();
  const names = ['pax8', 'pax8-bad', 'pax8-big'];

  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'pax8' },
      { kind: 'pax8', name: 'pax8-bad', fixture: badFixture() },
      { kind: 'pax8', name: 'pax8-big', fixture: bigFixture(450) },
    ]);
  });
  afterAll(async () => {
    await sb.stop();
    await stopGasHttp();
  });
  beforeEach(async () => {
    await Promise.all(names.map((n) => sb.admin(n).reset()));
  });

  /** Pax8's real API and token origins, both sent to the named sandbox by the emulator's URL map. */
  const pax8Map = (name: string) => ({
    'https://api.pax8.com': sb.urls[name],
    'https://token-manager.pax8.com': sb.urls[name],
  });

  function source(
    name = 'pax8',
    f: Pax8Fixture = demo,
    extra: Record<string, unknown> = {},
    policy: Record<string, number> = {},
  ) {
    const t = testHttp({ ...pax8HttpPolicy(), ...policy }, pax8Map(name));
    const src = createPax8Source(
      { clientId: f.clients[0].clientId, clientSecret: f.clients[0].clientSecret, ...extra },
      t.http,
    );
    return { src, ...t };
  }

  it("bills exactly the items of the period's invoices, amounts as Pax8 charged them", () => {
    const { src } = source();
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);
    const { items } = billedItems(demo);
    expect(result.lines.map((l) => l.recordId).sort()).toEqual(items.map((i) => i.id).sort());
    expect(totalsByCompany(result.lines)).toEqual(
      totalsByCompany(items.map((i) => ({ customerId: i.companyId, total: i.total }))),
    );
    for (const l of result.lines) {
      const item = items.find((i) => i.id === l.recordId)!;
      expect([l.quantity, l.unitCost, l.unitPrice, l.currency]).toEqual([
        item.quantity,
        item.cost,
        item.price,
        item.currencyCode,
      ]);
    }
  });

  it('maps charge types: seats, annual terms, Azure arrears, negative pro-rata, $0 trials, one-offs, EUR', () => {
    const { src } = source();
    const lines = src.pullPeriod(PERIOD).lines;
    const reduction = lines.find((l) => l.chargeType === 'pro-rata' && l.quantity < 0)!;
    expect(reduction).toMatchObject({
      customerName: 'Blue Harbor Logistics Inc.',
      quantity: -3,
      cycle: 'monthly',
      periodStart: '2026-10-16',
      periodEnd: '2026-10-31',
    });
    expect(reduction.total).toBeLessThan(0);
    expect(lines.filter((l) => l.chargeType === 'pro-rata' && l.quantity > 0)).toHaveLength(1);

    const azure = lines.filter((l) => l.tags?.includes('azure'));
    expect(azure.length).toBeGreaterThan(5);
    for (const l of azure) {
      expect(l).toMatchObject({
        chargeType: 'arrears',
        cycle: 'usage',
        periodStart: '2026-09-01',
        periodEnd: '2026-09-30',
        effectiveDate: '2026-09-30',
      });
    }
    // Several Azure lines per client, each keeping its own vendor record id.
    const perClient = totalsByCompany(azure.map((l) => ({ customerId: l.customerId, total: 1 })));
    expect(Math.max(...perClient.values())).toBeGreaterThanOrEqual(2);
    // A licence with "Azure" in its name is not Azure consumption.
    const aad = lines.filter((l) => l.productName === 'Azure Active Directory Premium P1');
    expect(aad.length).toBeGreaterThan(0);
    expect(aad.every((l) => !l.tags && l.chargeType === 'recurring' && l.cycle === 'annual')).toBe(true);

    const trials = lines.filter((l) => l.sku === 'MST-TEAMS-ESS-TRIAL');
    expect(trials).toHaveLength(2);
    expect(trials.every((l) => l.total === 0 && l.unitPrice === 0)).toBe(true);
    expect(lines.find((l) => l.sku === 'MST-M365-APPS-BUS-1Y-PRE')).toMatchObject({
      cycle: 'annual',
      periodEnd: '2027-09-30',
      total: 594,
    });
    expect(lines.find((l) => l.chargeType === 'one-off')).toMatchObject({
      cycle: 'one-time',
      sku: 'PPT-ESS-SETUP',
      total: 75,
    });
    expect(
      lines
        .filter((l) => l.sku.startsWith('MST-M365-BP-NCE-1M') && l.chargeType === 'recurring')
        .every((l) => l.cycle === 'monthly'),
    ).toBe(true);
    // Proofpoint states [1 Oct, 1 Nov): billed as 1–31 Oct.
    expect(lines.filter((l) => l.sku === 'PPT-ESS-BUS').every((l) => l.periodEnd === '2026-10-31')).toBe(
      true,
    );
    const evora = lines.filter((l) => l.customerName === 'Evora Consulting S.A.');
    expect(evora.length).toBeGreaterThan(0);
    expect(evora.every((l) => l.currency === 'EUR')).toBe(true);
    expect(
      lines.filter((l) => l.customerName !== 'Evora Consulting S.A.').every((l) => l.currency === 'USD'),
    ).toBe(true);
    expect(lines.some((l) => l.customerName === '=SUM Accounting')).toBe(true);
  });

  it('uses the paging minimum of requests at the largest page size', async () => {
    const { src } = source();
    src.pullPeriod(PERIOD);
    const log = await sb.admin('pax8').requests();
    const { invoices, items } = billedItems(demo);
    const inPeriod = demo.invoices.filter(
      (i) => i.invoiceDate >= PERIOD.start && i.invoiceDate <= PERIOD.end,
    ).length;
    const itemPages = invoices.reduce(
      (n, inv) => n + pages(items.filter((i) => i.invoiceId === inv.id).length),
      0,
    );
    expect(log).toHaveLength(
      1 + pages(demo.companies.length) + pages(demo.subscriptions.length) + pages(inPeriod) + itemPages,
    );
    expect(
      log.filter((r) => r.method === 'GET').every((r) => new URLSearchParams(r.query).get('size') === '200'),
    ).toBe(true);
    expect(log.every((r) => r.status === 200)).toBe(true);
  });

  it('pages through 450 companies and over a thousand items with exactly the minimum requests', async () => {
    const big = bigFixture(450);
    const { src } = source('pax8-big', big, {}, { maxConcurrency: 10 });
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);
    expect(big.items.length).toBeGreaterThan(1000);
    expect(result.lines).toHaveLength(big.items.length);
    const log = await sb.admin('pax8-big').requests();
    expect(log).toHaveLength(
      1 + pages(big.companies.length) + pages(big.subscriptions.length) + 1 + pages(big.items.length),
    );
    expect(log.filter((r) => r.path.endsWith('/items'))).toHaveLength(Math.ceil(big.items.length / 200));
    expect(totalsByCompany(result.lines)).toEqual(
      totalsByCompany(big.items.map((i) => ({ customerId: i.companyId, total: i.total }))),
    );
  });

  it('keeps the token between pulls and fetches exactly one new token when Pax8 expires it', async () => {
    const { src } = source();
    src.pullPeriod(PERIOD);
    src.pullPeriod(PERIOD);
    const tokenCalls = async () =>
      (await sb.admin('pax8').requests()).filter((r) => r.path === '/oauth/token').length;
    expect(await tokenCalls()).toBe(1);

    const state = await sb.admin('pax8').state<Pax8Fixture>();
    await sb.admin('pax8').setState({ ...state, tokens: state.tokens.map((t) => ({ ...t, expiresAt: 0 })) });
    await sb.admin('pax8').clearRequests();
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);
    expect(result.lines).toHaveLength(billedItems(demo).items.length);
    const log = await sb.admin('pax8').requests();
    expect(log.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
    // The three first-page requests were refused once, then re-sent with the new token.
    expect(log.filter((r) => r.status === 401)).toHaveLength(3);
    expect(src.auth.issued).toBe(2);
  });

  it('uses a token from the caller’s store without asking for a new one', async () => {
    const store = memoryTokenStore();
    const t = testHttp(pax8HttpPolicy(), pax8Map('pax8'));
    const warm = createPax8Source(
      {
        clientId: demo.clients[0].clientId,
        clientSecret: demo.clients[0].clientSecret,
      },
      t.http,
      { tokenStore: store },
    );
    warm.listCustomers();
    await sb.admin('pax8').clearRequests();
    const again = createPax8Source(
      {
        clientId: demo.clients[0].clientId,
        clientSecret: demo.clients[0].clientSecret,
      },
      testHttp(pax8HttpPolicy(), pax8Map('pax8')).http,
      { tokenStore: store },
    );
    expect(again.listCustomers()).toHaveLength(demo.companies.length);
    expect((await sb.admin('pax8').requests()).map((r) => r.path)).toEqual(['/v1/companies']);
  });

  it('names the vendor and the status when the client credentials are wrong', () => {
    const t = testHttp(pax8HttpPolicy(), pax8Map('pax8'));
    const src = createPax8Source(
      {
        clientId: demo.clients[0].clientId,
        clientSecret: 'wrong-secret-value',
      },
      t.http,
    );
    let caught: unknown;
    try {
      src.pullPeriod(PERIOD);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SourceError);
    expect((caught as Error).message).toBe('Pax8 rejected the Client ID / Client Secret (401)');
    expect(() => createPax8Source({ clientId: 'x', clientSecret: ' ' }, t.http)).toThrow(
      'Pax8 settings: Pax8 Client Secret is missing',
    );
  });

  it('honours Retry-After on 429 (modelled sleep) and retries 5xx', async () => {
    await sb.admin('pax8').faults([
      { match: { pathIncludes: '/items' }, status: 429, retryAfter: 7 },
      { match: { pathPrefix: '/v1/companies' }, status: 502, times: 2 },
    ]);
    const { src, sleeps } = source();
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);
    expect(result.lines).toHaveLength(billedItems(demo).items.length);
    expect(sleeps).toContain(7000);
    expect(sleeps).toHaveLength(3);
  });

  it("reports a company's invoice that keeps failing and still bills everything else", async () => {
    const eur = demo.invoices.find((i) => i.currencyCode === 'EUR')!;
    await sb.admin('pax8').faults([{ match: { pathIncludes: `${eur.id}/items` }, status: 500, times: 1000 }]);
    const { src } = source('pax8', demo, {}, { maxRetries: 2 });
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([
      { recordId: eur.id, message: `Pax8 invoice ${eur.id} (2026-10-01) could not be read: HTTP 500` },
    ]);
    const { items } = billedItems(demo);
    expect(result.lines).toHaveLength(items.filter((i) => i.invoiceId !== eur.id).length);
    expect(result.lines.some((l) => l.currency === 'EUR')).toBe(false);
  });

  it('reports each malformed record with its id and a reason, and bills the rest', () => {
    const bad = badFixture();
    const { src } = source('pax8-bad', bad);
    const result = src.pullPeriod(PERIOD);
    const byId = new Map(result.problems.map((p) => [p.recordId, p.message]));
    expect(Object.fromEntries(byId)).toEqual({
      [bad.rawCompanies![0].id as string]: 'Pax8 company skipped: name: name is missing',
      'bad-quantity': 'Pax8 invoice item skipped: quantity: quantity is not a number',
      'bad-company': 'Pax8 invoice item skipped: companyId: companyId is missing',
      'bad-date': "Pax8 invoice item skipped: startPeriod: startPeriod '2026-02-30' is not a real date",
      'bad-currency': "Pax8 invoice item skipped: currency 'XYZ' is not supported",
      'bad-sku': 'Pax8 invoice item skipped: the item has no SKU or product id',
      'bad-type': "Pax8 invoice item skipped: item type 'mystery' is not one BillGrid knows",
      payment:
        'Pax8 invoice item not billed: payment credit left out: it is a payment to Pax8, not a charge to bill',
    });
    expect(result.lines).toHaveLength(billedItems(bad).items.length);
  });

  it('never puts a secret or a token in problems or messages', async () => {
    const bad = badFixture();
    const secret = bad.clients[0].clientSecret;
    await sb.admin('pax8-bad').faults([
      {
        match: { pathIncludes: '/items' },
        status: 500,
        times: 1000,
        body: { message: `failed for ${secret}`, status: 500 },
      },
    ]);
    const { src } = source('pax8-bad', bad, {}, { maxRetries: 1 });
    const text = JSON.stringify(src.pullPeriod(PERIOD).problems);
    expect(text).toContain('failed for');
    const tokens = (await sb.admin('pax8-bad').state<Pax8Fixture>()).tokens.map((t) => t.token);
    expect(tokens.length).toBeGreaterThan(0);
    for (const s of [secret, ...tokens]) expect(text).not.toContain(s);
  });
});

describe('Pax8 sandbox behaviour', () => {
  let sb: RunningSandboxes;
  const demo = demoFixture();
  let token = '';
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'pax8' }]);
    const res = await fetch(`${sb.urls.pax8}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: demo.clients[0].clientId,
        client_secret: demo.clients[0].clientSecret,
        audience: 'https://api.pax8.com',
        grant_type: 'client_credentials',
      }),
    });
    const body = (await res.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(body).toMatchObject({ expires_in: 86400, token_type: 'Bearer' });
    token = body.access_token;
  });
  afterAll(() => sb.stop());
  const get = (path: string, auth = `Bearer ${token}`) =>
    fetch(`${sb.urls.pax8}${path}`, { headers: { Authorization: auth } });

  it('pages with Pax8’s envelope and refuses sizes above 200 with its error body', async () => {
    const res = await get('/v1/companies?page=1&size=10');
    expect(((await res.json()) as { page: unknown }).page).toEqual({
      size: 10,
      totalElements: demo.companies.length,
      totalPages: Math.ceil(demo.companies.length / 10),
      number: 1,
    });
    const big = await get('/v1/companies?size=500');
    expect(big.status).toBe(422);
    expect(await big.json()).toEqual({
      type: 'Unprocessable Entity',
      message: 'size must be between 1 and 200',
      instance: '/v1/companies',
      status: 422,
    });
  });

  it('refuses unknown tokens and audiences, and rate-limits with Retry-After', async () => {
    expect((await get('/v1/companies', 'Bearer nope')).status).toBe(401);
    const aud = await fetch(`${sb.urls.pax8}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: demo.clients[0].clientId,
        client_secret: demo.clients[0].clientSecret,
        audience: 'elsewhere',
        grant_type: 'client_credentials',
      }),
    });
    expect(aud.status).toBe(403);
    const state = await sb.admin('pax8').state<Pax8Fixture>();
    await sb.admin('pax8').setState({ ...state, limits: { requestsPerSecond: 2 } });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await get('/v1/companies');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(last!.headers.get('retry-after')).toBe('1');
    expect(await last!.json()).toMatchObject({ status: 429, message: 'Rate limit exceeded' });
    await sb.admin('pax8').setState(state);
  });
});
