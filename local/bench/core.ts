/**
 * Core benchmark: 100,000 generated lines for 1,000 customers through line keys, modifiers, client
 * matching against 1,000 PSA companies, reconciliation and the push plan. Run: npm run bench:core, which bundles
 * it with esbuild first, as the add-on's code is bundled for Apps Script (run through tsx, module by module, all
 * stages took about 200 ms more on this machine).
 * Target: under 1 s in total on a 2-core machine.
 */
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CONTRACT_PSA } from '../../src/core/testing/capabilities';
import {
  applyModifiers,
  assignLineKeys,
  buildPushPlan,
  defaultBillingSettings,
  lineSettingsResolver,
  mappingTargetResolver,
  matchClients,
  MappingIndex,
  reconcile,
  stepKey,
} from '../../src/core';
import type {
  BillingSettings,
  ClientMapping,
  Mappings,
  PsaBillingState,
  RawBillingLine,
} from '../../src/core';

const LINES = 100_000;
const CUSTOMERS = 1_000;
const COMPANIES = 1_000;
/** The most steps one execution of the bench's months sends (HaloPSA, 20,000 lines). */
const SENT_PER_EXECUTION = 10_000;

/** Small deterministic PRNG so every run measures the same data. */
let seed = 42;
const rand = (): number => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const WORDS = [
  'north',
  'wind',
  'contoso',
  'fabrikam',
  'tailspin',
  'litware',
  'adatum',
  'proseware',
  'wingtip',
  'lucerne',
  'margie',
  'humongous',
  'alpine',
  'blue',
  'yonder',
  'coho',
  'woodgrove',
  'trey',
  'fourth',
  'coffee',
];
const SUFFIXES = [' Ltd', ' Inc.', ', LLC', ' Pty Ltd', ' GmbH', '', ' Limited', ' Corp'];

const companyNames: string[] = [];
const seen = new Set<string>();
while (companyNames.length < COMPANIES) {
  const n = `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} ${Math.floor(rand() * 1000)}`;
  if (!seen.has(n)) {
    seen.add(n);
    companyNames.push(n);
  }
}
const companies = companyNames.map((name, i) => ({
  id: `CO${i}`,
  name: name.replace(/\b\w/g, (c) => c.toUpperCase()) + pick(SUFFIXES),
  active: true,
}));

/** 80 % of customers are the same name in another form; 20 % carry a typo or extra word. */
const customers = companyNames.map((name, i) => {
  let n = rand() < 0.5 ? name.toUpperCase() : name;
  if (rand() < 0.2) n = rand() < 0.5 ? n.slice(0, 3) + n.slice(4) : `${n} group`;
  return { source: 'distributor', id: `cust-${i}`, name: n + pick(SUFFIXES) };
});

const SKUS = Array.from({ length: 200 }, (_, i) => `SKU-${i}`).concat(['MST-AZR-PLAN']);
const TYPES = ['recurring', 'recurring', 'recurring', 'usage', 'arrears', 'pro-rata', 'one-off'] as const;
const raws: RawBillingLine[] = Array.from({ length: LINES }, (_, i) => {
  // Sources return lines customer by customer (Pax8 per company, Twilio per subaccount).
  const c = customers[Math.floor((i * CUSTOMERS) / LINES)];
  const sku = rand() < 0.05 ? 'MST-AZR-PLAN' : pick(SKUS);
  const chargeType = sku === 'MST-AZR-PLAN' ? 'arrears' : pick(TYPES);
  const quantity = chargeType === 'pro-rata' && rand() < 0.5 ? -1 : Math.floor(rand() * 20);
  const unitPrice = 10 + SKUS.indexOf(sku);
  return {
    source: 'distributor',
    customerId: c.id,
    customerName: c.name,
    subscriptionId: `sub-${i % 7}`,
    sku,
    productName: sku === 'MST-AZR-PLAN' ? 'Azure plan' : `Product ${sku}`,
    description: '',
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    cycle: chargeType === 'recurring' ? 'monthly' : 'usage',
    chargeType,
    quantity,
    unitCost: unitPrice * 0.8,
    unitPrice,
    total: quantity * unitPrice,
    currency: 'USD',
    effectiveDate: '2026-10-01',
    orderId: '',
    recordId: `r${i}`,
  };
});

const settings: BillingSettings = (() => {
  const s = defaultBillingSettings();
  return {
    ...s,
    global: {
      ...s.global,
      productLifecycle: 'auto-create',
      modifiers: { dropAzure: false, collapseAzure: true, dropFavourableProRata: true, dropZero: true },
    },
  };
})();

/** [stage, wall ms, CPU ms]. CPU time (all threads, GC included) is what contention on a shared machine does not inflate. */
type Timings = [string, number, number][];

/** One full pass; each stage timed separately. */
function runOnce(timings: Timings) {
  const stage = <T>(name: string, f: () => T): T => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = f();
    const c = process.cpuUsage(c0);
    timings.push([name, performance.now() - t0, (c.user + c.system) / 1000]);
    return out;
  };
  const keyed = stage('line keys', () => assignLineKeys(raws).lines);
  const matches = stage('client matching', () => matchClients(customers, companies, []));
  const index = stage('mapping index', () => {
    const mappings: Mappings = {
      clients: matches.flatMap((m): ClientMapping[] =>
        m.mapping
          ? [m.mapping]
          : [{ ...m, companyId: `CO${m.customerId.slice(5)}`, status: 'manual', score: null }],
      ),
      products: SKUS.slice(0, 150).map((sku, i) => ({
        source: 'distributor',
        sku,
        productId: `P${i}`,
        status: 'manual' as const,
      })),
      contracts: customers.map((c, i) => ({
        source: 'distributor',
        customerId: c.id,
        subscriptionId: '',
        contractId: `K${i}`,
      })),
    };
    return new MappingIndex(mappings);
  });
  const modified = stage('modifiers', () => applyModifiers(keyed, lineSettingsResolver(settings, index)));
  const state: PsaBillingState = { quantities: [], charges: [] };
  const rec = stage('reconcile', () =>
    reconcile({
      lines: modified.lines,
      dropped: modified.dropped,
      state,
      resolver: mappingTargetResolver(index, settings),
      capabilities: CONTRACT_PSA,
      psaCurrency: 'USD',
    }),
  );
  const approved = new Set(keyed.map((l) => l.key)); // the grid's Approved column, read by the caller
  const plan = stage('push plan', () => buildPushPlan(rec.actions, approved));
  // A plan hashes no idempotency key; an execution hashes those of the steps it sends (HaloPSA's pushes send
  // up to ~10,000 per execution, docs/PERFORMANCE.md), and every step's only to match an interrupted run's
  // journal entries (measured apart, below).
  stage('keys of the steps sent', () => {
    const n = Math.min(SENT_PER_EXECUTION, plan.steps.length);
    for (let i = 0; i < n; i++) stepKey(plan.steps[i]);
  });
  return { matches, modified, rec, plan };
}

const REQUIRED = new Set(['client matching', 'modifiers', 'reconcile']);
/** Load average over the last minute and the cores: wall times are only comparable on an idle machine. */
const load = (): string => `${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`;
const loadBefore = load();
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const runs: Timings[] = [];
const keepHeap = process.env.BENCH_KEEP_HEAP === '1';
/** A full garbage collection (exposed at run time: `npm run bench:core` passes no Node flags). */
const collect: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();
let result: ReturnType<typeof runOnce> | null = null;
for (let r = 0; r < RUNS; r++) {
  const t: Timings = [];
  // A month runs in an execution of its own, on a heap of its own: the previous run's results are neither kept
  // alive through the next nor left as garbage for it to collect (BENCH_KEEP_HEAP=1: both, as before #23's
  // fourth pass).
  if (!keepHeap) {
    result = null;
    collect();
  }
  result = runOnce(t);
  runs.push(t);
}
const sum = (t: Timings, col: 1 | 2, only?: Set<string>) =>
  t.filter(([n]) => !only || only.has(n)).reduce((s, row) => s + row[col], 0);
const best = (i: number, col: 1 | 2) => Math.min(...runs.map((t) => t[i][col]));
const ms = (n: number) => `${n.toFixed(1).padStart(7)} ms`;

console.log(
  `lines ${LINES}, customers ${CUSTOMERS}, PSA companies ${COMPANIES}; ${RUNS} runs (first = cold)`,
);
console.log(
  `${'stage'.padEnd(30)} ${'wall first'.padStart(10)} ${'wall best'.padStart(10)} ${'CPU best'.padStart(10)}`,
);
runs[0].forEach(([name, wall], i) =>
  console.log(`${name.padEnd(30)} ${ms(wall)} ${ms(best(i, 1))} ${ms(best(i, 2))}`),
);
for (const [label, only] of [
  ['modifiers+matching+reconcile', REQUIRED],
  ['all stages', undefined],
] as const) {
  const first = sum(runs[0], 1, only);
  const bestWall = Math.min(...runs.map((t) => sum(t, 1, only)));
  const bestCpu = Math.min(...runs.map((t) => sum(t, 2, only)));
  console.log(`${label.padEnd(30)} ${ms(first)} ${ms(bestWall)} ${ms(bestCpu)}`);
}
/**
 * `RUNS` runs of `f` after `before` (untimed), printed as a stage row: first run's wall, best wall, best CPU,
 * then `note`.
 */
function printRuns(
  label: string,
  f: () => void,
  note: () => string,
  before: () => void = () => undefined,
): void {
  const times: [number, number][] = [];
  for (let r = 0; r < RUNS; r++) {
    before();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    const c = process.cpuUsage(c0);
    times.push([performance.now() - t0, (c.user + c.system) / 1000]);
  }
  console.log(
    `${label.padEnd(30)} ${ms(times[0][0])} ${ms(Math.min(...times.map((t) => t[0])))} ${ms(Math.min(...times.map((t) => t[1])))}  ${note()}`,
  );
}
/** Every step's key: what a push execution adds when an interrupted run left journal entries to match. */
if (result) {
  const steps = result.plan.steps;
  printRuns(
    `keys of all ${steps.length} steps`,
    () => {
      for (const st of steps) stepKey(st);
    },
    () => '(only on a resume with journal entries pending; not in all stages)',
    () => {
      for (const st of steps) st.idempotencyKey = undefined;
    },
  );
}
/** Matching measured separately at 5,000 customers against 5,000 companies (#23: under 1 s). */
{
  const BIG = 5_000;
  const names: string[] = [];
  const taken = new Set<string>();
  while (names.length < BIG) {
    const n = `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} ${Math.floor(rand() * 10_000)}`;
    if (!taken.has(n)) {
      taken.add(n);
      names.push(n);
    }
  }
  const bigCompanies = names.map((name, i) => ({ id: `BC${i}`, name: name + pick(SUFFIXES), active: true }));
  const bigCustomers = names.map((name, i) => ({
    source: 'distributor',
    id: `bcust-${i}`,
    name: (rand() < 0.2 ? `${name} group` : name.toUpperCase()) + pick(SUFFIXES),
  }));
  let auto = 0;
  printRuns(
    `matching ${BIG} × ${BIG}`,
    () => {
      auto = matchClients(bigCustomers, bigCompanies, []).filter((m) => m.outcome === 'auto').length;
    },
    () => `(${auto} matched automatically)`,
  );
}
/** The #23 figures on one line each: what the lead reads from one run. */
{
  const bestWall = Math.min(...runs.map((t) => sum(t, 1)));
  const bestCpu = Math.min(...runs.map((t) => sum(t, 2)));
  const verdict = (n: number): string => (n < 1000 ? 'under 1 s' : 'NOT under 1 s');
  console.log(
    `#23 all stages, ${LINES} lines, best of ${RUNS}: wall ${bestWall.toFixed(0)} ms (${verdict(bestWall)}), ` +
      `CPU ${bestCpu.toFixed(0)} ms (${verdict(bestCpu)}; CPU counts the GC's helper threads too)`,
  );
  console.log(`load average (1 min): ${loadBefore} before, ${load()} after`);
}
if (result) {
  const { matches, modified, rec, plan } = result;
  const auto = matches.filter((m) => m.outcome === 'auto').length;
  console.log(
    `matched ${auto}/${CUSTOMERS} automatically; kept ${modified.lines.length} lines, dropped ${modified.dropped.length}, ` +
      `collapsed ${modified.collapsed.length} Azure groups; ${rec.actions.length} actions; ${plan.steps.length} push steps`,
  );
}
