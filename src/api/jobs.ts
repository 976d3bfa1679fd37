/**
 * The billing month's server side for the sidebar: month list, pull, compare with the PSA, review,
 * bulk approval, dry run, push, progress, defaults, refresh and the schedule. Every argument is checked
 * with zod; every result is plain data.
 */
import { z } from 'zod';
import { CURRENCIES, identifies } from '../core/billing-line';
import { CurrencyTotals } from '../core/money';
import { billingSettingsSchema } from '../core/settings';
import type { BillingSettings } from '../core/settings';
import { isBillingMonth } from '../core/periods';
import type { ManualModeGate } from '../core/manual-mode';
import { DEFAULT_MONTH_COST, accountTypeOf, estimateDailyQuota } from '../core/daily-quota';
import type { QuotaEstimate } from '../core/daily-quota';
import { createsProducts } from '../core/psa';
import { codeChoiceSchema, defaultCodeProblems, type CodeChoiceLists } from '../core/default-codes';
import type { PushStep } from '../core/psa';
import { buildPushPlan } from '../core/push-plan';
import { formatInZone, shownTime } from '../platform/runtime';
import { activeSpreadsheet } from '../platform/spreadsheet';
import { withDocumentLock } from '../platform/lock';
import { deleteTriggers } from '../platform/triggers';
import { ensureDispatcher, runDueJobs, stopDispatcherIfIdle } from '../jobs/dispatcher';
import { queueSchedule, scheduledRuns, unqueueSchedule } from '../jobs/scheduled';
import { setApprovals } from '../sheets/approve';
import { listMonths } from '../sheets/grid';
import { findMonthSheet } from '../sheets/month-tabs';
import { psaConnector } from '../connectors/registry';
import { readLookups } from '../sheets/lookups';
import {
  connectedPsa,
  connectedSources,
  importIntegrations,
  disabledIntegrations,
  setIntegrationDisabled,
  SOURCE_KINDS,
  sourceKinds,
  sourceNames,
} from '../jobs/connections';
import type { ConnectedPsa } from '../jobs/connections';
import { SecretStore } from '../platform/secrets';
import { SHOW_OR_APPROVE_READS_MS, approvedKeys, manualModeGateOf, planMonth } from '../jobs/month';
import type { PullSummary } from '../jobs/month';
import { refreshMappings } from '../jobs/refresh';
import {
  readSchedule,
  readScheduleOwner,
  recordScheduleOwner,
  saveScheduleSettings,
  scheduleSchema,
} from '../jobs/schedule';
import type { Schedule } from '../jobs/schedule';
import type { RefreshSummary } from '../jobs/refresh';
import {
  lastRun,
  loadSettings,
  readProgress,
  reportProgress,
  runPull,
  runPush,
  continuationWritesLedger,
  documentKeysMaybeSent,
  runReconcile,
  saveSettings,
  scheduledMonth,
} from '../jobs/run';
import type { LastRun, Progress, PushRunResult } from '../jobs/run';
import { parseArg, SidebarError } from './args';
import { activateRow, problemRows } from './push-results';
import type { RowResult } from './push-results';
import { apiContext } from './context';
import { requireManager, requirePusher, roleOf } from './rights';
import { protectLedger } from '../jobs/ledger-writers';

export const monthArg = z
  .string({ error: 'Billing month must be text like 2026-10' })
  .trim()
  .refine(isBillingMonth, { error: 'Billing month must look like 2026-10 (year-month)' });

const month = (v: unknown): string => parseArg(monthArg, v, 'Billing month');

export interface MonthList {
  months: string[];
  suggested: string;
}

export function listBillingMonths(): MonthList {
  const ss = activeSpreadsheet();
  return {
    months: listMonths(ss),
    suggested: scheduledMonth(),
  };
}

export const integrationArg = z.lazy(() =>
  z
    .string({ error: 'Integration must be text' })
    .trim()
    .refine((s) => sourceKinds().includes(s), {
      error: 'Integration is not one BillGrid knows',
    }),
);

/** Pull the month from every enabled integration, or from one (the others' rows stay as they are). */
export function pullBillingMonth(m: unknown, integration?: unknown): PullSummary {
  const only = parseArg(integrationArg.optional(), integration ?? undefined, 'Integration');
  return runPull(month(m), undefined, only);
}

const connectedSourceIds = (): string[] => {
  const secrets = new SecretStore();
  return SOURCE_KINDS.filter((k) => secrets.read(k) !== null);
};

export interface IntegrationView {
  id: string;
  name: string;
  /** Credentials are saved. */
  connected: boolean;
  /** Switched on: pulled, scheduled and checked. */
  enabled: boolean;
}

export function listIntegrations(): IntegrationView[] {
  const saved = new Set(connectedSourceIds());
  const off = new Set(disabledIntegrations());
  const names = sourceNames();
  const imports = importIntegrations();
  return [
    ...SOURCE_KINDS.map((id) => ({ id, name: names[id] ?? id, connected: saved.has(id) })),
    // An import profile needs no credentials: it is there as soon as a file was imported with it.
    ...imports.map((i) => ({ id: i.id, name: i.name, connected: true })),
  ].map((i) => ({ ...i, enabled: !off.has(i.id) }));
}

/** Switch an integration off or on; its credentials are kept either way. */
export function setIntegrationEnabled(integration: unknown, enabled: unknown): IntegrationView[] {
  requireManager(apiContext(), 'switch integrations on or off');
  const id = parseArg(integrationArg, integration, 'Integration');
  const on = parseArg(z.boolean({ error: 'Enabled must be true or false' }), enabled, 'Enabled');
  setIntegrationDisabled(id, !on);
  return listIntegrations();
}

export function reconcileBillingMonth(m: unknown): Record<string, number> {
  return runReconcile(month(m));
}

/** An exact total in one currency, rounded once to cents (see src/core/money.ts). */
export interface CurrencyTotal {
  currency: string;
  total: number;
}

export interface ReviewClient {
  client: string;
  lines: number;
  approved: number;
  /**
   * What the client is charged this month, one entry per currency (never added across currencies).
   * A collapsed Azure line counts once (its members not again); lines a modifier dropped do not count.
   */
  totals: CurrencyTotal[];
  actions: Record<string, number>;
}

export interface MonthReview {
  month: string;
  lines: number;
  approved: number;
  invalid: { row: number; message: string }[];
  removed: number;
  /** Records the sources sent that cannot be billed (never approvable), with their Status. */
  unbillable: { row: number; message: string }[];
  byAction: Record<string, number>;
  byClient: ReviewClient[];
  /** Every client's charges together, per currency. */
  totals: CurrencyTotal[];
  /** Lines whose PSA record differs from the sheet (what a push would change), at most 100. */
  differences: ReviewDifference[];
  differenceCount: number;
  /** Linked contracts whose start date the PSA would refuse or prorate, with the fix; their rows are refused. */
  contractStarts: {
    contract: string;
    startDate: string;
    firstUsage: string;
    rows: number;
    message: string;
  }[];
  /**
   * Rows held because the contract they would be pushed to belongs to another PSA company than their
   * customer's (and rows sharing that contract service), with both companies and the fix: never approved.
   */
  wrongCompany: { row: number; message: string }[];
  /**
   * Rows held because their integration is disabled on Connect, per integration: never pushed until it is
   * enabled again (their approvals are kept). `approved` of them would be pushed then.
   */
  disabledIntegrations: { integration: string; rows: number; approved: number; message: string }[];
  /** What the user should know before approving (e.g. a month in several currencies with no PSA currency set). */
  warnings: string[];
}

export interface ReviewDifference {
  row: number;
  client: string;
  product: string;
  /** Description, subscription and period: see identifies(). */
  identifies: string;
  action: string;
  /** What the PSA has now ('—' when the record does not exist yet). */
  now: string;
  /** What the sheet says. */
  sheet: string;
  message: string;
}

const MAX_DIFFERENCES = 100;

/**
 * Counts and totals by client and action, from the tab and the PSA (where the connector keeps its reads,
 * reads up to SHOW_OR_APPROVE_READS_MS old; a push always reads again).
 */
export function reviewBillingMonth(m: unknown): MonthReview {
  const mo = month(m);
  const settings = loadSettings();
  const ss = activeSpreadsheet();
  const plan = planMonth(ss, mo, connectedPsa(), settings, undefined, {
    recentReadsMs: SHOW_OR_APPROVE_READS_MS,
    pendingKeys: documentKeysMaybeSent(ss),
  });
  const approved = approvedKeys(plan.grid);
  const byAction: Record<string, number> = {};
  const clients = new Map<string, ReviewClient>();
  const sums = new Map<string, CurrencyTotals>();
  const all = new CurrencyTotals();
  const differences: ReviewDifference[] = [];
  let differenceCount = 0;
  for (const row of plan.grid.rows) {
    const a = plan.reconciliation.byLine.get(row.key);
    const action = a?.action ?? (plan.collapsedInto.has(row.key) ? 'collapsed' : 'none');
    if (a && action !== 'none' && action !== 'blocked') {
      differenceCount++;
      if (differences.length < MAX_DIFFERENCES) {
        differences.push({
          row: row.rowNumber,
          client: row.line.customerName || row.line.customerId,
          product: row.line.productName || row.line.sku,
          identifies: identifies(row.line),
          action,
          now: a.before ? `${a.before.quantity} × ${a.before.unitPrice}` : '—',
          sheet: `${row.line.quantity} × ${row.line.unitPrice}`,
          message: a.message,
        });
      }
    }
    byAction[action] = (byAction[action] ?? 0) + 1;
    const name = row.line.customerName || row.line.customerId;
    const c = clients.get(name) ?? { client: name, lines: 0, approved: 0, totals: [], actions: {} };
    c.lines++;
    if (approved.has(row.key)) c.approved++;
    // Summed exactly, per currency; members of a collapsed line are in it already.
    const charged = action !== 'collapsed' && !(a?.action === 'blocked' && a.reason === 'dropped');
    if (charged) {
      const t = sums.get(name) ?? new CurrencyTotals();
      t.add(row.line.currency, row.line.total);
      sums.set(name, t);
      all.add(row.line.currency, row.line.total);
    }
    c.actions[action] = (c.actions[action] ?? 0) + 1;
    clients.set(name, c);
  }
  for (const [name, t] of sums) (clients.get(name) as ReviewClient).totals = t.entries();
  // Rows held because their own integration is disabled, per integration.
  const off = new Set(disabledIntegrations());
  const disabled = new Map<string, MonthReview['disabledIntegrations'][number]>();
  for (const row of plan.grid.rows) {
    const a = plan.reconciliation.byLine.get(row.key);
    if (a?.action !== 'blocked' || a.reason !== 'integration-disabled' || !off.has(row.line.source)) continue;
    const d = disabled.get(row.line.source) ?? {
      integration: sourceNames()[row.line.source] ?? row.line.source,
      rows: 0,
      approved: 0,
      message: a.message,
    };
    d.rows++;
    if (approved.has(row.key)) d.approved++;
    disabled.set(row.line.source, d);
  }
  return {
    month: mo,
    lines: plan.grid.rows.length,
    approved: approved.size,
    invalid: plan.grid.invalid.map((r) => ({ row: r.rowNumber, message: r.message })),
    removed: plan.grid.removed.length,
    unbillable: plan.grid.unbillable.map((r) => ({ row: r.rowNumber, message: r.status })),
    byAction,
    byClient: [...clients.values()].sort((a, b) => a.client.localeCompare(b.client)),
    totals: all.entries(),
    differences,
    differenceCount,
    contractStarts: plan.contractStarts.map((c) => ({
      contract: c.contractName,
      startDate: c.startDate,
      firstUsage: c.firstUsage,
      rows: c.lineCount,
      message: c.message,
    })),
    wrongCompany: plan.grid.rows
      .filter((r) => plan.held.has(r.key))
      .map((r) => ({ row: r.rowNumber, message: plan.held.get(r.key) as string })),
    disabledIntegrations: [...disabled.values()].sort((a, b) => a.integration.localeCompare(b.integration)),
    warnings: [
      ...currencyWarnings(
        all.entries().map((e) => e.currency),
        settings,
      ),
      ...mappingWarnings(plan.mappingGaps),
      ...quotaWarning(plan.grid.rows.length),
    ],
  };
}

const MAX_MAPPING_WARNINGS = 20;

/** Seed 002's "Mapping Settings Incomplete", once per contract service (its lines share the message). */
function mappingWarnings(gaps: ReadonlyMap<string, string>): string[] {
  const distinct = [...new Set(gaps.values())];
  const shown = distinct.slice(0, MAX_MAPPING_WARNINGS);
  if (distinct.length > shown.length)
    shown.push(
      `${distinct.length - shown.length} more contract services have incomplete mappings (Contracts lists them).`,
    );
  return shown;
}

export interface QuotaView extends QuotaEstimate {
  month: string;
  /** The month whose tab gave the line count (this month's, else the newest pulled one). */
  basedOn: string;
}

/** The connected PSA's month cost and name; null when no PSA is connected. */
function psaCost(): { cost: typeof DEFAULT_MONTH_COST; name: string } | null {
  let kind: string;
  try {
    kind = connectedPsa().kind;
  } catch {
    return null;
  }
  const d = psaConnector(kind);
  return { cost: d.monthCost ?? DEFAULT_MONTH_COST, name: d.displayName };
}

/** The estimate for a month of `lines` lines on the current user's account (who starts the run). */
function estimateFor(lines: number): QuotaEstimate | null {
  const psa = psaCost();
  if (!psa || lines <= 0) return null;
  return estimateDailyQuota(lines, psa.cost, accountTypeOf(apiContext().email()), psa.name);
}

function quotaWarning(lines: number): string[] {
  const w = estimateFor(lines)?.warning;
  return w ? [w] : [];
}

/**
 * Before a pull or push: will the month fit the Google account's daily quotas (UrlFetch calls, trigger
 * runtime)? Estimated from the month's rows (or, before its first pull, the newest month's) and the PSA's
 * cost per line; null when there is nothing to estimate from. Reads only the tab's size.
 */
export function estimateMonthQuota(m: unknown): QuotaView | null {
  const mo = month(m);
  const ss = activeSpreadsheet();
  const basedOn = findMonthSheet(ss, mo) ? mo : (listMonths(ss)[0] ?? null);
  const sheet = basedOn ? findMonthSheet(ss, basedOn) : null;
  if (!basedOn || !sheet) return null;
  // Row 1 is the header.
  const estimate = estimateFor(sheet.getLastRow() - 1);
  return estimate ? { ...estimate, month: mo, basedOn } : null;
}

/** A month in several currencies while no PSA currency is set anywhere: nothing can refuse a wrong one. */
function currencyWarnings(currencies: string[], settings: BillingSettings): string[] {
  const set =
    settings.global.psaCurrency ||
    [...Object.values(settings.sources), ...Object.values(settings.clients)].some((o) => o.psaCurrency);
  if (currencies.length < 2 || set) return [];
  return [
    `This month has charges in ${currencies.join(', ')} and no PSA currency is set in Defaults, so BillGrid cannot refuse a charge the PSA would bill in the wrong currency. Set the PSA currency (and a client's own where it differs) before approving.`,
  ];
}

export const approveFilter = z.lazy(() =>
  z.object({
    approve: z.boolean({ error: 'Approve must be true or false' }),
    /** Only rows whose proposed action is one of these (e.g. set-quantity, add-charge). */
    actions: z.array(z.string().max(40)).max(20).optional(),
    /** Only rows of these clients (names as shown in Review). */
    clients: z.array(z.string().max(300)).max(2000).optional(),
  }),
);

/**
 * Bulk approve (or un-approve) by filter: only valid rows with something to push can be approved, and rows
 * waiting for their product to be mapped by hand (manual mode); any row with an action can be un-approved.
 */
export function approveRows(m: unknown, filter: unknown): { changed: number; matched: number } {
  const mo = month(m);
  const f = parseArg(approveFilter, filter, 'Approval filter');
  return withDocumentLock('approving rows', () => {
    const ss = activeSpreadsheet();
    const plan = planMonth(ss, mo, connectedPsa(), loadSettings(), undefined, {
      recentReadsMs: SHOW_OR_APPROVE_READS_MS,
      pendingKeys: documentKeysMaybeSent(ss),
    });
    const clients = f.clients ? new Set(f.clients) : null;
    const actions = f.actions ? new Set(f.actions) : null;
    const keys = new Set<string>();
    for (const row of plan.grid.rows) {
      const a = plan.reconciliation.byLine.get(row.key);
      // A line held only by manual product mode is a charge to bill: approving it makes the push wait for
      // its product to be mapped (manual mode refuses the whole push), instead of silently leaving it out.
      const awaitsProduct = a?.action === 'blocked' && a.reason === 'manual-product' && !actions;
      // Un-approving is always safe: a row blocked since it was approved can be un-ticked in bulk too.
      const blocked = a?.action === 'blocked' && !awaitsProduct && f.approve;
      if (!a || blocked || (f.approve && a.action === 'none')) continue;
      if (actions && !actions.has(a.action)) continue;
      if (clients && !clients.has(row.line.customerName || row.line.customerId)) continue;
      keys.add(row.key);
    }
    return { ...setApprovals(ss, mo, keys, f.approve), matched: keys.size };
  });
}

export interface DryRunStep {
  operation: PushStep['operation'];
  /** The client and product in users' words (from the month's rows). */
  client: string;
  product: string;
  /** Description, subscription and period of the (first) line: see identifies(). */
  identifies: string;
  entity: string;
  lineKeys: string[];
  before: string;
  after: string;
}

export interface DryRun {
  month: string;
  /** Every step, or the first `limit` when the caller asked for fewer; `total` counts them all. */
  steps: DryRunStep[];
  total: number;
  byOperation: Record<string, number>;
  skipped: number;
  /** Manual product mode: the push would send nothing until these products are mapped. */
  refused?: ManualModeGate;
}

export const dryRunOptions = z.lazy(() =>
  z
    .object({ limit: z.number().int().min(1).max(100_000).optional() })
    .optional()
    .default({}),
);

const values = (v: { quantity: number; unitPrice: number; unitCost: number } | null): string =>
  v ? `${v.quantity} × ${v.unitPrice} (cost ${v.unitCost})` : '—';

/** What a push would change, step by step, without sending anything. */
export function dryRunPush(m: unknown, options?: unknown): DryRun {
  const mo = month(m);
  const { limit } = parseArg(dryRunOptions, options, 'Dry run options');
  const psa = connectedPsa();
  const ss = activeSpreadsheet();
  const plan = planMonth(ss, mo, psa, loadSettings(), undefined, {
    recentReadsMs: SHOW_OR_APPROVE_READS_MS,
    pendingKeys: documentKeysMaybeSent(ss),
  });
  const refused = manualModeGateOf(plan);
  if (refused) return { month: mo, steps: [], total: 0, byOperation: {}, skipped: 0, refused };
  const push = buildPushPlan(
    plan.reconciliation.actions,
    approvedKeys(plan.grid),
    psa.capabilities.chargeContainer,
  );
  const lineOf = new Map(plan.grid.rows.map((r) => [r.key, r.line]));
  const steps = push.groups.flatMap((g) => g.steps.map((s) => ({ g, s })));
  const byOperation: Record<string, number> = {};
  for (const { s } of steps) byOperation[s.operation] = (byOperation[s.operation] ?? 0) + 1;
  return {
    month: mo,
    steps: steps.slice(0, limit ?? steps.length).map(({ g, s }) => {
      const line = lineOf.get(s.lineKeys[0]);
      return {
        operation: s.operation,
        client: line ? line.customerName || line.customerId : '',
        product: s.after.productName || s.after.sku || line?.productName || '',
        identifies: identifies(line),
        entity: g.entity,
        lineKeys: s.lineKeys,
        before: values(s.before),
        after: values(s.after),
      };
    }),
    total: steps.length,
    byOperation,
    skipped: push.skipped.length,
  };
}

export interface PushView extends PushRunResult {
  /** Rows whose Status says failed or not pushed (failed first; at most 200). */
  problems: RowResult[];
  problemCount: number;
}

/** Push the approved rows; when some fail, the first failed row is selected in the sheet. */
export function pushBillingMonth(m: unknown): PushView {
  requirePusher(apiContext());
  const mo = month(m);
  const result = runPush(mo, 'manual');
  const ss = activeSpreadsheet();
  const p = problemRows(ss, mo);
  const firstFailed = p.rows.find((r) => r.status.startsWith('Failed'));
  if (firstFailed) activateRow(ss, mo, firstFailed.row);
  return { ...result, problems: p.rows, problemCount: p.total };
}

export function getJobProgress(): Progress | null {
  return readProgress();
}

export interface DefaultsView {
  settings: BillingSettings;
  codes: {
    incomeAccounts: Option[];
    expenseAccounts: Option[];
    taxCodes: Option[];
    itemCodes: Option[];
    /** The PSA's products, offered as the default service when `needsDefaultService`. */
    services: Option[];
    /**
     * Where services take other codes than charges (#15 F2): the codes for services BillGrid creates
     * (`itemCodes` then lists only codes charges take). Absent = one list.
     */
    serviceCodes?: Option[];
  };
  /** Saved default codes the PSA's lists say are of the wrong kind or gone (said on the screen). */
  codeProblems?: string[];
  /** Default-item mode on the connected PSA needs a default service for recurring lines (Autotask). */
  needsDefaultService: boolean;
  /** The integrations whose overrides the screen offers. */
  sources: Option[];
  /** False until a refresh has read the PSA's lists (companies, products, codes). */
  psaRead: boolean;
  /** The currencies BillGrid bills in (the choices for the PSA currency). */
  currencies: readonly string[];
  /** The connected PSA can create products, so the "auto-create" product mode is offered. */
  canAutoCreate: boolean;
  /** The connected PSA can keep one charge for many lines, so "charge detail" is offered (#23). */
  groupedCharges?: boolean;
  /** The connected PSA bills charges on invoices, so which invoice is the latest is offered (#16). */
  billsOnInvoices?: boolean;
  /** Where a code list comes from, when it is not the PSA's own list of that name (said under its dropdown). */
  codeOrigins?: Partial<Record<keyof DefaultsView['codes'], string>>;
}
interface Option {
  id: string;
  name: string;
}

export function getDefaults(): DefaultsView {
  const lookups = readLookups(activeSpreadsheet());
  // One connected PSA answers the three questions the screen asks of it.
  const psa = connectedPsaOrNull();
  const codes = lookups?.codes ?? { incomeAccounts: [], expenseAccounts: [], taxCodes: [], itemCodes: [] };
  const settings = loadSettings();
  return {
    settings,
    codeProblems: savedCodeProblems(settings, lookups?.codes ?? null),
    codes: { ...codes, services: (lookups?.products ?? []).map((p) => ({ id: p.id, name: p.name })) },
    needsDefaultService: psa?.capabilities.defaultServiceForQuantities === true,
    sources: Object.entries(sourceNames()).map(([id, name]) => ({ id, name })),
    psaRead: lookups !== null,
    currencies: CURRENCIES,
    canAutoCreate: psa !== null && createsProducts(psa.target),
    groupedCharges: psa?.capabilities.groupedCharges === true,
    billsOnInvoices: psa?.capabilities.chargeContainer === 'invoice',
    codeOrigins: psa ? (psaConnector(psa.kind).codeOrigins ?? {}) : {},
  };
}

/** Every saved level's code problems, named by level where it is not the defaults. */
function savedCodeProblems(settings: BillingSettings, lists: CodeChoiceLists | null): string[] {
  const names = sourceNames();
  return [
    ...defaultCodeProblems(settings.global.codes, lists),
    ...Object.entries(settings.sources).flatMap(([id, o]) =>
      defaultCodeProblems(o.codes, lists).map((p) => `${names[id] ?? id}: ${p}`),
    ),
  ];
}

/** The connected PSA, built once per call; null when no PSA is connected yet. */
function connectedPsaOrNull(): ConnectedPsa | null {
  try {
    return connectedPsa();
  } catch {
    return null;
  }
}

/** Whether the connected PSA can create products; null when no PSA is connected yet. */
function psaCreatesProducts(): boolean | null {
  const psa = connectedPsaOrNull();
  return psa && createsProducts(psa.target);
}

export function saveDefaults(settings: unknown): DefaultsView {
  requireManager(apiContext(), 'change the billing defaults');
  const parsed = parseArg(billingSettingsSchema, settings, 'Defaults');
  // Each level's codes parsed against the PSA's lists: a code of the wrong kind is refused with what it is.
  const lists = readLookups(activeSpreadsheet())?.codes ?? null;
  for (const codes of [parsed.global.codes, ...Object.values(parsed.sources).map((o) => o.codes)])
    parseArg(codeChoiceSchema(lists), codes ?? {}, 'Default codes');
  const asked = [parsed.global, ...Object.values(parsed.sources), ...Object.values(parsed.clients)].some(
    (o) => o.productLifecycle === 'auto-create',
  );
  if (asked && psaCreatesProducts() === false)
    throw new SidebarError(
      'The connected PSA cannot create products: choose "Map by hand" or "Use the default item" for products not yet mapped',
    );
  saveSettings(parsed);
  return getDefaults();
}

export function refreshClients(): RefreshSummary {
  return withDocumentLock('the client refresh', () =>
    refreshMappings(activeSpreadsheet(), connectedSources(), connectedPsa(), (step, done, total) =>
      reportProgress({ runId: 'refresh', step, done, total }),
    ),
  );
}

export interface ScheduleView {
  schedule: Schedule | null;
  /** What the screen offers until a schedule is saved: the nightly sync at the PSA's own hour, if it has one. */
  suggested: Schedule;
  /** Whose triggers run the schedule (they run as that account); null when nobody's do. */
  owner: string | null;
  /** The schedule's triggers are yours (you can change or stop it without taking it over). */
  yours: boolean;
  active: { monthly: boolean; nightly: boolean };
  /** The next monthly run, in the spreadsheet's time zone. */
  nextRun: string | null;
  /** The next nightly sync, in the same form. */
  nextSync: string | null;
  lastRun: LastRun | null;
  /** When the last run started, in the spreadsheet's time zone (the form of nextRun). */
  lastRunAt: string | null;
}

/** A queued run's time as staff read it: '2026-11-02 06:00 (America/New_York)'. */
function shownAt(at: number | null, tz: string): string | null {
  return at === null ? null : `${formatInZone(new Date(at), tz, 'yyyy-MM-dd HH:mm')} (${tz})`;
}

/**
 * When BillGrid next syncs the PSA by itself: the earlier of the nightly sync and the monthly push that are
 * active; null when nothing is scheduled (pushes happen by hand).
 */
export function nextScheduledSync(view: ScheduleView = getSchedule()): string | null {
  const times = [view.active.monthly ? view.nextRun : null, view.nextSync].filter(
    (t): t is string => t !== null,
  );
  // Same zone and form: the text order is the time order.
  return times.sort()[0] ?? null;
}

/** The connected PSA's own nightly sync hour (its descriptor), null when it has none or none is connected. */
function connectedPsaNightlyHour(): number | null {
  const psa = connectedPsaOrNull();
  return psa ? (psaConnector(psa.kind).nightlySyncHour ?? null) : null;
}

export function getSchedule(): ScheduleView {
  const schedule = readSchedule();
  const me = apiContext().email();
  const owner = readScheduleOwner()?.email ?? null;
  const yours = owner !== null && owner === me;
  // The runs are queued in the document; the owner's dispatcher runs them (another account's triggers
  // cannot be listed: Google shows each account only its own).
  const runs = owner === null ? { monthly: null, nightly: null } : scheduledRuns();
  const tz = activeSpreadsheet().getSpreadsheetTimeZone();
  const last = lastRun();
  const nightlyHour = connectedPsaNightlyHour();
  return {
    schedule,
    suggested: { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour },
    owner,
    yours,
    active: { monthly: runs.monthly !== null, nightly: runs.nightly !== null },
    nextRun: shownAt(runs.monthly, tz),
    nextSync: shownAt(runs.nightly, tz),
    lastRun: last,
    lastRunAt: last ? shownTime(last.at, tz) : null,
  };
}

/**
 * Refuses to change another account's active schedule: its runs happen under their account. A schedule
 * that queues no run (stopped, or a dispatcher kept only for a continuation) may be saved by any manager.
 */
function requireScheduleOwner(me: string, action: string): void {
  const owner = readScheduleOwner()?.email ?? null;
  const runs = scheduledRuns();
  if (owner !== null && owner !== me && (runs.monthly !== null || runs.nightly !== null)) {
    throw new SidebarError(
      `The schedule belongs to ${owner}: its runs happen under their account. Take over the schedule first, then ${action}.`,
    );
  }
}

/** The current user becomes the schedule owner with their own dispatcher (older triggers go). */
function becomeScheduleOwner(me: string): void {
  deleteTriggers('monthly');
  deleteTriggers('nightly');
  recordScheduleOwner(me);
  ensureDispatcher();
  // The new schedule owner's dispatcher records its runs in the Ledger; a previous one no longer may.
  protectLedger(activeSpreadsheet());
}

export function saveSchedule(input: unknown): ScheduleView {
  const me = requireManager(apiContext(), 'change the schedule');
  requireScheduleOwner(me, 'change it');
  const s = parseArg(scheduleSchema, input, 'Schedule');
  saveScheduleSettings(s);
  becomeScheduleOwner(me);
  queueSchedule(s);
  return getSchedule();
}

/**
 * Another admin takes the schedule over: its runs happen under their account from now on. The queued runs
 * stay as they are (a run due now is not skipped); the previous owner's dispatcher cannot be removed from
 * here: it does nothing and removes itself when it next fires.
 */
export function takeOverSchedule(): ScheduleView {
  const me = requireManager(apiContext(), 'take over the schedule');
  const s = readSchedule();
  if (!s) throw new SidebarError('There is no saved schedule to take over; save one instead.');
  becomeScheduleOwner(me);
  const runs = scheduledRuns();
  if (runs.monthly === null) queueSchedule(s);
  return getSchedule();
}

export function stopSchedule(): ScheduleView {
  requireManager(apiContext(), 'stop the schedule');
  unqueueSchedule();
  deleteTriggers('monthly');
  deleteTriggers('nightly');
  // Nothing else queued (no continuation): the dispatcher goes, and any other account's does nothing.
  stopDispatcherIfIdle();
  return getSchedule();
}

/**
 * The open sidebar keeps an interactive push (or pull) going: it calls this while one continues, and the
 * due continuation runs in this execution instead of waiting for a trigger. Scheduled runs are left to
 * the schedule owner's dispatcher.
 */
export function continueJobs(): { ran: boolean } {
  const ctx = apiContext();
  // A push's continuation writes the Ledger: it waits for an owner's or admin's sidebar, or the dispatcher.
  if (continuationWritesLedger() && !['owner', 'admin'].includes(roleOf(ctx))) return { ran: false };
  return { ran: runDueJobs({ only: 'one-off' }) !== null };
}
