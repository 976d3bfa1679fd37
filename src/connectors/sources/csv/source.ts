/**
 * A vendor's CSV/XLSX export as a BillingSource: each import profile is its own integration
 * (`csv-<profile id>`), whose month is the last file imported for it. Where the file is kept (document
 * properties, Drive, an Import tab) is the caller's business; this class only reads it through `store`.
 */
import type { BillingPeriod, BillingSource, PullResult, SourceCustomer } from '../../../core/source';
import { SourceError } from '../../../core/source';
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
    // Failing (not answering "no lines") leaves the month's rows as they are instead of marking them removed.
    if (!input) throw new SourceError(`No ${this.profile.name} file has been imported for ${period.month}`);
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
