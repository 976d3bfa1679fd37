/**
 * Randomised fault schedules (fast-check) against a PSA's sandbox, through the built bundle: each PSA
 * with fault hooks runs it from tests/connectors/psa/<id>/fault-schedules.test.ts (its hooks say which
 * requests are reads and changes, how its state is compared, and its oracle). A schedule = one of a few small approved sets of the demo month + 1–3 faults in the push
 * (a crash after the server acted, a connection lost before it did, 429 with Retry-After, 5xx on a read
 * or a change, a read or a change that times out, the execution killed by the time limit) + who re-runs
 * it (a person, the monthly trigger, the continuation trigger). After the re-runs report finished, the
 * PSA must hold exactly the approved target computed by oracle.ts (not by BillGrid's push code), equal
 * what a fault-free push produced (so nothing is duplicated, not even an id-less field), and every
 * approved row must say it was pushed (with a PSA reference) or why not.
 * Deterministic overlap cases run two executions at once on GasHost worker threads (real LockService).
 */
import fc from 'fast-check';
import { GasHost, createGasEnvironment, deserializeState, serializeState } from '../../../local/gas';
import type { SheetState } from '../../../local/gas/state';
import type { ExecutionResult } from '../../../local/gas';
import type { Fault } from '../../../local/sandbox/framework';
import fs from 'node:fs';
import path from 'node:path';
import { rowTargets, statusProblems, type RowTarget } from './oracle';
import {
  MONTH,
  OWNER,
  TAB,
  bundleCode,
  gridRows,
  prepareMonth,
  type GridRow,
  type PreparedMonth,
} from './month';

/** PSAs that run the suite: a tests/connectors/psa/<id>/fault-schedules.test.ts each. */
const PSA_TESTS = path.resolve(__dirname, '..', '..', 'connectors', 'psa');
const SUITES = fs
  .readdirSync(PSA_TESTS)
  .filter((id) => fs.existsSync(path.join(PSA_TESTS, id, 'fault-schedules.test.ts'))).length;
// 240 schedules in all (fixed seed), split between the PSAs — 60 each for four — keeps `npm test` near
// 15 minutes on a 2-core machine beside every other suite; `npm run soak` runs 2,000 per PSA.
const SCHEDULES = Number(process.env.BILLGRID_FAULT_SCHEDULES ?? Math.round(240 / Math.max(1, SUITES)));
/**
 * UrlFetchApp's timeout (real ms; Apps Script's is 60 s) in a faulty run that has a timeout fault, and
 * how late the slow answer comes. Every other run waits 20 s, so a busy machine causes no extra timeouts.
 */
const HTTP_TIMEOUT_MS = 120;
const SLOW_MS = 250;
const PATIENT_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fields the sandboxes stamp with the wall clock or bookkeeping: not part of what was billed. */
export const VOLATILE = new Set([
  'usage',
  'hits',
  'tokens',
  'tokenSeq',
  'issuedTokens',
  'nextId',
  'nextIds',
  'createDate',
  'lastModifiedDate',
  'lastActivityDate',
]);

/** What a PSA gives the fault suite (tests/connectors/psa/<id>/fault-hooks.ts). */
export interface PsaFaultHooks {
  /** The sources whose demo lines the oracle was written for. */
  sources: string[];
  /** Change requests, one matcher per kind of change (a query is never one). */
  writes: NonNullable<Fault['match']>[];
  reads: NonNullable<Fault['match']>;
  /**
   * What the PSA bills, without the ids it happened to hand out: a re-run after a fault may create the
   * same records in another order, so ids are replaced by what the record is and collections compared as
   * sorted multisets. A duplicate of anything (even an identical one) makes the projections differ.
   */
  project(state: unknown): unknown;
  /** What the PSA must hold after the push (oracle): violations, empty when right. */
  check(initial: unknown, final: unknown, rows: RowTarget[]): string[];
  /** The PSA without bulk records the month does not touch, so hundreds of schedules run quickly. */
  trim?(state: unknown, rows: GridRow[]): unknown;
  /**
   * The sandbox's variants of behaviours its vendor leaves open (other than its default): the schedules
   * run under each too, a share of them each (the total stays the same), on two of the small months with
   * the variant set in the PSA's state and `edit` applied to the month's tab before approval (e.g. a price
   * change, where the variant is about prices).
   */
  variants?: FaultVariant[];
}

export interface FaultVariant {
  name: string;
  /** The PSA's state with the variant set. */
  psa(state: unknown): unknown;
  /** Edits the month's tab (one small month's rows, before approval), or leaves it. */
  edit?(sheet: SheetState): void;
}

/** Rows sorted by their JSON: a multiset compared as a list. */
export const sortByJson = (rows: unknown[]): unknown[] =>
  rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);

export const FAULT_KINDS = [
  'crash-after',
  'lost-before',
  'rate-limited',
  'server-error-read',
  'server-error-write',
  'timeout-read',
  'timeout-write',
] as const;
type FaultKind = (typeof FAULT_KINDS)[number];
interface ScheduledFault {
  kind: FaultKind;
  /** Which matching request (0-based) it hits. */
  at: number;
  times: number;
  retryAfter: number;
}

function toSandboxFaults(f: ScheduledFault, hooks: PsaFaultHooks): Fault[] {
  const writes = (extra: Partial<Fault>): Fault[] =>
    hooks.writes.map((match) => ({ match, after: f.at, times: 1, ...extra }));
  switch (f.kind) {
    case 'crash-after':
      return writes({ dropAfterHandling: true });
    case 'lost-before':
      return writes({ drop: true });
    case 'server-error-write':
      return writes({ status: 500, body: { errors: ['Internal error'] } });
    case 'timeout-write':
      return writes({ delayMs: SLOW_MS });
    case 'rate-limited':
      return [
        {
          after: f.at,
          times: f.times,
          status: 429,
          retryAfter: f.retryAfter,
          body: { errors: ['Too many requests'] },
        },
      ];
    case 'server-error-read':
      return [{ match: hooks.reads, after: f.at, times: f.times, status: 503 }];
    case 'timeout-read':
      return [{ match: hooks.reads, after: f.at, times: 1, delayMs: SLOW_MS }];
  }
}

/** Only these clients' rows stay in the month's tab (a small MSP's month). */
function keepClients(m: PreparedMonth, clients: string[]): void {
  const sheet = m.runtime.state.spreadsheets[0].sheets.find((x) => x.name === TAB);
  if (!sheet) throw new Error(`no tab ${TAB}`);
  const rows = gridRows(m.runtime.state);
  const keep = new Set(
    rows.filter((r) => clients.includes(String(r.Customer || r['Customer id']))).map((r) => r.rowNumber),
  );
  sheet.rows = sheet.rows.filter((_, i) => i === 0 || keep.has(i + 1));
}

type Rerun = 'person' | 'monthly trigger' | 'continuation trigger';

const faultArb = fc.record({
  // Timeouts cost real time (the client waits for them), so they are drawn less often.
  kind: fc.oneof(
    ...FAULT_KINDS.map((k) => ({
      arbitrary: fc.constant<FaultKind>(k),
      weight: k === 'timeout-write' ? 1 : k === 'timeout-read' ? 2 : 3,
    })),
  ),
  at: fc.nat({ max: 12 }),
  times: fc.integer({ min: 1, max: 3 }),
  retryAfter: fc.integer({ min: 1, max: 3 }),
});

const scheduleArb = fc.record({
  subset: fc.nat({ max: 3 }),
  faults: fc.array(faultArb, { minLength: 1, maxLength: 3 }),
  /** Modelled ms after which the first execution is killed by the time limit (null: not killed). */
  killAfterMs: fc.option(fc.integer({ min: 300, max: 8000 }), { nil: null }),
  /** Who runs the push after the faulty run, in order (a person last if still unfinished). */
  reruns: fc.array(fc.constantFrom<Rerun>('person', 'monthly trigger', 'continuation trigger'), {
    minLength: 1,
    maxLength: 2,
  }),
});

type Schedule = typeof scheduleArb extends fc.Arbitrary<infer T> ? T : never;

const REGRESSIONS: Schedule[] = [
  // A change that timed out landed late while the same run created the same thing again.
  ...[0, 1, 2, 3].map((at) => ({
    subset: 0,
    faults: [{ kind: 'timeout-write' as const, at, times: 1, retryAfter: 1 }],
    killAfterMs: null,
    reruns: ['person' as const],
  })),
  // A created item whose answer was lost was created again from a stale list, and the run died before
  // it folded the copy away.
  {
    subset: 0,
    faults: [{ kind: 'crash-after', at: 1, times: 1, retryAfter: 1 }],
    killAfterMs: 3657,
    reruns: ['person'],
  },
];

interface Subset {
  sheet: string;
  /** The PSA before the push. */
  initial: unknown;
  reference: unknown;
  approved: number;
}

export function faultSuite(psa: string, hooks: PsaFaultHooks): void {
  describe(`fault schedules against ${psa}`, () => {
    let m: PreparedMonth;
    const subsets: Subset[] = [];
    const stats = {
      schedules: 0,
      faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
      executionsKilled: 0,
      reruns: { person: 0, 'monthly trigger': 0, 'continuation trigger': 0 } as Record<Rerun, number>,
      maxRuns: 0,
      ms: 0,
    };
    const admin = () => m.sb.admin(psa);
    const psaState = async (): Promise<unknown> => admin().state();
    const project = (st: unknown) => hooks.project(st);
    const check = (initial: unknown, final: unknown, rows: GridRow[]): string[] =>
      hooks.check(initial, final, rowTargets(rows));

    /** Each variant's small months (two each), built like the default ones. */
    const variantSubsets: Subset[][] = (hooks.variants ?? []).map(() => []);
    const buildSubset = async (clients: string[], variant?: FaultVariant): Promise<Subset> => {
      m.restoreSheet(m.pulled);
      keepClients(m, clients);
      const tab = m.runtime.state.spreadsheets[0].sheets.find((x) => x.name === TAB);
      if (variant?.edit && tab) variant.edit(tab);
      const rows = gridRows(m.runtime.state);
      const copy = structuredClone(m.psaInitial);
      const trimmed = hooks.trim ? hooks.trim(copy, rows) : copy;
      const initial = variant ? variant.psa(trimmed) : trimmed;
      await admin().setState(initial);
      const approved = m.call('approveRows', MONTH, { approve: true, clients }) as { changed: number };
      const sheet = serializeState(m.runtime.state);
      const pushed = m.call('pushBillingMonth', MONTH) as {
        finished: boolean;
        failed: number;
        applied: number;
      };
      expect([variant?.name, pushed]).toMatchObject([variant?.name, { finished: true, failed: 0 }]);
      expect(pushed.applied).toBeGreaterThan(0);
      // The oracle agrees with the fault-free push (else the suite would measure nothing).
      const final = await psaState();
      expect(check(initial, final, gridRows(m.runtime.state))).toEqual([]);
      return { sheet, initial, reference: project(final), approved: approved.changed };
    };

    beforeAll(async () => {
      // The oracle and the trimmed PSA data were written for these sources' demo lines.
      m = await prepareMonth(psa, { httpTimeoutMs: PATIENT_MS, sources: hooks.sources });
      // Four small months: the rows of three clients each (all approved that have something to push),
      // and only their part of the PSA's bulk data, so hundreds of schedules run in a few minutes.
      // A PSA whose demo month has fewer than 12 pushable clients (the IT Complete modules' few mapped
      // organisations) gets smaller months, each client in turn.
      const per = Math.min(3, Math.floor(m.pushable.length / 4));
      expect(m.pushable.length).toBeGreaterThan(0);
      for (let i = 0; i < 4; i++) {
        const clients = per ? m.pushable.slice(i * per, i * per + per) : [m.pushable[i % m.pushable.length]];
        subsets.push(await buildSubset(clients));
        // Each variant on the first two small months.
        if (i < 2)
          for (const [v, variant] of (hooks.variants ?? []).entries())
            variantSubsets[v].push(await buildSubset(clients, variant));
      }
    }, 300_000);

    afterAll(async () => {
      console.log(`fault schedules against ${psa}: ${JSON.stringify(stats)}`);
      await m?.stop();
    });

    /** One push by whoever; true when it reports the month finished with nothing failed. */
    let lastOutcome = '';
    const pushBy = (who: Rerun, limitMs?: number, httpTimeoutMs = PATIENT_MS): boolean => {
      const opts = limitMs ? { limitMs } : {};
      m.runtime.options.httpTimeoutMs = httpTimeoutMs;
      let r: ExecutionResult;
      if (who === 'person') {
        r = m.run('pushBillingMonth', [MONTH], opts);
        lastOutcome = JSON.stringify(r.error ?? r.result);
        const out = r.result as { finished?: boolean; failed?: number } | undefined;
        return r.ok && out?.finished === true && out.failed === 0;
      }
      r = m.run(who === 'monthly trigger' ? 'runScheduledMonth_' : 'continueJob_', [], {
        kind: 'trigger',
        user: OWNER,
        ...opts,
      });
      lastOutcome = JSON.stringify(r.error ?? m.runtime.state.properties.document['bg.lastRun']);
      if (!r.ok) return false;
      // The run's outcome as the Schedule tab shows it (read from the document properties directly).
      const text = m.runtime.state.properties.document['bg.lastRun'];
      const last = text ? (JSON.parse(text) as { outcome: string; month: string }) : null;
      // A continuation with no checkpoint has nothing to do: it proves nothing about the month.
      return who === 'monthly trigger' && last?.month === MONTH && last.outcome === 'finished';
    };

    const runSchedule = async (schedule: Schedule, among: Subset[] = subsets): Promise<void> => {
      const subset = among[schedule.subset % among.length];
      m.restoreSheet(subset.sheet);
      await admin().setState(subset.initial);
      await admin().clearFaults();
      // The request log would otherwise keep every body of every schedule.
      for (const kind of [...hooks.sources, psa]) await m.sb.admin(kind).clearRequests();
      await admin().faults(schedule.faults.flatMap((f) => toSandboxFaults(f, hooks)));
      stats.schedules++;
      for (const f of schedule.faults) stats.faults[f.kind]++;
      if (schedule.killAfterMs !== null) stats.executionsKilled++;

      // The faulty run: it may finish, report failures, be killed; none of that may bill twice.
      const timeouts = schedule.faults.some((f) => f.kind.startsWith('timeout'));
      pushBy('person', schedule.killAfterMs ?? undefined, timeouts ? HTTP_TIMEOUT_MS : PATIENT_MS);
      await admin().clearFaults();
      // A change that timed out still lands, late: let it, as the next run would be minutes later.
      if (schedule.faults.some((f) => f.kind === 'timeout-write')) await sleep(SLOW_MS + 50);
      let runs = 1;
      let done = false;
      for (const who of [...schedule.reruns, 'person', 'person'] as Rerun[]) {
        if (done) break;
        stats.reruns[who]++;
        runs++;
        done = pushBy(who);
      }
      if (!done) throw new Error(`not finished after ${runs} runs: ${lastOutcome}`);
      stats.maxRuns = Math.max(stats.maxRuns, runs);

      const final = await psaState();
      const rows = gridRows(m.runtime.state);
      expect(check(subset.initial, final, rows)).toEqual([]);
      expect(project(final)).toEqual(subset.reference);
      expect(statusProblems(rows)).toEqual([]);
      expect(rows.filter((r) => /^(Pushed|Up to date): /.test(String(r.Status))).length).toBe(
        subset.approved,
      );
    };

    // Schedules that once failed (kept as regression cases; see the README).
    it.each(REGRESSIONS.map((r) => [JSON.stringify(r), r] as const))(
      'regression schedule %s',
      async (_, schedule) => {
        await runSchedule(schedule);
      },
    );

    // The schedules are shared between the default sandbox and each variant: the total stays SCHEDULES.
    const variants = hooks.variants ?? [];
    const perVariant = variants.length ? Math.max(1, Math.round(SCHEDULES / (variants.length + 1))) : 0;
    const onDefault = Math.max(1, SCHEDULES - perVariant * variants.length);
    it(`converges to exactly the approved target in ${onDefault} randomised schedules`, async () => {
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(scheduleArb, (s) => runSchedule(s)),
        { numRuns: onDefault, seed: 20261122 },
      );
      stats.ms += Date.now() - started;
    }, 1_500_000);

    // (jest refuses an empty table: PSAs without variants get no such test.)
    if (variants.length)
      it.each(variants.map((v, i) => [v.name, i] as const))(
        `under the sandbox variant %s: converges in ${perVariant} randomised schedules`,
        async (_, i) => {
          const started = Date.now();
          await fc.assert(
            fc.asyncProperty(scheduleArb, (s) => runSchedule(s, variantSubsets[i])),
            { numRuns: perVariant, seed: 20261122 + i + 1 },
          );
          stats.ms += Date.now() - started;
        },
        1_500_000,
      );

    describe('two executions at the same moment (separate worker threads, real LockService)', () => {
      const overlap = async (
        subset: Subset,
        runs: { fn: string; kind: 'sidebar' | 'trigger'; user?: string }[],
        prepare?: (state: string) => string,
        faults: Fault[] = [],
      ) => {
        await admin().setState(subset.initial);
        await admin().clearFaults();
        const sheet = prepare ? prepare(subset.sheet) : subset.sheet;
        await admin().faults(faults);
        const gas = new GasHost({
          state: deserializeState(sheet),
          options: { urlMap: m.runtime.options.urlMap },
          checkBundle: false,
        });
        try {
          const bundle = { code: bundleCode(), filename: 'Code.js' };
          const results = await Promise.all(
            runs.map((r) =>
              gas.run(bundle, r.fn, r.fn === 'pushBillingMonth' ? [MONTH] : [], {
                kind: r.kind,
                user: r.user ?? OWNER,
              }),
            ),
          );
          for (const r of results) expect(r.error).toBeNull();
          await admin().clearFaults();
          // Whatever the two did, one more push by a person finishes the month.
          const last = await gas.run(bundle, 'pushBillingMonth', [MONTH], { kind: 'sidebar', user: OWNER });
          expect(last.error).toBeNull();
          const final = await psaState();
          const rows = gridRows(gas.state);
          expect(check(subset.initial, final, rows)).toEqual([]);
          expect(project(final)).toEqual(subset.reference);
          expect(statusProblems(rows)).toEqual([]);
          // The Ledger shows each change applied at most once (one run made it; the other found it made).
          // A batch whose connection was lost after the PSA acted is journalled as failed, then found made:
          // so the Ledger holds entries, not necessarily an 'applied' one.
          const ledger = gridRows(gas.state, 'Ledger');
          const applied = ledger
            .filter((e) => e.Result === 'applied')
            .map((e) => String(e['Idempotency key']));
          expect(ledger.length).toBeGreaterThan(0);
          expect(applied.length).toBe(new Set(applied).size);
          return results;
        } finally {
          await gas.close();
        }
      };

      it('a scheduled run and a manual push bill once', async () => {
        const [manual, scheduled] = await overlap(subsets[0], [
          { fn: 'pushBillingMonth', kind: 'sidebar' },
          { fn: 'runScheduledMonth_', kind: 'trigger' },
        ]);
        expect(manual.error).toBeNull();
        expect(scheduled.error).toBeNull();
      }, 120_000);

      it('two people pushing at once bill once', async () => {
        const results = await overlap(subsets[1], [
          { fn: 'pushBillingMonth', kind: 'sidebar' },
          { fn: 'pushBillingMonth', kind: 'sidebar' },
        ]);
        // One waited for the other's lock, then found nothing left to do.
        const applied = results.map((r) => (r.result as { applied: number }).applied).sort((a, b) => a - b);
        expect(applied[0]).toBe(0);
        expect(applied[1]).toBeGreaterThan(0);
      }, 120_000);

      it('a continuation and a manual push of a checkpointed month bill once, even when a change crashed', async () => {
        // A checkpoint as a run cut short by its budget leaves it (so the continuation has work to do).
        const withCheckpoint = (sheet: string): string => {
          const state = deserializeState(sheet);
          const env = createGasEnvironment(state, { user: OWNER });
          env.globals.PropertiesService.getDocumentProperties().setProperty(
            'bg.checkpoint',
            JSON.stringify({
              job: 'push',
              month: MONTH,
              runId: 'run-overlap',
              trigger: 'manual',
              pullFirst: false,
              continuations: 1,
              startedAt: new Date().toISOString(),
            }),
          );
          env.end();
          return serializeState(state);
        };
        await overlap(
          subsets[2],
          [
            { fn: 'continueJob_', kind: 'trigger' },
            { fn: 'pushBillingMonth', kind: 'sidebar' },
          ],
          withCheckpoint,
          hooks.writes.map((match) => ({ match, after: 1, times: 1, dropAfterHandling: true })),
        );
      }, 120_000);

      it('a scheduled run that loses a change and a manual push bill once', async () => {
        await overlap(
          subsets[3],
          [
            { fn: 'runScheduledMonth_', kind: 'trigger' },
            { fn: 'pushBillingMonth', kind: 'sidebar' },
          ],
          undefined,
          hooks.writes.map((match) => ({ match, after: 0, times: 1, drop: true })),
        );
      }, 120_000);
    });
  });
}
