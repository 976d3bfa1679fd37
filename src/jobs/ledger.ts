/**
 * The push ledger (P44, P50). Each step is journalled in document properties *before* its request is
 * sent (status 'pending', with the idempotency key) and again after (PSA id, before/after, result), so a
 * crash at any point leaves a record. Journal entries are moved to the Ledger tab in one batch at the end
 * of a run or at a checkpoint. A pending entry found on resume is never re-sent blindly: the job re-reads
 * the PSA, and either the convergent step re-applies (reading first) or the target already matches.
 */
import { z } from 'zod';

/** Same shape as a Ledger tab row (src/sheets/ledger.ts), so a flush is a straight append. */
export const ledgerEntrySchema = z.lazy(() =>
  z.object({
    time: z.string(),
    runId: z.string(),
    user: z.string(),
    idempotencyKey: z.string(),
    operation: z.string(),
    entity: z.string(),
    lineKeys: z.array(z.string()),
    psaId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    result: z.enum(['pending', 'applied', 'unchanged', 'failed', 'verified']),
    message: z.string(),
  }),
);
export type JournalEntry = z.infer<typeof ledgerEntrySchema>;

export const JOURNAL_PREFIX = 'bg.journal.';
/** Set while a push sends (see Journal.beginSending); outside the journal's prefix. */
const SENDING_KEY = 'bg.push.sending';

/** Where journal entries live between steps; PropertiesService in production. */
export interface JournalStore {
  /** Write several entries in one call. */
  putAll(entries: Record<string, string>): void;
  all(): Record<string, string>;
  /** Remove the given keys in as few calls as possible. */
  removeAll(keys: string[]): void;
}

export function propertiesJournal(props: GoogleAppsScript.Properties.Properties): JournalStore {
  return {
    putAll: (entries) => props.setProperties(entries),
    all: () => props.getProperties(),
    removeAll: (keys) => {
      if (keys.length === 0) return;
      // One read and one write instead of a delete per key.
      const drop = new Set(keys);
      const keep: Record<string, string> = {};
      for (const [k, v] of Object.entries(props.getProperties())) if (!drop.has(k)) keep[k] = v;
      props.setProperties(keep, true);
    },
  };
}

/**
 * PropertiesService holds 500 KB in all; past this many bytes of journal the run moves entries to the
 * Ledger tab before going on (a 20,000-line month journals megabytes).
 */
export const JOURNAL_FLUSH_BYTES = 200_000;

export class Journal {
  /**
   * Bytes this execution's entries hold in the store now, by key: a step's result replaces its pending
   * entry, so it counts once (counting every write flushed twice as often as the quota needs).
   */
  private readonly sizes = new Map<string, number>();
  private pendingBytes = 0;

  constructor(private readonly store: JournalStore) {}

  get needsFlush(): boolean {
    return this.pendingBytes > JOURNAL_FLUSH_BYTES;
  }

  write(entry: JournalEntry): void {
    this.writeAll([entry]);
  }

  writeAll(entries: readonly JournalEntry[]): void {
    if (entries.length === 0) return;
    const out: Record<string, string> = {};
    for (const e of entries) {
      const key = JOURNAL_PREFIX + e.idempotencyKey;
      const text = JSON.stringify(e);
      out[key] = text;
      const bytes = key.length + text.length;
      this.pendingBytes += bytes - (this.sizes.get(key) ?? 0);
      this.sizes.set(key, bytes);
    }
    this.store.putAll(out);
  }

  /** Every journalled entry, oldest first; unreadable ones come back as failed entries, not dropped. */
  entries(): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const [k, v] of Object.entries(this.store.all())) {
      if (!k.startsWith(JOURNAL_PREFIX)) continue;
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(v);
      } catch {
        /* reported below */
      }
      const r = ledgerEntrySchema.safeParse(parsed);
      out.push(
        r.success
          ? r.data
          : {
              time: new Date().toISOString(),
              runId: '',
              user: '',
              idempotencyKey: k.slice(JOURNAL_PREFIX.length),
              operation: '',
              entity: '',
              lineKeys: [],
              psaId: null,
              before: null,
              after: null,
              result: 'failed',
              message: 'Journal entry was damaged; check this step in the PSA',
            },
      );
    }
    return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }

  /** The idempotency keys the journal holds an entry for now (any result). */
  heldKeys(): Set<string> {
    return new Set(
      Object.keys(this.store.all())
        .filter((k) => k.startsWith(JOURNAL_PREFIX))
        .map((k) => k.slice(JOURNAL_PREFIX.length)),
    );
  }

  /**
   * Drop entries this execution wrote for steps that sent nothing (StepOutcome.notSent). Only for keys
   * that held no entry before (executePlan checks): an older entry may be the only record of a send.
   */
  forget(idempotencyKeys: readonly string[]): void {
    if (idempotencyKeys.length === 0) return;
    const keys = idempotencyKeys.map((k) => JOURNAL_PREFIX + k);
    this.store.removeAll(keys);
    for (const k of keys) {
      this.pendingBytes -= this.sizes.get(k) ?? 0;
      this.sizes.delete(k);
    }
  }

  pending(): JournalEntry[] {
    return this.entries().filter((e) => e.result === 'pending');
  }

  /**
   * A push is about to send: marked until its rows show what it did (`doneSending`). A mark still set
   * when the next push plans means that push was cut off after sending (its journal may already be on
   * the Ledger tab while its rows show nothing), so no row may be read as never sent.
   */
  beginSending(runId: string): void {
    this.store.putAll({ [SENDING_KEY]: runId });
  }

  doneSending(): void {
    this.store.removeAll([SENDING_KEY]);
  }

  /**
   * The line keys a push may have sent without its rows showing it: every key in the journal (any
   * result: an execution can die between a step's result and its row's Status), or null when a push was
   * cut off after sending (then any key may have been sent).
   */
  unrecordedKeys(): Set<string> | null {
    const all = this.store.all();
    if (SENDING_KEY in all) return null;
    return new Set(this.entries().flatMap((e) => e.lineKeys));
  }

  /** Hand entries to the Ledger tab writer, then forget them. */
  flush(append: (entries: JournalEntry[]) => void): number {
    const entries = this.entries();
    if (entries.length === 0) return 0;
    append(entries);
    this.store.removeAll(entries.map((e) => JOURNAL_PREFIX + e.idempotencyKey));
    this.sizes.clear();
    this.pendingBytes = 0;
    return entries.length;
  }
}
