/**
 * The billing month's three steps — pull, reconcile, push — as plain functions over a spreadsheet, the
 * configured connectors and the settings. Locks, checkpoints and triggers are added by run.ts.
 */
import { z } from 'zod';
import { ledgerChain } from './ledger-guard';
import { parseRawBillingLine } from '../core/billing-line';
import type { BillingLine, RawBillingLine } from '../core/billing-line';
import { assignLineKeys } from '../core/line-key';
import { MappingIndex, lineSettingsResolver, mappingGapsOf } from '../core/mapping';
import type { Mappings, ProductMapping } from '../core/mapping';
import { manualModeGate } from '../core/manual-mode';
import type { ManualModeGate } from '../core/manual-mode';
import { COLLAPSED_AZURE_SKU, applyModifiers } from '../core/modifiers';
import type { ModifierResult } from '../core/modifiers';
import { billingMonthOf, billingPeriod } from '../core/periods';
import type { PsaProduct, PsaReadScope } from '../core/psa';
import { monthReadScope } from '../core/read-scope';
import { buildPushPlan, stepKey } from '../core/push-plan';
import type { PushPlan } from '../core/push-plan';
import { reconcile } from '../core/reconcile';
import type { ReconcileAction, ReconcileResult } from '../core/reconcile';
import type { BillingSettings } from '../core/settings';
import { NothingForPeriod, type BillingSource } from '../core/source';
import { annualContractRule, mappingTargetResolver, withDisabledIntegrations } from '../core/targets';
import { withContractStartChecks, type ContractStartProblem } from '../core/contract-start';
import { withContractOwnerChecks } from '../core/contract-owner';
import { withDefaultCodeChecks } from '../core/default-codes';
import type { Spreadsheet, TableRead } from '../platform/spreadsheet';
import { stagedItemsTab, type StagedItems } from '../platform/stored-rows';
import { DailyQuotaError, isDailyQuota } from '../platform/quota';
import {
  markHeldRows,
  validateGrid,
  WAITING_PREFIX,
  writeMonth,
  writeReconciliation,
  writeStatuses,
} from '../sheets/grid';
import type { LineResult, WriteLimit } from '../sheets/grid';
import { LedgerAppender, ledgerLineKeys } from '../sheets/ledger';
import { addLookupProducts, readLookups } from '../sheets/lookups';
import type { Lookups } from '../sheets/lookups';
import { readMappings, recordLastSync, writeMappings } from '../sheets/mappings';
import type { SyncedLine } from '../sheets/mappings';
import { rowMappingOverrides, withRowOverrides } from '../sheets/overrides';
import type { GridRead } from '../sheets/validate';
import { keyUnbillable, valuesOf } from '../core/unbillable';
import type { UnbillableRecord } from '../core/unbillable';
import { disabledIntegrations, sourceNames } from './connections';
import type { ConnectedPsa } from './connections';
import { AutoCreateNeeds } from './auto-created';
import { executePlan } from './execute';
import type { Journal, JournalEntry } from './ledger';

export interface PullSummary {
  month: string;
  tab: string;
  lines: number;
  added: number;
  updated: number;
  removed: number;
  dropped: number;
  collapsed: number;
  /** Records the sources sent that cannot be billed: a row each, with the reason in Status. */
  unbillable: number;
  /** Problems to show the user: failed sources/customers, malformed records, mapping tab rows. */
  problems: string[];
  /**
   * Said once per pull, not problems: an integration with nothing for this month (a file-fed integration
   * with no file imported for it), whose rows were left as they are.
   */
  notes?: string[];
  /** `skipped`: the source had nothing for this month (see notes); its rows were left as they are. */
  sources: { id: string; name: string; lines: number; ok: boolean; skipped?: boolean }[];
  /** The comparison with the PSA: done in the same run, continuing from a trigger, or failed. */
  comparison?: 'done' | 'continuing' | 'failed' | 'skipped';
  /** Rows written so far when the tab was too large to write in one execution (the rest continues). */
  rowsWritten?: number;
}

/**
 * What a pull holds in memory once it has written the tab: the tab's contents (null when a formula makes
 * them unknowable), the lookup lists and the mappings. The comparison or push that follows in the same
 * execution plans from these instead of reading 3 million cells back.
 */
export interface MonthContext {
  table: TableRead | null;
  lookups: Lookups | null;
  mappings: Mappings;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Pull every source for the month, apply the modifiers and merge the month's tab. */
export function pullMonth(
  ss: Spreadsheet,
  month: string,
  sources: readonly BillingSource[],
  settings: BillingSettings,
): PullSummary {
  return pullMonthInMemory(ss, month, sources, settings).summary;
}

/**
 * pullMonth, also handing back what it holds in memory (see MonthContext). With a write limit, a tab too
 * large for the execution is written in part (`complete` false): pulling again continues the write.
 */
/** Every source failed: nothing to merge (the nightly sync tells "not billed yet" apart from a failure). */
export class NothingPulledError extends Error {
  /** `failures`: sources whose read failed (the others had nothing for the month). */
  constructor(
    message: string,
    readonly failures = 0,
  ) {
    super(message);
    this.name = 'NothingPulledError';
  }
}

export function pullMonthInMemory(
  ss: Spreadsheet,
  month: string,
  sources: readonly BillingSource[],
  settings: BillingSettings,
  /** Sources not pulled this time (another integration pulled alone, or disabled): their rows stay as they are. */
  untouched: readonly string[] = [],
  limit?: WriteLimit,
  /**
   * The run this pull belongs to. When the tab is too large to write in this execution, what the sources
   * gave is kept under the run's id (a hidden tab), and with `resume` a continuation of the same run writes
   * from it instead of fetching every source again. Kept lines that cannot be read back are fetched again.
   */
  staging?: { runId: string; resume: boolean },
): { summary: PullSummary; context: MonthContext; complete: boolean } {
  const store = staging ? stagedItemsTab(ss, stagedPullTab(month)) : null;
  const kept = staging?.resume && store ? readStagedPull(store, staging.runId, sources) : null;
  const fetched = kept ?? fetchSources(ss, month, sources);
  const { raw, unbillable, notes, perSource, incomplete } = fetched;
  // Appended to below (keys, mappings): the kept copy stays as the sources said it.
  const problems = fetched.problems.slice();
  const failed = perSource.filter((s) => !s.ok);
  const skipped = perSource.filter((s) => s.skipped);
  if (perSource.length > 0 && failed.length + skipped.length === perSource.length) {
    // Nothing to merge: writing an empty pull would mark every line "Removed at source".
    throw new NothingPulledError(`Nothing was pulled: ${[...problems, ...notes].join('; ')}`, failed.length);
  }
  const keyed = assignLineKeys(raw);
  for (const d of keyed.duplicates) {
    const name = sources.find((s) => s.id === d.source)?.displayName ?? d.source;
    problems.push(
      `${name} — ${d.customerName || d.customerId}: record ${d.recordId} came ${d.count} times in this pull; it is one charge and has one row`,
    );
  }
  for (const c of keyed.collisions) {
    problems.push(
      `${c.count} identical charges share key ${c.key}; they were numbered so each stays its own row`,
    );
  }
  const lookups = readLookups(ss);
  let mappingsRead = readMappings(ss, lookups);
  const newProducts = sameCodeProducts(keyed.lines, mappingsRead.mappings, lookups?.products ?? []);
  if (newProducts.length > 0) {
    writeMappings(ss, { products: newProducts }, { lookups });
    mappingsRead = readMappings(ss, lookups);
  }
  for (const p of mappingsRead.problems) problems.push(`${p.tab} row ${p.rowNumber}: ${p.message}`);
  const modifiers = applyModifiersFor(keyed.lines, mappingsRead.mappings, settings);
  const gridLines = [...keyed.lines, ...modifiers.collapsed.map((c) => c.line)];
  const mappingIndex = new MappingIndex(mappingsRead.mappings);
  const settingsOf = lineSettingsResolver(settings, mappingIndex);
  const annualContract = annualContractRule(lookups?.contracts ?? []);
  const written = writeMonth(
    ss,
    month,
    gridLines,
    {
      mappings: mappingsRead.mappings,
      lookups,
      keepSources: [...failed.map((s) => s.id), ...skipped.map((s) => s.id), ...incomplete, ...untouched],
      unbillable: keyUnbillable(unbillable, new Set(keyed.lines.map((l) => l.key))),
      billingMonthOf: (line) => billingMonthOf(line, settingsOf(line).arrearsMode),
      ruleContractOf: (line) => {
        const companyId = mappingIndex.client(line.source, line.customerId)?.companyId;
        if (!companyId) return undefined;
        const mapped = mappingIndex.contract(line.source, line.customerId, line.subscriptionId);
        return annualContract(line, companyId, settingsOf(line), mapped);
      },
    },
    limit,
  );
  if (store && staging) {
    // Kept for the continuation that writes the rest; gone once the tab is whole.
    if (!written.complete) {
      if (!kept) store.write(staging.runId, stagedPullItems(fetched));
    } else store.remove();
  }
  const summary: PullSummary = {
    month,
    tab: written.tab,
    lines: written.rows,
    added: written.added.length,
    updated: written.updated.length,
    removed: written.removed.length,
    dropped: modifiers.dropped.length,
    collapsed: modifiers.collapsed.length,
    unbillable: written.unbillable.length,
    problems,
    ...(notes.length > 0 ? { notes } : {}),
    sources: perSource,
  };
  if (!written.complete) summary.rowsWritten = written.rowsWritten;
  return {
    summary,
    context: { table: written.table, lookups, mappings: mappingsRead.mappings },
    complete: written.complete,
  };
}

/** What the sources gave for the month: the lines, the records that cannot be billed, and what to tell. */
interface Fetched {
  raw: RawBillingLine[];
  unbillable: UnbillableRecord[];
  problems: string[];
  notes: string[];
  perSource: PullSummary['sources'];
  /** Sources that could not read some customers: their lines missing from this pull are kept as they are. */
  incomplete: string[];
}

function fetchSources(ss: Spreadsheet, month: string, sources: readonly BillingSource[]): Fetched {
  const period = billingPeriod(month, ss.getSpreadsheetTimeZone());
  const raw: RawBillingLine[] = [];
  const unbillable: UnbillableRecord[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  const perSource: PullSummary['sources'] = [];
  const incomplete: string[] = [];
  for (const source of sources) {
    let lines = 0;
    try {
      const r = source.pullPeriod(period);
      // The account's daily quota ran out (a customer's read failed with it): nothing more can be read
      // today, so the pull stops here and continues the next day rather than writing a partial month.
      const quota = r.problems.find((p) => isDailyQuota(p.message));
      if (quota) throw new DailyQuotaError(quota.message);
      // A customer that could not be read (a problem naming the customer, not one record), or nothing
      // but problems, says nothing about what is still charged: marking its lines removed would be wrong.
      if (
        r.problems.some((p) => p.customerId && !p.recordId) ||
        (r.lines.length === 0 && r.problems.length > 0)
      ) {
        incomplete.push(source.id);
      }
      for (const line of r.lines) {
        const parsed = parseRawBillingLine(line);
        if (parsed.ok) {
          raw.push(parsed.line);
          lines++;
        } else {
          const who = line.customerName || line.customerId || 'unknown customer';
          problems.push(
            `${source.displayName}: a charge for ${who} (${line.sku || 'no SKU'}) cannot be billed: ${parsed.message}`,
          );
          unbillable.push({ source: source.id, values: valuesOf(line), reason: parsed.message });
        }
      }
      for (const p of r.problems) {
        const who = p.customerName ?? p.customerId;
        const record = p.recordId && !p.message.includes(p.recordId) ? ` (record ${p.recordId})` : '';
        problems.push(`${source.displayName}${who ? ` — ${who}` : ''}${record}: ${p.message}`);
        if (p.values) {
          const values = {
            ...p.values,
            ...(p.customerId && p.values.customerId === undefined ? { customerId: p.customerId } : {}),
            ...(p.customerName && p.values.customerName === undefined
              ? { customerName: p.customerName }
              : {}),
            ...(p.recordId && p.values.recordId === undefined ? { recordId: p.recordId } : {}),
          };
          unbillable.push({
            source: source.id,
            values,
            reason: p.message,
            ...(p.preview ? { preview: true } : {}),
          });
        }
      }
      if (incomplete.includes(source.id)) {
        problems.push(
          `${source.displayName}: not everything could be read, so no ${source.displayName} line was marked "Removed at source" this time; pull again later`,
        );
      }
      perSource.push({ id: source.id, name: source.displayName, lines, ok: true });
    } catch (err) {
      if (isDailyQuota(err)) throw err instanceof DailyQuotaError ? err : new DailyQuotaError(errorText(err));
      if (err instanceof NothingForPeriod) {
        notes.push(`${source.displayName}: ${err.message}`);
        perSource.push({ id: source.id, name: source.displayName, lines: 0, ok: true, skipped: true });
        continue;
      }
      problems.push(`${source.displayName}: ${errorText(err)}`);
      perSource.push({ id: source.id, name: source.displayName, lines: 0, ok: false });
    }
  }
  return { raw, unbillable, problems, notes, perSource, incomplete };
}

/** The hidden tab holding what a pull too large for one execution fetched, until it has written it all. */
export const stagedPullTab = (month: string): string => `BillGrid pull in progress ${month}`;

const stagedHeadSchema = z.lazy(() =>
  z.object({
    problems: z.array(z.string()),
    notes: z.array(z.string()),
    perSource: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        lines: z.number(),
        ok: z.boolean(),
        skipped: z.boolean().optional(),
      }),
    ),
    incomplete: z.array(z.string()),
  }),
);
const stagedUnbillableSchema = z.lazy(() =>
  z.object({
    source: z.string(),
    values: z.record(z.string(), z.union([z.string(), z.number()])),
    reason: z.string(),
    preview: z.boolean().optional(),
  }),
);
const stagedItemSchema = z.lazy(() =>
  z.union([
    z.tuple([z.literal('h'), z.unknown()]),
    z.tuple([z.literal('l'), z.unknown()]),
    z.tuple([z.literal('u'), z.unknown()]),
  ]),
);

/** What the sources gave, as the items kept between executions: a head, then a line or record each. */
function stagedPullItems(f: Fetched): string[] {
  const head = { problems: f.problems, notes: f.notes, perSource: f.perSource, incomplete: f.incomplete };
  return [
    JSON.stringify(['h', head]),
    ...f.raw.map((l) => JSON.stringify(['l', l])),
    ...f.unbillable.map((u) => JSON.stringify(['u', u])),
  ];
}

/**
 * What an earlier execution of run `runId` kept, checked like any input from a cell (every line parsed
 * again); null when there is nothing, it is another run's, it was pulled from other sources, or any item
 * fails: the caller then fetches the sources again.
 */
function readStagedPull(
  store: StagedItems,
  runId: string,
  sources: readonly BillingSource[],
): Fetched | null {
  const items = store.read(runId);
  if (!items || items.length === 0) return null;
  let head: z.infer<typeof stagedHeadSchema> | null = null;
  const raw: RawBillingLine[] = [];
  const unbillable: UnbillableRecord[] = [];
  for (const text of items) {
    let item: z.infer<typeof stagedItemSchema>;
    try {
      const r = stagedItemSchema.safeParse(JSON.parse(text));
      if (!r.success) return null;
      item = r.data;
    } catch {
      return null;
    }
    if (item[0] === 'l') {
      const parsed = parseRawBillingLine(item[1]);
      if (!parsed.ok) return null;
      raw.push(parsed.line);
    } else if (item[0] === 'u') {
      const r = stagedUnbillableSchema.safeParse(item[1]);
      if (!r.success) return null;
      unbillable.push(r.data);
    } else {
      if (head) return null;
      const r = stagedHeadSchema.safeParse(item[1]);
      if (!r.success) return null;
      head = r.data;
    }
  }
  if (!head) return null;
  const ids = head.perSource.map((s) => s.id);
  if (ids.length !== sources.length || sources.some((s, i) => s.id !== ids[i])) return null;
  return { raw, unbillable, ...head };
}

/** SKUs seen in the pull with no mapping yet, for which the PSA has a product with that exact code. */
function sameCodeProducts(
  lines: readonly BillingLine[],
  mappings: Mappings,
  products: readonly PsaProduct[],
): ProductMapping[] {
  const byCode = new Map<string, PsaProduct>();
  for (const p of products) if (p.code.trim()) byCode.set(p.code.trim().toUpperCase(), p);
  const index = new MappingIndex(mappings);
  const out = new Map<string, ProductMapping>();
  for (const l of lines) {
    const k = `${l.source}\u0000${l.sku}`;
    if (out.has(k) || index.product(l.source, l.sku)) continue;
    const p = byCode.get(l.sku.trim().toUpperCase());
    if (p) out.set(k, { source: l.source, sku: l.sku, productId: p.id, status: 'auto' });
  }
  return [...out.values()];
}

function applyModifiersFor(
  lines: readonly BillingLine[],
  mappings: Mappings,
  settings: BillingSettings,
): ModifierResult {
  return applyModifiers(lines, lineSettingsResolver(settings, new MappingIndex(mappings)));
}

export interface MonthPlan {
  grid: GridRead;
  reconciliation: ReconcileResult;
  /** Linked contracts whose start date would make the PSA refuse or prorate (their rows are refused). */
  contractStarts: ContractStartProblem[];
  /** Messages for lines that modifiers folded into another line. */
  collapsedInto: Map<string, string>;
  /** Seed 002's "Mapping Settings Incomplete" of the contract service each line reaches, by line key. */
  mappingGaps: Map<string, string>;
  /**
   * Rows held because the contract they would be pushed to belongs to another PSA company than their
   * customer's (or shares a contract service with such a row), by line key: the reason, as in Status.
   */
  held: Map<string, string>;
}

/**
 * How old a PSA read may be for a comparison that only shows or approves (Review, approval, dry run), where
 * the connector keeps its reads (PsaReadScope.recentReadsMs). A pull's comparison, "compare again" and every
 * push read the PSA now.
 */
export const SHOW_OR_APPROVE_READS_MS = 10 * 60_000;

export interface PlanOptions {
  /** See SHOW_OR_APPROVE_READS_MS; absent: the PSA is read now. */
  recentReadsMs?: number;
  /** A push's continuation: when the push began (PsaReadScope.pushBeganAt). */
  pushBeganAt?: number;
  /**
   * Line keys a push may have sent without its rows showing it (Journal.unrecordedKeys): given, the
   * scope says which keys no push has sent (`unsentKeys`); absent or null, nothing is claimed.
   */
  pendingKeys?: ReadonlySet<string> | null;
}

/**
 * A row's Status that may follow a send (any text but a push's "Waiting: …", written only for a step
 * that sent nothing; the journal and the Ledger hold every step that may have been sent).
 */
const saysSent = (status: string): boolean => {
  const s = status.trim();
  return s !== '' && !s.startsWith(WAITING_PREFIX.trim());
};

/**
 * Line keys a push may have sent without the month's rows showing it: the journal's (null when a push was
 * cut off while sending) and every key on the Ledger, so a row whose Status and PSA reference staff cleared
 * after its push is never taken for one no push has sent.
 */
export function keysMaybeSent(ss: Spreadsheet, journal: Journal): Set<string> | null {
  const unrecorded = journal.unrecordedKeys();
  if (!unrecorded) return null;
  const recorded = ledgerLineKeys(ss);
  if (!recorded) return null;
  for (const k of recorded) unrecorded.add(k);
  return unrecorded;
}

/**
 * Read the month's tab and the PSA, and reconcile: what the PSA has now against what the rows say.
 * Collapsed Azure rows are derived, so they are rebuilt from the Azure rows each time. `known` is what a
 * pull in the same execution already holds (the tab it just wrote, the lookups and mappings it read).
 */
export function planMonth(
  ss: Spreadsheet,
  month: string,
  psa: ConnectedPsa,
  settings: BillingSettings,
  known?: MonthContext,
  options: PlanOptions = {},
): MonthPlan {
  const lookups = known ? known.lookups : readLookups(ss);
  let mappings = known ? known.mappings : readMappings(ss, lookups).mappings;
  const grid = validateGrid(ss, month, { lookups, table: known?.table });
  const lines = grid.rows.filter((r) => r.line.sku !== COLLAPSED_AZURE_SKU).map((r) => r.line);
  const modifiers = applyModifiersFor(lines, mappings, settings);
  const contractList = lookups?.contracts ?? [];
  const overrides = rowMappingOverrides(grid.rows);
  // Rows of a disabled integration are held whatever else would happen to them (core/targets.ts).
  const off = disabledIntegrations();
  const disabled = new Map<string, string>();
  if (off.length) {
    const names = sourceNames();
    for (const id of off) disabled.set(id, names[id] ?? id);
  }
  // Only rows that may be pushed count towards a contract's start problem (Review lists it with their number).
  const startChecked = disabled.size
    ? modifiers.lines.filter((l) => !disabled.has(l.source))
    : modifiers.lines;
  // Rebuilt when products are found below: the start checks hold each line's resolution.
  const companyName = new Map((lookups?.companies ?? []).map((c) => [c.id, c.name]));
  const checkedResolver = () =>
    withContractStartChecks(
      withContractOwnerChecks(
        withDefaultCodeChecks(
          withRowOverrides(mappingTargetResolver(mappings, settings, contractList), overrides),
          lookups?.codes ?? null,
        ),
        contractList,
        (id) => companyName.get(id) ?? id,
      ),
      startChecked,
      contractList,
      psa.capabilities,
    );
  let checked = checkedResolver();
  let resolver = withDisabledIntegrations(checked.resolver, disabled);
  const autoCreate = new AutoCreateNeeds();
  // What earlier pushes recorded per row (the PSA reference): lets a PSA that may not keep the line key
  // on its records still recognise them.
  const knownIds: Record<string, string> = {};
  for (const r of grid.rows) if (r.psaReference) knownIds[r.key] = r.psaReference;
  // Keys no push has sent (no reference, no Status but a push's "Waiting", not in the journal or Ledger): a
  // PSA may read less for them. Only rows of the tab count (a derived line, e.g. collapsed, has no Status
  // of its own: never 'unsent').
  const pendingKeys = options.pendingKeys;
  const scope: PsaReadScope = {
    ...monthReadScope({
      period: billingPeriod(month, ss.getSpreadsheetTimeZone()),
      lines: modifiers.lines,
      resolver,
      capabilities: psa.capabilities,
      knownIds,
      ...(pendingKeys
        ? {
            neverSent: grid.rows
              .filter((r) => !r.psaReference && !saysSent(r.status) && !pendingKeys.has(r.key))
              .map((r) => r.key),
          }
        : {}),
      onResolved: (line, r) => autoCreate.add(line, r.productId),
    }),
    ...(options.recentReadsMs ? { recentReadsMs: options.recentReadsMs } : {}),
    ...(options.pushBeganAt !== undefined ? { pushBeganAt: options.pushBeganAt } : {}),
  };
  // Products created by an earlier push (or since by hand) are named by their PSA id from here on, as the
  // PSA's state names them; the scope does not depend on the product.
  const found = autoCreate.found(psa.target);
  if (found.mappings.length) {
    addLookupProducts(ss, lookups, found.products);
    writeMappings(ss, { products: found.mappings }, { lookups: withProducts(lookups, found.products) });
    mappings = { ...mappings, products: [...mappings.products, ...found.mappings] };
    checked = checkedResolver();
    resolver = withDisabledIntegrations(checked.resolver, disabled);
  }
  const state = psa.target.readBilling(scope);
  const reconciliation = reconcile({
    lines: modifiers.lines,
    dropped: modifiers.dropped,
    state,
    resolver,
    capabilities: psa.capabilities,
    psaCurrency: null,
    held: [
      ...grid.unbillable.map((r) => ({ ...r.charge, message: `Row ${r.rowNumber}: ${r.status}` })),
      ...grid.invalid.map((r) => ({
        ...r.charge,
        message: `Row ${r.rowNumber} needs fixing (${r.message})`,
      })),
    ],
  });
  const collapsedInto = new Map<string, string>();
  for (const c of modifiers.collapsed) for (const k of c.from) collapsedInto.set(k, c.line.key);
  // Rows held because their contract is another company's say so in Status until the mapping is fixed.
  const held = new Map<string, string>();
  for (const r of grid.rows) {
    const a = reconciliation.byLine.get(collapsedInto.get(r.key) ?? r.key);
    if (a?.action === 'blocked' && a.reason === 'contract-company') held.set(r.key, a.message);
  }
  markHeldRows(ss, month, grid.rows, held);
  let names: Record<string, string> | undefined;
  const mappingGaps = mappingGapsOf(
    grid.rows.map((r) => r.line),
    mappings,
    { contracts: contractList, companies: lookups?.companies ?? [] },
    (source) => (names ??= sourceNames())[source] ?? source,
  );
  return { grid, reconciliation, collapsedInto, contractStarts: checked.problems, mappingGaps, held };
}

const withProducts = (l: Lookups | null, products: readonly PsaProduct[]): Lookups | null =>
  l && { ...l, products: [...l.products, ...products.filter((p) => !l.products.some((q) => q.id === p.id))] };

/** Reconcile and show the result in the grid (PSA quantity now, Difference, Action). */
export function reconcileMonth(
  ss: Spreadsheet,
  month: string,
  psa: ConnectedPsa,
  settings: BillingSettings,
  known?: MonthContext,
  pendingKeys?: ReadonlySet<string> | null,
): { plan: MonthPlan; counts: Record<string, number> } {
  const plan = planMonth(ss, month, psa, settings, known, { pendingKeys });
  const byLine = new Map<string, ReconcileAction>(plan.reconciliation.byLine);
  for (const [from, into] of plan.collapsedInto) {
    byLine.set(from, {
      action: 'none',
      ref: null,
      lineKeys: [from],
      psaId: null,
      before: null,
      after: null,
      reason: null,
      codes: null,
      message: `Collapsed into ${into}`,
    });
  }
  // The row says so too: a service whose mapping is incomplete still syncs what it can.
  for (const [key, gap] of plan.mappingGaps) {
    const a = byLine.get(key);
    if (a && a.action !== 'blocked') byLine.set(key, { ...a, message: `${a.message} · ⚠ ${gap}` });
  }
  writeReconciliation(ss, month, byLine);
  const counts: Record<string, number> = {};
  for (const a of plan.reconciliation.actions) counts[a.action] = (counts[a.action] ?? 0) + 1;
  return { plan, counts };
}

export interface PushSummary {
  month: string;
  runId: string;
  finished: boolean;
  steps: number;
  applied: number;
  unchanged: number;
  failed: number;
  skipped: number;
  invalidRows: number;
  /** Set when nothing was pushed because products must be mapped by hand first (manual mode). */
  refused?: ManualModeGate;
  /** The account's daily Apps Script quota ran out: the push continues when it renews (a day later). */
  dailyQuota?: boolean;
}

export interface PushOptions {
  runId: string;
  user: string;
  journal: Journal;
  hasTime: () => boolean;
  /** Dry run: build the plan, send nothing. */
  dryRun?: boolean;
  onStep?: (done: number, total: number) => void;
  /** What a pull earlier in this execution holds (see planMonth). */
  known?: MonthContext;
  /** Steps sent together: the PSA's own size (or 100) unless an admin set `bg.pushBatchSize`. */
  batchSize?: number;
  /**
   * Set on a continuation of a push: when the push began. A PSA that keeps its reads may then plan from
   * what this push read and wrote (PsaReadScope.pushBeganAt); every write still reads its entity first.
   */
  pushBeganAt?: number;
  /**
   * "Sync now" of one contract service (seed 002's on-demand sync): only the approved rows of this
   * subscription (its Contracts row) and the rows that go to the same PSA records with them are pushed.
   */
  only?: SyncedLine;
}

/**
 * The line keys one contract service's push may send: the month's rows of that subscription (the
 * customer's rows without a Contracts row of their own for ''), and every row reconciled into the same
 * PSA record with them (e.g. two module organisations summed into one contract service), so its quantity
 * is pushed whole, never partly.
 */
export function serviceLineKeys(monthPlan: MonthPlan, only: SyncedLine, mappings?: Mappings): Set<string> {
  const index = mappings ? new MappingIndex(mappings) : null;
  const mine = (l: BillingLine): boolean => {
    if (l.source !== only.source || l.customerId !== only.customerId) return false;
    if (only.subscriptionId !== '') return l.subscriptionId === only.subscriptionId;
    // The customer's default row: its rows that have no Contracts row of their own.
    const own = index?.contract(l.source, l.customerId, l.subscriptionId);
    return !own || own.subscriptionId === '';
  };
  const seeds = new Set<string>();
  for (const r of monthPlan.grid.rows) {
    if (!mine(r.line)) continue;
    seeds.add(r.key);
    const into = monthPlan.collapsedInto.get(r.key);
    if (into) seeds.add(into);
  }
  const keys = new Set<string>();
  for (const a of monthPlan.reconciliation.actions) {
    if (a.lineKeys.some((k) => seeds.has(k))) for (const k of a.lineKeys) keys.add(k);
  }
  for (const k of seeds) keys.add(k);
  for (const [from, into] of monthPlan.collapsedInto) if (keys.has(into)) keys.add(from);
  return keys;
}

/**
 * Beyond this a quantity or amount is a slip of the keyboard, not a bill (a cell reading 1e308 is a valid
 * number): such a row is not pushed, and its Status says why.
 */
export const MAX_BILLABLE = 1e9;

/** Why a row's values are too large to send to a PSA; null when they are not. */
export function tooLargeToBill(line: BillingLine): string | null {
  const values: [string, number][] = [
    ['Quantity', line.quantity],
    ['Unit price', line.unitPrice],
    ['Unit cost', line.unitCost],
    ['Total', line.total],
  ];
  for (const [label, v] of values) {
    if (Math.abs(v) > MAX_BILLABLE) {
      return `${label} ${v} is too large to bill (more than ${MAX_BILLABLE.toLocaleString('en-US')}); check the cell`;
    }
  }
  return null;
}

/** Approved rows whose line keys the plan may push: valid, approved, not removed, not absurdly large. */
/** Manual product mode: the products that hold the whole push back (see core/manual-mode.ts). */
export function manualModeGateOf(
  monthPlan: MonthPlan,
  approved: ReadonlySet<string> = approvedKeys(monthPlan.grid),
): ManualModeGate | null {
  const lineOf = new Map(monthPlan.grid.rows.map((r) => [r.key, r.line]));
  return manualModeGate(monthPlan.reconciliation.actions, approved, (k) => lineOf.get(k));
}

/** Every approved row says why it was not pushed: its own product, or the others'. */
function refusedStatuses(
  monthPlan: MonthPlan,
  gate: ManualModeGate,
  approved: ReadonlySet<string>,
): Map<string, LineResult> {
  const own = new Map<string, string>();
  for (const a of monthPlan.reconciliation.actions) {
    if (a.action === 'blocked' && a.reason === 'manual-product')
      for (const k of a.lineKeys) own.set(k, a.message);
  }
  const others =
    `not pushed: ${gate.productsToMap.length} product(s) of approved lines must be mapped first ` +
    '(product mode: reconcile by hand)';
  const out = new Map<string, LineResult>();
  for (const k of approved) {
    out.set(k, { status: 'skipped', message: own.get(k) ?? others });
  }
  return out;
}

export function approvedKeys(grid: GridRead): Set<string> {
  return new Set(grid.rows.filter((r) => r.approved && !tooLargeToBill(r.line)).map((r) => r.key));
}

/**
 * Push the approved rows: plan from a fresh read of the PSA, apply convergently, then write each
 * row's Status and PSA reference and append the run's steps to the Ledger tab, each in one batch.
 */
export function pushMonth(
  ss: Spreadsheet,
  month: string,
  psa: ConnectedPsa,
  settings: BillingSettings,
  opts: PushOptions,
): { summary: PushSummary; plan: PushPlan } {
  const monthPlan = planMonth(ss, month, psa, settings, opts.known, {
    pendingKeys: keysMaybeSent(ss, opts.journal),
    ...(opts.pushBeganAt !== undefined ? { pushBeganAt: opts.pushBeganAt } : {}),
  });
  // One contract service's sync pushes only its rows (and those summed with them); else every approved row.
  const service = opts.only
    ? serviceLineKeys(monthPlan, opts.only, opts.known?.mappings ?? readMappings(ss).mappings)
    : null;
  const approved = new Set([...approvedKeys(monthPlan.grid)].filter((k) => !service || service.has(k)));
  const built = buildPushPlan(monthPlan.reconciliation.actions, approved, psa.capabilities.chargeContainer);
  // Rows of other services are not this sync's to report as "not approved".
  const plan = service
    ? { ...built, skipped: built.skipped.filter((x) => x.lineKeys.some((k) => service.has(k))) }
    : built;
  const sourceOf = new Map(monthPlan.grid.rows.map((r) => [r.key, r.line.source]));
  const names = plan.steps.length ? sourceNames() : {};
  for (const step of plan.steps) {
    const id = sourceOf.get(step.lineKeys[0]);
    if (id) step.source = names[id] ?? id;
  }
  const summary: PushSummary = {
    month,
    runId: opts.runId,
    finished: true,
    steps: plan.steps.length,
    applied: 0,
    unchanged: 0,
    failed: 0,
    skipped: plan.skipped.length,
    invalidRows: monthPlan.grid.invalid.length,
  };
  const gate = manualModeGateOf(monthPlan, approved);
  if (gate) {
    summary.refused = gate;
    summary.steps = 0;
    if (!opts.dryRun) writeStatuses(ss, month, refusedStatuses(monthPlan, gate, approved));
    return { summary, plan: { groups: [], steps: [], skipped: plan.skipped } };
  }
  if (opts.dryRun) return { summary, plan };

  const results = new Map<string, LineResult>();
  // Pending journal entries from an interrupted run: the read above already shows whether they landed (a
  // continuation's kept reads never hold an entity whose write was under way: pushBeganAt); those whose
  // target now needs nothing are confirmed, never re-sent.
  // The plan's keys are hashed only when there are such entries to look up.
  const pendingEntries = opts.journal.pending();
  const inPlan = new Set(pendingEntries.length ? plan.steps.map(stepKey) : []);
  for (const e of pendingEntries) {
    if (inPlan.has(e.idempotencyKey)) continue;
    opts.journal.write({ ...e, result: 'verified', message: 'Found in the PSA on resume; nothing re-sent' });
  }
  const ledger = new LedgerAppender(ss, ledgerChain());
  const toLedger = (entries: JournalEntry[]) => ledger.append(entries);
  if (plan.steps.length) opts.journal.beginSending(opts.runId);
  const done = executePlan(plan.steps, psa.target, opts.journal, {
    runId: opts.runId,
    user: opts.user,
    chargeContainer: psa.capabilities.chargeContainer,
    hasTime: opts.hasTime,
    batchSize: opts.batchSize ?? psa.target.pushBatchSize,
    onStep: opts.onStep,
    flushJournal: () => opts.journal.flush(toLedger),
  });
  for (const [k, r] of done.byLine) results.set(k, r);
  for (const s of plan.skipped) {
    if (s.reason === 'partly-approved') {
      for (const k of s.lineKeys) results.set(k, { status: 'skipped', message: s.message });
    }
  }
  for (const r of monthPlan.grid.rows) {
    const tooLarge = r.approved && (!service || service.has(r.key)) ? tooLargeToBill(r.line) : null;
    if (tooLarge) results.set(r.key, { status: 'skipped', message: tooLarge });
  }
  for (const a of monthPlan.reconciliation.actions) {
    for (const k of a.lineKeys) {
      if (!approved.has(k) || results.has(k)) continue;
      // A row held for its contract's company keeps that reason in Status (planMonth wrote it).
      if (a.action === 'blocked' && a.reason !== 'contract-company')
        results.set(k, { status: 'skipped', message: a.message });
      // Already as approved in the PSA (e.g. landed in a run that was cut off): say so, replacing any
      // stale "Failed" from that run.
      else if (a.action === 'none' && a.psaId) {
        const grouped = a.ref?.kind === 'charge' && a.ref.lineKey !== k ? a.ref.lineKey : null;
        const message = grouped
          ? `already in the PSA, in grouped charge ${grouped} (${a.lineKeys.length} lines)`
          : 'already in the PSA';
        results.set(k, { status: 'unchanged', psaId: a.psaId, message });
      }
    }
  }
  writeStatuses(ss, month, results);
  const lineOf = new Map(monthPlan.grid.rows.map((r) => [r.key, r.line]));
  const synced: BillingLine[] = [];
  for (const [k, r] of results) {
    const line = lineOf.get(k);
    if (line && (r.status === 'applied' || r.status === 'unchanged')) synced.push(line);
  }
  recordLastSync(ss, synced, new Date());
  opts.journal.flush(toLedger);
  // Every row now shows what this push sent (writeStatuses above).
  if (plan.steps.length) opts.journal.doneSending();
  summary.finished = done.finished;
  if (done.dailyQuota) summary.dailyQuota = true;
  summary.applied = done.applied;
  summary.unchanged = done.unchanged;
  summary.failed = done.failed;
  return { summary, plan };
}
