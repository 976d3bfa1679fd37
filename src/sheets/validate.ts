/**
 * Validation of a grid tab as people left it: every row is parsed with core's BillingLine schema plus the
 * grid's own rules (line key present, unique and still matching the row; Approved a checkbox; mapping cells
 * known to the PSA). A bad row gets ONE readable message and is never pushable; other rows are unaffected.
 */
import { parseBillingLine } from '../core/billing-line';
import type { BillingLine } from '../core/billing-line';
import { LINE_KEY_PATTERN, keyOf, lineIdentity } from '../core/line-key';
import { AUTO_CREATE_PRODUCT_PREFIX } from '../core/targets';
import type { CellValue } from '../platform/spreadsheet';
import {
  cellCheckbox,
  cellDate,
  cellLower,
  cellNumber,
  cellText,
  cellUpper,
  isBlank,
  localIsoDate,
  sameCell,
} from './cells';
import type { DateText } from './cells';
import { GRID_COLUMNS, OVERRIDE_COLUMNS } from './columns';
import type { GridColumnId } from './columns';
import { idOfLabel } from './lookups';
import type { LookupIndex } from './lookups';
import { REMOVED_STATUS, isUnbillableRow, parseSnapshot } from './merge';

/** A valid, pushable-if-approved row. */
export interface GridRow {
  /** 1-based row number in the tab (header is row 1). */
  rowNumber: number;
  key: string;
  /** The line as the row now says (staff overrides included). */
  line: BillingLine;
  approved: boolean;
  /** PSA ids in the row's mapping cells; null where blank. */
  mapping: { companyId: string | null; contractId: string | null; productId: string | null };
  /** Override columns whose cell differs from what the last pull wrote: staff edits. */
  overridden: GridColumnId[];
  status: string;
  psaReference: string;
  note: string;
}

/** Who and what a row that cannot be pushed charges, as its cells say (for the targets it shares). */
export interface RowCharge {
  source: string;
  customerId: string;
  sku: string;
}

export interface InvalidRow {
  rowNumber: number;
  key: string;
  message: string;
  charge: RowCharge;
}

export interface RemovedRow {
  rowNumber: number;
  key: string;
}

export interface UnbillableRow {
  rowNumber: number;
  key: string;
  /** The Status cell: "Cannot be billed: <why>". */
  status: string;
  charge: RowCharge;
}

export interface GridRead {
  rows: GridRow[];
  invalid: InvalidRow[];
  /** Lines marked "Removed at source": shown, never pushed. */
  removed: RemovedRow[];
  /** Records the source sent that cannot be billed: shown, never approved or pushed. */
  unbillable: UnbillableRow[];
}

/** Prefix of a validation message in the Status cell (highlighted; cleared when the row is fixed). */
export const INVALID_MARK = '⚠ ';

export type RowCells = (id: GridColumnId) => CellValue | undefined;

const MISSING_KEY =
  'Line key is missing: a row typed by hand cannot be pushed; add the charge at the source and pull again';

const KNOWN_IDS = GRID_COLUMNS.map((c) => c.id);

/** The row's cells shaped for core's schema (numbers from text, dates from date cells, canonical case). */
export function lineInput(get: RowCells, dateText: DateText = localIsoDate): Record<string, unknown> {
  const text = (id: GridColumnId) => cellText(get(id), dateText);
  const tags = text('tags');
  const recordId = text('recordId');
  const evidence = text('evidence');
  return {
    key: text('key'),
    source: text('source'),
    customerId: text('customerId'),
    customerName: text('customerName'),
    subscriptionId: text('subscriptionId'),
    sku: text('sku'),
    productName: text('productName'),
    description: text('description'),
    periodStart: cellDate(get('periodStart'), dateText),
    periodEnd: cellDate(get('periodEnd'), dateText),
    cycle: cellLower(get('cycle') ?? ''),
    chargeType: cellLower(get('chargeType') ?? ''),
    quantity: cellNumber(get('quantity')),
    unitCost: cellNumber(get('unitCost')),
    unitPrice: cellNumber(get('unitPrice')),
    total: cellNumber(get('total')),
    currency: cellUpper(get('currency') ?? ''),
    effectiveDate: cellDate(get('effectiveDate'), dateText),
    orderId: text('orderId'),
    ...(recordId ? { recordId } : {}),
    ...(evidence ? { evidence } : {}),
    ...(tags
      ? {
          tags: tags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        }
      : {}),
  };
}

/** The key still matches the row's identity (allowing the ordinal of a repeated identical charge). */
function keyMatches(key: string, identity: string, repeats: number): boolean {
  for (let n = 1; n <= repeats + 16; n++) if (keyOf(identity, n) === key) return true;
  return false;
}

function mappingProblem(
  get: RowCells,
  lookups: LookupIndex | null,
): { message: string } | { ids: GridRow['mapping'] } {
  const companyCell = cellText(get('psaCompany'));
  const contractCell = cellText(get('psaContract'));
  const productCell = cellText(get('psaProduct'));
  const ids = {
    companyId: idOfLabel(companyCell) || null,
    contractId: idOfLabel(contractCell) || null,
    productId: idOfLabel(productCell) || null,
  };
  if (lookups) {
    if (ids.companyId && lookups.companies.size && !lookups.companies.has(ids.companyId)) {
      return {
        message: `PSA company '${companyCell}' is not in the PSA's company list; pick one from the dropdown`,
      };
    }
    const contract = ids.contractId ? lookups.contracts.get(ids.contractId) : undefined;
    if (ids.contractId && lookups.contracts.size && !contract) {
      return {
        message: `PSA contract '${contractCell}' is not in the PSA's contract list; pick one from the dropdown`,
      };
    }
    if (contract && ids.companyId && contract.companyId !== ids.companyId) {
      return {
        message: `PSA contract '${contractCell}' belongs to another PSA company than '${companyCell}'`,
      };
    }
    if (
      ids.productId &&
      lookups.products.size &&
      !ids.productId.startsWith(AUTO_CREATE_PRODUCT_PREFIX) &&
      !lookups.products.has(ids.productId)
    ) {
      return {
        message: `PSA service/item '${productCell}' is not in the PSA's product list; pick one from the dropdown`,
      };
    }
  }
  return { ids };
}

/**
 * Validate the data rows of a grid tab. `rows[i]` is sheet row i + 2; `index` maps column ids to 0-based
 * positions. Blank rows are skipped silently.
 */
export function validateRows(
  rows: readonly CellValue[][],
  index: ReadonlyMap<GridColumnId, number>,
  options: { lookups?: LookupIndex | null; dateText?: DateText } = {},
): GridRead {
  const dateText = options.dateText ?? localIsoDate;
  const lookups = options.lookups ?? null;
  const out: GridRead = { rows: [], invalid: [], removed: [], unbillable: [] };
  const known = KNOWN_IDS.filter((id) => index.has(id)).map((id) => index.get(id) as number);

  // Rows per key, to report every copy of a duplicated key.
  const rowsOfKey = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const k = cellText(r[index.get('key') as number]).trim();
    if (!k) return;
    const list = rowsOfKey.get(k);
    if (list) list.push(i + 2);
    else rowsOfKey.set(k, [i + 2]);
  });

  type Pending = {
    rowNumber: number;
    key: string;
    line: BillingLine;
    get: RowCells;
    identity: string;
    snap: ReturnType<typeof parseSnapshot>;
    charge: RowCharge;
  };
  const pending: Pending[] = [];
  const identityCount = new Map<string, number>();

  rows.forEach((r, i) => {
    const rowNumber = i + 2;
    if (known.every((c) => isBlank(r[c]))) return;
    const get: RowCells = (id) => {
      const c = index.get(id);
      return c === undefined ? undefined : r[c];
    };
    const key = cellText(get('key')).trim();
    const snap = parseSnapshot(get('pulled'));
    const charge: RowCharge = {
      source: cellText(get('source')).trim(),
      customerId: cellText(get('customerId')).trim(),
      sku: cellText(get('sku')).trim(),
    };
    if (snap?.r === 1 || cellText(get('status')).startsWith(REMOVED_STATUS)) {
      out.removed.push({ rowNumber, key });
      return;
    }
    if (isUnbillableRow(snap, get('status'))) {
      out.unbillable.push({ rowNumber, key, status: cellText(get('status')), charge });
      return;
    }
    const bad = (message: string) => out.invalid.push({ rowNumber, key, message, charge });
    if (!key) return bad(MISSING_KEY);
    if (!LINE_KEY_PATTERN.test(key)) {
      return bad(`Line key '${key}' is not a BillGrid line key (BG- and 16 hex digits); undo the edit`);
    }
    const copies = rowsOfKey.get(key) as number[];
    if (copies.length > 1) {
      const others = copies.filter((n) => n !== rowNumber);
      return bad(
        `Line key ${key} also appears on row${others.length > 1 ? 's' : ''} ${others.join(', ')}; delete the copied row`,
      );
    }
    const parsed = parseBillingLine(lineInput(get, dateText));
    if (!parsed.ok) return bad(parsed.message);
    const identity = lineIdentity(parsed.line);
    identityCount.set(identity, (identityCount.get(identity) ?? 0) + 1);
    pending.push({ rowNumber, key, line: parsed.line, get, identity, snap, charge });
  });

  for (const p of pending) {
    const bad = (message: string) =>
      out.invalid.push({ rowNumber: p.rowNumber, key: p.key, message, charge: p.charge });
    if (!keyMatches(p.key, p.identity, identityCount.get(p.identity) ?? 1)) {
      bad(
        `Line key ${p.key} does not match this row's source, customer id, subscription, product/SKU, charge type ` +
          `and period: one of them (or the key) was edited; undo the edit or pull the month again`,
      );
      continue;
    }
    const approved = cellCheckbox(p.get('approved'));
    if (approved === null) {
      bad('Approved must be a checkbox (TRUE/FALSE)');
      continue;
    }
    const mapping = mappingProblem(p.get, lookups);
    if ('message' in mapping) {
      bad(mapping.message);
      continue;
    }
    const snap = p.snap;
    const overridden = snap
      ? OVERRIDE_COLUMNS.filter((id) => {
          const was = snap.v[id];
          return was !== undefined && !sameCell(p.get(id) ?? '', was);
        })
      : [];
    out.rows.push({
      rowNumber: p.rowNumber,
      key: p.key,
      line: p.line,
      approved,
      mapping: mapping.ids,
      overridden,
      status: cellText(p.get('status')),
      psaReference: cellText(p.get('psaReference')),
      note: cellText(p.get('note')),
    });
  }
  out.invalid.sort((a, b) => a.rowNumber - b.rowNumber);
  return out;
}
