/**
 * Hidden lookup tabs: the PSA's companies, products, contracts and codes as last read, feeding the
 * dropdowns of the grid and the mapping tabs. A dropdown value is a label "Name [id]" so that names can
 * repeat; a bare id typed by hand is accepted as well.
 */
import type {
  PsaCode,
  PsaCodeLists,
  PsaCompany,
  PsaContract,
  PsaContractKind,
  PsaProduct,
} from '../core/psa';
import { LATEST_INVOICE_RULES, type LatestInvoiceRule } from '../core/settings';
import { ensureSheet, ensureSize, readTable, writeBlock } from '../platform/spreadsheet';
import type { CellValue, Sheet, Spreadsheet, WriteValue } from '../platform/spreadsheet';
import { cellNumber, cellText, isBlank } from './cells';
import { locateColumns } from './columns';
import type { ColumnDef } from './columns';
import { PSA_CODES_TAB, PSA_COMPANIES_TAB, PSA_CONTRACTS_TAB, PSA_PRODUCTS_TAB } from './tabs';

export interface Lookups {
  companies: PsaCompany[];
  products: PsaProduct[];
  contracts: PsaContract[];
  codes: PsaCodeLists;
}

/** Fast look-ups by id, built once per read. */
export interface LookupIndex {
  companies: Map<string, PsaCompany>;
  products: Map<string, PsaProduct>;
  contracts: Map<string, PsaContract>;
}

export const indexLookups = (l: Lookups): LookupIndex => ({
  companies: new Map(l.companies.map((c) => [c.id, c])),
  products: new Map(l.products.map((p) => [p.id, p])),
  contracts: new Map(l.contracts.map((c) => [c.id, c])),
});

/** 'Acme Ltd [29683]'. */
export const labelOf = (name: string, id: string): string => `${name.trim() || id} [${id}]`;

const LABEL = /\[([^[\]]+)\]\s*$/;

/** The id in a dropdown label, or the text itself (a bare id typed by hand); '' for a blank cell. */
export function idOfLabel(v: unknown): string {
  const s = cellText(v).trim();
  const m = LABEL.exec(s);
  return m ? m[1].trim() : s;
}

const CODE_LISTS: { list: keyof PsaCodeLists; name: string }[] = [
  { list: 'incomeAccounts', name: 'Income account' },
  { list: 'expenseAccounts', name: 'Expense account' },
  { list: 'taxCodes', name: 'Tax code' },
  { list: 'itemCodes', name: 'Item code' },
  // Only on a PSA whose services take other codes than charges (#15 F2).
  { list: 'serviceCodes', name: 'Service code' },
];

const def = <Id extends string>(id: Id, header: string): ColumnDef<Id> => ({
  id,
  header,
  owner: 'billgrid',
  required: true,
});

const COMPANY_COLUMNS = [
  def('label', 'Company'),
  def('id', 'Id'),
  def('name', 'Name'),
  def('active', 'Active'),
  // Added later: a tab written before it reads as having no codes.
  { ...def('code', 'Code'), required: false },
];
const PRODUCT_COLUMNS = [
  def('label', 'Product'),
  def('id', 'Id'),
  def('name', 'Name'),
  def('code', 'Code'),
  def('unitPrice', 'Unit price'),
  def('unitCost', 'Unit cost'),
];
const CONTRACT_COLUMNS = [
  def('label', 'Contract'),
  def('id', 'Id'),
  def('companyId', 'Company id'),
  def('name', 'Name'),
  def('kind', 'Kind'),
  def('startDate', 'Start'),
  def('endDate', 'End'),
  // Added later (#16): the latest-invoice rules under which an invoice is its company's latest.
  { ...def('latestUnder', 'Latest under'), required: false },
];
const CODE_COLUMNS = [def('label', 'Code'), def('list', 'List'), def('id', 'Id'), def('name', 'Name')];

/** Replace a lookup tab's content (header + rows) and blank what is left below. */
export function replaceTab(ss: Spreadsheet, tab: string, header: string[], rows: WriteValue[][]): Sheet {
  const sheet = ensureSheet(ss, tab, { hidden: true });
  const before = sheet.getLastRow();
  // Spare rows so the dropdown ranges (rows 2..max) keep covering the list when it grows a little.
  ensureSize(sheet, Math.max(rows.length + 1, before, 200) + 1, header.length);
  const blanks = Math.max(before - rows.length - 1, 0);
  const filler: WriteValue[][] = Array.from({ length: blanks }, () => header.map(() => ''));
  writeBlock(sheet, 1, 1, [header, ...rows, ...filler]);
  return sheet;
}

const byName = (a: { name: string; id: string }, b: { name: string; id: string }): number =>
  a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function writeProducts(ss: Spreadsheet, products: readonly PsaProduct[]): void {
  replaceTab(
    ss,
    PSA_PRODUCTS_TAB,
    PRODUCT_COLUMNS.map((c) => c.header),
    [...products]
      .sort(byName)
      .map((p) => [labelOf(p.name, p.id), p.id, p.name, p.code, p.unitPrice ?? '', p.unitCost ?? '']),
  );
}

/**
 * Products found in the PSA since the lists were last read (one BillGrid created on a push): added to the
 * products tab so their mappings show a label and are not taken for products gone from the PSA.
 */
export function addLookupProducts(
  ss: Spreadsheet,
  known: Lookups | null,
  found: readonly PsaProduct[],
): void {
  const have = new Set((known?.products ?? []).map((p) => p.id));
  const fresh = found.filter((p) => !have.has(p.id));
  if (fresh.length) writeProducts(ss, [...(known?.products ?? []), ...fresh]);
}

/** Write all four lookup tabs: one setValues each. */
export function writeLookups(
  ss: Spreadsheet,
  companies: readonly PsaCompany[],
  products: readonly PsaProduct[],
  contracts: readonly PsaContract[],
  codes: PsaCodeLists,
): void {
  const companyName = new Map(companies.map((c) => [c.id, c.name]));
  replaceTab(
    ss,
    PSA_COMPANIES_TAB,
    COMPANY_COLUMNS.map((c) => c.header),
    [...companies].sort(byName).map((c) => [labelOf(c.name, c.id), c.id, c.name, c.active, c.code ?? '']),
  );
  writeProducts(ss, products);
  replaceTab(
    ss,
    PSA_CONTRACTS_TAB,
    CONTRACT_COLUMNS.map((c) => c.header),
    [...contracts]
      .sort(
        (a, b) =>
          (companyName.get(a.companyId) ?? '').localeCompare(companyName.get(b.companyId) ?? '') ||
          byName(a, b),
      )
      .map((c) => [
        contractLabel(c, companyName.get(c.companyId)),
        c.id,
        c.companyId,
        c.name,
        c.kind,
        c.startDate,
        c.endDate ?? '',
        c.latestUnder?.join(', ') ?? '',
      ]),
  );
  const codeRows: WriteValue[][] = [];
  for (const { list, name } of CODE_LISTS)
    for (const c of codes[list] ?? []) codeRows.push([labelOf(c.name, c.id), name, c.id, c.name]);
  replaceTab(
    ss,
    PSA_CODES_TAB,
    CODE_COLUMNS.map((c) => c.header),
    codeRows,
  );
}

/** Contracts are labelled with their company, since the grid's dropdown lists every contract. */
export const contractLabel = (c: PsaContract, companyName?: string): string =>
  labelOf(companyName ? `${c.name} (${companyName})` : c.name, c.id);

const KINDS: readonly PsaContractKind[] = [
  'recurring-service',
  'fixed-price',
  'recurring-invoice',
  'invoice',
];

export function readTab<Id extends string>(
  ss: Spreadsheet,
  tab: string,
  defs: readonly ColumnDef<Id>[],
): { get: (row: CellValue[], id: Id) => CellValue; rows: CellValue[][] } | null {
  const sheet = ss.getSheetByName(tab);
  if (!sheet) return null;
  const t = readTable(sheet);
  const { index } = locateColumns(tab, t.header, defs);
  const rows = t.rows.filter((r) => !isBlank(r[index.get(defs[1].id) as number]));
  return { get: (row, id) => row[index.get(id) as number], rows };
}

/** What the lookup tabs hold; null when the PSA lists were never loaded (no tab yet). `codes: false` skips the codes tab. */
export function readLookups(ss: Spreadsheet, options: { codes?: boolean } = {}): Lookups | null {
  const companies = readTab(ss, PSA_COMPANIES_TAB, COMPANY_COLUMNS);
  const products = readTab(ss, PSA_PRODUCTS_TAB, PRODUCT_COLUMNS);
  const contracts = readTab(ss, PSA_CONTRACTS_TAB, CONTRACT_COLUMNS);
  const codes = options.codes === false ? null : readTab(ss, PSA_CODES_TAB, CODE_COLUMNS);
  if (!companies && !products && !contracts) return null;
  const num = (v: unknown): number | null => {
    const n = cellNumber(v);
    return typeof n === 'number' ? n : null;
  };
  const codeLists: PsaCodeLists = { incomeAccounts: [], expenseAccounts: [], taxCodes: [], itemCodes: [] };
  for (const r of codes?.rows ?? []) {
    const which = CODE_LISTS.find((c) => c.name === cellText(codes?.get(r, 'list')));
    if (which)
      (codeLists[which.list] ??= []).push({
        id: cellText(codes?.get(r, 'id')),
        name: cellText(codes?.get(r, 'name')),
      } satisfies PsaCode);
  }
  return {
    companies: (companies?.rows ?? []).map((r) => {
      const code = cellText(companies?.get(r, 'code')).trim();
      return {
        id: cellText(companies?.get(r, 'id')),
        name: cellText(companies?.get(r, 'name')),
        active:
          companies?.get(r, 'active') !== false &&
          cellText(companies?.get(r, 'active')).toUpperCase() !== 'FALSE',
        ...(code ? { code } : {}),
      };
    }),
    products: (products?.rows ?? []).map((r) => ({
      id: cellText(products?.get(r, 'id')),
      name: cellText(products?.get(r, 'name')),
      code: cellText(products?.get(r, 'code')),
      unitPrice: num(products?.get(r, 'unitPrice')),
      unitCost: num(products?.get(r, 'unitCost')),
    })),
    contracts: (contracts?.rows ?? []).map((r) => {
      const kind = cellText(contracts?.get(r, 'kind')) as PsaContractKind;
      const end = cellText(contracts?.get(r, 'endDate'));
      const under = cellText(contracts?.get(r, 'latestUnder'))
        .split(',')
        .map((x) => x.trim())
        .filter((x): x is LatestInvoiceRule => (LATEST_INVOICE_RULES as readonly string[]).includes(x));
      return {
        id: cellText(contracts?.get(r, 'id')),
        companyId: cellText(contracts?.get(r, 'companyId')),
        name: cellText(contracts?.get(r, 'name')),
        kind: KINDS.includes(kind) ? kind : 'recurring-service',
        startDate: cellText(contracts?.get(r, 'startDate')),
        endDate: end || null,
        ...(under.length ? { latestUnder: under } : {}),
      };
    }),
    codes: codeLists,
  };
}

/** Labels to show for mapped ids (falls back to the bare id when the lookup does not know it). */
export interface Labeller {
  company(id: string | null | undefined): string;
  product(id: string | null | undefined): string;
  contract(id: string | null | undefined): string;
}

export function labeller(lookups: Lookups | null): Labeller {
  const ix = lookups ? indexLookups(lookups) : null;
  const companyNames = new Map((lookups?.companies ?? []).map((c) => [c.id, c.name]));
  return {
    company: (id) => {
      if (!id) return '';
      const c = ix?.companies.get(id);
      return c ? labelOf(c.name, c.id) : id;
    },
    product: (id) => {
      if (!id) return '';
      const p = ix?.products.get(id);
      return p ? labelOf(p.name, p.id) : id;
    },
    contract: (id) => {
      if (!id) return '';
      const c = ix?.contracts.get(id);
      return c ? contractLabel(c, companyNames.get(c.companyId)) : id;
    },
  };
}

/** The label column's data rows of a lookup tab: the source range of a dropdown. */
export function lookupRange(ss: Spreadsheet, tab: string): GoogleAppsScript.Spreadsheet.Range | null {
  const sheet = ss.getSheetByName(tab);
  if (!sheet) return null;
  return sheet.getRange(2, 1, Math.max(sheet.getMaxRows() - 1, 1), 1);
}
