/**
 * Randomised fault schedules (fast-check) against the Autotask and HaloPSA sandboxes, through the
 * built bundle. Each schedule takes a month whose rows were pulled and a set of approved rows, injects
 * faults into the push — a crash after any request, a connection lost before a change was sent, 429s
 * with Retry-After, 5xx, an execution killed by the time limit — then re-runs the push as a person or
 * the continuation trigger would, until it reports finished. Property: the PSA then holds exactly what
 * a fault-free push of the same rows produces (no duplicate charge, invoice line, item or adjustment),
 * and every approved row says it was pushed (or is up to date) with a PSA reference.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import {
  GasHost,
  GasRuntime,
  LocalHost,
  createGasEnvironment,
  deserializeState,
  serializeState,
} from '../../../local/gas';
import type { ExecutionResult } from '../../../local/gas';
import { demoCredentials } from '../../../local/demo/credentials';
import { DEMO_MONTH } from '../../../local/demo/msp';
import { startSandboxes, type Fault, type RunningSandboxes } from '../../../local/sandbox/framework';
import { urlMapFor } from '../../../local/workbench/vendors';

const SCHEDULES = Number(process.env.BILLGRID_FAULT_SCHEDULES ?? 500);
const code = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'dist', 'Code.js'), 'utf8');
const OWNER = 'owner@example.com';

/** Fields the sandboxes stamp with the wall clock or bookkeeping: not part of what was billed. */
const VOLATILE = new Set([
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

type Rec = Record<string, unknown>;
const sortByJson = (rows: unknown[]): unknown[] =>
  rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);

/**
 * What the PSA bills, without the ids it happened to hand out: a re-run after a fault may create the same
 * records in another order, so every id is replaced by a label made from what the record is (service by
 * SKU, invoice by client and reference, item by name) and collections are compared as sorted multisets.
 */
function projectAutotask(state: { entities: Record<string, Rec[]> }): unknown {
  const label = new Map<unknown, string>();
  const natural: Record<string, (r: Rec) => string> = {
    Companies: (r) => `company:${String(r.companyName)}`,
    Services: (r) => `service:${String(r.sku ?? r.name)}`,
    ServiceBundles: (r) => `bundle:${String(r.name)}`,
    Contracts: (r) => `contract:${String(r.contractName)}`,
    BillingCodes: (r) => `code:${String(r.name)}`,
  };
  for (const [entity, f] of Object.entries(natural))
    for (const r of state.entities[entity] ?? []) label.set(r.id, f(r));
  for (const r of state.entities.ContractServices ?? []) {
    label.set(
      r.id,
      `cs:${label.get(r.contractID) ?? String(r.contractID)}/${label.get(r.serviceID) ?? String(r.serviceID)}`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [entity, rows] of Object.entries(state.entities)) {
    out[entity] = sortByJson(
      rows.map((r) => {
        const o: Rec = {};
        for (const [k, v] of Object.entries(r)) {
          if (k === 'id' || VOLATILE.has(k)) continue;
          o[k] = /ID$/.test(k) && label.has(v) ? label.get(v) : v;
        }
        return o;
      }),
    );
  }
  return out;
}

function projectHalo(state: Rec): unknown {
  const items = (state.items as Rec[]) ?? [];
  const itemName = new Map(items.map((i) => [i.id, String(i.name)]));
  const invoice = (inv: Rec) => ({
    client_id: inv.client_id,
    reference: inv.reference,
    invoice_date: inv.invoice_date,
    posted: inv.posted,
    lines: sortByJson(
      ((inv.lines as Rec[]) ?? []).map(({ id: _id, ihid: _ihid, _itemid, ...line }) => ({
        ...line,
        item: itemName.get(_itemid),
      })),
    ),
  });
  const out: Rec = {};
  for (const [k, v] of Object.entries(state)) {
    if (VOLATILE.has(k)) continue;
    if (k === 'items') out[k] = sortByJson(items.map(({ id: _id, ...i }) => i));
    else if (k === 'invoices' || k === 'recurringInvoices') out[k] = sortByJson((v as Rec[]).map(invoice));
    else if (k === 'entities') out[k] = v;
    else if (k === 'assetGroups') out[k] = sortByJson((v as Rec[]).map((g) => g.name));
    else out[k] = v;
  }
  return out;
}

type FaultKind = 'crash-after' | 'lost-before' | 'rate-limited' | 'server-error-read' | 'server-error-write';
interface ScheduledFault {
  kind: FaultKind;
  /** Which matching request (0-based) it hits. */
  at: number;
  times: number;
}

const MUTATING = { method: 'POST' } as const;
function toSandboxFaults(f: ScheduledFault, psa: 'autotask' | 'halo'): Fault[] {
  const write = psa === 'autotask' ? [{ method: 'POST' }, { method: 'PATCH' }] : [MUTATING];
  const read = psa === 'autotask' ? { method: 'POST', pathIncludes: '/query' } : { method: 'GET' };
  switch (f.kind) {
    case 'crash-after':
      return write.map((match) => ({ match, after: f.at, times: 1, dropAfterHandling: true }));
    case 'lost-before':
      return write.map((match) => ({ match, after: f.at, times: 1, drop: true }));
    case 'rate-limited':
      return [
        { after: f.at, times: f.times, status: 429, retryAfter: 1, body: { errors: ['Too many requests'] } },
      ];
    case 'server-error-read':
      return [{ match: read, after: f.at, times: f.times, status: 503 }];
    case 'server-error-write':
      return write.map((match) => ({
        match,
        after: f.at,
        times: 1,
        status: 500,
        body: { errors: ['Internal error'] },
      }));
  }
}

const faultArb = fc.record({
  kind: fc.constantFrom<FaultKind>(
    'crash-after',
    'lost-before',
    'rate-limited',
    'server-error-read',
    'server-error-write',
  ),
  at: fc.nat({ max: 14 }),
  times: fc.integer({ min: 1, max: 3 }),
});

const scheduleArb = fc.record({
  subset: fc.nat({ max: 3 }),
  faults: fc.array(faultArb, { minLength: 1, maxLength: 3 }),
  /** Modelled ms after which the first execution is killed (null: not killed). */
  killAfterMs: fc.option(fc.integer({ min: 400, max: 6000 }), { nil: null }),
});

export function faultSuite(psa: 'autotask' | 'halo'): void {
  describe(`fault schedules against ${psa}`, () => {
    let sb: RunningSandboxes;
    let runtime: GasRuntime;
    let host: LocalHost;
    let psaInitial: unknown;
    const subsets: { sheet: string; reference: unknown; approved: number }[] = [];
    const stats = { schedules: 0, faults: {} as Record<string, number>, kills: 0, reruns: 0, maxRuns: 0 };

    const run = (fn: string, args: unknown[] = [], limitMs?: number): ExecutionResult =>
      host.run(fn, args, { kind: 'sidebar', user: OWNER, ...(limitMs ? { limitMs } : {}) });
    const call = (fn: string, ...args: unknown[]): unknown => {
      const r = run(fn, args);
      if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
      return r.result;
    };
    const restoreSheet = (json: string) => {
      runtime.state = deserializeState(json);
    };
    const psaState = async () => {
      const st = await sb.admin(psa).state();
      return psa === 'autotask'
        ? projectAutotask(st as { entities: Record<string, Rec[]> })
        : projectHalo(st as Rec);
    };

    beforeAll(async () => {
      sb = await startSandboxes([{ kind: 'pax8' }, { kind: 'twilio' }, { kind: psa }]);
      runtime = GasRuntime.create({ owner: OWNER }, { urlMap: urlMapFor(sb.urls) });
      host = new LocalHost(runtime, code, { check: false });
      const creds = demoCredentials();
      for (const kind of ['pax8', 'twilio', psa] as const) call('saveConnection', kind, creds[kind]);
      call('refreshClients');
      const d = call('getDefaults') as {
        settings: { global: { codes: Record<string, unknown> } & Record<string, unknown> };
        codes: { itemCodes: { id: string }[] };
      };
      call('saveDefaults', {
        ...d.settings,
        global: {
          ...d.settings.global,
          productLifecycle: 'auto-create',
          codes: { ...d.settings.global.codes, itemCode: d.codes.itemCodes[0].id },
          ...(psa === 'halo' ? { invoiceBehaviour: 'new' } : {}),
        },
      });
      call('pullBillingMonth', DEMO_MONTH);
      const review = call('reviewBillingMonth', DEMO_MONTH) as {
        byClient: { client: string; actions: Record<string, number> }[];
      };
      const pushable = review.byClient.filter((c) =>
        Object.keys(c.actions).some((a) => a !== 'blocked' && a !== 'none'),
      );
      const pulled = serializeState(runtime.state);
      psaInitial = await sb.admin(psa).state();
      // The sandbox's own rate limit counts real seconds while the emulator's back-off sleeps in modelled
      // time, so under load it would decide schedules by timing. 429s are injected explicitly instead.
      if (psa === 'halo') Object.assign(psaInitial as Rec, { rateLimit: null, hits: [] });
      // Four approval sets of a few clients each: small enough to run hundreds of schedules.
      for (let i = 0; i < 4; i++) {
        restoreSheet(pulled);
        await sb.admin(psa).setState(psaInitial);
        const clients = pushable.slice(i * 3, i * 3 + 3).map((c) => c.client);
        const approved = call('approveRows', DEMO_MONTH, { approve: true, clients }) as { changed: number };
        const sheet = serializeState(runtime.state);
        const pushed = call('pushBillingMonth', DEMO_MONTH) as {
          finished: boolean;
          failed: number;
          applied: number;
        };
        expect(pushed).toMatchObject({ finished: true, failed: 0 });
        expect(pushed.applied).toBeGreaterThan(0);
        subsets.push({ sheet, reference: await psaState(), approved: approved.changed });
      }
    }, 120_000);

    afterAll(async () => {
      console.log(`${psa}: ${JSON.stringify(stats)}`);
      await sb.stop();
    });

    it(`converges to exactly the fault-free result in ${SCHEDULES} randomised schedules`, async () => {
      await fc.assert(
        fc.asyncProperty(scheduleArb, async (schedule) => {
          const subset = subsets[schedule.subset];
          restoreSheet(subset.sheet);
          await sb.admin(psa).setState(psaInitial);
          await sb.admin(psa).clearFaults();
          await sb.admin(psa).faults(schedule.faults.flatMap((f) => toSandboxFaults(f, psa)));
          stats.schedules++;
          for (const f of schedule.faults) stats.faults[f.kind] = (stats.faults[f.kind] ?? 0) + 1;
          if (schedule.killAfterMs !== null) stats.kills++;

          // The faulty run: it may finish, report failures, or be killed; none of that may bill twice.
          run('pushBillingMonth', [DEMO_MONTH], schedule.killAfterMs ?? undefined);
          await sb.admin(psa).clearFaults();
          let runs = 1;
          for (;;) {
            const r = run('pushBillingMonth', [DEMO_MONTH]);
            runs++;
            const out = r.result as { finished?: boolean; failed?: number } | undefined;
            if (r.ok && out?.finished && out.failed === 0) break;
            if (runs > 5)
              throw new Error(`not converged after ${runs} runs: ${r.error?.message ?? JSON.stringify(out)}`);
          }
          stats.reruns += runs - 1;
          stats.maxRuns = Math.max(stats.maxRuns, runs);

          expect(await psaState()).toEqual(subset.reference);
          // Every approved row says where it went.
          const statuses = JSON.stringify(
            runtime.state.spreadsheets[0].sheets.find((s) => s.name === `Billing ${DEMO_MONTH}`),
          );
          const pushedRows = (statuses.match(/"(Pushed|Up to date): [^"]*"/g) ?? []).length;
          expect(pushedRows).toBe(subset.approved);
          expect(statuses).not.toMatch(/"Failed: /);
        }),
        { numRuns: SCHEDULES, seed: 20261122 },
      );
    }, 1_500_000);

    it('a scheduled run and a manual push at the same moment bill once (executions on separate threads)', async () => {
      const subset = subsets[0];
      await sb.admin(psa).setState(psaInitial);
      await sb.admin(psa).clearFaults();
      const gas = new GasHost({
        state: deserializeState(subset.sheet),
        options: { urlMap: urlMapFor(sb.urls) },
        checkBundle: false,
      });
      try {
        const bundle = { code, filename: 'Code.js' };
        const [manual, scheduled] = await Promise.all([
          gas.run(bundle, 'pushBillingMonth', [DEMO_MONTH], { kind: 'sidebar', user: OWNER }),
          gas.run(bundle, 'runScheduledMonth', [], { kind: 'trigger' }),
        ]);
        expect(manual.error).toBeNull();
        expect(scheduled.error).toBeNull();
        expect(await psaState()).toEqual(subset.reference);
        // Each change was made by exactly one of the two runs (a run may list a step as already done).
        const book = createGasEnvironment(gas.state).globals.SpreadsheetApp.getActiveSpreadsheet();
        const rows = book.getSheetByName('Ledger')!.getDataRange().getValues();
        const [head, ...entries] = rows.map((r) => r.map(String));
        const key = head.indexOf('Idempotency key');
        const result = head.indexOf('Result');
        const applied = entries.filter((r) => r[result] === 'applied').map((r) => r[key]);
        expect(applied.length).toBeGreaterThan(0);
        expect(new Set(applied).size).toBe(applied.length);
      } finally {
        await gas.close();
      }
    }, 120_000);
  });
}
