/**
 * Twilio demo fixture derived from the demo MSP: the MSP's top-level account, one subaccount per client
 * with a Twilio name, and a month of realistic leaf usage per subaccount (phone numbers, voice, SMS,
 * recordings…). Ids and amounts are deterministic (hashes of the client id), so every run matches.
 */
import { fnv1a64 } from '../../../src/core/hash';
import { DEMO_CLIENTS, DEMO_MONTH, DEMO_MSP_NAME } from '../../demo/msp';
import { CATALOGUE } from './catalogue';

export interface TwilioFixtureAccount {
  sid: string;
  friendlyName: string;
  status: 'active' | 'suspended' | 'closed';
  authToken: string;
  dateCreated: string;
}

/** Leaf usage of one account in one month; roll-ups are computed by the sandbox. */
export interface TwilioFixtureUsage {
  accountSid: string;
  month: string;
  category: string;
  count: number;
  usage: number;
  price: number;
}

export interface TwilioFixture {
  main: TwilioFixtureAccount;
  subaccounts: TwilioFixtureAccount[];
  usage: TwilioFixtureUsage[];
  /** ISO 4217 code (lower case, as Twilio sends it) per account; 'usd' when absent. */
  priceUnit?: Record<string, string>;
  /** Records served verbatim after the generated ones (malformed records in the "bad" fixture). */
  rawUsage?: Array<{ accountSid: string; month: string; record: Record<string, unknown> }>;
  /** Account records served verbatim after the generated ones. */
  rawAccounts?: Array<Record<string, unknown>>;
  limits?: { requestsPerSecond?: number | null };
  /**
   * API keys (`SK…` + secret) usable instead of the Auth Token. A Main key may use every endpoint; a
   * Standard key cannot reach /Accounts (Twilio: "If your API key requires access to the Accounts
   * endpoints, then you'll need to use a Main key").
   */
  apiKeys?: Array<{ sid: string; secret: string; accountSid: string; kind: 'main' | 'standard' }>;
  /** Behaviours the documentation leaves open; tests run the connector under each. */
  variants?: {
    /** `price` as the live API sends it (a decimal string, the default) or as the spec types it. */
    priceFormat?: 'string' | 'number';
    /**
     * Usage of a closed or suspended subaccount read by its parent: served, or refused with 403 and
     * Twilio error 20403 ("the account has been suspended or closed"). Twilio does not say which.
     */
    closedUsage?: 'served' | 'refused';
  };
}

const hex32 = (seed: string): string => fnv1a64(`${seed}/a`) + fnv1a64(`${seed}/b`);
export const twilioSid = (seed: string): string => `AC${hex32(`twilio-account:${seed}`)}`;
const token = (seed: string): string => hex32(`twilio-token:${seed}`);

/** A deterministic number in [0, 1) for a seed. */
const unit = (seed: string): number => parseInt(fnv1a64(seed).slice(0, 8), 16) / 0x100000000;
const between = (seed: string, lo: number, hi: number): number => Math.round(lo + unit(seed) * (hi - lo));

const RATE = new Map(
  CATALOGUE.filter((c) => c.rate !== undefined).map((c) => [c.category, c.rate as number]),
);
const money = (n: number): number => Math.round(n * 100000) / 100000;

function leaf(
  accountSid: string,
  month: string,
  category: string,
  usage: number,
  count = usage,
): TwilioFixtureUsage {
  return { accountSid, month, category, count, usage, price: money(usage * (RATE.get(category) ?? 0)) };
}

/** A month of usage for one client, sized by a per-client profile. */
export function usageFor(seed: string, sid: string, month: string): TwilioFixtureUsage[] {
  const s = (k: string) => `${seed}/${month}/${k}`;
  const out: TwilioFixtureUsage[] = [];
  const local = between(s('local'), 1, 14);
  out.push(leaf(sid, month, 'phonenumbers-local', local));
  const tollfree = between(s('tollfree'), 0, 2);
  if (tollfree) {
    out.push(leaf(sid, month, 'phonenumbers-tollfree', tollfree));
    const tfMin = between(s('tfmin'), 100, 2500);
    out.push(leaf(sid, month, 'calls-inbound-tollfree', tfMin, Math.round(tfMin / 4)));
  }
  const outMin = between(s('out'), 200, 6500);
  out.push(leaf(sid, month, 'calls-outbound', outMin, Math.round(outMin / 3)));
  const inMin = between(s('in'), 150, 5200);
  out.push(leaf(sid, month, 'calls-inbound-local', inMin, Math.round(inMin / 3)));
  const smsOut = between(s('smsout'), 0, 9000);
  if (smsOut) {
    out.push(leaf(sid, month, 'sms-outbound-longcode', smsOut));
    out.push(leaf(sid, month, 'sms-messages-carrierfees', smsOut));
    out.push(leaf(sid, month, 'sms-inbound-longcode', Math.round(smsOut * 0.4)));
  }
  if (unit(s('mms')) < 0.3) out.push(leaf(sid, month, 'mms-outbound-longcode', between(s('mmsn'), 20, 600)));
  if (unit(s('rec')) < 0.6) {
    const recMin = between(s('recmin'), 50, 3000);
    out.push(leaf(sid, month, 'recordings', recMin, Math.round(recMin / 4)));
    out.push(leaf(sid, month, 'recordingstorage', recMin * 3));
    if (unit(s('tr')) < 0.3) out.push(leaf(sid, month, 'transcriptions', Math.round(recMin / 5)));
  }
  if (unit(s('cnam')) < 0.25) out.push(leaf(sid, month, 'calleridlookups', between(s('cnamn'), 100, 2000)));
  // Roll-ups whose parts do not share their name: lookups, pv (video), channels-messaging.
  if (unit(s('carrier')) < 0.3) out.push(leaf(sid, month, 'carrier-lookups', between(s('carn'), 50, 900)));
  if (unit(s('video')) < 0.2) {
    out.push(leaf(sid, month, 'group-rooms', between(s('grm'), 100, 4000)));
    out.push(leaf(sid, month, 'video-recordings', between(s('vrm'), 10, 800)));
  }
  if (unit(s('wa')) < 0.3) {
    const wa = between(s('wan'), 20, 3000);
    out.push(leaf(sid, month, 'channels-messaging-outbound', wa));
    out.push(leaf(sid, month, 'failed-message-processing-fee', Math.round(wa / 40)));
  }
  return out;
}

const account = (seed: string, friendlyName: string, status: TwilioFixtureAccount['status'], n: number) => ({
  sid: twilioSid(seed),
  friendlyName,
  status,
  authToken: token(seed),
  dateCreated: new Date(Date.UTC(2021, 0, 4 + n * 9, 15, 30)).toUTCString().replace('GMT', '+0000'),
});

/** The demo MSP: top-level account + a subaccount per client that uses Twilio. */
export function demoFixture(): TwilioFixture {
  const main = account('northwind', `${DEMO_MSP_NAME} (main)`, 'active', 0);
  const subaccounts: TwilioFixtureAccount[] = [];
  const usage: TwilioFixtureUsage[] = [
    leaf(main.sid, DEMO_MONTH, 'phonenumbers-local', 3),
    leaf(main.sid, DEMO_MONTH, 'calls-outbound', 420, 160),
  ];
  DEMO_CLIENTS.forEach((c, n) => {
    if (!c.usageName) return;
    const sub = account(c.id, c.usageName, c.usageStatus ?? 'active', n + 1);
    subaccounts.push(sub);
    // Juniper Schools has a subaccount but used nothing this month: it must produce no lines.
    if (c.id === 'c12') return;
    usage.push(...usageFor(c.id, sub.sid, DEMO_MONTH));
    // The month before, so a period filter is really exercised.
    usage.push(...usageFor(c.id, sub.sid, '2026-09'));
  });
  return { main, subaccounts, usage };
}

/** Demo data plus malformed records, for error-reporting tests. */
export function badFixture(): TwilioFixture {
  const f = demoFixture();
  const acme = f.subaccounts[0].sid;
  const blue = f.subaccounts[1].sid;
  f.rawAccounts = [{ sid: 'not-a-sid', friendly_name: 'Broken Account', status: 'active' }];
  const rec = (category: string | null, price: unknown, price_unit: string | null) => ({
    account_sid: acme,
    category,
    description: `Odd ${category ?? 'record'}`,
    price,
    price_unit,
    usage: '5',
    usage_unit: 'units',
    count: '5',
    count_unit: 'units',
    start_date: '2026-10-01',
    end_date: '2026-10-31',
  });
  f.rawUsage = [
    { accountSid: acme, month: DEMO_MONTH, record: rec('shortcodes-customerowned', 'abc', 'usd') },
    { accountSid: acme, month: DEMO_MONTH, record: rec('pfax-pages', 3.5, null) },
    { accountSid: blue, month: DEMO_MONTH, record: rec('fraud-lookups', 2.25, 'jpy') },
    { accountSid: blue, month: DEMO_MONTH, record: rec(null, 1.5, 'usd') },
  ];
  return f;
}

/** Many subaccounts (for paging tests): `count` clients with usage in `month`. */
export function bigFixture(count: number, month = DEMO_MONTH): TwilioFixture {
  const main = account('big-main', 'Big MSP (main)', 'active', 0);
  const subaccounts: TwilioFixtureAccount[] = [];
  const usage: TwilioFixtureUsage[] = [];
  for (let i = 1; i <= count; i++) {
    const seed = `big-${i}`;
    const sub = account(seed, `Client ${String(i).padStart(3, '0')}`, 'active', i);
    subaccounts.push(sub);
    usage.push(...usageFor(seed, sub.sid, month));
  }
  return { main, subaccounts, usage };
}
