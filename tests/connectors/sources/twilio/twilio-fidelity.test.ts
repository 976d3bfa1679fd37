/**
 * Twilio as it really behaves (findings T1, T2, T4, T5 of the sources review; see SOURCES.md): roll-ups
 * whose parts do not share their name, `totalprice` as an exact check, string prices, closed
 * subaccounts answering 20403, API-key authentication. Each is a sandbox behaviour first.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { bigFixture, demoFixture, type TwilioFixture } from '../../../../local/sandbox/twilio/fixture';
import { DEMO_CLIENTS, DEMO_MONTH } from '../../../../local/demo/msp';
import { createTwilioSource, twilioHttpPolicy } from '../../../../src/connectors/sources/twilio';
import { descriptor as twilioDescriptor } from '../../../../src/connectors/sources/twilio/descriptor';
import { CurrencyTotals } from '../../../../src/core/money';
import type { BillingPeriod, PullResult } from '../../../../src/core/source';
import { SourceError } from '../../../../src/core/source';
import { stopGasHttp, testHttp } from '../support/gas-http';

const PERIOD: BillingPeriod = { month: DEMO_MONTH, start: '2026-10-01', end: '2026-10-31' };
const ROLLUPS = ['totalprice', 'lookups', 'pv', 'channels', 'channels-messaging', 'calls', 'sms'];

/** Exact per-account, per-currency sums of the fixture's leaf records, as Twilio prices them (5 dp). */
function leafTotals(f: TwilioFixture): Map<string, Array<{ currency: string; total: number }>> {
  const by = new Map<string, CurrencyTotals>();
  for (const u of f.usage) {
    if (u.month !== DEMO_MONTH || u.price === 0) continue;
    const t = by.get(u.accountSid) ?? new CurrencyTotals();
    t.add((f.priceUnit?.[u.accountSid] ?? 'usd').toUpperCase(), String(u.price));
    by.set(u.accountSid, t);
  }
  return new Map([...by].map(([sid, t]) => [sid, t.entries()]));
}

function pulledTotals(r: PullResult): Map<string, Array<{ currency: string; total: number }>> {
  const by = new Map<string, CurrencyTotals>();
  for (const l of r.lines) {
    const t = by.get(l.customerId) ?? new CurrencyTotals();
    t.add(l.currency, l.total);
    by.set(l.customerId, t);
  }
  return new Map([...by].map(([sid, t]) => [sid, t.entries()]));
}

describe('Twilio as it really behaves', () => {
  let sb: RunningSandboxes;
  const demo = demoFixture();
  const big = bigFixture(300);
  // A quarter of the 300 subaccounts are billed in EUR or GBP.
  big.priceUnit = Object.fromEntries(
    big.subaccounts.flatMap((a, i) => (i % 8 === 1 ? [[a.sid, 'eur']] : i % 8 === 5 ? [[a.sid, 'gbp']] : [])),
  );

  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'twilio', name: 'twilio-real' },
      { kind: 'twilio', name: 'twilio-300', fixture: big },
    ]);
  });
  afterAll(async () => {
    await sb.stop();
    await stopGasHttp();
  });
  beforeEach(async () => {
    await sb.admin('twilio-real').reset();
  });

  const admin = () => sb.admin('twilio-real');
  async function withState(patch: Partial<TwilioFixture>): Promise<void> {
    const state = await admin().state<TwilioFixture>();
    await admin().setState({ ...state, ...patch });
  }
  function source(creds: Record<string, unknown>, name = 'twilio-real') {
    const t = testHttp(twilioHttpPolicy(), { 'https://api.twilio.com': sb.urls[name] });
    return createTwilioSource(creds, t.http);
  }
  const main = { accountSid: demo.main.sid, authToken: demo.main.authToken };

  it('T1/T2: bills leaves only — never lookups, pv or channels roll-ups — whether prices come as strings or numbers', async () => {
    // The demo month has caller-name and carrier lookups, video rooms and channel messages with fees.
    const leaves = new Set(demo.usage.filter((u) => u.month === DEMO_MONTH).map((u) => u.category));
    for (const c of ['calleridlookups', 'carrier-lookups', 'group-rooms', 'failed-message-processing-fee'])
      expect(leaves.has(c)).toBe(true);
    for (const priceFormat of ['string', 'number'] as const) {
      await withState({ variants: { priceFormat } });
      const r = source(main).pullPeriod(PERIOD);
      expect(r.problems).toEqual([]);
      expect(r.lines.filter((l) => ROLLUPS.includes(l.sku))).toEqual([]);
      expect(pulledTotals(r)).toEqual(leafTotals(demo));
    }
  });

  it("T1: an account whose itemised usage does not add up to Twilio's total is not billed; the others are", async () => {
    const acme = demo.subaccounts[0];
    // A category BillGrid does not know to be a roll-up, repeating usage already itemised.
    await withState({
      rawUsage: [
        {
          accountSid: acme.sid,
          month: DEMO_MONTH,
          record: {
            account_sid: acme.sid,
            category: 'marketplace-addons',
            description: 'Marketplace Add-ons',
            price: '12.40000',
            price_unit: 'usd',
            usage: '1',
            usage_unit: 'units',
            start_date: PERIOD.start,
            end_date: PERIOD.end,
          },
        },
      ],
    });
    const r = source(main).pullPeriod(PERIOD);
    expect(r.lines.some((l) => l.customerId === acme.sid)).toBe(false);
    expect(r.problems).toEqual([
      {
        customerId: acme.sid,
        customerName: acme.friendlyName,
        message: expect.stringMatching(
          new RegExp(
            `^Twilio usage of ${acme.friendlyName} not billed: its itemised usage \\(\\d+\\.\\d\\d\\) is more than Twilio's total`,
          ),
        ),
      },
    ]);
    const expected = leafTotals(demo);
    expected.delete(acme.sid);
    expect(pulledTotals(r)).toEqual(expected);
  });

  it('T4: closed and suspended subaccounts — billed when Twilio serves their usage, reported when it answers 20403', async () => {
    const inactive = demo.subaccounts.filter((a) => a.status !== 'active');
    expect(inactive.map((a) => a.status).sort()).toEqual(['closed', 'suspended']);
    await withState({ variants: { closedUsage: 'served' } });
    const served = source(main).pullPeriod(PERIOD);
    for (const a of inactive) expect(served.lines.some((l) => l.customerId === a.sid)).toBe(true);

    await withState({ variants: { closedUsage: 'refused' } });
    const refused = source(main).pullPeriod(PERIOD);
    for (const a of inactive) {
      expect(refused.lines.some((l) => l.customerId === a.sid)).toBe(false);
      expect(refused.problems).toContainEqual({
        customerId: a.sid,
        customerName: a.friendlyName,
        message: `Twilio usage for ${a.friendlyName} could not be read: Twilio no longer gives access to this ${a.status} account (Twilio error 20403), so its usage before it was ${a.status} cannot be read through the API; bill it from Twilio's console`,
      });
    }
    expect(refused.lines.length).toBeGreaterThan(0);
    const closedClient = DEMO_CLIENTS.find((c) => c.usageStatus === 'closed')!;
    expect(refused.lines.some((l) => l.customerName === closedClient.usageName)).toBe(false);
  });

  it('T5: a Main API key (SK… + secret) pulls the month; a Standard key is refused with a clear message', async () => {
    const key = (n: string) => `SK${n.repeat(32)}`;
    await withState({
      apiKeys: [
        { sid: key('a'), secret: 'main-key-secret-1', accountSid: demo.main.sid, kind: 'main' },
        { sid: key('b'), secret: 'std-key-secret-22', accountSid: demo.main.sid, kind: 'standard' },
      ],
    });
    const viaKey = source({
      accountSid: demo.main.sid,
      apiKeySid: key('a'),
      apiKeySecret: 'main-key-secret-1',
    });
    const r = viaKey.pullPeriod(PERIOD);
    expect(r.problems).toEqual([]);
    expect(pulledTotals(r)).toEqual(leafTotals(demo));
    const log = await admin().requests();
    const user = (h: string | undefined) =>
      Buffer.from(/^Basic (.+)$/.exec(h ?? '')?.[1] ?? '', 'base64')
        .toString()
        .split(':')[0];
    expect(new Set(log.map((e) => user(e.headers?.authorization)))).toEqual(new Set([key('a')]));

    const std = source({ accountSid: demo.main.sid, apiKeySid: key('b'), apiKeySecret: 'std-key-secret-22' });
    expect(() => std.pullPeriod(PERIOD)).toThrow(
      new SourceError(
        'Twilio rejected the API key (401); listing subaccounts needs a Main key, not a Standard one',
      ),
    );
    expect(() => source({ accountSid: demo.main.sid, apiKeySid: key('c') })).toThrow(
      'Twilio settings: Twilio API key secret is missing',
    );
    expect(() => source({ accountSid: demo.main.sid })).toThrow(
      'Twilio settings: Twilio Auth Token is missing',
    );
  });

  it('T5: Connect takes an API key instead of the Auth Token, and the registered connector pulls with it', async () => {
    const sid = `SK${'d'.repeat(32)}`;
    await withState({
      apiKeys: [{ sid, secret: 'main-key-secret-4', accountSid: demo.main.sid, kind: 'main' }],
    });
    const form = {
      accountSid: demo.main.sid,
      authToken: ' ',
      apiKeySid: sid,
      apiKeySecret: 'main-key-secret-4',
    };
    const parsed = twilioDescriptor.credentials.safeParse(form);
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data.authToken).toBeUndefined();
    const t = testHttp(twilioHttpPolicy(), { 'https://api.twilio.com': sb.urls['twilio-real'] });
    const r = twilioDescriptor
      .create(parsed.data, { http: () => t.http, tokenStore: () => undefined })
      .pullPeriod(PERIOD);
    expect(r.problems).toEqual([]);
    expect(pulledTotals(r)).toEqual(leafTotals(demo));
    // The form names what is missing, and never echoes a value.
    const half = twilioDescriptor.credentials.safeParse({ accountSid: demo.main.sid, apiKeySid: sid });
    expect(half.success ? [] : half.error.issues.map((i) => i.message)).toEqual([
      'Twilio API key secret is missing',
    ]);
    const none = twilioDescriptor.credentials.safeParse({ accountSid: demo.main.sid });
    expect(none.success ? [] : none.error.issues.map((i) => i.message)).toEqual([
      'Twilio Auth Token is missing (or give an API key SID and secret instead)',
    ]);
    const fields = twilioDescriptor.fields.map((f) => [f.name, f.exposure]);
    expect(fields).toEqual([
      ['accountSid', 'identifier'],
      ['authToken', 'secret'],
      ['apiKeySid', 'identifier'],
      ['apiKeySecret', 'secret'],
    ]);
  });

  it('a 300-subaccount month in three currencies: every account billed at the exact sum of its leaf records, per currency, to the cent', () => {
    const r = source({ accountSid: big.main.sid, authToken: big.main.authToken }, 'twilio-300').pullPeriod(
      PERIOD,
    );
    expect(r.problems).toEqual([]);
    const expected = leafTotals(big);
    expect(expected.size).toBeGreaterThan(290);
    expect(pulledTotals(r)).toEqual(expected);
    expect(new Set(r.lines.map((l) => l.currency))).toEqual(new Set(['USD', 'EUR', 'GBP']));
  });
});
