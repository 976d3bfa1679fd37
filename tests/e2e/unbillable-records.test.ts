/**
 * A vendor record BillGrid cannot bill, through the BUILT bundle: it gets a row in the month's tab with
 * what could be read and the reason in Status; bulk approval and the push pass it by; the contract
 * service that sums it with readable lines is left as it is; and once the vendor serves it correctly a
 * re-pull turns the same row into a normal one that pushes once and then converges.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost } from '../../local/gas';
import type { ExecutionResult } from '../../local/gas';
import { demoCredentials } from '../../local/demo/credentials';
import { DEMO_MONTH } from '../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { badFixture, type Pax8Fixture } from '../../local/sandbox/pax8/fixture';
import { urlMapFor } from '../../local/workbench/vendors';
import { gridRows } from '../reliability/support/month';

const bundlePath = path.resolve(__dirname, '..', '..', 'dist', 'Code.js');
const TAB = `Billing ${DEMO_MONTH}`;
const isMutation = (r: { method: string; path: string }): boolean =>
  r.method !== 'GET' && !/\/query(\/count)?$/i.test(r.path) && !/\/(oauth\/|auth\/)token$/i.test(r.path);

describe('records that cannot be billed, through the built bundle', () => {
  const psa = 'autotask' as const;
  let sb: RunningSandboxes;
  let host: LocalHost;
  const call = (fn: string, ...args: unknown[]): unknown => {
    const r: ExecutionResult = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  const rows = () => gridRows(host.state, TAB);
  const rowOf = (recordId: string) => rows().filter((r) => r['Record id'] === recordId);

  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'pax8', fixture: badFixture() }, { kind: 'twilio' }, { kind: psa }]);
    const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
    host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
    const creds = demoCredentials();
    for (const kind of ['pax8', 'twilio', psa] as const) call('saveConnection', kind, creds[kind]);
    call('refreshClients');
    // Products are created as needed, so only the records themselves decide what is pushed.
    const d = call('getDefaults') as { settings: { global: Record<string, unknown> } };
    call('saveDefaults', {
      ...d.settings,
      global: { ...d.settings.global, productLifecycle: 'auto-create' },
    });
  });
  afterAll(() => sb.stop());

  it('shows each as a row that is never approved or pushed, holds the service it shares, and heals on re-pull', async () => {
    const pulled = call('pullBillingMonth', DEMO_MONTH) as { unbillable: number; problems: string[] };
    const unbillable = rows().filter((r) => String(r.Status).startsWith('Cannot be billed: '));
    expect(pulled.unbillable).toBe(unbillable.length);
    for (const id of ['bad-quantity', 'bad-company', 'bad-date', 'bad-currency', 'bad-sku'])
      expect(rowOf(id).map((r) => String(r.Status).startsWith('Cannot be billed: '))).toEqual([true]);
    const [badQty] = rowOf('bad-quantity');
    expect(badQty.Status).toMatch(/quantity/i);
    expect(badQty.Quantity).toBe('ten');
    expect(badQty.Customer).not.toBe('');

    const review = call('reviewBillingMonth', DEMO_MONTH) as {
      unbillable: { row: number; message: string }[];
    };
    expect(review.unbillable.map((u) => u.row).sort()).toEqual(unbillable.map((r) => r.rowNumber).sort());

    call('approveRows', DEMO_MONTH, { approve: true });
    for (const r of rows().filter((x) => String(x.Status).startsWith('Cannot be billed: ')))
      expect(r.Approved).not.toBe(true);
    // The readable line of the same client and product as 'bad-quantity' sums into one contract service:
    // it is held, not pushed with a smaller quantity.
    const sameService = rows().filter(
      (r) =>
        r['Customer id'] === badQty['Customer id'] &&
        r['Product/SKU'] === badQty['Product/SKU'] &&
        r !== badQty,
    );
    const seat = sameService.find(
      (r) => r['Charge type'] === 'recurring' && r['Record id'] !== 'bad-quantity',
    );
    expect(seat).toBeDefined();
    await sb.admin(psa).clearRequests();
    const pushed = call('pushBillingMonth', DEMO_MONTH) as { applied: number; failed: number };
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBeGreaterThan(3);
    const after = rows().find((r) => r['Line key'] === seat?.['Line key']);
    expect(String(after?.Action)).toMatch(/Cannot be billed.*left as it is/);
    expect(String(after?.Status)).not.toMatch(/^Pushed/);

    // The vendor now serves the records of that client and product correctly: the same rows become normal.
    const fixture = badFixture();
    const good = fixture.items.find((i) => i.invoiceId === fixture.invoices[0].id)!;
    const healedIds = ['bad-quantity', 'bad-date', 'bad-type', 'bad-currency'];
    const state = await sb.admin('pax8').state<Pax8Fixture>();
    await sb.admin('pax8').setState({
      ...state,
      rawItems: (state.rawItems ?? []).map((x) =>
        healedIds.includes(String(x.record.id))
          ? {
              ...x,
              record: {
                ...x.record,
                quantity: good.quantity,
                startPeriod: good.startPeriod,
                type: good.type,
                currencyCode: good.currencyCode,
              },
            }
          : x,
      ),
    });
    const before = new Map(healedIds.map((id) => [id, rowOf(id)[0]?.rowNumber]));
    call('pullBillingMonth', DEMO_MONTH);
    for (const id of healedIds) {
      const healed = rowOf(id);
      expect(healed.map((r) => [r.rowNumber, r.Status, r.Quantity])).toEqual([
        [before.get(id), '', good.quantity],
      ]);
    }

    call('approveRows', DEMO_MONTH, { approve: true });
    const second = call('pushBillingMonth', DEMO_MONTH) as { applied: number; failed: number };
    expect(second.failed).toBe(0);
    expect(second.applied).toBeGreaterThan(0);
    expect(String(rows().find((r) => r['Line key'] === seat?.['Line key'])?.Status)).toMatch(/^Pushed/);
    await sb.admin(psa).clearRequests();
    const third = call('pushBillingMonth', DEMO_MONTH) as { steps: number };
    expect(third.steps).toBe(0);
    expect((await sb.admin(psa).requests()).filter(isMutation)).toEqual([]);
  });
});
