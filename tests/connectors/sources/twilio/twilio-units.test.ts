import { selectBilledCategories, usageLines } from '../../../../src/connectors/sources/twilio';
import type { SourceProblem } from '../../../../src/core/source';
import { base64Utf8, basicAuth } from '../../../../src/connectors/sources/common/base64';
import { TwilioSpec } from '../support/twilio-openapi';

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
    expect(s.billedTotal).toBe(30);
    expect(s.total).toBe(30);
  });

  it("keeps a roll-up's unexplained remainder as an '(other)' line", () => {
    const s = selectBilledCategories([rec('calls', 20), rec('calls-outbound', 15)]);
    expect(s.billed).toEqual([
      { category: 'calls', description: 'calls (other)', price: 5, remainder: true },
      { category: 'calls-outbound', description: 'calls-outbound', price: 15, remainder: false },
    ]);
  });

  it('does not treat a name that merely starts alike (recordingstorage) as a part of recordings', () => {
    const s = selectBilledCategories([rec('recordings', 2), rec('recordingstorage', 1)]);
    expect(s.billed.map((b) => b.category)).toEqual(['recordings', 'recordingstorage']);
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

  it("bills what Twilio's total says even when its parts are not all listed", () => {
    const problems: SourceProblem[] = [];
    const lines = usageLines(
      customer,
      [usage('totalprice', '12.50'), usage('calls-outbound', '10.00')],
      period,
      { lineMode: 'per-category', markupPercent: 10 },
      problems,
    );
    expect(problems).toEqual([]);
    expect(lines.map((l) => [l.sku, l.unitCost, l.unitPrice])).toEqual([
      ['calls-outbound', 10, 11],
      ['totalprice', 2.5, 2.75],
    ]);
    expect(lines[0].description).toBe('calls-outbound (10 minutes), 2026-10-01 to 2026-10-31');
  });

  it('reports, rather than bills twice, parts that add up to more than the total', () => {
    const problems: SourceProblem[] = [];
    usageLines(
      customer,
      [usage('totalprice', '5'), usage('recordings', '4'), usage('transcriptions', '3')],
      period,
      { lineMode: 'per-category', markupPercent: 0 },
      problems,
    );
    expect(problems).toEqual([
      expect.objectContaining({
        customerId: customer.id,
        message: expect.stringContaining('exceeds its total (5.00)'),
      }),
    ]);
  });
});
