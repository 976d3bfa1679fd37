/**
 * Who may write the Ledger tab, and Sheets' protection that enforces it (issue #24, docs/SECURITY.md
 * "Who can write the Ledger"): BillGrid's owner, its admins and the schedule owner (whose dispatcher
 * records the scheduled runs and continuations). Everyone else is refused by Sheets itself, by hand or
 * through BillGrid (a script runs with the rights of the user it runs as), so a push is started only by
 * the owner or an admin; an editor approves and asks one of them.
 *
 * The protection is kept in step whenever one of those people runs BillGrid where it matters: the first
 * push execution after a change (admins saved, schedule taken over), the change itself, and the Ledger's
 * creation. Someone who is not on the list never changes the protection (Google would keep them on it).
 */
import { z } from 'zod';
import { activeUserEmail, spreadsheetEditors } from '../platform/identity';
import { SettingsStore } from '../platform/secrets';
import { canEditSheet, protectSheetFor } from '../platform/spreadsheet';
import type { ProtectOutcome, Sheet, Spreadsheet } from '../platform/spreadsheet';
import { LEDGER_WARNING } from '../sheets/ledger';
import { LEDGER_TAB } from '../sheets/tabs';
import { readScheduleOwner } from './schedule';

/** The protection's description (Data → Protect sheets and ranges shows it). */
export const LEDGER_PROTECTION =
  "BillGrid ledger: only BillGrid's owner, admins and schedule owner can edit it (set by BillGrid)";

const emails = z.lazy(() => z.array(z.string()));

/** BillGrid's owner, admins and schedule owner, lower-cased, sorted, without blanks. */
export function ledgerWriters(settings: SettingsStore = new SettingsStore()): string[] {
  const owner = settings.get('owner');
  const admins = emails.safeParse(settings.get('admins'));
  const list = [
    typeof owner === 'string' ? owner : '',
    ...(admins.success ? admins.data : []),
    readScheduleOwner()?.email ?? '',
  ];
  return [...new Set(list.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))].sort();
}

export type LedgerProtection =
  | ProtectOutcome
  /** No Ledger tab yet: it is protected when BillGrid creates it. */
  | 'no-ledger'
  /** The user running this is not one of the writers: they leave the protection alone. */
  | 'not-a-writer'
  /** Sheets refused or failed; logged, and the push's own check decides. */
  | 'failed';

/**
 * Brings the Ledger tab's protection in step with `ledgerWriters()` when the user running this is one of
 * them. Never throws: a protection that cannot be set leaves the chain (ledger-guard.ts) to detect changes.
 */
export function protectLedger(ss: Spreadsheet, tab: Sheet | null = null): LedgerProtection {
  try {
    const sheet = tab ?? ss.getSheetByName(LEDGER_TAB);
    if (!sheet) return 'no-ledger';
    const writers = ledgerWriters();
    const me = activeUserEmail();
    if (!me || !writers.includes(me)) return 'not-a-writer';
    return protectSheetFor(sheet, LEDGER_PROTECTION, [LEDGER_WARNING], writers, spreadsheetEditors);
  } catch (err) {
    console.warn(
      `BillGrid could not protect the Ledger tab: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 'failed';
  }
}

/** "Only the BillGrid owner (a) or an admin (b, c)": who may push, in the users' words. */
export function whoMayPush(settings: SettingsStore = new SettingsStore()): string {
  const owner = settings.get('owner');
  const admins = emails.safeParse(settings.get('admins'));
  const list = admins.success && admins.data.length ? admins.data.join(', ') : 'none yet';
  return `the BillGrid owner (${typeof owner === 'string' && owner ? owner : 'not set'}) or an admin (${list})`;
}

export class LedgerLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerLockedError';
  }
}

/**
 * Before a push sends anything: its protection in step, and the user running it able to record the push
 * in the Ledger. Throws LedgerLockedError (nothing sent) when Sheets would refuse their Ledger rows.
 */
export function requireLedgerWritable(ss: Spreadsheet): void {
  const sheet = ss.getSheetByName(LEDGER_TAB);
  if (!sheet) return;
  protectLedger(ss, sheet);
  if (canEditSheet(sheet)) return;
  throw new LedgerLockedError(
    `${activeUserEmail() || 'This account'} is not on the Ledger tab's protection, so the push could not be recorded and nothing was sent. Only ${whoMayPush()} can push; the BillGrid owner keeps the protection in step (saving the admins does).`,
  );
}
