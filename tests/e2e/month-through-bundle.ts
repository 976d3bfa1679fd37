/**
 * A whole billing month through the BUILT bundle (dist/Code.js) in the emulator, against the demo
 * sandboxes: connect, refresh clients, set defaults, pull, approve, dry run, push, push again.
 * Each call is its own execution with only Apps Script globals, as on Google. Each PSA's folder runs it
 * with what differs by vendor (tests/connectors/psa/<id>/month-bundle.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost } from '../../local/gas';
import type { ExecutionResult } from '../../local/gas';
import { demoCredentials } from '../../local/demo/credentials';
import { DEMO_MONTH } from '../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { urlMapFor } from '../../local/workbench/vendors';

const bundlePath = path.resolve(__dirname, '..', '..', 'dist', 'Code.js');

export interface MonthThroughBundle {
  psa: string;
  sources: readonly string[];
  /** A request that changes the PSA (a POST that queries or a sign-in is a read). */
  isMutation(r: { method: string; path: string }): boolean;
  /** Global settings the PSA's demo tenant needs on top of auto-create. */
  defaults?: Record<string, unknown>;
  /** Fewest contracts the client refresh must link (when the PSA links them). */
  contractsLinked?: number;
  /** What the first push's mutating requests must be, against the changes applied. */
  checkMutations(mutations: number, applied: number): void;
}

export function describeMonthThroughBundle(m: MonthThroughBundle): void {
  const { psa, isMutation } = m;
  describe(`a billing month through the built bundle (${m.sources.join(' + ')} → ${psa})`, () => {
    let sb: RunningSandboxes;
    let host: LocalHost;

    const call = (fn: string, ...args: unknown[]): unknown => {
      const r: ExecutionResult = host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
      if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
      return r.result;
    };

    beforeAll(async () => {
      sb = await startSandboxes([...m.sources, psa].map((kind) => ({ kind })));
      const runtime = GasRuntime.create({ owner: 'owner@example.com' }, { urlMap: urlMapFor(sb.urls) });
      host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
    });
    afterAll(() => sb.stop());

    it('pulls, reconciles and pushes exactly the approved difference, and a second push changes nothing', async () => {
      const creds = demoCredentials();
      for (const kind of [...m.sources, psa]) call('saveConnection', kind, creds[kind]);
      const tested = call('testConnection', psa) as { ok: boolean; message: string };
      if (!tested.ok) throw new Error(`Test connection failed: ${tested.message}`);

      const refreshed = call('refreshClients') as {
        matched: number;
        customers: number;
        contractsLinked: number;
      };
      expect(refreshed.customers).toBeGreaterThan(40);
      expect(refreshed.matched).toBeGreaterThan(25);
      if (m.contractsLinked) expect(refreshed.contractsLinked).toBeGreaterThan(m.contractsLinked);

      const defaults = call('getDefaults') as {
        settings: { global: { codes: Record<string, unknown> } & Record<string, unknown> };
        codes: { itemCodes: { id: string; name: string }[]; serviceCodes?: { id: string }[] };
      };
      expect(defaults.codes.itemCodes.length).toBeGreaterThan(0);
      call('saveDefaults', {
        ...defaults.settings,
        global: {
          ...defaults.settings.global,
          productLifecycle: 'auto-create',
          ...m.defaults,
          codes: {
            ...defaults.settings.global.codes,
            itemCode: defaults.codes.itemCodes[0].id,
            serviceCode: defaults.codes.serviceCodes?.[0]?.id ?? null,
          },
        },
      });

      const pulled = call('pullBillingMonth', DEMO_MONTH) as { lines: number; problems: string[] };
      expect(pulled.lines).toBeGreaterThan(150);

      const review = call('reviewBillingMonth', DEMO_MONTH) as {
        byAction: Record<string, number>;
        approved: number;
      };
      expect(review.approved).toBe(0);
      const toPush = ['create', 'set-quantity', 'add-charge', 'update-charge', 'append-invoice-line'];
      expect(toPush.reduce((n, a) => n + (review.byAction[a] ?? 0), 0)).toBeGreaterThan(10);

      const approved = call('approveRows', DEMO_MONTH, { approve: true }) as { changed: number };
      expect(approved.changed).toBeGreaterThan(10);

      const dry = call('dryRunPush', DEMO_MONTH) as { steps: unknown[] };
      await sb.admin(psa).clearRequests();
      // A dry run sends nothing that changes the PSA.
      const dryAgain = call('dryRunPush', DEMO_MONTH) as { steps: unknown[] };
      expect(dryAgain.steps).toEqual(dry.steps);
      expect((await sb.admin(psa).requests()).filter(isMutation)).toEqual([]);

      const pushed = call('pushBillingMonth', DEMO_MONTH) as {
        applied: number;
        failed: number;
        finished: boolean;
      };
      console.log(
        `month ${DEMO_MONTH}: ${pulled.lines} lines, actions ${JSON.stringify(review.byAction)}, ` +
          `${approved.changed} approved, ${dry.steps.length} steps planned, ${pushed.applied} applied, ${pushed.failed} failed`,
      );
      const failures = JSON.stringify(host.state.spreadsheets[0].sheets).match(/Failed: [^"]*/g) ?? [];
      expect([...new Set(failures)].slice(0, 5)).toEqual([]);
      expect(pushed.finished).toBe(true);
      expect(pushed.failed).toBe(0);
      expect(pushed.applied).toBe(dry.steps.length);
      const firstMutations = (await sb.admin(psa).requests()).filter(isMutation).length;
      m.checkMutations(firstMutations, pushed.applied);

      // Re-running changes nothing: no mutating request at all.
      await sb.admin(psa).clearRequests();
      const again = call('pushBillingMonth', DEMO_MONTH) as { applied: number; steps: number };
      expect(again.applied).toBe(0);
      // Converged at the plan, not only at the requests: nothing is even planned.
      expect(again.steps).toBe(0);
      expect((await sb.admin(psa).requests()).filter(isMutation)).toEqual([]);

      // The ledger tab recorded the run; no secret reached any cell.
      const sheets = host.state.spreadsheets[0].sheets;
      expect(sheets.map((s) => s.name)).toEqual(
        expect.arrayContaining(['Ledger', `Billing ${DEMO_MONTH}`, 'Clients']),
      );
      const everything = JSON.stringify(sheets);
      for (const c of Object.values(creds)) {
        for (const [field, value] of Object.entries(c)) {
          if (/secret|token/i.test(field)) expect(everything).not.toContain(value);
        }
      }
    });
  });
}
