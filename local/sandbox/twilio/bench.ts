/**
 * Twilio's part of the bench's month (local/sandbox/bench.ts): `accounts` subaccounts named like the
 * bench's first clients, a month of usage each. Usage is billed as charges: no seats, no catalogue.
 */
import type { MinimumPart, SourceBench } from '../bench';
import { bigFixture, type TwilioFixture } from './fixture';

/** Largest page the API serves (src/connectors/sources/twilio/SOURCES.md). */
const PAGE = 1000;
const pages = (records: number): number => Math.max(1, Math.ceil(records / PAGE));

export const bench: SourceBench<TwilioFixture> = {
  kind: 'source',
  share: 'accounts',
  build({ month, accounts, companyName }) {
    const twilio = bigFixture(accounts, month);
    twilio.subaccounts.forEach((s, i) => {
      s.friendlyName = companyName(i + 1);
    });
    return { fixture: twilio, lines: twilio.usage.length, seats: new Map(), products: [] };
  },
  credentials: (f) => ({ accountSid: f.main.sid, authToken: f.main.authToken }),
  refreshMinimum: (f): MinimumPart[] => [['accounts', pages(f.subaccounts.length + 1)]],
  pullMinimum(f): MinimumPart[] {
    // Usage records are per account: one list per account (main + subaccounts).
    const per = new Map<string, number>();
    for (const u of f.usage) per.set(u.accountSid, (per.get(u.accountSid) ?? 0) + 1);
    const accounts = [f.main.sid, ...f.subaccounts.map((s) => s.sid)];
    return [
      ['accounts', pages(f.subaccounts.length + 1)],
      ['usage records', accounts.reduce((n, a) => n + pages(per.get(a) ?? 0), 0)],
    ];
  },
};
