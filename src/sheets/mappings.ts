/**
 * The mapping tabs (Clients, Products, Contracts): the single source of truth for mappings, editable by
 * hand. What the sidebar writes and what a person types are read back the same way, through core's
 * mapping schemas: a PSA cell may hold a dropdown label "Name [id]" or a bare id; a blank status on a
 * typed row means "manual".
 */
import type { ClientMapping, ContractMapping, Mappings, ProductMapping } from '../core/mapping';
import { parseClientMapping, parseContractMapping, parseProductMapping } from '../core/mapping';
import {
  dataColumn,
  dropdownRule,
  ensureSheet,
  listRule,
  readTable,
  writeColumns,
} from '../platform/spreadsheet';
import type { CellValue, Sheet, Spreadsheet, WriteValue } from '../platform/spreadsheet';
import { cellLower, cellNumber, cellText, isBlank } from './cells';
import { locateColumns } from './columns';
import type { ColumnDef } from './columns';
import { idOfLabel, indexLookups, labeller, lookupRange, readLookups } from './lookups';
import type { Labeller, Lookups } from './lookups';
import {
  CLIENTS_TAB,
  CONTRACTS_TAB,
  PRODUCTS_TAB,
  PSA_COMPANIES_TAB,
  PSA_CONTRACTS_TAB,
  PSA_PRODUCTS_TAB,
} from './tabs';

/** Mapping cells are typed by people: outer spaces never matter. */
const txt = (v: unknown): string => cellText(v).trim();

const def = <Id extends string>(id: Id, header: string, required = false): ColumnDef<Id> => ({
  id,
  header,
  owner: 'staff',
  required,
});

export const CLIENT_COLUMNS = [
  def('source', 'Source', true),
  def('customerId', 'Customer id', true),
  def('customerName', 'Customer name'),
  def('company', 'PSA company', true),
  def('status', 'Status'),
  def('score', 'Score'),
  def('overrides', 'Overrides'),
];
export const PRODUCT_COLUMNS = [
  def('source', 'Source', true),
  def('sku', 'Product/SKU', true),
  def('product', 'PSA product', true),
  def('status', 'Status'),
];
export const CONTRACT_COLUMNS = [
  def('source', 'Source', true),
  def('customerId', 'Customer id', true),
  def('subscriptionId', 'Subscription', true),
  def('contract', 'PSA contract', true),
  def('contractServiceId', 'Contract service id'),
  def('sync', 'Sync'),
  def('lastSync', 'Last sync'),
];

/** The Sync cell: blank or 'on' syncs; 'stopped' holds the row's lines (bill by hand). */
export const SYNC_STOPPED = 'stopped';

function syncInput(v: unknown): { ok: true; stopped: boolean } | { ok: false; message: string } {
  const s = cellLower(v ?? '');
  if (s === '' || s === 'on') return { ok: true, stopped: false };
  if (s === SYNC_STOPPED) return { ok: true, stopped: true };
  return { ok: false, message: `Sync '${txt(v)}' is not 'on' or '${SYNC_STOPPED}'` };
}

/** A Last sync cell as ISO time (Sheets turns typed or written times into dates). */
function lastSyncText(v: unknown): string | null {
  if (v instanceof Date) return v.toISOString();
  return txt(v) || null;
}

export interface MappingProblem {
  tab: string;
  rowNumber: number;
  /** 'invalid' rows are left out of the mappings; 'stale' and 'duplicate' rows are reported only. */
  kind: 'invalid' | 'stale' | 'duplicate';
  message: string;
}

export interface MappingsRead {
  mappings: Mappings;
  problems: MappingProblem[];
}

type Get<Id extends string> = (id: Id) => CellValue | undefined;

interface TabRows<Id extends string> {
  rows: { rowNumber: number; get: Get<Id> }[];
}

function readMappingTab<Id extends string>(
  ss: Spreadsheet,
  tab: string,
  defs: readonly ColumnDef<Id>[],
): TabRows<Id> {
  const sheet = ss.getSheetByName(tab);
  if (!sheet) return { rows: [] };
  const t = readTable(sheet);
  if (t.header.every((h) => h.trim() === '')) return { rows: [] };
  const { index } = locateColumns(tab, t.header, defs);
  const positions = [...index.values()];
  const rows: TabRows<Id>['rows'] = [];
  t.rows.forEach((r, i) => {
    if (positions.every((p) => isBlank(r[p]))) return;
    rows.push({
      rowNumber: i + 2,
      get: (id) => {
        const p = index.get(id);
        return p === undefined ? undefined : r[p];
      },
    });
  });
  return { rows };
}

function parseOverrides(v: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const s = txt(v);
  if (!s) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false, message: `Overrides '${s}' is not valid JSON (e.g. {"invoiceBehaviour":"new"})` };
  }
}

/** One Clients row as core's schema expects it. */
export function clientInput(get: Get<string>): { ok: true; value: unknown } | { ok: false; message: string } {
  const overrides = parseOverrides(get('overrides'));
  if (!overrides.ok) return overrides;
  const companyId = idOfLabel(get('company')) || null;
  const status = cellLower(get('status') ?? '');
  const score = cellNumber(get('score'));
  return {
    ok: true,
    value: {
      source: txt(get('source')),
      customerId: txt(get('customerId')),
      customerName: txt(get('customerName')),
      companyId,
      status: status === '' ? 'manual' : status,
      score: score === '' ? null : score,
      ...(overrides.value !== undefined ? { overrides: overrides.value } : {}),
    },
  };
}

const k = (...parts: string[]): string => parts.join('\u0000');

/** Read the three mapping tabs; bad rows are reported with tab and row and left out. */
export function readMappings(ss: Spreadsheet, lookups: Lookups | null = readLookups(ss)): MappingsRead {
  const problems: MappingProblem[] = [];
  const ix = lookups ? indexLookups(lookups) : null;
  const mappings: Mappings = { clients: [], products: [], contracts: [] };
  const firstRow = new Map<string, number>();
  const once = (tab: string, key: string, rowNumber: number, what: string): boolean => {
    const prev = firstRow.get(k(tab, key));
    if (prev === undefined) {
      firstRow.set(k(tab, key), rowNumber);
      return true;
    }
    problems.push({
      tab,
      rowNumber,
      kind: 'duplicate',
      message: `${tab} row ${rowNumber}: ${what} is already mapped on row ${prev}; row ${prev} is used`,
    });
    return false;
  };
  const invalid = (tab: string, rowNumber: number, message: string) =>
    problems.push({ tab, rowNumber, kind: 'invalid', message: `${tab} row ${rowNumber}: ${message}` });
  const stale = (tab: string, rowNumber: number, message: string) =>
    problems.push({ tab, rowNumber, kind: 'stale', message: `${tab} row ${rowNumber}: ${message}` });

  for (const { rowNumber, get } of readMappingTab(ss, CLIENTS_TAB, CLIENT_COLUMNS).rows) {
    const input = clientInput(get as Get<string>);
    const r = input.ok ? parseClientMapping(input.value) : input;
    if (!r.ok) {
      invalid(CLIENTS_TAB, rowNumber, r.message);
      continue;
    }
    const m = r.mapping;
    if (!once(CLIENTS_TAB, k(m.source, m.customerId), rowNumber, `${m.source} customer ${m.customerId}`))
      continue;
    if (m.companyId && ix?.companies.size && !ix.companies.has(m.companyId)) {
      stale(
        CLIENTS_TAB,
        rowNumber,
        `PSA company '${txt(get('company'))}' no longer exists in the PSA (not in ${PSA_COMPANIES_TAB}); map the customer again`,
      );
    }
    mappings.clients.push(m);
  }

  for (const { rowNumber, get } of readMappingTab(ss, PRODUCTS_TAB, PRODUCT_COLUMNS).rows) {
    const productId = idOfLabel(get('product'));
    const status = cellLower(get('status') ?? '');
    const r = parseProductMapping({
      source: txt(get('source')),
      sku: txt(get('sku')),
      productId,
      status: status === '' ? 'manual' : status,
    });
    if (!r.ok) {
      invalid(PRODUCTS_TAB, rowNumber, r.message);
      continue;
    }
    const m = r.mapping;
    if (!once(PRODUCTS_TAB, k(m.source, m.sku), rowNumber, `${m.source} product ${m.sku}`)) continue;
    if (ix?.products.size && !m.productId.startsWith('new:') && !ix.products.has(m.productId)) {
      stale(
        PRODUCTS_TAB,
        rowNumber,
        `PSA product '${txt(get('product'))}' no longer exists in the PSA (not in ${PSA_PRODUCTS_TAB}); map the product again`,
      );
    }
    mappings.products.push(m);
  }

  const companyOf = new Map(mappings.clients.map((c) => [k(c.source, c.customerId), c.companyId]));
  for (const { rowNumber, get } of readMappingTab(ss, CONTRACTS_TAB, CONTRACT_COLUMNS).rows) {
    const service = txt(get('contractServiceId'));
    const sync = syncInput(get('sync'));
    if (!sync.ok) {
      invalid(CONTRACTS_TAB, rowNumber, sync.message);
      continue;
    }
    const lastSync = lastSyncText(get('lastSync'));
    const r = parseContractMapping({
      source: txt(get('source')),
      customerId: txt(get('customerId')),
      subscriptionId: txt(get('subscriptionId')),
      contractId: idOfLabel(get('contract')),
      contractServiceId: service || null,
      ...(sync.stopped ? { syncStopped: true } : {}),
      ...(lastSync ? { lastSync } : {}),
    });
    if (!r.ok) {
      invalid(CONTRACTS_TAB, rowNumber, r.message);
      continue;
    }
    const m = r.mapping;
    const sub = m.subscriptionId ? `subscription ${m.subscriptionId}` : 'default contract';
    if (
      !once(
        CONTRACTS_TAB,
        k(m.source, m.customerId, m.subscriptionId),
        rowNumber,
        `${m.source} ${m.customerId} ${sub}`,
      )
    )
      continue;
    const contract = ix?.contracts.get(m.contractId);
    if (ix?.contracts.size && !contract) {
      stale(
        CONTRACTS_TAB,
        rowNumber,
        `PSA contract '${txt(get('contract'))}' no longer exists in the PSA (not in ${PSA_CONTRACTS_TAB}); map the contract again`,
      );
    } else if (contract) {
      const company = companyOf.get(k(m.source, m.customerId));
      if (company && contract.companyId !== company) {
        stale(
          CONTRACTS_TAB,
          rowNumber,
          `PSA contract '${txt(get('contract'))}' belongs to another PSA company than the one customer ${m.customerId} is mapped to`,
        );
      }
    }
    mappings.contracts.push(m);
  }
  return { mappings, problems };
}

// ---------------------------------------------------------------------------------------------------
// Writing

interface TabSpec<Id extends string, M> {
  tab: string;
  defs: readonly ColumnDef<Id>[];
  keyOf: (m: M) => string;
  keyOfRow: (get: Get<Id>) => string;
  cells: (m: M, labels: Labeller) => Record<Id, WriteValue>;
  order: (a: M, b: M) => number;
  format: (ss: Spreadsheet, sheet: Sheet, col: (id: Id) => number) => void;
}

const cmp = (a: string, b: string): number => a.localeCompare(b);

const CLIENT_SPEC: TabSpec<(typeof CLIENT_COLUMNS)[number]['id'], ClientMapping> = {
  tab: CLIENTS_TAB,
  defs: CLIENT_COLUMNS,
  keyOf: (m) => k(m.source, m.customerId),
  keyOfRow: (get) => k(txt(get('source')), txt(get('customerId'))),
  cells: (m, labels) => ({
    source: m.source,
    customerId: m.customerId,
    customerName: m.customerName,
    company: labels.company(m.companyId),
    status: m.status,
    score: m.score ?? '',
    overrides: m.overrides ? JSON.stringify(m.overrides) : '',
  }),
  order: (a, b) =>
    cmp(a.source, b.source) || cmp(a.customerName, b.customerName) || cmp(a.customerId, b.customerId),
  format: (ss, sheet, col) => {
    const companies = lookupRange(ss, PSA_COMPANIES_TAB);
    if (companies)
      dataColumn(sheet, col('company')).setDataValidation(dropdownRule(companies, 'Pick the PSA company'));
    dataColumn(sheet, col('status')).setDataValidation(
      listRule(
        ['auto', 'confirmed', 'manual', 'excluded'],
        'auto, confirmed, manual or excluded (do not invoice)',
      ),
    );
  },
};

const PRODUCT_SPEC: TabSpec<(typeof PRODUCT_COLUMNS)[number]['id'], ProductMapping> = {
  tab: PRODUCTS_TAB,
  defs: PRODUCT_COLUMNS,
  keyOf: (m) => k(m.source, m.sku),
  keyOfRow: (get) => k(txt(get('source')), txt(get('sku'))),
  cells: (m, labels) => ({
    source: m.source,
    sku: m.sku,
    product: labels.product(m.productId),
    status: m.status,
  }),
  order: (a, b) => cmp(a.source, b.source) || cmp(a.sku, b.sku),
  format: (ss, sheet, col) => {
    const products = lookupRange(ss, PSA_PRODUCTS_TAB);
    if (products)
      dataColumn(sheet, col('product')).setDataValidation(
        dropdownRule(products, 'Pick the PSA product/item'),
      );
    dataColumn(sheet, col('status')).setDataValidation(
      listRule(['auto', 'confirmed', 'manual'], 'auto, confirmed or manual'),
    );
  },
};

const CONTRACT_SPEC: TabSpec<(typeof CONTRACT_COLUMNS)[number]['id'], ContractMapping> = {
  tab: CONTRACTS_TAB,
  defs: CONTRACT_COLUMNS,
  keyOf: (m) => k(m.source, m.customerId, m.subscriptionId),
  keyOfRow: (get) => k(txt(get('source')), txt(get('customerId')), txt(get('subscriptionId'))),
  cells: (m, labels) => ({
    source: m.source,
    customerId: m.customerId,
    subscriptionId: m.subscriptionId,
    contract: labels.contract(m.contractId),
    contractServiceId: m.contractServiceId ?? '',
    sync: m.syncStopped ? SYNC_STOPPED : '',
    lastSync: m.lastSync ? new Date(m.lastSync) : '',
  }),
  order: (a, b) =>
    cmp(a.source, b.source) || cmp(a.customerId, b.customerId) || cmp(a.subscriptionId, b.subscriptionId),
  format: (ss, sheet, col) => {
    const contracts = lookupRange(ss, PSA_CONTRACTS_TAB);
    if (contracts)
      dataColumn(sheet, col('contract')).setDataValidation(dropdownRule(contracts, 'Pick the PSA contract'));
    dataColumn(sheet, col('sync')).setDataValidation(
      listRule(['on', SYNC_STOPPED], `blank or on: BillGrid syncs; ${SYNC_STOPPED}: bill by hand`),
    );
  },
};

/**
 * Upsert (default) or replace the rows of one mapping tab, by mapping key: existing rows are updated in
 * place (staff's own columns and row order survive), new ones appended; in 'replace' mode rows whose key
 * is not in the list are blanked (rows that have no readable key are left alone).
 */
function writeTab<Id extends string, M>(
  ss: Spreadsheet,
  spec: TabSpec<Id, M>,
  list: readonly M[],
  labels: Labeller,
  mode: 'upsert' | 'replace',
): void {
  const sheet = ensureSheet(ss, spec.tab);
  const t = readTable(sheet, { formulas: true });
  const fresh = t.header.every((h) => h.trim() === '');
  const header = fresh ? [] : t.header.slice();
  const { index } = fresh
    ? { index: new Map<Id, number>() }
    : locateColumns(spec.tab, header, spec.defs, { allowMissing: true });
  for (const d of spec.defs) {
    if (!index.has(d.id)) {
      index.set(d.id, header.length);
      header.push(d.header);
    }
  }
  const wanted = new Map(list.map((m) => [spec.keyOf(m), m]));
  const out: Record<Id, WriteValue>[] = [];
  const placed = new Set<string>();
  t.rows.forEach((r, i) => {
    const get: Get<Id> = (id) => r[index.get(id) as number];
    const kept = {} as Record<Id, WriteValue>;
    for (const d of spec.defs) {
      const p = index.get(d.id) as number;
      const f = t.formulas?.[i]?.[p];
      kept[d.id] = f ? { formula: f } : (r[p] ?? '');
    }
    const key = spec.keyOfRow(get);
    const m = wanted.get(key);
    if (m && !placed.has(key)) {
      placed.add(key);
      out.push(spec.cells(m, labels));
    } else if (mode === 'replace' && !m && key.split('\u0000').some(Boolean)) {
      const blank = {} as Record<Id, WriteValue>;
      for (const d of spec.defs) blank[d.id] = '';
      out.push(blank);
    } else out.push(kept);
  });
  const added = list.filter((m) => !placed.has(spec.keyOf(m))).sort(spec.order);
  for (const m of added) out.push(spec.cells(m, labels));

  const firstNew = fresh ? 0 : t.header.length;
  if (header.length > firstNew) {
    const cols = new Map<number, WriteValue[]>();
    for (let c = firstNew; c < header.length; c++) cols.set(c + 1, [header[c]]);
    writeColumns(sheet, 1, cols);
  }
  if (out.length) {
    const cols = new Map<number, WriteValue[]>();
    for (const d of spec.defs)
      cols.set(
        (index.get(d.id) as number) + 1,
        out.map((row) => row[d.id]),
      );
    writeColumns(sheet, 2, cols);
  }
  if (fresh) {
    sheet.setFrozenRows(1);
    sheet.getRange(1, 1, 1, header.length).setFontWeight('bold');
  }
  spec.format(ss, sheet, (id) => (index.get(id) as number) + 1);
}

export interface WriteMappingsOptions {
  /** 'upsert' (default): update or add the given rows, keep the rest; 'replace': the tab holds exactly these. */
  mode?: 'upsert' | 'replace';
  /** Lookups for the dropdown labels; read from the lookup tabs when omitted. */
  lookups?: Lookups | null;
}

/** Write the given mapping lists into their tabs (one read and one write per tab). */
export function writeMappings(
  ss: Spreadsheet,
  mappings: Partial<Mappings>,
  options: WriteMappingsOptions = {},
): void {
  const labels = labeller(options.lookups === undefined ? readLookups(ss) : options.lookups);
  const mode = options.mode ?? 'upsert';
  if (mappings.clients) writeTab(ss, CLIENT_SPEC, mappings.clients, labels, mode);
  if (mappings.products) writeTab(ss, PRODUCT_SPEC, mappings.products, labels, mode);
  if (mappings.contracts) writeTab(ss, CONTRACT_SPEC, mappings.contracts, labels, mode);
}

/** Blanks the rows `drop` picks (other rows, formulas and staff columns untouched); returns how many. */
function blankRows<Id extends string, M>(
  ss: Spreadsheet,
  spec: TabSpec<Id, M>,
  drop: (get: Get<Id>) => boolean,
): number {
  const sheet = ss.getSheetByName(spec.tab);
  if (!sheet) return 0;
  const t = readTable(sheet, { formulas: true });
  if (t.header.every((h) => h.trim() === '')) return 0;
  const { index } = locateColumns(spec.tab, t.header, spec.defs, { allowMissing: true });
  const cols = new Map<number, WriteValue[]>();
  for (const p of index.values()) {
    cols.set(
      p + 1,
      t.rows.map((r, i) => {
        const f = t.formulas?.[i]?.[p];
        return f ? { formula: f } : (r[p] ?? '');
      }),
    );
  }
  let n = 0;
  t.rows.forEach((r, i) => {
    const get: Get<Id> = (id) => {
      const p = index.get(id);
      return p === undefined ? undefined : r[p];
    };
    if (!drop(get)) return;
    n++;
    for (const values of cols.values()) values[i] = '';
  });
  if (n) writeColumns(sheet, 2, cols);
  return n;
}

/**
 * Unassign customers (a person in the sidebar): their Clients rows and their contract links are blanked,
 * so they are unmapped again. Returns the number of Clients rows removed.
 */
export function removeClientMappings(
  ss: Spreadsheet,
  customers: readonly { source: string; customerId: string }[],
): number {
  const keys = new Set(customers.map((c) => k(c.source, c.customerId)));
  const byCustomer = (get: Get<'source' | 'customerId'>) =>
    keys.has(k(txt(get('source')), txt(get('customerId'))));
  const n = blankRows(ss, CLIENT_SPEC, byCustomer);
  blankRows(ss, CONTRACT_SPEC, byCustomer);
  return n;
}

/** Forget SKU mappings (the product lifecycle mode applies to them again). Returns rows removed. */
export function removeProductMappings(
  ss: Spreadsheet,
  products: readonly { source: string; sku: string }[],
): number {
  const keys = new Set(products.map((p) => k(p.source, p.sku)));
  return blankRows(ss, PRODUCT_SPEC, (get) => keys.has(k(txt(get('source')), txt(get('sku')))));
}

/** A line's identity as the Contracts tab keys it. */
export interface SyncedLine {
  source: string;
  customerId: string;
  subscriptionId: string;
}

/**
 * Stamp "Last sync" on the Contracts rows the given lines went through (their subscription's own row, else
 * the customer's default row): one read and, when a row matched, one write of that column.
 */
export function recordLastSync(ss: Spreadsheet, lines: readonly SyncedLine[], at: Date): number {
  if (!lines.length) return 0;
  const sheet = ss.getSheetByName(CONTRACTS_TAB);
  if (!sheet) return 0;
  const t = readTable(sheet);
  if (t.header.every((h) => h.trim() === '')) return 0;
  const { index } = locateColumns(CONTRACTS_TAB, t.header, CONTRACT_COLUMNS, { allowMissing: true });
  const [src, cust, sub] = (['source', 'customerId', 'subscriptionId'] as const).map((id) => index.get(id));
  if (src === undefined || cust === undefined || sub === undefined) return 0;
  const rowOf = new Map<string, number>();
  t.rows.forEach((r, i) => {
    const key = k(txt(r[src]), txt(r[cust]), txt(r[sub]));
    if (!rowOf.has(key)) rowOf.set(key, i);
  });
  const hit = new Set<number>();
  for (const l of lines) {
    const i =
      rowOf.get(k(l.source, l.customerId, l.subscriptionId)) ?? rowOf.get(k(l.source, l.customerId, ''));
    if (i !== undefined) hit.add(i);
  }
  if (!hit.size) return 0;
  let col = index.get('lastSync');
  if (col === undefined) {
    col = t.header.length;
    writeColumns(sheet, 1, new Map([[col + 1, ['Last sync']]]));
  }
  const c = col;
  const values: WriteValue[] = t.rows.map((r, i) => (hit.has(i) ? at : (r[c] ?? '')));
  writeColumns(sheet, 2, new Map([[c + 1, values]]));
  return hit.size;
}
