/**
 * Twilio's bad-input hooks for the shared suite (tests/reliability/support/bad-input-suite.ts): bad usage
 * records and bad answers of Twilio's API, each pulled through the built bundle, and how to spoil every
 * list Twilio serves (the case where every source fails).
 */
import type { BadCase, Bench, Rec, SourceBadInputHooks } from '../../../reliability/support/bad-input-suite';
import { MONTH, gridRows } from '../../../reliability/support/month';

const ID = 'twilio';

async function rawTwilioRecord(b: Bench, patch: Rec): Promise<void> {
  const st = structuredClone(b.vendorStates[ID]) as {
    subaccounts: { sid: string }[];
    rawUsage?: unknown[];
  };
  const sid = st.subaccounts[0].sid;
  const [y, mo] = MONTH.split('-');
  const record = {
    account_sid: sid,
    category: 'sms-outbound',
    count: '12',
    count_unit: 'messages',
    description: 'SMS outbound',
    start_date: `${y}-${mo}-01`,
    end_date: `${y}-${mo}-31`,
    price: 0.95,
    price_unit: 'usd',
    usage: '12',
    usage_unit: 'messages',
    ...patch,
  };
  st.rawUsage = [{ accountSid: sid, month: MONTH, record }];
  await b.m.sb.admin(ID).setState(st);
}

const RECORDS: BadCase[] = [
  {
    kind: 'Twilio usage record with a price that is not a number',
    arrange: (b) => rawTwilioRecord(b, { price: 'abc', category: 'sms-outbound-bad' }),
    act: (b) => b.pull(),
    problem: /^Twilio.*(price|not a number)/i,
  },
  {
    kind: 'Twilio usage in an unknown currency',
    arrange: (b) => rawTwilioRecord(b, { price_unit: 'xyz', category: 'sms-outbound-xyz' }),
    act: (b) => b.pull(),
    problem: /^Twilio.*(XYZ|xyz)/,
  },
  {
    kind: 'Twilio answers with an HTML error page',
    arrange: (b) => b.spoil(ID, [{ match: { pathIncludes: 'Usage' }, mode: 'html', times: 100_000 }]),
    act: (b) => b.pull(),
    problem: /^Twilio — .+: Twilio usage for .+ could not be read: HTTP 502$/,
    then: (b, _, out) => {
      expect((out.result as { problems: string[] }).problems).toContain(
        'Twilio: not everything could be read, so no Twilio line was marked "Removed at source" this time; pull again later',
      );
      // An outage says nothing about what Twilio still charges: no row is marked removed.
      expect(gridRows(b.m.runtime.state).filter((r) => /^Removed/.test(String(r.Status)))).toEqual([]);
    },
  },
];

export const hooks: SourceBadInputHooks = {
  records: RECORDS,
  everyList: [{ match: { pathIncludes: '/Accounts' }, mode: 'truncate', times: 100_000 }],
};
