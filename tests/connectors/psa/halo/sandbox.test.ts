import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS, demoFixture } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { DEMO_CLIENTS } from '../../../../local/demo/msp';

describe('HaloPSA sandbox', () => {
  let sb: RunningSandboxes;
  let url: string;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
    url = sb.urls.halo;
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('halo').reset());

  const token = async (over: Record<string, string> = {}, tenant = 'northwind') => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEMO_CREDENTIALS.clientId,
      client_secret: DEMO_CREDENTIALS.clientSecret,
      scope: 'all',
      ...over,
    });
    return fetch(`${url}/auth/token?tenant=${tenant}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  };
  const bearer = async () => ((await (await token()).json()) as { access_token: string }).access_token;
  const api = async (path: string, init: RequestInit = {}, tok?: string) =>
    fetch(`${url}/api${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${tok ?? (await bearer())}`, 'Content-Type': 'application/json' },
    });

  it('issues bearer tokens for client credentials and refuses wrong ones in OAuth shape', async () => {
    const good = await token();
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const bad = await token({ client_secret: 'nope' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Invalid client credentials',
    });
    expect((await token({}, 'other')).status).toBe(400);
    expect((await token({ grant_type: 'password' })).status).toBe(400);
  });

  it('answers 401 without a token, with an unknown one, and after the token expires or is revoked', async () => {
    expect((await fetch(`${url}/api/Client`)).status).toBe(401);
    expect((await api('/Client', {}, 'forged')).status).toBe(401);
    const tok = await bearer();
    expect((await api('/Client', {}, tok)).status).toBe(200);
    const state = await sb.admin('halo').state<HaloState>();
    await sb.admin('halo').setState({ ...state, tokens: { [tok]: Date.now() - 1 } });
    const res = await api('/Client', {}, tok);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ Message: 'Authorization has been denied for this request.' });
  });

  it('pages with pageinate/page_size/page_no, capping the page size server-side', async () => {
    const tok = await bearer();
    const inPsa = DEMO_CLIENTS.filter((c) => c.psaName !== null).length;
    const p1 = (await (await api('/Client?pageinate=true&page_size=1000&page_no=1', {}, tok)).json()) as {
      record_count: number;
      page_size: number;
      clients: unknown[];
    };
    expect(p1.record_count).toBe(inPsa);
    expect(p1.page_size).toBe(100);
    const p2 = (await (await api('/Client?pageinate=true&page_size=10&page_no=4', {}, tok)).json()) as {
      clients: { id: number }[];
    };
    expect(p2.clients).toHaveLength(inPsa - 30);
  });

  it('filters invoices and recurring invoices by client_ids, counting and paging the filtered list', async () => {
    const tok = await bearer();
    type Page = { record_count: number; invoices: { client_id: number; lines?: unknown[] }[] };
    const get = async (path: string) => (await (await api(path, {}, tok)).json()) as Page;
    const q = 'client_ids=101%2C103&includelines=true&pageinate=true&page_size=3';
    const p1 = await get(`/Invoice?${q}&page_no=1`);
    const p2 = await get(`/Invoice?${q}&page_no=2`);
    expect(p1.record_count).toBe(5);
    expect([...p1.invoices, ...p2.invoices].map((i) => i.client_id).sort()).toEqual([
      101, 101, 103, 103, 103,
    ]);
    expect(p1.invoices.every((i) => Array.isArray(i.lines) && i.lines.length > 0)).toBe(true);
    const rec = await get(
      '/RecurringInvoice?client_ids=101%2C102%2C104&pageinate=true&page_size=10&page_no=1',
    );
    expect(rec.invoices.map((i) => i.client_id).sort()).toEqual([101, 102]);
    expect(rec.invoices.every((i) => i.lines === undefined)).toBe(true);
  });

  it('creates an invoice, replaces its lines with the list it is sent, and rejects bad input', async () => {
    const tok = await bearer();
    const created = (await (
      await api(
        '/Invoice',
        { method: 'POST', body: JSON.stringify([{ client_id: 101, reference: 'R1' }]) },
        tok,
      )
    ).json()) as { id: number; lines: unknown[] };
    expect(created.lines).toEqual([]);
    const add = await api(
      '/Invoice',
      {
        method: 'POST',
        body: JSON.stringify([
          { id: created.id, lines: [{ _itemid: 1, qty_order: 2, unit_price: 5, comment_1: 'k' }] },
        ]),
      },
      tok,
    );
    const withLine = (await add.json()) as {
      lines: { id: number; qty_order: number; item_shortdescription: string }[];
    };
    expect(withLine.lines).toHaveLength(1);
    expect(withLine.lines[0]).toMatchObject({
      qty_order: 2,
      item_shortdescription: 'Microsoft 365 Business Premium',
    });
    // Same id → updated in place; omitted lines are removed.
    const upd = (await (
      await api(
        '/Invoice',
        {
          method: 'POST',
          body: JSON.stringify([{ id: created.id, lines: [{ id: withLine.lines[0].id, qty_order: 3 }] }]),
        },
        tok,
      )
    ).json()) as { lines: { id: number; qty_order: number }[] };
    expect(upd.lines).toEqual([expect.objectContaining({ id: withLine.lines[0].id, qty_order: 3 })]);

    const badClient = await api(
      '/Invoice',
      { method: 'POST', body: JSON.stringify([{ client_id: 99999 }]) },
      tok,
    );
    expect(badClient.status).toBe(400);
    expect(await badClient.json()).toEqual({
      ClassName: 'HaloValidationException',
      Message: 'Please select a valid Client',
    });
    const badItem = await api(
      '/Invoice',
      { method: 'POST', body: JSON.stringify([{ id: created.id, lines: [{ _itemid: 424242 }] }]) },
      tok,
    );
    expect(badItem.status).toBe(400);
    const notArray = await api('/Invoice', { method: 'POST', body: JSON.stringify({ client_id: 101 }) }, tok);
    expect(notArray.status).toBe(400);
  });

  it('refuses to change a posted invoice', async () => {
    const tok = await bearer();
    const posted = demoFixture().invoices.find((i) => i.posted)!;
    const res = await api(
      '/Invoice',
      { method: 'POST', body: JSON.stringify([{ id: posted.id, lines: [] }]) },
      tok,
    );
    expect(res.status).toBe(400);
  });

  it('allows 300 requests per rolling 5 minutes, then 429 without Retry-After until the window rolls', async () => {
    const state = await sb.admin('halo').state<HaloState>();
    expect(state.rateLimit).toEqual({ max: 300, windowSec: 300 });
    // 299 requests spent a moment ago: the token request is the 300th.
    const now = Date.now();
    await sb.admin('halo').setState({ ...state, hits: Array.from({ length: 299 }, () => now - 1000) });
    const tok = await bearer();
    const limited = await api('/Tax', {}, tok);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    // Five minutes later the window has rolled on.
    const later = await sb.admin('halo').state<HaloState>();
    await sb.admin('halo').setState({ ...later, clockOffsetMs: 300_000 });
    expect((await api('/Tax', {}, tok)).status).toBe(200);
  });

  it('offers Retry-After on 429 as a variant', async () => {
    const state = await sb.admin('halo').state<HaloState>();
    await sb.admin('halo').setState({
      ...state,
      rateLimit: { max: 2, windowSec: 30 },
      variant: { ...state.variant, retryAfter: true },
    });
    const tok = await bearer();
    expect((await api('/Tax', {}, tok)).status).toBe(200);
    const limited = await api('/Tax', {}, tok);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  type Line = Record<string, unknown> & { id: number };
  type Inv = { id: number; client_id: number; lines: Line[] } & Record<string, unknown>;
  const post = async (path: string, body: unknown, tok: string) =>
    (await (await api(path, { method: 'POST', body: JSON.stringify(body) }, tok)).json()) as Inv;
  const getInv = async (path: string, tok: string) => (await (await api(path, {}, tok)).json()) as Inv;

  it('keeps only the fields InvoiceDetail declares and computes amounts and tax as Halo does', async () => {
    const tok = await bearer();
    const inv = await post(
      '/Invoice',
      [
        {
          id: 1002,
          lines: [
            // Overridden: tax 2 (10%) although client 101 and the item say 1.
            { _itemid: 1, qty_order: 3, unit_price: 10, tax_code_overriden: true, override_tax_code: 2 },
            // Not overridden: a bare tax_code is not what Halo goes by; the item's code (1, 8%) applies.
            { _itemid: 1, qty_order: 2, unit_price: 5, tax_code: '2', invented_field: 'x', net_amount: 999 },
          ],
        },
      ],
      tok,
    );
    const [a, b] = inv.lines;
    expect(a).toMatchObject({ tax_code: '2', net_amount: 30, tax_rate: 10, tax_amount: 3 });
    expect(b).toMatchObject({ tax_code: '1', net_amount: 10, tax_rate: 8, tax_amount: 0.8 });
    expect('invented_field' in b).toBe(false);
    // An untaxable client (110) pays no tax; a client's own code (107 → 3) wins over the item's.
    const r110 = (await getInv('/RecurringInvoice?client_id=110', tok)) as unknown as { invoices: Inv[] };
    const exempt = await post(
      '/RecurringInvoice',
      [{ id: r110.invoices[0].id, lines: [{ _itemid: 1, qty_order: 1, unit_price: 100 }] }],
      tok,
    );
    expect(exempt.lines[0]).toMatchObject({ tax_code: '1', tax_amount: 0 });
    const own = await post(
      '/Invoice',
      [{ id: 1008, lines: [{ _itemid: 1, qty_order: 1, unit_price: 1 }] }],
      tok,
    );
    expect(own.lines[0]).toMatchObject({ tax_code: '3', tax_rate: 0 });
  });

  it.each([
    ['kept', true, true],
    ['dropped-on-list', true, false],
    ['dropped', false, false],
  ] as const)(
    'line key variant %s: on the detail view %s, on the list view %s',
    async (v, detail, listed) => {
      const state = await sb.admin('halo').state<HaloState>();
      await sb.admin('halo').setState({ ...state, variant: { ...state.variant, lineKey: v } });
      const tok = await bearer();
      const key = 'BG-0123456789abcdef';
      await post(
        '/Invoice',
        [{ id: 1002, lines: [{ _itemid: 1, qty_order: 1, unit_price: 1, comment_1: key }] }],
        tok,
      );
      const one = await getInv('/Invoice/1002?includedetails=true', tok);
      expect(one.lines[0].comment_1 === key).toBe(detail);
      const list = (await getInv('/Invoice?client_id=101&includelines=true', tok)) as unknown as {
        invoices: Inv[];
      };
      const l = list.invoices.find((i) => i.id === 1002)?.lines[0];
      expect(l?.comment_1 === key).toBe(listed);
    },
  );

  it('generates invoices from a recurring invoice: inactive, out-of-period and already billed one-time lines are not copied', async () => {
    const tok = await bearer();
    const rid = -90;
    const before = await getInv(`/RecurringInvoice/${rid}`, tok);
    await post(
      '/RecurringInvoice',
      [
        {
          id: rid,
          lines: [
            ...before.lines,
            {
              _itemid: 2,
              qty_order: 1,
              unit_price: 7,
              onetimecharge: true,
              item_shortdescription: 'one-off',
            },
            {
              _itemid: 2,
              qty_order: 1,
              unit_price: 8,
              startdate: '2026-11-01',
              enddate: '2026-11-30',
              item_shortdescription: 'nov',
            },
            { _itemid: 2, qty_order: 1, unit_price: 9, isinactive: true, item_shortdescription: 'off' },
          ],
        },
      ],
      tok,
    );
    const process = async () => {
      const res = await api(
        `/RecurringInvoice/process`,
        { method: 'POST', body: JSON.stringify([rid]) },
        tok,
      );
      expect(res.status).toBe(200);
      return ((await res.json()) as Inv[])[0];
    };
    const oct = await process();
    const nov = await process();
    const dec = await process();
    const texts = (i: Inv) => i.lines.map((l) => String(l.item_shortdescription));
    expect(oct.invoice_date).toBe('2026-10-01T00:00:00');
    expect(texts(oct)).toEqual([...texts(before), 'one-off']);
    expect(texts(nov)).toEqual([...texts(before), 'nov']);
    expect(texts(dec)).toEqual(texts(before));
    expect(oct.recurring_invoice_id).toBe(rid);
    const after = await getInv(`/RecurringInvoice/${rid}`, tok);
    expect(after.lines.find((l) => l.onetimecharge === true)?.onetimechargeinvoiceid).toBe(oct.id);
    expect(after.nextcreationdate).toBe('2027-01-01T00:00:00');
  });

  it('raises an invoice for a bill-to client on its parent, naming the client it was raised for', async () => {
    const tok = await bearer();
    const inv = await post('/Invoice', [{ client_id: 109, reference: 'BillGrid new:month:2026-10' }], tok);
    expect(inv).toMatchObject({ client_id: 101, original_client_id: 109 });
    const listed = (await getInv('/Invoice?client_id=109', tok)) as unknown as { invoices: Inv[] };
    expect(listed.invoices).toEqual([]);
  });

  it('has invoices that cannot take charges: a credit note, a voided, a sent and a paid invoice', async () => {
    const s = await sb.admin('halo').state<HaloState>();
    expect(s.invoices.some((i) => Number(i.creditlinkedtoinvoiceid) > 0)).toBe(true);
    expect(s.invoices.some((i) => i.voided === true && !i.posted)).toBe(true);
    expect(s.invoices.some((i) => !!i.datesent && !i.posted)).toBe(true);
    expect(s.invoices.some((i) => Number(i.amountpaid) > 0 && !i.posted)).toBe(true);
  });

  it('serves recurring invoices with negative ids and their lines', async () => {
    const tok = await bearer();
    const list = (await (await api('/RecurringInvoice?client_id=101', {}, tok)).json()) as {
      invoices: { id: number }[];
    };
    expect(list.invoices).toHaveLength(1);
    expect(list.invoices[0].id).toBeLessThan(0);
    const one = (await (await api(`/RecurringInvoice/${list.invoices[0].id}`, {}, tok)).json()) as {
      lines: unknown[];
    };
    expect(one.lines.length).toBeGreaterThan(0);
  });
});
