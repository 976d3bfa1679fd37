import type { RawBillingLine } from './billing-line';
import type { RecordValues } from './unbillable';

/** A billing month (or any period) in the spreadsheet's time zone, as ISO dates, end inclusive. */
export interface BillingPeriod {
  /** e.g. '2026-10' */
  month: string;
  start: string;
  end: string;
}

export interface SourceCustomer {
  id: string;
  name: string;
  /** e.g. 'active', 'suspended', 'closed' as the vendor says it. */
  status: string;
  /**
   * The customer this one belongs to at the source (a subaccount's main account), when the source has a
   * hierarchy. Each is still mapped on its own; the sidebar shows children under their parent.
   */
  parentId?: string;
}

/** A problem confined to one customer or one record: reported, never silently dropped. */
export interface SourceProblem {
  customerId?: string;
  customerName?: string;
  recordId?: string;
  message: string;
  /**
   * For a record that cannot be billed: its values as far as they could be read. The record then gets a
   * row in the month's tab with the message as its Status, never approvable (see unbillable.ts).
   */
  values?: RecordValues;
  /**
   * With values: the record is a preview of a charge the vendor has not invoiced yet (a draft). Its row
   * reads "Preview" rather than "Cannot be billed", is never approvable, and leaves the tab when a pull
   * no longer sends it (the invoiced charge that replaces it comes under its own key).
   */
  preview?: boolean;
}

export interface PullResult {
  lines: RawBillingLine[];
  problems: SourceProblem[];
}

/** What every source connector implements (one folder per source under src/connectors/sources). */
export interface BillingSource {
  /** Stable id used in line keys and mapping tabs, e.g. 'twilio', 'pax8'. */
  readonly id: string;
  readonly displayName: string;
  listCustomers(): SourceCustomer[];
  pullPeriod(period: BillingPeriod): PullResult;
}

/** A connector-level failure (bad credentials, vendor down): message is safe to show and log. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/**
 * The source has nothing to say about this period: an integration fed by files with no file imported for
 * the month. Not a failure: the pull leaves the integration's rows as they are and says so once, as a note
 * (PullSummary.notes), not as a problem of the month's pull.
 */
export class NothingForPeriod extends SourceError {
  constructor(message: string) {
    super(message);
    this.name = 'NothingForPeriod';
  }
}
