/**
 * The Ledger tab (P44): append-only history of every push step. Appending reads the header row and the
 * last row once and writes all entries in one setValues, whatever their number.
 */
import { z } from 'zod';
import { extendChain } from '../core/ledger-chain';
import type { ChainAnchor, Digest } from '../core/ledger-chain';
import { ensureSheet, protectWithWarning, readTable, writeColumns } from '../platform/spreadsheet';
import type { Sheet, Spreadsheet, WriteValue } from '../platform/spreadsheet';
import { cellText, isBlank } from './cells';
import { locateColumns } from './columns';
import type { ColumnDef } from './columns';
import { readColumns, readHeader } from './read-columns';
import { LEDGER_TAB } from './tabs';
import { instantOfZoned, zonedTimestamp } from '../core/periods';

export interface LedgerEntry {
  /**
   * ISO instant of the step. The Time cell shows it in the spreadsheet's time zone with the offset
   * ('2026-11-05 09:12:03.000 +13:00', core/periods zonedTimestamp); readLedger gives the ISO instant back.
   */
  time: string;
  runId: string;
  user: string;
  /** The line keys the step served (several for a quantity target). */
  lineKeys: string[];
  /** e.g. 'company:C1/contract:K7'. */
  entity: string;
  psaId: string | null;
  operation: string;
  before: unknown;
  after: unknown;
  /** e.g. 'planned', 'applied', 'unchanged', 'failed'. */
  result: string;
  message: string;
  idempotencyKey: string;
}

const def = <Id extends string>(id: Id, header: string): ColumnDef<Id> => ({
  id,
  header,
  owner: 'billgrid',
  required: true,
});

export const LEDGER_COLUMNS = [
  def('time', 'Time'),
  def('runId', 'Run id'),
  def('user', 'User'),
  def('lineKeys', 'Line key'),
  def('entity', 'PSA entity'),
  def('psaId', 'PSA id'),
  def('operation', 'Operation'),
  def('before', 'Before'),
  def('after', 'After'),
  def('result', 'Result'),
  def('message', 'Message'),
  def('idempotencyKey', 'Idempotency key'),
];

/** The chain hash beside each row (src/core/ledger-chain.ts); added to an older Ledger on first use. */
export const CHAIN_COLUMN: ColumnDef<'chain'> = {
  id: 'chain',
  header: 'Chain',
  owner: 'billgrid',
  required: false,
};

type LedgerId = (typeof LEDGER_COLUMNS)[number]['id'];

/**
 * Where the chain continues from and where it ended after an append: the anchor BillGrid keeps where
 * editors cannot write (src/jobs/ledger-guard.ts).
 */
export interface LedgerChain {
  digest: Digest;
  head(): ChainAnchor;
  moved(anchor: ChainAnchor): void;
  /** Protects a new Ledger tab so that only BillGrid's owner, admins and schedule owner can write it. */
  protect?(sheet: Sheet): void;
}

/** The warning-only protection BillGrid set on the Ledger before it protected it for its writers. */
export const LEDGER_WARNING = 'BillGrid ledger: history of pushes, append-only';

const json = (v: unknown): string => (v === null || v === undefined ? '' : JSON.stringify(v));

/** The Ledger tab and where each column is, as found by the first append of an execution. */
interface LedgerLayout {
  sheet: Sheet;
  index: Map<LedgerId, number>;
  /** The Chain column (0-based). */
  chain: number;
  /** The first empty row when the layout was read. */
  nextRow: number;
  /** The spreadsheet's time zone, in which the Time column is shown. */
  timeZone: string;
}

function ledgerLayout(ss: Spreadsheet, protect: ((sheet: Sheet) => void) | undefined): LedgerLayout {
  const existed = ss.getSheetByName(LEDGER_TAB) !== null;
  const sheet = ensureSheet(ss, LEDGER_TAB);
  const lastRow = sheet.getLastRow();
  const lastCol = Math.max(sheet.getLastColumn(), 1);
  const header =
    lastRow > 0
      ? sheet
          .getRange(1, 1, 1, lastCol)
          .getValues()[0]
          .map((h) => String(h))
      : [];
  const index = new Map<LedgerId, number>();
  if (header.every((h) => h.trim() === '')) {
    header.length = 0;
    LEDGER_COLUMNS.forEach((d, i) => {
      index.set(d.id, i);
      header.push(d.header);
    });
    header.push(CHAIN_COLUMN.header);
    writeColumns(sheet, 1, new Map(header.map((h, i) => [i + 1, [h]])));
    sheet.setFrozenRows(1);
  } else {
    for (const [id, i] of locateColumns(LEDGER_TAB, header, LEDGER_COLUMNS).index) index.set(id, i);
  }
  const chain = ensureChainColumn(sheet, header);
  // An existing tab's protection is kept in step by the push's own check (jobs/ledger-writers.ts).
  if (!existed) {
    if (protect) protect(sheet);
    else protectWithWarning(sheet, null, LEDGER_WARNING);
  }
  return { sheet, index, chain, nextRow: Math.max(lastRow, 1) + 1, timeZone: ss.getSpreadsheetTimeZone() };
}

/** The Chain column's index, its header written after the last column when an older Ledger lacks it. */
function ensureChainColumn(sheet: Sheet, header: string[]): number {
  const { index } = locateColumns(LEDGER_TAB, header, [CHAIN_COLUMN]);
  const found = index.get('chain');
  if (found !== undefined) return found;
  const at = header.length;
  writeColumns(sheet, 1, new Map([[at + 1, [CHAIN_COLUMN.header]]]));
  header.push(CHAIN_COLUMN.header);
  return at;
}

/**
 * A row's cells as written and as the chain hashes them: BillGrid's columns in their defined order, as
 * text (the Time cell in the spreadsheet's time zone, as shown).
 */
function entryCells(e: LedgerEntry, timeZone: string): string[] {
  return [
    zonedTimestamp(e.time, timeZone),
    e.runId,
    e.user,
    e.lineKeys.join(', '),
    e.entity,
    e.psaId ?? '',
    e.operation,
    json(e.before),
    json(e.after),
    e.result,
    e.message,
    e.idempotencyKey,
  ];
}

/**
 * Appends at the bottom of the Ledger tab (created on first use, and protected for its writers through
 * `chain.protect`; with a warning only when there is no chain). The tab and
 * its header are looked up on the first append only: a push moves its journal here many times in one
 * execution, and each later append costs just the last row and one setValues.
 */
export class LedgerAppender {
  private layout: LedgerLayout | null = null;
  /** The chain's head, read on the first append (the appender's execution holds the document lock). */
  private head: ChainAnchor | null = null;

  /** `chain`: where the hash chain continues (null only in tests of the layout itself). */
  constructor(
    private readonly ss: Spreadsheet,
    private readonly chain: LedgerChain | null = null,
  ) {}

  append(entries: readonly LedgerEntry[]): void {
    if (entries.length === 0) return;
    let first: number;
    if (this.layout) first = Math.max(this.layout.sheet.getLastRow(), 1) + 1;
    else {
      this.layout = ledgerLayout(this.ss, this.chain?.protect);
      first = this.layout.nextRow;
    }
    const { sheet, index, timeZone } = this.layout;
    const cells = entries.map((e) => entryCells(e, timeZone));
    const cols = new Map<number, WriteValue[]>();
    LEDGER_COLUMNS.forEach((d, i) =>
      cols.set(
        (index.get(d.id) as number) + 1,
        cells.map((c) => c[i]),
      ),
    );
    if (this.chain && this.head === null) this.head = this.chain.head();
    const head = this.head;
    const hashes = head && this.chain ? extendChain(this.chain.digest, head.hash, cells) : null;
    if (hashes) cols.set(this.layout.chain + 1, hashes);
    writeColumns(sheet, first, cols);
    if (head && hashes && this.chain) {
      this.head = { rows: head.rows + entries.length, hash: hashes[hashes.length - 1] };
      this.chain.moved(this.head);
    }
  }
}

/** Append entries at the bottom of the Ledger tab (one-off; a push keeps a LedgerAppender). */
export function appendLedger(
  ss: Spreadsheet,
  entries: readonly LedgerEntry[],
  chain: LedgerChain | null = null,
): void {
  new LedgerAppender(ss, chain).append(entries);
}

/** Every data row of the Ledger as the chain sees it: its cells as text and its stored hash (one read). */
export function readLedgerChain(ss: Spreadsheet): {
  rows: Array<{ cells: string[]; hash: string }>;
  hasChainColumn: boolean;
} {
  const sheet = ss.getSheetByName(LEDGER_TAB);
  if (!sheet) return { rows: [], hasChainColumn: false };
  const t = readTable(sheet);
  if (t.header.every((h) => h.trim() === '')) return { rows: [], hasChainColumn: false };
  const { index } = locateColumns(LEDGER_TAB, t.header, LEDGER_COLUMNS);
  const chain = locateColumns(LEDGER_TAB, t.header, [CHAIN_COLUMN]).index.get('chain');
  const at = LEDGER_COLUMNS.map((d) => index.get(d.id) as number);
  return {
    rows: t.rows.map((r) => ({
      cells: at.map((i) => cellText(r[i])),
      hash: chain === undefined ? '' : cellText(r[chain]),
    })),
    hasChainColumn: chain !== undefined,
  };
}

/** Writes the whole Chain column (an older Ledger's first chaining, or after an acknowledged change). */
export function writeLedgerChain(ss: Spreadsheet, hashes: readonly string[]): void {
  const sheet = ss.getSheetByName(LEDGER_TAB);
  if (!sheet) return;
  const lastCol = Math.max(sheet.getLastColumn(), 1);
  const header = sheet
    .getRange(1, 1, 1, lastCol)
    .getValues()[0]
    .map((h) => String(h));
  // A tab with no header yet (made by hand): the first append writes it, Chain column included.
  if (header.every((h) => h.trim() === '')) return;
  const col = ensureChainColumn(sheet, header);
  if (hashes.length) writeColumns(sheet, 2, new Map([[col + 1, [...hashes]]]));
}

const jsonCellSchema = z.lazy(() =>
  z.string().transform((s, ctx) => {
    if (s === '') return null;
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `'${s.slice(0, 40)}' is not JSON` });
      return z.NEVER;
    }
  }),
);

/**
 * Every line key the Ledger records (one read of its Line key column): keys some push sent or tried to
 * send, whatever the rows of the month tab say now. Null when the column cannot be found (then no key may be
 * taken as never sent).
 */
export function ledgerLineKeys(ss: Spreadsheet): Set<string> | null {
  const keys = new Set<string>();
  const sheet = ss.getSheetByName(LEDGER_TAB);
  if (!sheet) return keys;
  const { header, rows } = readHeader(sheet);
  if (header.every((h) => h.trim() === '')) return keys;
  const column = locateColumns(LEDGER_TAB, header, LEDGER_COLUMNS, { allowMissing: true }).index.get(
    'lineKeys',
  );
  if (column === undefined) return null;
  for (const cell of readColumns(sheet, rows, [column]).get(column) ?? []) {
    for (const k of lineKeysOf(cell)) keys.add(k);
  }
  return keys;
}

/** A Line key cell's keys (comma-separated, as appendLedger writes them). */
function lineKeysOf(cell: unknown): string[] {
  return cellText(cell)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Every ledger entry, oldest first (for undo and audit). Rows that cannot be read are reported. */
export function readLedger(ss: Spreadsheet): { entries: LedgerEntry[]; problems: string[] } {
  const sheet = ss.getSheetByName(LEDGER_TAB);
  if (!sheet) return { entries: [], problems: [] };
  const t = readTable(sheet);
  if (t.header.every((h) => h.trim() === '')) return { entries: [], problems: [] };
  const { index } = locateColumns(LEDGER_TAB, t.header, LEDGER_COLUMNS);
  const entries: LedgerEntry[] = [];
  const problems: string[] = [];
  t.rows.forEach((r, i) => {
    const get = (id: LedgerId) => r[index.get(id) as number];
    if ([...index.values()].every((p) => isBlank(r[p]))) return;
    const before = jsonCellSchema.safeParse(cellText(get('before')));
    const after = jsonCellSchema.safeParse(cellText(get('after')));
    if (!before.success || !after.success) {
      problems.push(
        `Ledger row ${i + 2}: Before/After ${(before.error ?? after.error)?.issues[0]?.message ?? ''}`,
      );
      return;
    }
    const time = get('time');
    entries.push({
      time: time instanceof Date ? time.toISOString() : (instantOfZoned(cellText(time)) ?? cellText(time)),
      runId: cellText(get('runId')),
      user: cellText(get('user')),
      lineKeys: lineKeysOf(get('lineKeys')),
      entity: cellText(get('entity')),
      psaId: cellText(get('psaId')) || null,
      operation: cellText(get('operation')),
      before: before.data,
      after: after.data,
      result: cellText(get('result')),
      message: cellText(get('message')),
      idempotencyKey: cellText(get('idempotencyKey')),
    });
  });
  return { entries, problems };
}
