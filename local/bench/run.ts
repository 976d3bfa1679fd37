/**
 * npm run bench — a large MSP's month through the BUILT bundle in the Apps Script emulator against the
 * stateful sandboxes, for every registered PSA with bench hooks (local/sandbox/<id>/bench.ts), pulling
 * from every source with bench hooks, at several sizes; the naive baseline; the core figure.
 * Prints a table per month and step and the targets (met / not met), and writes every figure to
 * bench-results/latest.json so runs can be compared.
 *
 *   npm run bench                 # every PSA at 2,000 / 20,000 lines, the reference PSA's 100,000-line pull + compare
 *   npm run bench -- --quick      # 2,000 / 20,000 lines only, every PSA
 *   npm run bench -- --huge       # also approve and push the 100,000-line month (see docs/PERFORMANCE.md for how long)
 *   npm run bench -- --tiny       # 500 lines per PSA (a smoke run)
 *   npm run bench -- --psa <id>   # that PSA's 2,000 / 20,000-line months only (e.g. with its hosted limit)
 *   npm run bench -- --psa <id> --grouped   # the same with charge detail 'grouped' (#23: one charge per
 *                                 # contract, product and month, on a PSA with capability groupedCharges)
 *   npm run bench -- --psa <id> --lines 2000   # one size only
 *   npm run bench -- --import     # the file imports only (50,000 rows; BILLGRID_CSV_ROWS to change)
 *   npm run bench -- --quota      # the daily-quota table: the reference PSA's 2,000 / 20,000-line months and
 *                                 # its 100,000-line pull + compare, the rest of that month projected
 *   npm run bench -- --quota --huge   # the same with the whole 100,000-line month run (nothing projected)
 *
 * Every file import with bench hooks (local/sandbox/<folder>/bench.ts of kind 'import') imports a
 * generated 50,000-row file (--tiny: 500; not with --psa): preview, import and pull, one execution each.
 *
 * Every month runs with Apps Script's real 6-minute limit: an execution that passed it would fail the run.
 *
 * Modelled time is the emulator's latency model (local/gas/LATENCY.md: 60 ms per Sheets call that
 * reaches Sheets, +0.01 ms per cell read and +0.15 ms per cell written, 200 ms per HTTP request,
 * fetchAll as its slowest request + 20 ms, 20 ms per Properties call, 10 ms per Cache/Lock call,
 * 150 ms per trigger change). CPU is Node's for the whole process (bundle + emulator on the main
 * thread, sandboxes on a worker; the sandbox thread's busy time is shown apart).
 */
import fs from 'node:fs';
import path from 'node:path';
import { LATENCY } from '../gas';
import { coreFigure, type CoreFigure } from './core-figure';
import type { ImportBenchRun } from '../sandbox/bench';
import { benchedImports, benchedPsas, benchedSources, sandboxedConnectors } from '../sandbox/registry';
import type { BigMonthSpec } from './big-msp';
import { readBundle, runMonth, type MonthRun } from './month';
import { naiveBaseline, type NaiveFigures } from './naive';
import { limitTable } from './rate-limit';
import {
  displayName,
  importTable,
  importTargets,
  projectMonth,
  quotaTable,
  requestsTable,
  scalingTable,
  stepTable,
  targets,
  targetTable,
} from './report';

const root = path.resolve(__dirname, '..', '..');

/** Lines → clients and usage accounts in the same proportion as the 20,000-line month. */
export const specFor = (lines: number): BigMonthSpec => ({
  lines,
  clients: Math.max(10, Math.round(lines / 20)),
  accounts: Math.max(3, Math.round((lines * 300) / 20_000)),
});

interface Plan {
  months: { psa: string; lines: number; pullOnly?: boolean }[];
  naiveLines: number;
  core: boolean;
  /** Rows of each file import's generated file (0: no import). */
  importRows: number;
  /** --grouped: the months run with charge detail 'grouped' (one charge per contract, product and month). */
  chargeDetail?: 'grouped';
}

/** The file imports' size: 50,000 rows, the figure the README's limits are stated at. */
export const IMPORT_ROWS = 50_000;

export function planFor(argv: string[]): Plan {
  const psas = benchedPsas();
  // The reference PSA: the naive baseline and the 100,000-line month run against it.
  const reference = psas.find((p) => p.bench.naive)?.id;
  // One PSA's two months only (e.g. its figures under its hosted limit), without the naive baseline and core.
  const only = argv.indexOf('--psa');
  if (only >= 0) {
    const id = argv[only + 1];
    if (!psas.some((p) => p.id === id))
      throw new Error(`--psa wants one of ${psas.map((p) => p.id).join(', ')} (got '${id}')`);
    const at = argv.indexOf('--lines');
    const sizes = at >= 0 ? [Number(argv[at + 1])] : [2_000, 20_000];
    if (sizes.some((n) => !Number.isInteger(n) || n < 100))
      throw new Error('--lines wants a number of lines');
    return {
      months: sizes.map((lines) => ({ psa: id, lines })),
      naiveLines: 40,
      core: false,
      importRows: 0,
      ...(argv.includes('--grouped') ? { chargeDetail: 'grouped' as const } : {}),
    };
  }
  if (argv.includes('--import')) return { months: [], naiveLines: 0, core: false, importRows: IMPORT_ROWS };
  if (argv.includes('--quota') && reference)
    return {
      months: [
        { psa: reference, lines: 2_000 },
        { psa: reference, lines: 20_000 },
        { psa: reference, lines: 100_000, pullOnly: !argv.includes('--huge') },
      ],
      naiveLines: 0,
      core: false,
      importRows: 0,
    };
  if (argv.includes('--tiny'))
    return {
      months: psas.map((p) => ({ psa: p.id, lines: 500 })),
      naiveLines: 40,
      core: false,
      importRows: 500,
    };
  const months: Plan['months'] = psas.flatMap((p) => [
    { psa: p.id, lines: 2_000 },
    { psa: p.id, lines: 20_000 },
  ]);
  // The 100,000-line month: pull + compare (two executions) by default; its push (some 25 continuations,
  // most of the run's time here) with --huge.
  if (!argv.includes('--quick') && reference)
    months.push({ psa: reference, lines: 100_000, pullOnly: !argv.includes('--huge') });
  return { months, naiveLines: 400, core: true, importRows: IMPORT_ROWS };
}

/** Everything printed, also kept for bench-results/latest.md (pasted into docs/PERFORMANCE.md). */
const printed: string[] = [];
const print = (text: string) => {
  printed.push(text);
  console.log(text);
};

async function main(): Promise<void> {
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  const plan = planFor(process.argv.slice(2));
  const log = (l: string) => process.stderr.write(`${l}\n`);
  // Read once: another build replacing dist/ mid-run must not change the bundle under test.
  const code = readBundle();
  const runs: MonthRun[] = [];
  const unbenched = sandboxedConnectors()
    .filter((c) => ![...benchedPsas(), ...benchedSources()].some((b) => b.id === c.id))
    .map((c) => c.id);
  if (unbenched.length) print(`Not benched (no local/sandbox/<id>/bench.ts): ${unbenched.join(', ')}`);
  for (const m of plan.months) {
    const spec = specFor(m.lines);
    log(`=== ${m.psa}: ${spec.lines} lines, ${spec.clients} clients, ${spec.accounts} usage accounts ===`);
    const t0 = Date.now();
    const r = await runMonth({
      psa: m.psa,
      spec,
      log,
      code,
      stopAfterPull: m.pullOnly,
      ...(plan.chargeDetail ? { chargeDetail: plan.chargeDetail } : {}),
    });
    print(
      `\n## ${m.psa}${plan.chargeDetail ? ` (charge detail: ${plan.chargeDetail})` : ''}, ${r.sourceLines} source lines (${spec.clients} clients, ${spec.accounts} usage accounts): ` +
        `${r.gridLines} grid rows, ${r.planned} push steps, ${r.changes.total} PSA entities changed ` +
        `(${Object.entries(r.changes.byKind)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}); ${Math.round((Date.now() - t0) / 1000)} s real\n`,
    );
    print(stepTable(r));
    print('');
    print(requestsTable(r));
    const limit = benchedPsas().find((p) => p.id === m.psa)?.bench.hostedLimit;
    if (limit) {
      print(`\nUnder hosted ${displayName(m.psa)}'s limit (local/bench/rate-limit.ts):\n`);
      print(limitTable(r, m.psa, limit));
    }
    runs.push(r);
  }
  let naive: NaiveFigures | null = null;
  if (plan.naiveLines > 0) {
    const reference = benchedPsas().find((p) => p.bench.naive);
    if (!reference) throw new Error('No PSA bench hooks carry a naive baseline');
    const base = plan.months.find((m) => m.psa === reference.id)?.lines ?? 2_000;
    const naiveSpec = specFor(plan.months.some((m) => m.lines === 20_000) ? 20_000 : base);
    log(`=== naive baseline on ${plan.naiveLines} lines ===`);
    const n = await naiveBaseline(naiveSpec, plan.naiveLines, reference);
    naive = n;
    print(
      `\n## Naive baseline (${n.title}, cell by cell, one fetch per record)\n` +
        `measured on ${n.measuredLines} lines: ${n.roundTrips} round trips, ${n.serviceCalls} service calls (${n.sheetsCalls} Sheets, ` +
        `${n.http} HTTP), ${n.modelledS} s modelled\n` +
        `extrapolated to ${n.extrapolated.lines} lines: ${n.extrapolated.roundTrips} round trips, ${n.extrapolated.serviceCalls} service calls ` +
        `(${n.extrapolated.sheetsCalls} Sheets, ${n.extrapolated.http} HTTP), ${n.extrapolated.modelledS} s modelled ` +
        `= ${n.extrapolated.executions6min} six-minute executions; it has no continuation, so on Google it stops ` +
        `after ${LATENCY.executionLimitMs / 1000} s with about ${Math.floor((n.extrapolated.lines * LATENCY.executionLimitMs) / 1000 / n.extrapolated.modelledS)} of ${n.extrapolated.lines} lines done\n` +
        `(${n.note})`,
    );
  }
  const imports: ImportBenchRun[] = [];
  if (plan.importRows > 0) {
    for (const { id, bench } of benchedImports()) {
      log(`=== import ${id}: ${plan.importRows} rows ===`);
      const r = bench.run({ rows: plan.importRows, code });
      print(
        `\n## ${r.title}: ${r.rows.toLocaleString('en')} rows, ${r.megabytes} MB (preview, import, pull; one execution each)\n`,
      );
      print(importTable(r));
      imports.push(r);
    }
  }
  let core: CoreFigure | null = null;
  if (plan.core) {
    log('=== core: 100,000 lines ===');
    core = coreFigure();
    print(`\n## Core only (local/bench/core.ts)\n${core.output}`);
  }
  if (runs.length > 2) {
    print('\n## Scaling\n');
    print(scalingTable(runs));
  }
  if (runs.length > 0) {
    print('\n## Daily quotas (one user, one day; share of a consumer / a Workspace account)\n');
    // A pulled-only 100,000-line month and the same PSA's full 20,000-line month: the rest projected.
    const projected = runs
      .filter((p) => p.pulledOnly && p.spec.lines === 100_000)
      .flatMap((p) => {
        const smaller = runs.find((r) => r.psa === p.psa && !r.pulledOnly && r.spec.lines === 20_000);
        return smaller ? [projectMonth(p, smaller)] : [];
      });
    print(quotaTable(runs, projected));
  }
  const verdicts = [...targets(runs, naive, core), ...importTargets(imports)];
  print('\n## Targets\n');
  print(targetTable(verdicts));
  const cpu = process.cpuUsage(cpu0);
  const peakRssMiB = Math.max(
    ...runs.map((r) => r.peakRssMiB),
    Math.round(process.resourceUsage().maxRSS / 1024),
  );
  const totalS = Math.round((Date.now() - started) / 1000);
  print(
    `\nbench: ${totalS} s real, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU (this process, all threads), ` +
      `peak RSS ${peakRssMiB} MiB`,
  );
  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  const file = path.join(root, 'bench-results', 'latest.json');
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        argv: process.argv.slice(2),
        latencyModel: LATENCY,
        totalSeconds: totalS,
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        peakRssMiB,
        months: runs,
        naive,
        imports,
        core: core && { ...core, output: undefined },
        targets: verdicts,
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(root, 'bench-results', 'latest.md'), `${printed.join('\n')}\n`);
  print(`written ${path.relative(root, file)} and latest.md`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err.stack ?? err.message);
      process.exit(1);
    },
  );
}
