/**
 * HaloPSA's read-only tenant-check probes against the sandbox under each variant the sources leave open:
 * the probe names the variant the tenant has (line key on the list view, list lines complete), the paging
 * shape and the clients' tax setup — and sends no change.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS, type HaloVariant } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { createHaloTarget, policy } from '../../../../src/connectors/psa/halo';
import type { HaloCredentials } from '../../../../src/connectors/psa/halo/config';
import {
  probeAssetGroups,
  probeAuthInfo,
  probeInvoiceFilters,
  probeRateLimitHeaders,
  probeLineViews,
  probePaging,
  probeTaxList,
  probeTaxSetup,
} from '../../../../src/connectors/psa/halo/probes';
import type { HttpClient, HttpResponse } from '../../../../src/core/http';
import { TENANT_URL, testHttp } from './support/http';
import { fullMonth, stepsOf } from './support/scenario';

describe('HaloPSA tenant-check probes', () => {
  let sb: RunningSandboxes;
  const creds: HaloCredentials = { tenantUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS };
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('halo').reset());

  const http = () => testHttp(policy, sb.urls.halo).http;
  const variant = async (v: Partial<HaloVariant>) => {
    const s = await sb.admin('halo').state<HaloState>();
    await sb.admin('halo').setState({ ...s, variant: { ...s.variant, ...v } });
  };
  /** BillGrid's lines on the tenant, as after a first push. */
  const pushed = () => {
    const t = testHttp(policy, sb.urls.halo);
    createHaloTarget({ baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS }, t.http, {
      now: t.now,
      integrationName: 'Pax8',
    }).applyAll(stepsOf(fullMonth()));
  };
  const writes = async () =>
    (await sb.admin('halo').requests()).filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));

  it.each([
    ['kept', 'full', 'confirmed', /key is on the list view; list lines carry every detail field/],
    ['kept', 'summary', 'confirmed', /key is on the list view; list lines leave detail fields out/],
    ['dropped-on-list', 'full', 'differs', /kept but left out of the list view; list lines leave/],
    [
      'dropped',
      'full',
      'confirmed',
      /^list lines carry every .*; no BillGrid line .* checked by the write probe/,
    ],
    ['dropped', 'summary', 'differs', /^list lines leave detail fields out.*; no BillGrid line/],
  ] as const)('line key %s, list view %s: %s', async (lineKey, listView, status, detail) => {
    await variant({ lineKey, listView });
    pushed();
    // Staff wrote a note on every line: a field the 'summary' list view leaves out.
    const s = await sb.admin('halo').state<HaloState>();
    for (const inv of s.invoices) for (const l of inv.lines) l.comment_2 = 'PO 4471';
    await sb.admin('halo').setState(s);
    await sb.admin('halo').clearRequests();
    const r = probeLineViews(creds, http());
    expect(r.status).toBe(status);
    expect(r.detail).toMatch(detail);
    expect(await writes()).toEqual([]);
  });

  it.each([
    ['honoured', 'ignored', 'confirmed', /^notpostedonly honoured; invoicedatestart=<date> ignored$/],
    [
      'honoured',
      'honoured',
      'confirmed',
      /^notpostedonly honoured; invoicedatestart=<date> honoured as a date$/,
    ],
    ['honoured', 'rejected', 'confirmed', /^notpostedonly honoured; invoicedatestart=<date> refused \(400/],
    ['ignored', 'ignored', 'differs', /^notpostedonly ignored; .*whole invoice histories/],
  ] as const)(
    'invoice filters: posted filter %s, date window %s: %s',
    async (postedFilter, dateWindow, status, detail) => {
      await variant({ postedFilter, dateWindow });
      await sb.admin('halo').clearRequests();
      const r = probeInvoiceFilters(creds, http());
      expect(r.status).toBe(status);
      expect(r.detail).toMatch(detail);
      expect(await writes()).toEqual([]);
    },
  );

  it('authinfo names the sign-in server and the tenant; item groups come as a list with id and name; no rate-limit header', async () => {
    expect(probeAuthInfo(creds, http())).toMatchObject({
      status: 'confirmed',
      detail: expect.stringMatching(/sign-in server and a tenant/),
    });
    expect(probeAssetGroups(creds, http())).toMatchObject({
      status: 'confirmed',
      detail: expect.stringMatching(/^\/AssetGroup answered a bare list of \d+ groups with id and name$/),
    });
    expect(probeRateLimitHeaders(creds, http())).toMatchObject({
      status: 'confirmed',
      detail: expect.stringMatching(/^no rate-limit header/),
    });
    expect(await writes()).toEqual([]);
  });

  /** The tenant's answers as `change` rewrites them (a tenant that answers otherwise than the sandbox). */
  const answering = (change: (url: string, res: HttpResponse) => HttpResponse): HttpClient => {
    const inner = http();
    return {
      request: (req) => change(req.url, inner.request(req)),
      requestAll: (reqs) => inner.requestAll(reqs).map((res, i) => change(reqs[i].url, res)),
    };
  };

  it.each([
    [
      'bare',
      /^\/Tax answered a bare list of \d+ rates with id and name$/,
      /^\/AssetGroup answered a bare list/,
    ],
    [
      'keyed',
      /^\/Tax answered \{ taxes: \[\.\.\.\] \} of \d+ rates/,
      /^\/AssetGroup answered \{ assetgroups:/,
    ],
  ] as const)(
    'unpaged lists %s: /Tax and /AssetGroup confirmed, naming the envelope; tax codes are read either way',
    async (unpagedLists, tax, groups) => {
      await variant({ unpagedLists });
      expect(probeTaxList(creds, http())).toMatchObject({
        status: 'confirmed',
        detail: expect.stringMatching(tax),
      });
      expect(probeAssetGroups(creds, http())).toMatchObject({
        status: 'confirmed',
        detail: expect.stringMatching(groups),
      });
      const t = testHttp(policy, sb.urls.halo);
      const target = createHaloTarget(
        { baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS },
        t.http,
        {
          now: t.now,
        },
      );
      const s = await sb.admin('halo').state<HaloState>();
      expect(target.listCodes().taxCodes.map((c) => c.name)).toEqual(s.taxes.map((x) => x.name));
      expect(await writes()).toEqual([]);
    },
  );

  it('/Tax: a rate without a name, or an answer holding no list: differs', async () => {
    const s = await sb.admin('halo').state<HaloState>();
    await sb.admin('halo').setState({
      ...s,
      taxes: [...s.taxes, { ...s.taxes[0], id: 99, name: undefined as unknown as string }],
    });
    expect(probeTaxList(creds, http())).toMatchObject({
      status: 'differs',
      detail: expect.stringMatching(/but 1 of \d+ rates lack id or name$/),
    });
    const noList = answering((url, res) =>
      /\/api\/Tax$/.test(url) ? { ...res, body: '{"record_count":3}' } : res,
    );
    expect(probeTaxList(creds, noList)).toMatchObject({
      status: 'differs',
      detail: expect.stringMatching(/neither a list nor \{ taxes: \[\.\.\.\] \}/),
    });
  });

  it('authinfo: a tenant without it, or naming no sign-in server: differs; no tenant named: confirmed, says so', async () => {
    const missing = answering((url, res) =>
      /\/api\/authinfo$/.test(url) ? { ...res, status: 404, body: '{"Message":"No HTTP resource"}' } : res,
    );
    expect(probeAuthInfo(creds, missing)).toMatchObject({
      status: 'differs',
      detail: expect.stringMatching(/^\/api\/authinfo answered 404: sign-in falls back/),
    });
    const noAuth = answering((url, res) =>
      /\/api\/authinfo$/.test(url) ? { ...res, body: '{"tenant_id":"x"}' } : res,
    );
    expect(probeAuthInfo(creds, noAuth)).toMatchObject({
      status: 'differs',
      detail: expect.stringMatching(/names no auth_url/),
    });
    // A tenant (on-premises, or the tenant left to Connect) whose authinfo names the sign-in server only.
    const noTenant = answering((url, res) => {
      if (!/\/api\/authinfo$/.test(url)) return res;
      const { auth_url } = JSON.parse(res.body) as { auth_url: string };
      return { ...res, body: JSON.stringify({ auth_url }) };
    });
    expect(probeAuthInfo(creds, noTenant)).toMatchObject({
      status: 'confirmed',
      detail: expect.stringMatching(/names the sign-in server \(no tenant/),
    });
  });

  it('rate-limit headers on an ordinary answer: differs, naming them', () => {
    const withHeaders = answering((url, res) =>
      /\/api\/Client/.test(url)
        ? { ...res, headers: { ...res.headers, 'X-RateLimit-Remaining': '299', 'X-RateLimit-Limit': '300' } }
        : res,
    );
    expect(probeRateLimitHeaders(creds, withHeaders)).toMatchObject({
      status: 'differs',
      detail: expect.stringMatching(/rate-limit headers \(X-RateLimit-Remaining, X-RateLimit-Limit\)/),
    });
  });

  it('item groups under another key, or groups without a name: differs', async () => {
    const s = await sb.admin('halo').state<HaloState>();
    await sb
      .admin('halo')
      .setState({ ...s, assetGroups: [...s.assetGroups, { id: 999 } as (typeof s.assetGroups)[number]] });
    expect(probeAssetGroups(creds, http())).toMatchObject({
      status: 'differs',
      detail: expect.stringMatching(/1 of \d+ groups lack id or name/),
    });
  });

  it('paging: record_count and page_size honoured', async () => {
    expect(probePaging(creds, http())).toMatchObject({ status: 'confirmed' });
    expect(await writes()).toEqual([]);
  });

  it('tax setup: counts the clients with their own code, exempt and automatic sales tax', async () => {
    const r = probeTaxSetup(creds, http());
    expect(r.status).toBe('confirmed');
    expect(r.detail).toMatch(/of \d+ clients: [1-9]\d* with their own tax code, [1-9]\d* not taxable/);
    await sb.admin('halo').setState({
      ...(await sb.admin('halo').state<HaloState>()),
      clients: (await sb.admin('halo').state<HaloState>()).clients.map((c) => {
        const { item_tax_code: _drop, ...rest } = c;
        return rest as typeof c;
      }),
    });
    expect(probeTaxSetup(creds, http())).toMatchObject({ status: 'differs' });
  });
});
