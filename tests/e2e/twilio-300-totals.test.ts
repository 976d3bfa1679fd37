/**
 * Exact money through the BUILT bundle at scale (issue: Pax8/Twilio and money): a 300-subaccount Twilio
 * month in three currencies. The grid's Total cells and Review's totals — per client and overall — equal
 * the exact decimal sum of Twilio's leaf usage records per currency, to the cent, never mixing currencies.
 * (The PSA's side of the same sums is checked per push by the contract suite and month-bundle tests.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost } from '../../local/gas';
import type { ExecutionResult } from '../../local/gas';
import { demoCredentials } from '../../local/demo/credentials';
import { DEMO_MONTH } from '../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { bigFixture } from '../../local/sandbox/twilio/fixture';
import { urlMapFor } from '../../local/workbench/vendors';
import { CurrencyTotals, type CurrencyTotal } from '../../src/core/money';
import { gridRows } from '../reliability/support/month';

const bundlePath = path.resolve(__dirname, '..', '..', 'dist', 'Code.js');

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
    sb = await startSandboxes([{ kind: 'twilio', fixture: big }, { kind: 'autotask' }]);
    const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
    host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
    call('saveConnection', 'twilio', { accountSid: big.main.sid, authToken: big.main.authToken });
    call('saveConnection', 'autotask', demoCredentials().autotask);
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
});
