/** The Kaseya BMS sandbox itself: BMS's envelopes, sign-in forms, bare 401/404, the hourly limit per endpoint, variants. */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_USER, contractIdOf, demoFixture } from '../../../../local/sandbox/kaseya-bms/fixture';
import type { BmsState } from '../../../../local/sandbox/kaseya-bms/server';
import { multipart } from '../../../../src/connectors/psa/kaseya-bms/client';

type Json = Record<string, unknown>;

describe('Kaseya BMS sandbox', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'kaseya-bms' },
      {
        kind: 'kaseya-bms',
        name: 'bare',
        fixture: demoFixture({
          lineRead: 'none',
          lineUpdate: 'none',
          rateLimit: 'envelope',
          casing: 'camel',
        }),
      },
    ]);
  });
  afterAll(() => sb.stop());
  beforeEach(async () => {
    await sb.admin('kaseya-bms').reset();
    await sb.admin('bare').reset();
  });

  const signIn = async (url: string, form?: 'urlencoded'): Promise<string> => {
    const fields = {
      UserName: DEMO_USER.UserName,
      Password: DEMO_USER.Password,
      Tenant: DEMO_USER.Tenant,
      GrantType: 'password',
    };
    const body = form ? new URLSearchParams(fields).toString() : multipart(fields).body;
    const type = form ? 'application/x-www-form-urlencoded' : multipart(fields).contentType;
    const res = await fetch(`${url}/v2/security/authenticate`, {
      method: 'POST',
      headers: { 'Content-Type': type },
      body,
    });
    const json = (await res.json()) as Json;
    const result = (json.Result ?? json.result) as Json;
    return String(result.AccessToken ?? result.accessToken);
  };
  const get = async (url: string, path: string, token: string): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, text: await res.text() };
  };

  it('signs in with a multipart or url-encoded form and wraps answers in {Success, Error, Result, TotalRecords}', async () => {
    const url = sb.urls['kaseya-bms'];
    const token = await signIn(url);
    expect(token).toMatch(/^bms-at-/);
    expect(await signIn(url, 'urlencoded')).toMatch(/^bms-at-/);
    const page = await get(url, '/v2/crm/accounts/summary?PageSize=5&PageNumber=2', token);
    const json = JSON.parse(page.text) as Json;
    expect(json).toMatchObject({ Success: true, Error: null, TotalRecords: demoFixture().accounts.length });
    expect((json.Result as Json[]).map((a) => a.Id)).toEqual([7006, 7007, 7008, 7009, 7010]);
    const bad = await fetch(`${url}/v2/security/authenticate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'UserName=x&Password=y&Tenant=z&GrantType=password',
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ Success: false, Error: { Code: 401 }, Result: null });
  });

  it('answers a missing token with a bare 401, an unknown route with a bare 404, a refusal with Success false', async () => {
    const url = sb.urls['kaseya-bms'];
    expect(await get(url, '/v2/crm/accounts/summary', 'nope')).toEqual({ status: 401, text: '' });
    const token = await signIn(url);
    expect(await get(url, '/v2/finance/nothing', token)).toEqual({ status: 404, text: '' });
    const res = await fetch(`${url}/v2/finance/contracts/recurringservices/${contractIdOf('c01')}/services`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify([{ ServiceId: 501, Units: 2.5 }]),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      Success: false,
      Error: { Message: expect.stringMatching(/whole number/) },
    });
  });

  it('serves the open questions per variant: lines read and changed, or bare 404s; camelCase', async () => {
    const token = await signIn(sb.urls['kaseya-bms']);
    const detail = await get(sb.urls['kaseya-bms'], `/v2/finance/contracts/${contractIdOf('c01')}`, token);
    expect((JSON.parse(detail.text) as { Result: { Services: unknown[] } }).Result.Services).toHaveLength(3);
    const bare = await signIn(sb.urls.bare);
    expect(await get(sb.urls.bare, `/v2/finance/contracts/${contractIdOf('c01')}`, bare)).toEqual({
      status: 404,
      text: '',
    });
    const put = await fetch(
      `${sb.urls.bare}/v2/finance/contracts/recurringservices/${contractIdOf('c01')}/services/90001`,
      {
        method: 'PUT',
        headers: { Authorization: `Bearer ${bare}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ Units: 3 }),
      },
    );
    expect(put.status).toBe(404);
    const camel = JSON.parse((await get(sb.urls.bare, '/v2/admin/k1/status', bare)).text) as Json;
    expect(camel).toEqual({
      success: true,
      error: null,
      result: { isConnected: true, organizationId: 'k1-northwind' },
    });
  });

  it('limits calls per endpoint per hour, each endpoint on its own, and the hour rolls over', async () => {
    for (const name of ['kaseya-bms', 'bare']) {
      const url = sb.urls[name];
      const token = await signIn(url);
      const s = await sb.admin(name).state<BmsState>();
      await sb.admin(name).setState({ ...s, hourlyLimit: 2 });
      expect((await get(url, '/v2/crm/accounts/summary', token)).status).toBe(200);
      expect((await get(url, '/v2/crm/accounts/summary?PageNumber=2', token)).status).toBe(200);
      const third = await get(url, '/v2/crm/accounts/summary', token);
      expect(third.status).toBe(name === 'bare' ? 200 : 429);
      expect(JSON.stringify(JSON.parse(third.text))).toMatch(/"(S|s)uccess":false.*"(C|c)ode":429/);
      expect((await get(url, '/v2/admin/k1/status', token)).status).toBe(200); // another endpoint
      const later = await sb.admin(name).state<BmsState>();
      await sb.admin(name).setState({ ...later, clockOffsetMs: 3_600_000 });
      const fresh = await signIn(url);
      expect((await get(url, '/v2/crm/accounts/summary', fresh)).status).toBe(200);
    }
  });
});
