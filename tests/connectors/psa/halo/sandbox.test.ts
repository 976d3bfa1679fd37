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
    expect(p1.record_count).toBe(4);
    expect([...p1.invoices, ...p2.invoices].map((i) => i.client_id).sort()).toEqual([101, 101, 103, 103]);
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

  it('answers 429 with Retry-After once the window budget is spent', async () => {
    const state = await sb.admin('halo').state<HaloState>();
    await sb.admin('halo').setState({ ...state, rateLimit: { max: 3, windowSec: 30 }, hits: [] });
    const tok = await bearer(); // 1
    expect((await api('/Tax', {}, tok)).status).toBe(200); // 2
    expect((await api('/Tax', {}, tok)).status).toBe(200); // 3
    const limited = await api('/Tax', {}, tok);
    expect(limited.status).toBe(429);
    const wait = Number(limited.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(30);
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
