/**
 * Issue #24 in the emulator's add-on mode, built bundle, the first PSA with fault hooks:
 * - a push continues over at least five executions, all through the single hourly dispatcher (the demo
 *   month is small, so the test sets smaller batches with `bg.pushBatchSize`, production keeps 100);
 * - the Ledger's SHA-256 chain: a row changed by hand (during that push) and a row deleted by hand (after
 *   it) are each found before the next push, reported with their row number, and stop every push, sending
 *   nothing, until an admin acknowledges (an editor may not); the push then goes on and a re-push sends no
 *   change, so nothing is billed twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { clockNow } from '../../local/gas';
import { DEMO_MONTH } from '../../local/demo/msp';
import type { PsaFaultHooks } from '../reliability/support/fault-suite';
import { billableDefaults, psasWhere, startBundle, type BundleHost } from './bundle-host';

const A = 'owner@example.com';
const B = 'admin-b@example.com';
const E = 'editor-e@example.com';
const HOUR = 3_600_000;

/** The first sandboxed PSA with fault hooks: they say which requests change something. */
const psa = psasWhere().find((p) =>
  fs.existsSync(path.resolve(__dirname, '..', 'connectors', 'psa', p.id, 'fault-hooks.ts')),
);
if (!psa) throw new Error('no PSA has fault hooks');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- fault hooks load by convention
const { hooks } = require(`../connectors/psa/${psa.id}/fault-hooks`) as { hooks: PsaFaultHooks };

type LedgerStatus = { ok: boolean; alarm: { row: number; message: string } | null; resumed?: boolean };
type Last = { lastRun: { outcome: string; message: string; trigger: string } | null };

describe('add-on: the Ledger chain and a continuation over five executions', () => {
  let b: BundleHost;
  const run = (user: string, fn: string, ...args: unknown[]) => b.run(fn, args, user);
  const as = (user: string, fn: string, ...args: unknown[]): unknown => {
    const r = run(user, fn, ...args);
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  const triggers = () => b.host.state.triggers.map((t) => [t.handler, t.user]);
  const doc = () => b.host.state.properties.document;
  const requests = async () => b.sb.admin(psa.id).requests();
  const mutations = async () =>
    (await requests()).filter((r) =>
      hooks.writes.some(
        (m) =>
          (!m.method || m.method === r.method) &&
          (!m.pathPrefix || r.path.startsWith(m.pathPrefix)) &&
          (!m.pathIncludes || r.path.includes(m.pathIncludes)),
      ),
    );
  const ledger = () => b.sheet('Ledger');
  const column = (name: string) => (ledger().rows[0] ?? []).findIndex((c) => c?.v === name);
  const push = () => run(A, 'pushBillingMonth', DEMO_MONTH);

  beforeAll(async () => {
    b = await startBundle(psa.id, hooks.sources, { deployment: 'addon' });
    b.host.state.spreadsheets[0].editors = [A, B, E];
    as(A, 'setAdmins', [B]);
    as(A, 'refreshClients');
    billableDefaults(b);
    as(A, 'pullBillingMonth', DEMO_MONTH, null);
    as(A, 'approveRows', DEMO_MONTH, { approve: true });
  }, 120_000);
  afterAll(() => b.sb.stop());

  it('a push continues over ≥ 5 executions through the dispatcher; a Ledger cell changed by hand stops it until an admin acknowledges', async () => {
    doc()['bg.executionBudgetSeconds'] = '20';
    const planned = (as(A, 'dryRunPush', DEMO_MONTH, {}) as { steps: unknown[] }).steps.length;
    // One step per batch (production: 100): each batch re-reads what it changes and journals twice, so a
    // 20-second execution gets through a few dozen steps of the demo month.
    doc()['bg.pushBatchSize'] = '1';
    const first = push();
    expect(first.ok && (first.result as { continuing: boolean }).continuing).toBe(true);
    expect(triggers()).toEqual([['dispatchJobs_', A]]);

    let pushing = 1;
    let refused = 0;
    let tampered = false;
    for (let firing = 0; doc()['bg.checkpoint'] && firing < 40; firing++) {
      if (pushing === 2 && !tampered) {
        // Between two executions, someone sets a step's Result by hand.
        const cell = ledger().rows[3]?.[column('Result')];
        expect(cell?.v).toBeTruthy();
        (cell as { v?: unknown }).v = 'failed';
        tampered = true;
        await b.sb.admin(psa.id).clearRequests();
      }
      const fired = b.host.fireDueTriggers(clockNow(b.host.state) + HOUR);
      expect(fired.map((r) => [r.functionName, r.ok])).toEqual([['dispatchJobs_', true]]);
      const last = (as(A, 'getSchedule') as Last).lastRun;
      if (last?.outcome !== 'refused') {
        pushing++;
        continue;
      }
      refused++;
      // Found before anything was sent: the continuation stops with the row, the checkpoint stays.
      expect(last.message).toMatch(/^Ledger row 4 was changed by hand/);
      expect(await requests()).toEqual([]);
      expect(doc()['bg.checkpoint']).toBeDefined();
      expect(as(E, 'getLedgerStatus')).toMatchObject({ ok: false, alarm: { row: 4 } });
      // A push by hand is refused too, and an editor may not acknowledge.
      expect(push().error?.message).toMatch(/Ledger row 4 .*acknowledged/);
      expect(run(E, 'acknowledgeLedgerChange').error?.message).toMatch(/or an admin may/);
      const ack = as(B, 'acknowledgeLedgerChange') as LedgerStatus;
      expect(ack).toMatchObject({ ok: true, alarm: null, resumed: true });
      // The continuation goes on from B's dispatcher (the refused firing left nothing queued, so A's went).
      expect(triggers()).toEqual([['dispatchJobs_', B]]);
    }
    expect(refused).toBe(1);
    expect(pushing).toBeGreaterThanOrEqual(5);
    expect(doc()['bg.checkpoint']).toBeUndefined();
    expect(triggers()).toEqual([]);

    // One Ledger key per planned step (the re-push in the next test shows the PSA got nothing twice).
    doc()['bg.executionBudgetSeconds'] = '270';
    delete doc()['bg.pushBatchSize'];
    const keys = ledger()
      .rows.slice(1)
      .map((r) => String(r?.[column('Idempotency key')]?.v ?? ''))
      .filter((k) => /[0-9a-f]{16}:[0-9a-f]{16}/.test(k));
    expect(new Set(keys).size).toBe(planned);
    const ops = ledger().rows.map((r) => r?.[column('Operation')]?.v);
    expect(ops.filter((o) => o === 'acknowledge')).toHaveLength(1);
    console.log(`add-on continuation: ${planned} steps in ${pushing} pushing executions, 1 refused`);
  }, 120_000);

  it('a Ledger row deleted by hand: found on opening the sidebar and before the push, with its row; an admin acknowledges; the re-push sends no change', async () => {
    const rows = ledger().rows;
    const before = rows.length;
    rows.splice(5, 1); // sheet row 6
    expect(ledger().rows).toHaveLength(before - 1);
    expect(as(E, 'getLedgerStatus')).toMatchObject({
      ok: false,
      alarm: { row: 6, message: expect.stringMatching(/^Ledger row 6 .*a row just above it was deleted/) },
    });
    await b.sb.admin(psa.id).clearRequests();
    expect(push().error?.message).toMatch(/^Ledger row 6 .*BillGrid does not push until an owner or admin/);
    expect(await requests()).toEqual([]);
    expect(as(B, 'acknowledgeLedgerChange')).toMatchObject({ ok: true, alarm: null, resumed: false });
    expect(as(E, 'getLedgerStatus')).toMatchObject({ ok: true, alarm: null });
    // Nothing is billed twice, after the changed cell above and the deleted row here: the push plans from
    // the PSA, not from the Ledger.
    expect(push().result).toMatchObject({ applied: 0, failed: 0, continuing: false });
    expect(await mutations()).toEqual([]);
    // The acknowledgement is itself a Ledger row: who, and what was found.
    const ack = ledger().rows.at(-1) ?? [];
    expect(ack[column('User')]?.v).toBe(B);
    expect(String(ack[column('Message')]?.v)).toMatch(/^'?Acknowledged: Ledger row 6 /);
  }, 60_000);
});
