/**
 * Contract reads kept a short while in the document cache, for comparisons that only show or approve
 * (PsaReadScope.recentReadsMs: Review, approval, dry run) — never for a push. BMS allows 1,500 calls an
 * hour on GET /v2/finance/contracts/{id} and has no list of service lines, so each comparison costs one
 * read per contract: a 20,000-line month's pull, approval and push read its 900 contracts three times and
 * the approval met the limit (docs/PERFORMANCE.md). A comparison that reads a contract keeps what it read
 * (its quantities, not the lines); a comparison that allows it answers from reads younger than its limit
 * (at most KEPT_READS_MS). A push's comparison always reads, and every write reads its contract right
 * before (target.ts `readLines`); the first write of an instance forgets every kept read, so no comparison
 * after a push answers from what the PSA held before it. The cache may drop entries at any time: a
 * contract not found is read.
 */
import { z } from 'zod';
import type { CachedValue } from '../../../core/http';

/** Longest a kept read serves a comparison; also how long the cache keeps the entry. */
export const KEPT_READS_MS = 10 * 60_000;

/** One contract's quantities as read: [service id, first line id, units (summed), unit price, unit cost]. */
const keptContractSchema = z.object({
  at: z.number(),
  /** The contract's account id ('' when BMS did not say). */
  a: z.string(),
  q: z.array(z.tuple([z.string(), z.string(), z.number(), z.number(), z.number()])),
});
const keptSchema = z.record(z.string(), keptContractSchema);
export type KeptContract = z.infer<typeof keptContractSchema>;

export interface KeptReads {
  /** The kept reads of these contracts that are younger than `maxAgeMs`. */
  get(ids: readonly string[], maxAgeMs: number, now: number): Map<string, KeptContract>;
  /** Keep these reads (those still young enough stay beside them). */
  put(reads: ReadonlyMap<string, KeptContract>, now: number): void;
  /** Forget every kept read (before a write to the tenant). */
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
        if (k && now - k.at < Math.min(maxAgeMs, KEPT_READS_MS) && k.at - now < KEPT_READS_MS) out.set(id, k);
      }
      return out;
    },
    put(reads, now) {
      const next: Record<string, KeptContract> = {};
      for (const [id, k] of Object.entries(load())) if (now - k.at < KEPT_READS_MS) next[id] = k;
      for (const [id, k] of reads) next[id] = k;
      all = next;
      value.write(next, KEPT_READS_MS / 1000);
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
