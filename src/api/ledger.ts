/** The Ledger's hash chain for the sidebar: checked when it opens; an admin acknowledges a break. */
import { acknowledgeLedger, checkLedger } from '../jobs/ledger-guard';
import type { LedgerCheck } from '../jobs/ledger-guard';
import { resumeStoppedPush } from '../jobs/run';
import { withDocumentLock } from '../platform/lock';
import { activeSpreadsheet } from '../platform/spreadsheet';
import { apiContext } from './context';
import { requireManager } from './rights';

export interface LedgerStatus extends LedgerCheck {
  /** Set by the acknowledgement when a push the check had stopped was queued to go on. */
  resumed?: boolean;
}

/**
 * Checks the Ledger (one read of the tab; none while a break waits for its acknowledgement): a row changed
 * or deleted by hand is reported with its row number.
 */
export function getLedgerStatus(): LedgerStatus {
  return checkLedger(activeSpreadsheet());
}

/**
 * An owner or admin has looked at the reported rows: the chain restarts over the Ledger as it stands,
 * the acknowledgement is written to it, and pushes may run again (they re-read the PSA, so nothing the
 * changed rows claimed is sent twice). A push whose continuation the check stopped goes on.
 */
export function acknowledgeLedgerChange(): LedgerStatus {
  const me = requireManager(apiContext(), 'acknowledge a change to the Ledger');
  return withDocumentLock('the Ledger acknowledgement', () => {
    const status = acknowledgeLedger(activeSpreadsheet(), me);
    return { ...status, resumed: resumeStoppedPush() };
  });
}
