/**
 * The Ingram Micro sandbox is a witness: every exchange it has is checked against Ingram's own OpenAPI
 * spec, and it refuses what the spec says Ingram refuses (missing IM-* headers, pages above 100, bad dates).
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CLIENT, DEMO_CUSTOMER_NUMBER, demoFixture } from '../../../../local/sandbox/ingram/fixture';
import { IngramSpec } from './support/ingram-openapi';

const spec = new IngramSpec();

describe('Ingram Micro Xvantage sandbox', () => {
  let sb: RunningSandboxes;
  let base: string;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'ingram' }]);
    base = sb.urls.ingram;
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('ingram').reset());

  const tokenUrl = (secret = DEMO_CLIENT.clientSecret) =>
    `${base}/oauth/oauth20/token?grant_type=client_credentials&client_id=${DEMO_CLIENT.clientId}&client_secret=${secret}`;

  async function token(): Promise<string> {
    const res = await fetch(tokenUrl());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_in: unknown };
    expect(typeof body.expires_in).toBe('string');
    return body.access_token;
  }

  const headers = (t: string, extra: Record<string, string> = {}) => ({
    Authorization: `Bearer ${t}`,
    'IM-CustomerNumber': DEMO_CUSTOMER_NUMBER,
    'IM-CountryCode': 'US',
    'IM-CorrelationID': 'bg0123456789abcdef0123456789abcd',
    'IM-SenderID': 'BillGrid',
    'IM-ApplicationID': 'BillGrid',
    ...extra,
  });

  async function allConform(): Promise<void> {
    const log = await sb.admin('ingram').requests();
    expect(log.length).toBeGreaterThan(0);
    for (const l of log) expect({ path: l.path, ...spec.check(l) }).toMatchObject({ ok: true, errors: [] });
  }

  it('issues a token for the right client and refuses a wrong secret (spec: 400 { message })', async () => {
    await token();
    const bad = await fetch(tokenUrl('wrong'));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: expect.any(String) });
    await allConform();
  });

  it('refuses a call without a token, then one without the required IM headers', async () => {
    const none = await fetch(`${base}/resellers/v6/orders/search`);
    expect(none.status).toBe(401);
    const t = await token();
    const res = await fetch(`${base}/resellers/v6/orders/search`, {
      headers: { Authorization: `Bearer ${t}` },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ fields: Array<{ field: string }> }> };
    expect(body.errors[0].fields.map((f) => f.field)).toEqual([
      'IM-CustomerNumber',
      'IM-CountryCode',
      'IM-CorrelationID',
    ]);
    const long = await fetch(`${base}/resellers/v6/orders/search`, {
      headers: headers(t, { 'IM-CorrelationID': 'x'.repeat(36) }),
    });
    expect(long.status).toBe(400);
  });

  it('searches the month by order date, pages at most 100, and serves order details that match the spec', async () => {
    const t = await token();
    const q = 'ingramOrderDate-bt=2026-10-01&ingramOrderDate-bt=2026-10-31';
    const first = await fetch(`${base}/resellers/v6/orders/search?${q}&pageSize=4&pageNumber=1`, {
      headers: headers(t),
    });
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as {
      recordsFound: number;
      orders: Array<{ ingramOrderNumber: string }>;
      nextPage?: string;
    };
    const demo = demoFixture();
    const october = demo.orders.filter((o) => o.ingramOrderDate.startsWith('2026-10'));
    expect(page1.recordsFound).toBe(october.length);
    expect(page1.orders).toHaveLength(4);
    expect(page1.nextPage).toContain('pageNumber=2');
    const numbers = [...page1.orders.map((o) => o.ingramOrderNumber)];
    for (let p = 2; p <= Math.ceil(october.length / 4); p++) {
      const r = await fetch(`${base}/resellers/v6/orders/search?${q}&pageSize=4&pageNumber=${p}`, {
        headers: headers(t),
      });
      numbers.push(
        ...((await r.json()) as { orders: Array<{ ingramOrderNumber: string }> }).orders.map(
          (o) => o.ingramOrderNumber,
        ),
      );
    }
    expect(numbers.sort()).toEqual(october.map((o) => o.ingramOrderNumber).sort());
    const detail = await fetch(`${base}/resellers/v6.1/orders/${numbers[0]}`, { headers: headers(t) });
    expect(detail.status).toBe(200);
    const big = await fetch(`${base}/resellers/v6/orders/search?${q}&pageSize=101`, { headers: headers(t) });
    expect(big.status).toBe(400);
    const badDate = await fetch(
      `${base}/resellers/v6/orders/search?ingramOrderDate-bt=10/01/2026&ingramOrderDate-bt=2026-10-31`,
      {
        headers: headers(t),
      },
    );
    expect(badDate.status).toBe(400);
    await allConform();
  });

  it('searches invoices by date and serves details with serial numbers only when asked', async () => {
    const t = await token();
    const res = await fetch(
      `${base}/resellers/v6/invoices?invoiceFromDate=2026-10-01&invoiceToDate=2026-10-31&pageSize=100`,
      {
        headers: headers(t),
      },
    );
    const body = (await res.json()) as { invoices: Array<{ invoiceNumber: string }> };
    expect(body.invoices.length).toBeGreaterThan(3);
    const withSerials = demoFixture().invoices.find((i) => i.lines.some((l) => l.serialNumbers.length))!;
    const a = (await (
      await fetch(
        `${base}/resellers/v6.1/invoices/${withSerials.invoiceNumber}?customerType=invoice&includeSerialNumbers=true`,
        {
          headers: headers(t),
        },
      )
    ).json()) as { lines: Array<{ serialNumbers?: unknown[] }> };
    expect(a.lines.some((l) => (l.serialNumbers ?? []).length > 0)).toBe(true);
    const b = (await (
      await fetch(`${base}/resellers/v6.1/invoices/${withSerials.invoiceNumber}`, { headers: headers(t) })
    ).json()) as { lines: Array<{ serialNumbers?: unknown[] }> };
    expect(b.lines.every((l) => l.serialNumbers === undefined)).toBe(true);
    const noApp = await fetch(`${base}/resellers/v6/invoices`, {
      headers: { ...headers(t), 'IM-ApplicationID': '' },
    });
    expect(noApp.status).toBe(400);
    await allConform();
  });

  it('answers an empty search per variant: 204 No Content, or 200 with no orders', async () => {
    const t = await token();
    const q = 'ingramOrderDate-bt=2020-01-01&ingramOrderDate-bt=2020-01-31';
    expect((await fetch(`${base}/resellers/v6/orders/search?${q}`, { headers: headers(t) })).status).toBe(
      204,
    );
    const state = await sb.admin('ingram').state<ReturnType<typeof demoFixture>>();
    await sb.admin('ingram').setState({ ...state, variants: { ...state.variants, emptySearch: '200' } });
    const r = await fetch(`${base}/resellers/v6/orders/search?${q}`, { headers: headers(t) });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { orders: unknown[] }).orders).toEqual([]);
    await allConform();
  });

  it('the spec check is not a rubber stamp: it catches an undeclared parameter, a long header and a wrong body', () => {
    const base = {
      method: 'GET',
      path: '/resellers/v6/orders/search',
      status: 200,
      headers: { 'im-customernumber': DEMO_CUSTOMER_NUMBER, 'im-countrycode': 'US', 'im-correlationid': 'x' },
    };
    expect(spec.check({ ...base, query: 'page=2', response: '{}' }).ok).toBe(false);
    expect(
      spec.check({
        ...base,
        query: '',
        headers: { ...base.headers, 'im-correlationid': 'x'.repeat(33) },
        response: '{}',
      }).ok,
    ).toBe(false);
    expect(spec.check({ ...base, query: '', response: '{"recordsFound":"3"}' }).ok).toBe(false);
    expect(spec.check({ ...base, query: 'pageSize=5', response: '{"recordsFound":3,"orders":[]}' }).ok).toBe(
      true,
    );
  });
});
