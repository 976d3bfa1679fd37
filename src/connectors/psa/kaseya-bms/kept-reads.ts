/**
 * Contract reads kept in the document cache, each contract's quantities as BMS last showed them to BillGrid
 * (a read, with BillGrid's own writes since applied to it). BMS allows 1,500 calls an hour on
 * GET /v2/finance/contracts/{id} and has no list of service lines, so each comparison costs one read per
 * contract: a 20,000-line month's pull, approval and push read its 900 contracts again and again
 * (docs/PERFORMANCE.md). Two kinds of comparison answer from kept reads instead of reading:
 *  - one that only shows or approves (PsaReadScope.recentReadsMs: Review, approval, dry run), from reads up to
 *    KEPT_READS_MS old;
 *  - a push's continuation (PsaReadScope.pushBeganAt), from reads made since the push began.
 * A push's first comparison always reads, and every write reads its contract right before it (target.ts
 * `readLines`). A contract is dropped from the kept reads before a write to it is sent and kept again only
 * once BMS said the write was saved (with what was written), so no comparison answers from a contract as it
 * was before a write, nor from one whose write's outcome is unknown. The cache may drop entries at any
 * time: a contract not found is read.
 */
import { z } from 'zod';
import type { CachedValue } from '../../../core/http';

/** Longest a kept read serves a comparison that only shows or approves. */
export const KEPT_READS_MS = 10 * 60_000;
/**
 * How long a kept read is kept (CacheService keeps entries at most 6 hours): a push's continuations answer from
 * what the push read and wrote since it began, and a large push waits for the hourly limit between them.
 */
export const KEPT_FOR_MS = 6 * 60 * 60_000;

/** One contract's quantities as read: [service id, first line id, units (summed), unit price, unit cost]. */
const keptContractSchema = z.lazy(() =>
  z.object({
    at: z.number(),
    /** The contract's account id ('' when BMS did not say). */
    a: z.string(),
    q: z.array(z.tuple([z.string(), z.string(), z.number(), z.number(), z.number()])),
  }),
);
const keptSchema = z.lazy(() => z.record(z.string(), keptContractSchema));
export type KeptContract = z.infer<typeof keptContractSchema>;

export interface KeptReads {
  /** The kept reads of these contracts that are younger than `maxAgeMs`. */
  get(ids: readonly string[], maxAgeMs: number, now: number): Map<string, KeptContract>;
  /** Keep these reads (those still young enough stay beside them). */
  put(reads: ReadonlyMap<string, KeptContract>, now: number): void;
  /** Forget these contracts' reads (a write to them is about to be sent). */
  drop(ids: readonly string[], now: number): void;
  /** Forget every kept read. */
  clear(): void;
}

export function keptReads(value: CachedValue): KeptReads {
  let all: Record<string, KeptContract> | null = null;
  const load = (): Record<string, KeptContract> => (all ??= value.read(keptSchema) ?? {});
  return {
    get(ids, maxAgeMs, now) {
      const kept = load();
      const out = new Map<string, KeptContract>();
      for (const id of ids) {
        const k = kept[id];
        // Executions' clocks may differ a little: a read stamped a moment "later" than now is young too.
        if (k && now - k.at < Math.min(maxAgeMs, KEPT_FOR_MS) && k.at - now < KEPT_READS_MS) out.set(id, k);
      }
      return out;
    },
    put(reads, now) {
      const next: Record<string, KeptContract> = {};
      for (const [id, k] of Object.entries(load())) if (now - k.at < KEPT_FOR_MS) next[id] = k;
      for (const [id, k] of reads) next[id] = k;
      all = next;
      value.write(next, KEPT_FOR_MS / 1000);
    },
    drop(ids, now) {
      const kept = load();
      if (!ids.some((id) => id in kept)) return;
      const next: Record<string, KeptContract> = {};
      for (const [id, k] of Object.entries(kept)) if (now - k.at < KEPT_FOR_MS) next[id] = k;
      for (const id of ids) delete next[id];
      all = next;
      value.write(next, KEPT_FOR_MS / 1000);
    },
    clear() {
      all = {};
      value.clear();
    },
  };
}

/** In memory, for tests and callers without a document cache. */
export function memoryKeptReads(): KeptReads & { size: () => number } {
  let all: Record<string, KeptContract> = {};
  const store: CachedValue = {
    read: <T>(schema: z.ZodType<T>): T | null => {
      const r = schema.safeParse(all);
      return r.success ? r.data : null;
    },
    write: (v) => (all = v as Record<string, KeptContract>),
    clear: () => (all = {}),
  };
  return { ...keptReads(store), size: () => Object.keys(all).length };
}
