import { selectBilledCategories, usageLines } from '../../../../src/connectors/sources/twilio';
import type { SourceProblem } from '../../../../src/core/source';
import { base64Utf8, basicAuth } from '../../../../src/connectors/sources/common/base64';
import { TwilioSpec } from './openapi';

const rec = (category: string, price: number) => ({ category, description: category, price });

describe('Twilio category hierarchy', () => {
  it('bills the most specific categories and never a roll-up next to its parts', () => {
    const s = selectBilledCategories([
      rec('totalprice', 30),
      rec('calls', 20),
      rec('calls-inbound', 5),
      rec('calls-inbound-local', 5),
      rec('calls-outbound', 15),
      rec('sms', 10),
      rec('sms-outbound', 10),
      rec('sms-outbound-longcode', 10),
      rec('recordingstorage', 0),
    ]);
    expect(s.billed.map((b) => [b.category, b.price])).toEqual([
      ['calls-inbound-local', 5],
      ['calls-outbound', 15],
      ['sms-outbound-longcode', 10],
    ]);
    expect(s.blocked).toBeNull();
  });

  it('blocks an account whose roll-up is more than its listed parts, rather than guess', () => {
    const s = selectBilledCategories([rec('totalprice', 20), rec('calls', 20), rec('calls-outbound', 15)]);
    expect(s).toEqual({
      billed: [],
      blocked: "its itemised usage (15.00) is less than Twilio's total (20.00): some usage is not itemised",
    });
  });

  it('does not treat a name that merely starts alike (recordingstorage) as a part of recordings', () => {
    const s = selectBilledCategories([
      rec('totalprice', 3),
      rec('recordings', 2),
      rec('recordingstorage', 1),
    ]);
    expect(s.billed.map((b) => b.category)).toEqual(['recordings', 'recordingstorage']);
  });

  it('T1: knows roll-ups whose parts do not share their name (lookups, pv, channels-messaging)', () => {
    // Lookups: $50 of caller-name lookups is listed again under `lookups`.
    expect(
      selectBilledCategories([
        rec('totalprice', 50),
        rec('lookups', 50),
        rec('calleridlookups', 50),
      ]).billed.map((b) => [b.category, b.price]),
    ).toEqual([['calleridlookups', 50]]);
    // A recorded real response: channels = totalprice = 7.46; channels-messaging 3.54 = 2.63 + 0.90 + a
    // 0.01 failed-message processing fee that does not carry the roll-up's prefix.
    const s = selectBilledCategories([
      rec('totalprice', 7.46),
      rec('channels', 7.46),
      rec('channels-messaging', 3.54),
      rec('channels-messaging-outbound', 2.63),
      rec('channels-messaging-inbound', 0.9),
      rec('failed-message-processing-fee', 0.01),
      rec('channels-whatsapp', 3.92),
    ]);
    expect(s.blocked).toBeNull();
    expect(s.billed.map((b) => b.category)).toEqual([
      'channels-messaging-inbound',
      'channels-messaging-outbound',
      'channels-whatsapp',
      'failed-message-processing-fee',
    ]);
    expect(
      selectBilledCategories([
        rec('totalprice', 12),
        rec('pv', 12),
        rec('group-rooms', 9.5),
        rec('video-recordings', 2.5),
      ]).billed.map((b) => b.category),
    ).toEqual(['group-rooms', 'video-recordings']);
  });

  it("T1: compares with Twilio's total exactly, to the cent, with string prices", () => {
    const parts = Array.from({ length: 10 }, (_, i) => rec(`sms-outbound-x${i}`, 0.1));
    const exact = selectBilledCategories([{ ...rec('totalprice', 0), price: '1.00000' }, ...parts]);
    expect(exact.blocked).toBeNull();
    expect(exact.billed).toHaveLength(10);
  });
});

describe('HTTP Basic header', () => {
  it('encodes UTF-8 exactly like Node does', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'AC123:tok', 'Bäckerei Müller ✓ 𝄞']) {
      expect(base64Utf8(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
    }
    expect(basicAuth('user', 'pass')).toBe(`Basic ${Buffer.from('user:pass').toString('base64')}`);
  });
});

describe('Twilio OpenAPI checks (the validator itself)', () => {
  const spec = new TwilioSpec();
  const sid = `AC${'a'.repeat(32)}`;
  const page = (accounts: unknown[]) =>
    JSON.stringify({
      accounts,
      next_page_uri: null,
      page: 0,
      page_size: 50,
      start: 0,
      end: 0,
      uri: '/2010-04-01/Accounts.json',
    });

  it('accepts a valid exchange', () => {
    const ok = spec.check({
      method: 'GET',
      path: '/2010-04-01/Accounts.json',
      query: 'PageSize=1000',
      status: 200,
      response: page([
        {
          sid,
          friendly_name: 'x',
          status: 'active',
          auth_token: null,
          date_created: 'Thu, 30 Jul 2015 20:00:00 +0000',
        },
      ]),
    });
    expect(ok.errors).toEqual([]);
  });

  it('catches undeclared or invalid parameters, unknown paths and invalid bodies', () => {
    const base = { method: 'GET', path: '/2010-04-01/Accounts.json', status: 200, response: page([]) };
    expect(spec.check({ ...base, query: 'Limit=5' }).errors).toEqual([
      'query parameter Limit is not declared for GET /2010-04-01/Accounts.json',
    ]);
    expect(spec.check({ ...base, query: 'PageSize=5000' }).ok).toBe(false);
    expect(spec.check({ ...base, path: '/2010-04-01/Nope.json', query: '' }).ok).toBe(false);
    expect(
      spec.check({ ...base, query: '', response: page([{ sid: 'XX1', status: 'active' }]) }).errors.join(' '),
    ).toContain('/accounts/0/sid');
    expect(
      spec.check({
        method: 'GET',
        path: `/2010-04-01/Accounts/${sid}/Usage/Records.json`,
        query: 'StartDate=2026-13-45',
        status: 200,
        response: JSON.stringify({ usage_records: [{ category: 'sms', price: 'abc' }] }),
      }).errors,
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining('StartDate'),
        expect.stringContaining('/usage_records/0/price'),
      ]),
    );
  });
});

describe('Twilio usage records to lines', () => {
  const customer = { id: `AC${'b'.repeat(32)}`, name: 'Acme Dental', status: 'active' };
  const period = { month: '2026-10', start: '2026-10-01', end: '2026-10-31' };
  const usage = (category: string, price: string) => ({
    category,
    description: category,
    price,
    price_unit: 'usd',
    usage: '10',
    usage_unit: 'minutes',
  });

  it('bills the leaves at their string prices with the markup when they add up to the total', () => {
    const problems: SourceProblem[] = [];
    const lines = usageLines(
      customer,
      [usage('totalprice', '12.50'), usage('calls-outbound', '10.00'), usage('sms-outbound', '2.50000')],
      period,
      { lineMode: 'per-category', markupPercent: 10 },
      problems,
    );
    expect(problems).toEqual([]);
    expect(lines.map((l) => [l.sku, l.unitCost, l.unitPrice])).toEqual([
      ['calls-outbound', 10, 11],
      ['sms-outbound', 2.5, 2.75],
    ]);
    expect(lines[0].description).toBe('calls-outbound (10 minutes), 2026-10-01 to 2026-10-31');
  });

  it('T1: bills nothing for an account whose parts add up to more or less than the total, and says why', () => {
    for (const [total, why] of [
      ['5', 'is more than'],
      ['7.01', 'is less than'],
    ] as const) {
      const problems: SourceProblem[] = [];
      const lines = usageLines(
        customer,
        [usage('totalprice', total), usage('recordings', '4'), usage('transcriptions', '3')],
        period,
        { lineMode: 'per-category', markupPercent: 0 },
        problems,
      );
      expect(lines).toEqual([]);
      expect(problems).toEqual([
        {
          customerId: customer.id,
          customerName: customer.name,
          message: expect.stringMatching(
            new RegExp(
              `^Twilio usage of ${customer.name} not billed: its itemised usage \\(7\\.00\\) ${why}`,
            ),
          ),
        },
      ]);
    }
  });
});
