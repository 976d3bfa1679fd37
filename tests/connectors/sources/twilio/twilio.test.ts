import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { CATALOGUE } from '../../../../local/sandbox/twilio/catalogue';
import {
  badFixture,
  bigFixture,
  demoFixture,
  type TwilioFixture,
} from '../../../../local/sandbox/twilio/fixture';
import { DEMO_CLIENTS, DEMO_MONTH } from '../../../../local/demo/msp';
import { createTwilioSource, twilioHttpPolicy } from '../../../../src/connectors/sources/twilio';
import type { BillingPeriod, PullResult } from '../../../../src/core/source';
import { SourceError } from '../../../../src/core/source';
import { stopGasHttp, testHttp } from '../support/gas-http';
import { TwilioSpec } from './openapi';

const PERIOD: BillingPeriod = { month: DEMO_MONTH, start: '2026-10-01', end: '2026-10-31' };
const cents = (n: number) => Math.round(n * 100) / 100;

/** What Twilio charged each account for the month, straight from the fixture's leaf usage. */
function fixtureTotals(f: TwilioFixture, month = DEMO_MONTH): Map<string, number> {
  const out = new Map<string, number>();
  for (const u of f.usage)
    if (u.month === month) out.set(u.accountSid, (out.get(u.accountSid) ?? 0) + u.price);
  return out;
}

function lineTotals(r: PullResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of r.lines) out.set(l.customerId, (out.get(l.customerId) ?? 0) + l.total);
  return out;
}

const accountsPages = (accounts: number, pageSize: number) => Math.max(1, Math.ceil(accounts / pageSize));
const usagePages = (pageSize: number) => Math.ceil(CATALOGUE.length / pageSize);

describe('Twilio source against the stateful sandbox', () => {
  let sb: RunningSandboxes;
  const demo = demoFixture();
  const spec = new TwilioSpec();
  const creds = { accountSid: demo.main.sid, authToken: demo.main.authToken };

  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'twilio' },
      { kind: 'twilio', name: 'twilio-bad', fixture: badFixture() },
      { kind: 'twilio', name: 'twilio-big', fixture: bigFixture(250) },
    ]);
  });
  afterAll(async () => {
    await sb.stop();
    await stopGasHttp();
  });
  beforeEach(async () => {
    await Promise.all(['twilio', 'twilio-bad', 'twilio-big'].map((n) => sb.admin(n).reset()));
  });
  // Every request the connector sent, and every answer it got, in every test: valid per Twilio's spec.
  // (The 'bad' sandbox serves deliberately malformed records, so only its requests are valid.)
  afterEach(async () => {
    for (const name of ['twilio', 'twilio-big', 'twilio-bad']) {
      for (const entry of await sb.admin(name).requests()) {
        const checked = name === 'twilio-bad' ? { ...entry, status: 0 } : entry;
        expect({ path: entry.path, query: entry.query, errors: spec.check(checked).errors }).toEqual({
          path: entry.path,
          query: entry.query,
          errors: [],
        });
      }
    }
  });

  /** Twilio's real origin, sent to the named sandbox by the emulator's URL map. */
  const twilioMap = (name: string) => ({ 'https://api.twilio.com': sb.urls[name] });

  function source(extra: Record<string, unknown> = {}, name = 'twilio', policy: Record<string, number> = {}) {
    const t = testHttp({ ...twilioHttpPolicy(), ...policy }, twilioMap(name));
    const src = createTwilioSource({ ...creds, ...extra }, t.http);
    return { src, ...t };
  }

  it('pulls a month: one line per billed leaf category, amounts equal to what Twilio charged', async () => {
    const { src } = source();
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);

    const expected = fixtureTotals(demo);
    const got = lineTotals(result);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [sid, total] of expected) expect(cents(got.get(sid) ?? 0)).toBeCloseTo(cents(total), 2);

    // Roll-ups and the grand total are never billed next to their parts.
    const skus = new Set(result.lines.map((l) => l.sku));
    for (const rollup of [
      'totalprice',
      'calls',
      'calls-inbound',
      'sms',
      'sms-outbound',
      'phonenumbers',
      'mms',
    ]) {
      expect(skus.has(rollup)).toBe(false);
    }
    expect(result.lines.every((l) => l.total !== 0 && l.chargeType === 'usage' && l.cycle === 'usage')).toBe(
      true,
    );
    expect(
      result.lines.every((l) => l.currency === 'USD' && l.unitPrice === l.unitCost && l.quantity === 1),
    ).toBe(true);
  });

  it('bills closed and suspended subaccounts, skips an idle one, keeps names as Twilio has them', async () => {
    const { src } = source();
    const result = src.pullPeriod(PERIOD);
    const byName = (n: string) => result.lines.filter((l) => l.customerName === n);
    const closed = DEMO_CLIENTS.find((c) => c.usageStatus === 'closed')!.usageName!;
    const suspended = DEMO_CLIENTS.find((c) => c.usageStatus === 'suspended')!.usageName!;
    expect(byName(closed).length).toBeGreaterThan(0);
    expect(byName(suspended).length).toBeGreaterThan(0);
    expect(byName('Juniper Schools')).toEqual([]);
    expect(byName('<img src=x onerror=alert(1)> Test Co').length).toBeGreaterThan(0);
    const customers = src.listCustomers();
    expect(customers).toHaveLength(demo.subaccounts.length + 1);
    expect(customers.find((c) => c.name === closed)?.status).toBe('closed');
  });

  it('bills the top-level account for its own usage only (IncludeSubaccounts=false)', () => {
    const { src } = source();
    const result = src.pullPeriod(PERIOD);
    const main = result.lines.filter((l) => l.customerId === demo.main.sid);
    expect(cents(main.reduce((s, l) => s + l.total, 0))).toBe(cents(3 * 1.15 + 420 * 0.014));
  });

  it('sends only spec-valid requests and gets spec-valid responses, in the minimum number of requests', async () => {
    const { src } = source();
    src.pullPeriod(PERIOD);
    const log = await sb.admin('twilio').requests();
    const accounts = demo.subaccounts.length + 1;
    expect(log).toHaveLength(accountsPages(accounts, 1000) + accounts * usagePages(1000));
    for (const entry of log) {
      const check = spec.check(entry);
      expect({ path: entry.path, query: entry.query, errors: check.errors }).toEqual({
        path: entry.path,
        query: entry.query,
        errors: [],
      });
      expect(entry.status).toBe(200);
    }
  });

  it('follows paging for 250 subaccounts with small pages: exactly the paging minimum of requests', async () => {
    const big = bigFixture(250);
    const pageSize = 20;
    const t = testHttp(twilioHttpPolicy({ maxConcurrency: 25 }), twilioMap('twilio-big'));
    const src = createTwilioSource(
      { accountSid: big.main.sid, authToken: big.main.authToken, pageSize },
      t.http,
    );
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);
    const log = await sb.admin('twilio-big').requests();
    const accounts = big.subaccounts.length + 1;
    expect(log).toHaveLength(accountsPages(accounts, pageSize) + accounts * usagePages(pageSize));
    expect(log.filter((r) => r.path.endsWith('/Accounts.json'))).toHaveLength(Math.ceil(accounts / pageSize));
    const expected = fixtureTotals(big);
    const got = lineTotals(result);
    expect(got.size).toBe(expected.size);
    for (const [sid, total] of expected) expect(cents(got.get(sid) ?? 0)).toBeCloseTo(cents(total), 2);
  });

  it("'total' mode gives one totalprice line per account with usage; markup sets the unit price", () => {
    const { src } = source({ lineMode: 'total', markupPercent: 20 });
    const result = src.pullPeriod(PERIOD);
    const expected = fixtureTotals(demo);
    expect(result.lines).toHaveLength(expected.size);
    for (const l of result.lines) {
      expect(l.sku).toBe('totalprice');
      expect(l.unitCost).toBeCloseTo(expected.get(l.customerId)!, 4);
      expect(l.unitPrice).toBeCloseTo(l.unitCost * 1.2, 4);
      expect(l.total).toBe(l.unitPrice);
    }
  });

  it('names the vendor and the status when the credentials are wrong, never the token', () => {
    const t = testHttp(twilioHttpPolicy(), twilioMap('twilio'));
    const wrong = 'f'.repeat(32);
    const src = createTwilioSource({ accountSid: demo.main.sid, authToken: wrong }, t.http);
    let caught: unknown;
    try {
      src.pullPeriod(PERIOD);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SourceError);
    expect((caught as SourceError).message).toBe('Twilio rejected the Account SID / Auth Token (401)');
    expect((caught as SourceError).status).toBe(401);
  });

  it('rejects bad settings with a clear message that does not echo the token', () => {
    const t = testHttp(twilioHttpPolicy(), twilioMap('twilio'));
    expect(() =>
      createTwilioSource({ accountSid: 'AC123', authToken: 'secret-token-value' }, t.http),
    ).toThrow('Twilio settings: Twilio Account SID must be "AC" followed by 32 hexadecimal characters');
    expect(() => createTwilioSource({ accountSid: demo.main.sid, authToken: '' }, t.http)).toThrow(
      'Twilio settings: Twilio Auth Token is missing',
    );
  });

  it('honours Retry-After on 429 (modelled sleep) and retries 5xx, then completes the pull', async () => {
    const target = demo.subaccounts[2].sid;
    await sb.admin('twilio').faults([
      { match: { pathIncludes: `${target}/Usage` }, status: 429, retryAfter: 7 },
      { match: { pathIncludes: `${demo.subaccounts[3].sid}/Usage` }, status: 503, times: 2 },
    ]);
    const { src, sleeps } = source();
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([]);
    expect(sleeps).toContain(7000);
    expect(sleeps).toHaveLength(2);
    expect(lineTotals(result).size).toBe(fixtureTotals(demo).size);
    const log = await sb.admin('twilio').requests();
    const accounts = demo.subaccounts.length + 1;
    expect(log).toHaveLength(1 + accounts + 1 + 2);
  });

  it('reports a subaccount that keeps failing and still bills the others', async () => {
    const failing = demo.subaccounts[0];
    await sb
      .admin('twilio')
      .faults([{ match: { pathIncludes: `${failing.sid}/Usage` }, status: 500, times: 1000 }]);
    const { src } = source({}, 'twilio', { maxRetries: 2 });
    const result = src.pullPeriod(PERIOD);
    expect(result.problems).toEqual([
      {
        customerId: failing.sid,
        customerName: failing.friendlyName,
        message: `Twilio usage for ${failing.friendlyName} could not be read: HTTP 500`,
      },
    ]);
    const totals = lineTotals(result);
    expect(totals.has(failing.sid)).toBe(false);
    expect(totals.size).toBe(fixtureTotals(demo).size - 1);
  });

  it('reports each malformed record with its id and reason, and bills the rest', async () => {
    const bad = badFixture();
    const t = testHttp(twilioHttpPolicy(), twilioMap('twilio-bad'));
    const src = createTwilioSource({ accountSid: bad.main.sid, authToken: bad.main.authToken }, t.http);
    const result = src.pullPeriod(PERIOD);
    const acme = bad.subaccounts[0];
    const blue = bad.subaccounts[1];
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { recordId: 'not-a-sid', message: 'Twilio account skipped: sid: sid is not a Twilio Account SID' },
        expect.objectContaining({
          customerId: acme.sid,
          recordId: `${acme.sid}/shortcodes-customerowned`,
          message: expect.stringContaining('price'),
        }),
        expect.objectContaining({
          customerId: acme.sid,
          recordId: `${acme.sid}/pfax-pages`,
          message: 'Twilio usage record skipped: it has a price but no currency',
        }),
        expect.objectContaining({
          customerId: blue.sid,
          recordId: `${blue.sid}/fraud-lookups`,
          message: "Twilio usage record skipped: currency 'JPY' is not supported",
        }),
        expect.objectContaining({ customerId: blue.sid, message: expect.stringContaining('category') }),
      ]),
    );
    expect(result.problems).toHaveLength(5);
    // Everything well-formed is still billed.
    expect(lineTotals(result).size).toBe(fixtureTotals(bad).size);
  });

  it('never puts a secret in a problem or error message', async () => {
    const bad = badFixture();
    const secrets = [bad.main.authToken, ...bad.subaccounts.map((a) => a.authToken)];
    await sb.admin('twilio-bad').faults([
      {
        match: { pathIncludes: bad.subaccounts[4].sid },
        status: 500,
        times: 1000,
        body: { message: `boom ${bad.main.authToken}`, code: 20500 },
      },
    ]);
    const t = testHttp({ ...twilioHttpPolicy(), maxRetries: 1 }, twilioMap('twilio-bad'));
    const src = createTwilioSource({ accountSid: bad.main.sid, authToken: bad.main.authToken }, t.http);
    const text = JSON.stringify(src.pullPeriod(PERIOD).problems);
    expect(text).toContain('boom');
    for (const s of secrets) expect(text).not.toContain(s);
  });
});

describe('Twilio sandbox behaviour', () => {
  let sb: RunningSandboxes;
  const demo = demoFixture();
  const auth = `Basic ${Buffer.from(`${demo.main.sid}:${demo.main.authToken}`).toString('base64')}`;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'twilio' }]);
  });
  afterAll(() => sb.stop());

  it('answers 429 with Retry-After and a Twilio error body when the per-second budget is spent', async () => {
    const state = await sb.admin('twilio').state<TwilioFixture>();
    await sb.admin('twilio').setState({ ...state, limits: { requestsPerSecond: 2 } });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await fetch(`${sb.urls.twilio}/2010-04-01/Accounts.json`, { headers: { Authorization: auth } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(last!.headers.get('retry-after')).toBe('1');
    expect(await last!.json()).toEqual({
      code: 20429,
      message: 'Too Many Requests',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
    await sb.admin('twilio').reset();
  });

  it('validates input and authentication like Twilio', async () => {
    const bad = await fetch(
      `${sb.urls.twilio}/2010-04-01/Accounts/${demo.main.sid}/Usage/Records.json?StartDate=October`,
      { headers: { Authorization: auth } },
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: 400, message: expect.stringContaining('StartDate') });
    const anon = await fetch(`${sb.urls.twilio}/2010-04-01/Accounts.json`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ code: 20003, status: 401 });
    const big = await fetch(`${sb.urls.twilio}/2010-04-01/Accounts.json?PageSize=5000`, {
      headers: { Authorization: auth },
    });
    expect(big.status).toBe(400);
  });
});
