/** Datto RMM source against its sandbox through the real HTTP path: counts per site per billing type per month. */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_API_KEY, DEMO_API_SECRET, demoFixture } from '../../../../local/sandbox/datto-rmm/fixture';
import type { DattoState } from '../../../../local/sandbox/datto-rmm/server';
import { parseRawBillingLine } from '../../../../src/core/billing-line';
import { keyOf, lineIdentity } from '../../../../src/core/line-key';
import {
  DEFAULT_BILLING_TYPES,
  createDattoRmmSource,
  dattoRmmHttpPolicy,
} from '../../../../src/connectors/sources/datto-rmm';
import { SourceError } from '../../../../src/core/source';
import type { TokenStore } from '../../../../src/core/http';
import { stopGasHttp, testHttp } from '../support/gas-http';

const HOST = 'https://zinfandel-api.centrastage.net';
const OCTOBER = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };
const PRICES: Record<string, [number, number]> = {
  workstations: [12, 3],
  servers: [45, 8],
  'network-devices': [6, 1],
};
const PRICED = DEFAULT_BILLING_TYPES.map((r) => ({
  ...r,
  unitPrice: PRICES[r.id][0],
  unitCost: PRICES[r.id][1],
}));

describe('Datto RMM source against the sandbox', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'datto-rmm' },
      { kind: 'datto-rmm', name: 'empty-link', fixture: demoFixture({ lastPageLink: 'empty' }) },
    ]);
  });
  afterAll(async () => {
    await sb.stop();
    stopGasHttp();
  });
  beforeEach(async () => {
    await sb.admin('datto-rmm').reset();
    await sb.admin('empty-link').reset();
  });

  const source = (over: Record<string, unknown> = {}, name = 'datto-rmm', tokenStore?: TokenStore) => {
    const t = testHttp(dattoRmmHttpPolicy, { [HOST]: sb.urls[name] });
    return createDattoRmmSource(
      { apiUrl: HOST, apiKey: DEMO_API_KEY, apiSecret: DEMO_API_SECRET, ...over },
      t.http,
      { billingTypes: PRICED, ...(tokenStore ? { tokenStore } : {}) },
    );
  };
  const counts = (lines: Array<{ customerId: string; sku: string; quantity: number }>) =>
    Object.fromEntries(lines.map((l) => [`${l.customerId} ${l.sku}`, l.quantity]));

  it('lists the sites as customers', () => {
    expect(
      source()
        .listCustomers()
        .map((c) => [c.id, c.name, c.status]),
    ).toEqual([
      ['site-acme-hq', 'Acme Dental - HQ', 'active'],
      ['site-acme-north', 'Acme Dental - North clinic', 'active'],
      ['site-backerei', 'Backerei Muller', 'active'],
      ['site-blueharbor', 'Blue Harbor Logistics', 'active'],
      ['site-crestview', 'Crestview Vet', 'active'],
      ['site-northwind', 'Northwind internal', 'active'],
    ]);
  });

  it('pulls one quantity line per site per billing type, valid and with stable keys', () => {
    const { lines, problems } = source().pullPeriod(OCTOBER);
    expect(problems).toEqual([]);
    expect(lines).toHaveLength(18);
    expect(counts(lines)).toMatchObject({
      'site-acme-hq DATTO-RMM-WORKSTATIONS': 22, // 18 desktops + 4 laptops; the deleted one not counted
      'site-acme-hq DATTO-RMM-SERVERS': 2,
      'site-acme-hq DATTO-RMM-NETWORK-DEVICES': 3,
      'site-acme-north DATTO-RMM-WORKSTATIONS': 6,
      'site-acme-north DATTO-RMM-SERVERS': 1, // the ESXi host; printers are no billing type
      'site-acme-north DATTO-RMM-NETWORK-DEVICES': 0,
      'site-blueharbor DATTO-RMM-WORKSTATIONS': 38,
      'site-blueharbor DATTO-RMM-SERVERS': 4,
      'site-blueharbor DATTO-RMM-NETWORK-DEVICES': 6,
      'site-crestview DATTO-RMM-WORKSTATIONS': 15, // a suspended agent is still managed
    });
    for (const l of lines) {
      const parsed = parseRawBillingLine(l);
      expect(parsed.ok).toBe(true);
      expect(l).toMatchObject({
        cycle: 'monthly',
        chargeType: 'recurring',
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
      });
    }
    // The evidence: the devices counted, by host name, sorted; ten listed, then how many more.
    const evidence = Object.fromEntries(lines.map((l) => [`${l.customerId} ${l.sku}`, l.evidence]));
    expect(evidence).toMatchObject({
      'site-acme-hq DATTO-RMM-SERVERS': '2 devices: ACME-HQ-023, ACME-HQ-024',
      'site-acme-north DATTO-RMM-SERVERS': '1 device: ACME-NORTH-035',
      'site-acme-north DATTO-RMM-NETWORK-DEVICES': 'No devices counted',
      'site-acme-hq DATTO-RMM-WORKSTATIONS': `22 devices: ${Array.from(
        { length: 10 },
        (_, i) => `ACME-HQ-${String(i + 1).padStart(3, '0')}`,
      ).join(', ')}, and 12 more`,
    });
    const keys = lines.map((l) => keyOf(lineIdentity(l)));
    expect(new Set(keys).size).toBe(lines.length);
    expect(
      source()
        .pullPeriod(OCTOBER)
        .lines.map((l) => keyOf(lineIdentity(l))),
    ).toEqual(keys);
  });

  it('bills no billing type that has no price yet, and says so', () => {
    const t = testHttp(dattoRmmHttpPolicy, { [HOST]: sb.urls['datto-rmm'] });
    const unpriced = createDattoRmmSource(
      { apiUrl: HOST, apiKey: DEMO_API_KEY, apiSecret: DEMO_API_SECRET },
      t.http,
      {
        billingTypes: PRICED.map((r) => (r.id === 'servers' ? { ...r, unitPrice: null } : r)),
      },
    );
    const { lines, problems } = unpriced.pullPeriod(OCTOBER);
    expect(lines.filter((l) => l.sku === 'DATTO-RMM-SERVERS')).toEqual([]);
    expect(lines).toHaveLength(12);
    expect(problems.map((p) => p.message)).toEqual([
      "Datto RMM billing type 'Servers' has no price yet, so its counts were not billed: set its unit price and cost in BillGrid's Datto RMM billing types",
    ]);
  });

  it.each(['datto-rmm', 'empty-link'])(
    'follows nextPageUrl to the end at the paging minimum (%s)',
    async (name) => {
      const { lines } = source({ pageSize: 10 }, name).pullPeriod(OCTOBER);
      expect(lines).toHaveLength(18);
      const log = await sb.admin(name).requests();
      const fx = demoFixture();
      const devicePages = fx.sites.reduce(
        (n, s) => n + Math.max(1, Math.ceil(fx.devices.filter((d) => d.siteUid === s.uid).length / 10)),
        0,
      );
      expect(log.filter((r) => r.path.endsWith('/devices'))).toHaveLength(devicePages);
      expect(log.filter((r) => r.path === '/api/v2/account/sites')).toHaveLength(1);
      expect(log.filter((r) => r.path === '/auth/oauth/token')).toHaveLength(1);
    },
  );

  it('sees a device added since the last pull', async () => {
    const first = source().pullPeriod(OCTOBER).lines;
    const before = counts(first)['site-backerei DATTO-RMM-WORKSTATIONS'];
    const s = await sb.admin('datto-rmm').state<DattoState>();
    const d = s.devices.find((x) => x.siteUid === 'site-backerei')!;
    s.devices.push({ ...d, id: 99_999, uid: 'dev-new', hostname: 'BACKEREI-NEW' });
    await sb.admin('datto-rmm').setState(s);
    const again = source().pullPeriod(OCTOBER).lines;
    expect(counts(again)['site-backerei DATTO-RMM-WORKSTATIONS']).toBe(before + 1);
    const line = again.find((l) => l.customerId === 'site-backerei' && l.sku === 'DATTO-RMM-WORKSTATIONS');
    expect(line?.evidence).toMatch(/^10 devices: .*BACKEREI-NEW/);
    // Evidence is no part of the line's identity: the key is the same.
    expect(keyOf(lineIdentity(line!))).toBe(
      keyOf(lineIdentity(first.find((l) => l.customerId === 'site-backerei' && l.sku === line!.sku)!)),
    );
  });

  it('signs in with the password grant once, and again once after a 401', async () => {
    let t: { token: string; expiresAt: number } | null = {
      token: 'stale-token',
      expiresAt: Date.now() + 3600_000,
    };
    const store: TokenStore = { get: () => t, put: (x) => (t = x), clear: () => (t = null) };
    expect(source({}, 'datto-rmm', store).listCustomers()).toHaveLength(6);
    const log = await sb.admin('datto-rmm').requests();
    expect(log.map((r) => `${r.status} ${r.path}`)).toEqual([
      '401 /api/v2/account/sites',
      '200 /auth/oauth/token',
      '200 /api/v2/account/sites',
    ]);
    expect(log[1].headers.authorization).toBe('Basic cHVibGljLWNsaWVudDpwdWJsaWM=');
    expect(log[1].body).toContain('grant_type=password');
    expect(t?.token).toMatch(/^drmm-token-/);
  });

  it('rejects a wrong secret in plain words, without the secret', () => {
    let err: unknown;
    try {
      source({ apiSecret: 'wrong-secret-55' }).listCustomers();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toBe('Datto RMM rejected the API key or secret (400)');
  });

  it('reports a malformed device and a site that cannot be read, bills neither site short, and bills the rest', async () => {
    const s = await sb.admin('datto-rmm').state<DattoState>();
    (s.devices[0] as unknown as Record<string, unknown>).deviceClass = 42;
    await sb.admin('datto-rmm').setState(s);
    await sb
      .admin('datto-rmm')
      .faults([{ match: { pathIncludes: 'site-crestview' }, status: 404, body: { message: 'gone' } }]);
    const { lines, problems } = source().pullPeriod(OCTOBER);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        new RegExp(`^Datto RMM device ${s.devices[0].uid} at 'Acme Dental - HQ': deviceClass`),
      ),
      "Datto RMM could not list the devices of 'Crestview Vet' (404: gone); its lines were left as they were",
    ]);
    expect(lines.filter((l) => l.customerId === 'site-crestview')).toEqual([]);
    // The site with an unreadable device is not billed short: none of its lines until the device reads.
    expect(lines.filter((l) => l.customerId === 'site-acme-hq')).toEqual([]);
    expect(lines).toHaveLength(12);
  });
});
