/**
 * The Twilio month for the shared contract suite (local/sandbox/contract.ts): October 2026 of the demo
 * MSP's main account and subaccounts. Rules (Twilio Usage Records docs, the connector's SOURCES.md): each
 * account is billed its own usage (never a subaccount's through its parent), one line per priced leaf
 * category at Twilio's price, in the account's price unit; categories priced 0 are not billed.
 */
import type { ExpectedLine, SourceContractFixture, SpecRef } from '../contract';
import type { TwilioState } from './server';

const PERIOD = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };

/** How the Twilio REST API (2010-04-01)'s published OpenAPI document is read (tests/support/openapi.ts). */
export const spec: SpecRef = {
  file: 'twilio_api_v2010.json',
  responses: true,
  formats: {
    'date-time-rfc-2822':
      '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}$',
    currency: '^[a-zA-Z]{3}$',
    'uri-map': true,
    // Twilio's list URIs are relative ("/2010-04-01/…", as in the spec's own examples).
    uri: '^\\S+$',
  },
  // The spec types a usage record's price as a number; the live API sends a decimal string.
  widenedStrings: { price: '^-?\\d+(\\.\\d+)?$' },
};

export const contract: SourceContractFixture<TwilioState> = {
  kind: 'source',
  period: PERIOD,

  expected(state) {
    return state.usage
      .filter((u) => u.month === PERIOD.month && u.price !== 0)
      .map((u): ExpectedLine => ({
        customerId: u.accountSid,
        sku: u.category,
        quantity: 1,
        unitCost: u.price,
        total: u.price,
        currency: (state.priceUnit?.[u.accountSid] ?? 'usd').toUpperCase(),
      }));
  },

  isMutation: (r) => r.method !== 'GET',

  malformed: [
    {
      name: 'a usage record whose price is not a number',
      spoil(state) {
        const u = state.usage.find(
          (x) => x.month === PERIOD.month && x.price !== 0 && x.accountSid !== state.main.sid,
        );
        if (!u) return null;
        const record = {
          account_sid: u.accountSid,
          category: 'shortcodes-customerowned',
          description: 'Short codes, customer-owned',
          price: 'abc',
          price_unit: 'usd',
          usage: '5',
          usage_unit: 'units',
          count: '5',
          count_unit: 'units',
          start_date: PERIOD.start,
          end_date: PERIOD.end,
        };
        state.rawUsage = [
          ...(state.rawUsage ?? []),
          { accountSid: u.accountSid, month: PERIOD.month, record },
        ];
        return { customerId: u.accountSid, recordId: `${u.accountSid}/shortcodes-customerowned` };
      },
    },
  ],

  spec,
};
