/**
 * The Ledger's hash chain as BillGrid keeps it (issue #24, docs/SECURITY.md "Tamper-evident Ledger"):
 * - every row BillGrid appends carries SHA-256(previous hash, its cells) in the Chain column;
 * - the chain's head (rows written, last hash) is anchored in document properties, which in the add-on
 *   only BillGrid's code can write (in the bound script the run summary e-mail carries it too);
 * - before every push (and when the sidebar opens) the whole Ledger is read once and checked; a break is
 *   reported with its row number and stored, and pushes stop until an owner or admin acknowledges it;
 * - a Ledger written before the chain existed is chained once, as it is, on first check.
 */
import { z } from 'zod';
import { CHAIN_START, extendChain, verifyChain } from '../core/ledger-chain';
import type { ChainAnchor, ChainBreak } from '../core/ledger-chain';
import { sha256Hex } from '../platform/digest';
import { readJson, writeJson, deleteJson } from '../platform/store';
import { canEditSheet, protectWithWarning } from '../platform/spreadsheet';
import type { Spreadsheet } from '../platform/spreadsheet';
import { LEDGER_TAB } from '../sheets/tabs';
import { appendLedger, LEDGER_WARNING, readLedgerChain, writeLedgerChain } from '../sheets/ledger';
import type { LedgerChain } from '../sheets/ledger';
import { protectLedger } from './ledger-writers';

const ANCHOR_KEY = 'bg.ledger.anchor';
const ALARM_KEY = 'bg.ledger.alarm';
const anchorSchema = z.lazy(() => z.object({ rows: z.number().int().min(0), hash: z.string() }));
const alarmSchema = z.lazy(() => z.object({ row: z.number().int(), message: z.string(), at: z.string() }));
export type LedgerAlarm = z.infer<typeof alarmSchema>;

export class LedgerTamperedError extends Error {
  constructor(readonly alarm: LedgerAlarm) {
    super(
      `${alarm.message}. BillGrid does not push until an owner or admin has checked the Ledger and acknowledged it (the notice at the top of the sidebar).`,
    );
    this.name = 'LedgerTamperedError';
  }
}

function readAnchor(): ChainAnchor | null {
  const r = readJson(ANCHOR_KEY, anchorSchema);
  return r.ok ? r.value : null;
}

function writeAnchor(a: ChainAnchor): void {
  writeJson(ANCHOR_KEY, a);
}

/** Rows BillGrid has chained and the last hash (CHAIN_START before any). */
export function readLedgerHead(): ChainAnchor {
  return readAnchor() ?? { rows: 0, hash: CHAIN_START };
}

export function ledgerAlarm(): LedgerAlarm | null {
  const r = readJson(ALARM_KEY, alarmSchema);
  return r.ok ? r.value : null;
}

/** Where a push's Ledger appends continue the chain. */
export function ledgerChain(): LedgerChain {
  return {
    digest: sha256Hex,
    head: readLedgerHead,
    moved: writeAnchor,
    protect: (sheet) => {
      const done = protectLedger(sheet.getParent(), sheet);
      // Created by someone who is not a known writer (no owner recorded yet): a warning, until a writer's
      // next push takes it over.
      if (done !== 'changed' && done !== 'unchanged') protectWithWarning(sheet, null, LEDGER_WARNING);
    },
  };
}

export interface LedgerCheck {
  ok: boolean;
  rows: number;
  /** Set when the chain is broken (now or earlier, not yet acknowledged). */
  alarm: LedgerAlarm | null;
  /** Rows chained for the first time by this check (an older Ledger). */
  migrated: number;
}

/**
 * One read of the Ledger; chains an unchained one; records and returns a break. The anchor is read
 * before the rows, so rows a running push appends meanwhile read as an intact extension. `catchUp` (under
 * the document lock, before a push) moves the anchor over such rows.
 */
export function checkLedger(ss: Spreadsheet, now = new Date(), catchUp = false): LedgerCheck {
  // A break found earlier stays until acknowledged: no need to read the tab again.
  const stored = ledgerAlarm();
  if (stored) return { ok: false, rows: readLedgerHead().rows, alarm: stored, migrated: 0 };
  const anchor = readAnchor();
  const { rows, hasChainColumn } = readLedgerChain(ss);
  if (anchor === null && (!hasChainColumn || rows.every((r) => r.hash === ''))) {
    // Written before the chain existed: chained once, as it stands now, by someone who may write it.
    if (!mayWriteLedger(ss)) return { ok: true, rows: rows.length, alarm: null, migrated: 0 };
    chainAsItStands(ss, rows);
    return { ok: true, rows: rows.length, alarm: null, migrated: rows.length };
  }
  // A chained Ledger whose anchor is gone (only possible where editors can write document properties,
  // i.e. the bound script): the chain itself is still checked, up to its last row.
  const against = anchor ?? { rows: rows.length, hash: rows[rows.length - 1]?.hash ?? CHAIN_START };
  const broken: ChainBreak | null = verifyChain(sha256Hex, rows, against);
  if (broken) {
    const alarm = { ...broken, at: now.toISOString() };
    writeJson(ALARM_KEY, alarm);
    return { ok: false, rows: rows.length, alarm, migrated: 0 };
  }
  // Rows a cut-off run wrote past the anchor (chain intact): the anchor catches up.
  if (anchor === null || (catchUp && anchor.rows !== rows.length)) {
    writeAnchor({ rows: rows.length, hash: rows[rows.length - 1]?.hash ?? CHAIN_START });
  }
  return { ok: true, rows: rows.length, alarm: null, migrated: 0 };
}

/** False when the Ledger tab's protection refuses the user running this (they cannot chain it). */
function mayWriteLedger(ss: Spreadsheet): boolean {
  const sheet = ss.getSheetByName(LEDGER_TAB);
  return sheet === null || canEditSheet(sheet);
}

/** Chains the rows as they stand (the Chain column written whole) and anchors the chain's end. */
function chainAsItStands(ss: Spreadsheet, rows: ReadonlyArray<{ cells: readonly string[] }>): void {
  const hashes = extendChain(
    sha256Hex,
    CHAIN_START,
    rows.map((r) => r.cells),
  );
  writeLedgerChain(ss, hashes);
  writeAnchor({ rows: rows.length, hash: hashes[hashes.length - 1] ?? CHAIN_START });
}

/** Before a push: throws LedgerTamperedError when the Ledger's chain is broken. */
export function requireIntactLedger(ss: Spreadsheet): void {
  const c = checkLedger(ss, new Date(), true);
  if (c.alarm) throw new LedgerTamperedError(c.alarm);
}

/**
 * An owner or admin has checked the Ledger: the chain is rebuilt over the rows as they stand, the anchor
 * moves, and the acknowledgement itself is the next Ledger row (who, when, what was found).
 */
export function acknowledgeLedger(ss: Spreadsheet, by: string, now = new Date()): LedgerCheck {
  const alarm = ledgerAlarm();
  protectLedger(ss);
  chainAsItStands(ss, readLedgerChain(ss).rows);
  deleteJson(ALARM_KEY);
  if (alarm) {
    appendLedger(
      ss,
      [
        {
          time: now.toISOString(),
          runId: '',
          user: by,
          lineKeys: [],
          entity: 'ledger',
          psaId: null,
          operation: 'acknowledge',
          before: null,
          after: null,
          result: 'acknowledged',
          message: `Acknowledged: ${alarm.message} (found ${alarm.at})`,
          idempotencyKey: `ack-${now.getTime()}`,
        },
      ],
      ledgerChain(),
    );
  }
  return checkLedger(ss, now, true);
}
