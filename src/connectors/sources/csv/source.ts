/**
 * A vendor's CSV/XLSX export as a BillingSource: each import profile is its own integration
 * (`csv-<profile id>`), whose month is the last file imported for it. Where the file is kept (document
 * properties, Drive, an Import tab) is the caller's business; this class only reads it through `store`.
 */
import type { BillingPeriod, BillingSource, PullResult, SourceCustomer } from '../../../core/source';
import { NothingForPeriod, SourceError } from '../../../core/source';
import { importRows, sourceIdOf, type ImportInput } from './import';
import type { ImportProfile } from './profile';
import { FileError } from './text';

export interface ImportStore {
  /** The file imported for this profile and month, or null when none has been. */
  forPeriod(period: BillingPeriod): ImportInput | null;
  /** The most recent file for this profile (for the client list), or null. */
  latest(): { input: ImportInput; period: BillingPeriod } | null;
}

export class CsvSource implements BillingSource {
  readonly id: string;
  readonly displayName: string;

  constructor(
    private readonly profile: ImportProfile,
    private readonly store: ImportStore,
  ) {
    this.id = sourceIdOf(profile);
    this.displayName = profile.name;
  }

  listCustomers(): SourceCustomer[] {
    const last = this.store.latest();
    if (!last) return [];
    const out = new Map<string, SourceCustomer>();
    for (const l of this.read(last.input, last.period).lines)
      if (!out.has(l.customerId))
        out.set(l.customerId, { id: l.customerId, name: l.customerName, status: 'active' });
    return [...out.values()];
  }

  pullPeriod(period: BillingPeriod): PullResult {
    const input = this.store.forPeriod(period);
    // Not "no lines" (that would mark the month's rows removed) and not a failure: the pull leaves this
    // integration's rows as they are and says so once, as a note.
    if (!input)
      throw new NothingForPeriod(
        `no file imported for ${period.month} (import it on the Import screen to bill it this month)`,
      );
    const r = this.read(input, period);
    return {
      lines: r.lines,
      problems: r.failures.map((f) => ({
        recordId: `row ${f.row}`,
        message: `${this.profile.name} file: ${f.message}`,
      })),
    };
  }

  private read(input: ImportInput, period: BillingPeriod) {
    try {
      return importRows(input, this.profile, period);
    } catch (err) {
      if (err instanceof FileError) throw new SourceError(`${this.profile.name} file: ${err.message}`);
      throw err;
    }
  }
}
