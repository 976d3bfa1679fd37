/**
 * Exact money through the BUILT bundle at scale (issue: Pax8/Twilio and money): a 300-subaccount Twilio
 * month in three currencies. The grid's Total cells and Review's totals — per client and overall — equal
 * the exact decimal sum of Twilio's leaf usage records per currency, to the cent, never mixing currencies.
 * Pushed to HaloPSA (a client per subaccount, billed in USD, a new invoice each), the invoice lines the
 * PSA then holds add up to the USD leaf sum to the cent; EUR and GBP lines are refused with a reason and
 * never reach the PSA.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost } from '../../../../local/gas';
import type { ExecutionResult } from '../../../../local/gas';
import { demoCredentials } from '../../../../local/demo/credentials';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { bigFixture } from '../../../../local/sandbox/twilio/fixture';
import { demoFixture as haloDemo } from '../../../../local/sandbox/halo/fixture';
import { urlMapFor } from '../../../../local/workbench/vendors';
import { CurrencyTotals } from '../../../../src/core/money';

type CurrencyTotal = ReturnType<CurrencyTotals['entries']>[number];
import { gridRows } from '../../../reliability/support/month';

const bundlePath = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'Code.js');

describe('a 300-subaccount Twilio month through the built bundle', () => {
  const big = bigFixture(300);
  // Every eighth subaccount is billed in EUR, and another in GBP.
  big.priceUnit = Object.fromEntries(
    big.subaccounts.flatMap((a, i) => (i % 8 === 1 ? [[a.sid, 'eur']] : i % 8 === 5 ? [[a.sid, 'gbp']] : [])),
  );
  let sb: RunningSandboxes;
  let host: LocalHost;
  const call = (fn: string, ...args: unknown[]): unknown => {
    const r: ExecutionResult = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };

  beforeAll(async () => {
    // A HaloPSA client per subaccount, named as the subaccount is, with no invoices yet; hosted Halo's
    // rate limit is lifted (this test counts money, not time).
    const halo = haloDemo();
    halo.rateLimit = null;
    halo.clients = big.subaccounts.map((a, i) => ({
      id: 50_000 + i,
      name: a.friendlyName,
      inactive: false,
      item_tax_code: 0,
    }));
    halo.invoices = [];
    halo.recurringInvoices = [];
    sb = await startSandboxes([
      { kind: 'twilio', fixture: big },
      { kind: 'halo', fixture: halo },
    ]);
    const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
    host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
    call('saveConnection', 'twilio', { accountSid: big.main.sid, authToken: big.main.authToken });
    call('saveConnection', 'halo', demoCredentials().halo);
  });
  afterAll(() => sb.stop());

  it('grid and Review totals equal the exact leaf sums per currency and per client, to the cent', () => {
    // Twilio's leaf records of the month, summed exactly (5 decimals as Twilio prices them), per currency.
    const leaves = new CurrencyTotals();
    const perClient = new Map<string, CurrencyTotals>();
    const nameOf = new Map(big.subaccounts.map((a) => [a.sid, a.friendlyName]));
    for (const u of big.usage) {
      if (u.month !== DEMO_MONTH || u.price === 0) continue;
      const currency = (big.priceUnit?.[u.accountSid] ?? 'usd').toUpperCase();
      leaves.add(currency, String(u.price));
      const name = nameOf.get(u.accountSid) as string;
      const t = perClient.get(name) ?? new CurrencyTotals();
      t.add(currency, String(u.price));
      perClient.set(name, t);
    }
    expect(leaves.entries().map((e) => e.currency)).toEqual(['EUR', 'GBP', 'USD']);

    const pulled = call('pullBillingMonth', DEMO_MONTH) as { lines: number; problems: string[] };
    expect(pulled.problems).toEqual([]);
    expect(pulled.lines).toBeGreaterThan(300 * 5);

    const grid = new CurrencyTotals();
    for (const r of gridRows(host.state, `Billing ${DEMO_MONTH}`))
      grid.add(String(r.Currency), String(r.Total));
    expect(grid.entries()).toEqual(leaves.entries());

    const review = call('reviewBillingMonth', DEMO_MONTH) as {
      totals: CurrencyTotal[];
      byClient: { client: string; totals: CurrencyTotal[] }[];
    };
    expect(review.totals).toEqual(leaves.entries());
    expect(review.byClient).toHaveLength(300);
    for (const c of review.byClient)
      expect([c.client, c.totals]).toEqual([c.client, perClient.get(c.client)?.entries()]);
  });

  it('the invoice lines the PSA holds after the push add up to the USD leaf sum; other currencies never reach it', async () => {
    const usd = new CurrencyTotals();
    const foreign = new Set<string>();
    for (const u of big.usage) {
      if (u.month !== DEMO_MONTH || u.price === 0) continue;
      if ((big.priceUnit?.[u.accountSid] ?? 'usd') === 'usd') usd.add('USD', String(u.price));
      else foreign.add(u.accountSid);
    }
    call('refreshClients');
    const d = call('getDefaults') as {
      settings: { global: Record<string, unknown> & { codes: Record<string, unknown> } };
      codes: { itemCodes: { id: string }[]; serviceCodes?: { id: string }[] };
    };
    call('saveDefaults', {
      ...d.settings,
      global: {
        ...d.settings.global,
        productLifecycle: 'auto-create',
        invoiceBehaviour: 'new',
        psaCurrency: 'USD',
        codes: {
          ...d.settings.global.codes,
          itemCode: d.codes.itemCodes[0].id,
          serviceCode: d.codes.serviceCodes?.[0]?.id ?? null,
        },
      },
    });
    call('pullBillingMonth', DEMO_MONTH);
    const review = call('reviewBillingMonth', DEMO_MONTH) as { warnings: string[] };
    expect(review.warnings).toEqual([]);
    call('approveRows', DEMO_MONTH, { approve: true });
    let pushed = call('pushBillingMonth', DEMO_MONTH) as { failed: number; continuing: boolean };
    // A month this size may continue in further executions: push until nothing is left.
    for (let i = 0; i < 20 && pushed.continuing; i++)
      pushed = call('pushBillingMonth', DEMO_MONTH) as typeof pushed;
    expect(pushed.failed).toBe(0);
    const state = await sb
      .admin('halo')
      .state<{ invoices: { lines: { qty_order: number; unit_price: number }[] }[] }>();
    expect(state.invoices.length).toBe(big.subaccounts.length - foreign.size);
    const psa = new CurrencyTotals();
    for (const inv of state.invoices)
      for (const l of inv.lines) {
        expect(l.qty_order).toBe(1);
        psa.add('USD', String(l.unit_price));
      }
    expect(psa.entries()).toEqual(usd.entries());
    const rows = gridRows(host.state, `Billing ${DEMO_MONTH}`).filter((r) => r.Currency !== 'USD');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows)
      expect(`${r.Status} ${r.Action}`).toMatch(/Currency (EUR|GBP) differs from the PSA's USD/);
  }, 300_000);
});
