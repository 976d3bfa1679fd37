/**
 * The ConnectWise sandbox itself, over plain HTTP: authentication and the clientId header, the conditions
 * language, both paging styles (and the variants where the documentation is open), the throttle, the error
 * shape, field limits, JSON Patch and the proration of additions.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  DEMO_CLIENT_ID,
  DEMO_COMPANY_ID,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  agreementIdOf,
  companyIdOf,
  demoFixture,
  type CwVariants,
} from '../../../../local/sandbox/connectwise/fixture';
import { parseConditions, matches } from '../../../../local/sandbox/connectwise/conditions';

const ROOT = '/v4_6_release/apis/3.0';
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const AUTH = {
  Authorization: basic(`${DEMO_COMPANY_ID}+${DEMO_PUBLIC_KEY}`, DEMO_PRIVATE_KEY),
  clientId: DEMO_CLIENT_ID,
};

async function start(variants: Partial<CwVariants> = {}, patch: Record<string, unknown> = {}) {
  return startSandboxes([{ kind: 'connectwise', fixture: { ...demoFixture(variants), ...patch } }]);
}

function call(sb: RunningSandboxes, path: string, init: RequestInit = {}) {
  return fetch(`${sb.urls.connectwise}${ROOT}${path}`, {
    ...init,
    headers: { ...AUTH, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });
}

describe('ConnectWise sandbox', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await start();
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('connectwise').reset());

  it('needs Basic company+publicKey:privateKey and a registered clientId', async () => {
    expect((await call(sb, '/system/info')).status).toBe(200);
    const wrong = await call(sb, '/system/info', {
      headers: { Authorization: basic(`${DEMO_COMPANY_ID}+${DEMO_PUBLIC_KEY}`, 'nope') },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'Unauthorized', message: expect.any(String) });
    const noClient = await fetch(`${sb.urls.connectwise}${ROOT}/system/info`, {
      headers: { Authorization: AUTH.Authorization },
    });
    expect(noClient.status).toBe(401);
  });

  it('filters with conditions: =, in, like, contains, dates, null, and/or, not; refuses unknown fields', async () => {
    const acme = companyIdOf('c01');
    const get = async (c: string) => {
      const r = await call(sb, `/company/companies?pageSize=1000&conditions=${encodeURIComponent(c)}`);
      return { status: r.status, body: (await r.json()) as Array<{ id: number; name: string }> };
    };
    expect((await get(`id=${acme}`)).body.map((c) => c.id)).toEqual([acme]);
    expect((await get(`id in (${acme}, ${companyIdOf('c03')})`)).body).toHaveLength(2);
    expect((await get('name like "acme%"')).body.map((c) => c.name)).toEqual(['Acme Dental Group']);
    expect((await get('name contains "HARBOR"')).body.length).toBeGreaterThanOrEqual(2);
    expect((await get('name="Acme Dental Group" or name="Quantum Labs"')).body).toHaveLength(2);
    expect(
      (await get('status/name="Active" and not name contains "a"')).body.every((c) => !/a/i.test(c.name)),
    ).toBe(true);
    const bad = await get('colour="blue"');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'InvalidObject' });
    expect((await get('name = unquoted')).status).toBe(400);

    const rec = { cancelledDate: null, effectiveDate: '2026-10-01T00:00:00Z' };
    const known = () => true;
    expect(matches(parseConditions('cancelledDate = null'), rec, known)).toBe(true);
    expect(matches(parseConditions('effectiveDate <= [2026-10-31T00:00:00Z]'), rec, known)).toBe(true);
    expect(matches(parseConditions('effectiveDate > [2026-10-01]'), rec, known)).toBe(false);
  });

  it('pages forward-only with pageId in a Link header, and by page number otherwise', async () => {
    const ids = async (first: string, headers: Record<string, string>) => {
      const out: number[] = [];
      let url: string | null = `${sb.urls.connectwise}${ROOT}${first}`;
      let pages = 0;
      while (url) {
        const r: Response = await fetch(url.replace(/^https:\/\/[^/]+/, sb.urls.connectwise), {
          headers: { ...AUTH, ...headers },
        });
        const page = (await r.json()) as Array<{ id: number }>;
        out.push(...page.map((p) => p.id));
        url = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('link') ?? '')?.[1] ?? null;
        pages += 1;
      }
      return { out, pages };
    };
    const forward = await ids('/company/companies?pageSize=7', { 'pagination-type': 'forward-only' });
    const byPage = await ids('/company/companies?pageSize=7&page=1', {});
    expect(forward.pages).toBeGreaterThan(4);
    expect(forward.out).toEqual([...forward.out].sort((a, b) => a - b));
    expect(byPage.out).toEqual(forward.out);
    const r = await call(sb, '/company/companies?pageSize=7', {
      headers: { 'pagination-type': 'forward-only' },
    });
    expect(r.headers.get('link')).toMatch(/pageId=\d+/);
    // pageSize is capped at 1,000.
    const big = await call(sb, '/company/companies?pageSize=5000');
    expect(((await big.json()) as unknown[]).length).toBeLessThanOrEqual(1000);
  });

  it('variants: forward-only ignored (page-number Links) or no Link at all; 400 without clientId', async () => {
    const nav = await start({ paging: 'navigable', clientIdMissing: 400 });
    const none = await start({ paging: 'no-link' });
    try {
      const a = await call(nav, '/company/companies?pageSize=7', {
        headers: { 'pagination-type': 'forward-only' },
      });
      expect(a.headers.get('link')).toMatch(/page=2/);
      expect(a.headers.get('link')).not.toMatch(/pageId/);
      const b = await call(none, '/company/companies?pageSize=7', {
        headers: { 'pagination-type': 'forward-only' },
      });
      expect(b.headers.get('link')).toBeNull();
      expect(((await b.json()) as unknown[]).length).toBe(7);
      const noClient = await fetch(`${nav.urls.connectwise}${ROOT}/system/info`, {
        headers: { Authorization: AUTH.Authorization },
      });
      expect(noClient.status).toBe(400);
    } finally {
      await nav.stop();
      await none.stop();
    }
  });

  it('throttles with 429 (Retry-After per variant)', async () => {
    for (const retryAfter of [true, false]) {
      const t = await start({ retryAfter }, { throttle: { limit: 3, windowMs: 60_000 } });
      try {
        const statuses: number[] = [];
        let last: Response | null = null;
        for (let i = 0; i < 4; i++) {
          last = await call(t, '/system/info');
          statuses.push(last.status);
        }
        expect(statuses).toEqual([200, 200, 200, 429]);
        expect(await last!.json()).toMatchObject({ code: 'TooManyRequests' });
        expect(last!.headers.get('retry-after') !== null).toBe(retryAfter);
      } finally {
        await t.stop();
      }
    }
  });

  it('refuses a too-long or missing field with { code, message, errors[] } naming the field', async () => {
    const r = await call(sb, '/procurement/catalog', {
      method: 'POST',
      body: JSON.stringify({
        identifier: 'X'.repeat(76),
        description: 'd',
        customerDescription: 'd',
        subcategory: { id: 31 },
        type: { id: 41 },
      }),
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      code: 'InvalidObject',
      message: expect.any(String),
      errors: [
        expect.objectContaining({
          resource: 'catalogItem',
          field: 'identifier',
          message: expect.any(String),
        }),
      ],
    });
    const missing = await call(sb, `/finance/agreements/${agreementIdOf('c01')}/additions`, {
      method: 'POST',
      body: JSON.stringify({ product: { id: 501 } }),
    });
    expect(((await missing.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe(
      'billCustomer',
    );
  });

  it('prorates an addition added mid-period on a prorating agreement, patches with JSON Patch, keeps billed history', async () => {
    const prorating = agreementIdOf('c02');
    const r = await call(sb, `/finance/agreements/${prorating}/additions`, {
      method: 'POST',
      body: JSON.stringify({
        product: { id: 503 },
        billCustomer: 'Billable',
        quantity: 3,
        unitPrice: 10,
        effectiveDate: '2026-10-17T00:00:00Z',
      }),
    });
    const added = (await r.json()) as {
      id: number;
      extendedProratePrice: number;
      prorateCurrentPeriodFlag: boolean;
    };
    expect(r.status).toBe(201);
    expect(added.prorateCurrentPeriodFlag).toBe(true);
    expect(added.extendedProratePrice).toBeCloseTo((3 * 10 * 15) / 31, 2);
    const p = await call(sb, `/finance/agreements/${prorating}/additions/${added.id}`, {
      method: 'PATCH',
      body: JSON.stringify([{ op: 'replace', path: 'quantity', value: 4 }]),
    });
    expect(((await p.json()) as { quantity: number }).quantity).toBe(4);
    const notList = await call(sb, `/finance/agreements/${prorating}/additions/${added.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ quantity: 5 }),
    });
    expect(notList.status).toBe(400);
    const old = (await (
      await call(sb, `/finance/agreements/${prorating}/additions?pageSize=1`)
    ).json()) as Array<{ id: number }>;
    const del = await call(sb, `/finance/agreements/${prorating}/additions/${old[0].id}`, {
      method: 'DELETE',
    });
    expect(del.status).toBe(400);
  });
});
