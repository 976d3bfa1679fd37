/**
 * The Ingram Micro source through the real HTTP path (RetryingHttpClient over the emulator's UrlFetchApp)
 * against the stateful sandbox, under every variant the spec leaves open; every exchange is checked
 * against Ingram's own OpenAPI spec.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  badFixture,
  bigFixture,
  DEMO_CLIENT,
  DEMO_CUSTOMER_NUMBER,
  demoFixture,
  type IngramFixture,
  type IngramVariants,
} from '../../../../local/sandbox/ingram/fixture';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import {
  createIngramSource,
  ingramHttpPolicy,
  memoryTokenStore,
} from '../../../../src/connectors/sources/ingram';
import { assignLineKeys } from '../../../../src/core/line-key';
import type { BillingPeriod } from '../../../../src/core/source';
import { SourceError } from '../../../../src/core/source';
import { stopGasHttp, testHttp } from '../support/gas-http';
import { IngramSpec } from './support/ingram-openapi';

const PERIOD: BillingPeriod = { month: DEMO_MONTH, start: '2026-10-01', end: '2026-10-31' };
const spec = new IngramSpec();
const cents = (n: number) => Math.round(n * 100) / 100;

/** What a pull of the period must bill, from the fixture: non-cancelled lines of non-cancelled orders. */
function expectedOrderLines(f: IngramFixture) {
  return f.orders
    .filter((o) => o.ingramOrderDate.startsWith(DEMO_MONTH) && o.orderStatus !== 'CANCELLED')
    .flatMap((o) => o.lines.filter((l) => l.lineStatus !== 'Cancelled').map((l) => ({ o, l })));
}

const VARIANTS: Array<[string, Partial<IngramVariants>]> = [
  ['spec defaults (204 when empty, pages over 100 refused, 400 for bad credentials)', {}],
  ['200 with [] when empty, oversize pages capped', { emptySearch: '200', oversizePage: 'cap' }],
  ['counts sent as text as in the spec example', { numbersAsText: true }],
  ['gateway 401 for bad credentials', { badCredentials: '401' }],
];

describe('Ingram Micro source against the stateful sandbox', () => {
  let sb: RunningSandboxes;
  const names = ['ingram', 'ingram-bad', 'ingram-big'];
  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'ingram' },
      { kind: 'ingram', name: 'ingram-bad', fixture: badFixture() },
      { kind: 'ingram', name: 'ingram-big', fixture: bigFixture(230) },
    ]);
  });
  afterAll(async () => {
    await sb.stop();
    await stopGasHttp();
  });
  beforeEach(async () => {
    await Promise.all(names.map((n) => sb.admin(n).reset()));
  });

  async function setVariants(name: string, v: Partial<IngramVariants>) {
    const state = await sb.admin(name).state<IngramFixture>();
    await sb.admin(name).setState({ ...state, variants: { ...state.variants, ...v } });
  }

  function source(name = 'ingram', extra: Record<string, unknown> = {}) {
    const t = testHttp(ingramHttpPolicy(), { 'https://api.ingrammicro.com': sb.urls[name] });
    const src = createIngramSource(
      { ...DEMO_CLIENT, customerNumber: DEMO_CUSTOMER_NUMBER, countryCode: 'us', ...extra },
      t.http,
      { tokenStore: memoryTokenStore(), now: () => Date.UTC(2026, 10, 5, 14) },
    );
    return { src, ...t };
  }

  async function conforms(name: string, bodies = true) {
    const log = await sb.admin(name).requests();
    for (const l of log) {
      const check = spec.check(l, { bodies });
      expect({ path: l.path, query: l.query, ...check }).toMatchObject({ ok: true, errors: [] });
    }
    return log;
  }

  describe.each(VARIANTS)('variant: %s', (_label, variant) => {
    beforeEach(() => setVariants('ingram', variant));

    it('bills one line per order line of the month, with the order id, end user, serials and amounts', async () => {
      const { src } = source();
      const { lines, problems } = src.pullPeriod(PERIOD);
      expect(problems).toEqual([]);
      const expected = expectedOrderLines(demoFixture());
      expect(lines.map((l) => l.recordId).sort()).toEqual(
        expected.map(({ o, l }) => `${o.ingramOrderNumber}/${l.ingramOrderLineNumber}`).sort(),
      );
      for (const line of lines) {
        const { o, l } = expected.find(
          (e) => `${e.o.ingramOrderNumber}/${e.l.ingramOrderLineNumber}` === line.recordId,
        )!;
        expect(line).toMatchObject({
          source: 'ingram',
          orderId: o.ingramOrderNumber,
          customerName: o.endUserInfo!.companyName,
          sku: l.vendorPartNumber,
          quantity: l.quantityOrdered,
          unitCost: l.unitPrice,
          unitPrice: l.unitPrice,
          currency: l.currencyCode,
          chargeType: 'one-off',
        });
        expect(cents(line.total)).toBe(l.extendedPrice);
        const serials = (l.shipmentDetails ?? []).flatMap((s) =>
          s.carrierDetails.flatMap((c) =>
            c.trackingDetails.flatMap((t) => t.serialNumbers.map((n) => n.serialNumber)),
          ),
        );
        for (const sn of serials) expect(line.description).toContain(sn);
      }
      // Blue Harbor: three orders in the month → three distinct order ids (three new invoices in Halo).
      const blue = lines.filter((l) => l.customerId === 'BLUE HARBOR LOGISTICS INC');
      expect(new Set(blue.map((l) => l.orderId)).size).toBe(3);
      const sub = lines.find((l) => l.subscriptionId)!;
      expect(sub).toMatchObject({ cycle: 'annual', periodStart: expect.stringMatching(/^2026-10-/) });
      expect(sub.periodEnd > '2027-09-01').toBe(true);
      expect(lines.some((l) => l.currency === 'EUR')).toBe(true);
      await conforms('ingram', !variant.numbersAsText);
    });

    it('bills from invoices when set to: end user from the invoice’s order, serials from the invoice', async () => {
      const { src } = source('ingram', { billFrom: 'invoices' });
      const { lines, problems } = src.pullPeriod(PERIOD);
      expect(problems).toEqual([]);
      const f = demoFixture();
      const invoices = f.invoices.filter((i) => i.invoiceDate.startsWith(DEMO_MONTH));
      expect(lines.map((l) => l.recordId).sort()).toEqual(
        invoices.flatMap((i) => i.lines.map((l) => `${i.invoiceNumber}/${l.ingramLineNumber}`)).sort(),
      );
      for (const line of lines) {
        const inv = invoices.find((i) => line.recordId!.startsWith(`${i.invoiceNumber}/`))!;
        const order = f.orders.find((o) => o.ingramOrderNumber === inv.ingramOrderNumber)!;
        expect(line.customerName).toBe(order.endUserInfo!.companyName);
        expect(line.orderId).toBe(order.ingramOrderNumber);
        const invLine = inv.lines.find(
          (l) => line.recordId === `${inv.invoiceNumber}/${l.ingramLineNumber}`,
        )!;
        for (const sn of invLine.serialNumbers) expect(line.description).toContain(sn.serialNumber);
      }
      await conforms('ingram', !variant.numbersAsText);
    });

    it('an empty month is no lines and no problems', async () => {
      const { src } = source();
      expect(src.pullPeriod({ month: '2020-01', start: '2020-01-01', end: '2020-01-31' })).toEqual({
        lines: [],
        problems: [],
      });
      const inv = source('ingram', { billFrom: 'invoices' }).src;
      expect(inv.pullPeriod({ month: '2020-01', start: '2020-01-01', end: '2020-01-31' })).toEqual({
        lines: [],
        problems: [],
      });
    });

    it('wrong credentials: a clear message that never contains the secret', async () => {
      const { src } = source('ingram', { clientSecret: 'super-secret-value-123' });
      let err: unknown;
      try {
        src.pullPeriod(PERIOD);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SourceError);
      expect((err as Error).message).toMatch(/rejected the Client ID \/ Client Secret/);
      expect((err as Error).message).not.toContain('super-secret-value-123');
    });
  });

  it('pages past one page: 230 orders in three search pages (100 a page), then all details', async () => {
    const { src } = source('ingram-big');
    const { lines, problems } = src.pullPeriod(PERIOD);
    expect(problems).toEqual([]);
    expect(lines).toHaveLength(230);
    const log = await conforms('ingram-big');
    const searches = log.filter((l) => l.path === '/resellers/v6/orders/search');
    expect(searches.map((l) => new URLSearchParams(l.query).get('pageNumber'))).toEqual(['1', '2', '3']);
    expect(log.filter((l) => l.path.startsWith('/resellers/v6.1/orders/'))).toHaveLength(230);
    expect(log.filter((l) => l.path === '/oauth/oauth20/token')).toHaveLength(1);
  });

  it('keys are stable across re-pulls and do not move when Ingram changes a price', async () => {
    const first = assignLineKeys(source().src.pullPeriod(PERIOD).lines).lines;
    const state = await sb.admin('ingram').state<IngramFixture>();
    state.orders[0].lines[0].unitPrice += 10;
    state.orders[0].lines[0].extendedPrice = cents(
      state.orders[0].lines[0].unitPrice * state.orders[0].lines[0].quantityOrdered,
    );
    await sb.admin('ingram').setState(state);
    const second = assignLineKeys(source().src.pullPeriod(PERIOD).lines).lines;
    expect(second.map((l) => l.key).sort()).toEqual(first.map((l) => l.key).sort());
    const changed = second.find((l) => l.recordId === `${state.orders[0].ingramOrderNumber}/001`)!;
    expect(changed.unitCost).toBe(state.orders[0].lines[0].unitPrice);
  });

  it('malformed records become per-record problems; the good orders are still billed, the bad ones not at all', async () => {
    const { src } = source('ingram-bad');
    const { lines, problems } = src.pullPeriod(PERIOD);
    const f = badFixture();
    const good = f.orders.slice(0, 2).map((o) => o.ingramOrderNumber);
    expect([...new Set(lines.map((l) => l.orderId))].sort()).toEqual([...good].sort());
    const bad = [f.orders[2], f.orders[3], f.orders[4]].map((o) => o.ingramOrderNumber);
    const junk = f.rawOrders![0].ingramOrderNumber;
    const text = problems.map((p) => p.message).join('\n');
    expect(text).toContain(`Ingram order ${bad[0]} line 001 skipped: unitPrice is missing`);
    expect(text).toContain(`Ingram order ${bad[1]} names no end user`);
    expect(text).toMatch(
      new RegExp(`Ingram order ${bad[2]} line 001 skipped: Currency 'JPY' is not supported`),
    );
    expect(text).toContain(`Ingram order ${junk} skipped`);
    expect(problems).toHaveLength(4);
  });

  it('a token that expired is replaced once; a 429 is retried after Retry-After', async () => {
    const { src, sleeps } = source();
    src.pullPeriod(PERIOD);
    const state = await sb.admin('ingram').state<IngramFixture>();
    await sb
      .admin('ingram')
      .setState({ ...state, tokens: state.tokens.map((t) => ({ ...t, expiresAt: 0 })) });
    await sb
      .admin('ingram')
      .faults([{ status: 429, retryAfter: 2, match: { pathPrefix: '/resellers/v6.1/orders/' } }]);
    const again = src.pullPeriod(PERIOD);
    expect(again.problems).toEqual([]);
    expect(src.auth.issued).toBe(2);
    expect(sleeps).toContain(2000);
  });

  it('lists the end users of the last twelve months as customers, once each', () => {
    const customers = source().src.listCustomers();
    expect(customers.map((c) => c.id)).toEqual([
      '=SUM ACCOUNTING',
      'ACME DENTAL GROUP LLC',
      'BLUE HARBOR LOGISTICS INC',
      'EVORA CONSULTING S.A.',
      'JUNIPER SCHOOLS TRUST',
      'NORTH STAR ARCHITECTS',
      'TIDEWATER MARINE SERVICES',
    ]);
  });

  it('settings are checked with clear messages', () => {
    const t = testHttp(ingramHttpPolicy(), {});
    expect(() =>
      createIngramSource({ ...DEMO_CLIENT, customerNumber: '20-2222222222', countryCode: 'US' }, t.http),
    ).toThrow(/customer number has at most 10 characters/);
    expect(() =>
      createIngramSource({ ...DEMO_CLIENT, customerNumber: 'x', countryCode: 'USA' }, t.http),
    ).toThrow(/two letters/);
    expect(() =>
      createIngramSource({ clientId: 'a', customerNumber: 'x', countryCode: 'US' }, t.http),
    ).toThrow(/Client Secret is missing/);
  });
});
