/**
 * A JSON value kept a short while in the document cache, shared by the executions of one spreadsheet (a
 * push and its continuations, the sidebar calls around it). CacheService may drop an entry at any time,
 * so a reader must always be able to do without it; the value is parsed with the caller's schema and a
 * value that does not parse, or whose pieces do not all come back, counts as absent. Values above the
 * cache's 100 KB per entry are split across numbered entries written together (putAll).
 */
import type { z } from 'zod';
import type { CachedValue } from '../core/http';

/** Characters per entry: under CacheService's 100 KB value limit even for multi-byte text. */
const CHUNK = 30_000;
/** CacheService keeps entries at most 6 hours. */
const MAX_SECONDS = 6 * 60 * 60;

const cache = (): GoogleAppsScript.Cache.Cache =>
  CacheService.getDocumentCache() ?? CacheService.getScriptCache();

export function documentCacheValue(name: string): CachedValue {
  return {
    read<T>(schema: z.ZodType<T>): T | null {
      const c = cache();
      const head = c.get(name);
      if (head === null) return null;
      let text = head;
      const m = /^chunks:(\d+):([\w-]+)$/.exec(head);
      if (m) {
        const keys = Array.from({ length: Number(m[1]) }, (_, i) => `${name}#${m[2]}#${i}`);
        const parts = c.getAll(keys);
        if (keys.some((k) => typeof parts[k] !== 'string')) return null;
        text = keys.map((k) => parts[k]).join('');
      }
      try {
        const r = schema.safeParse(JSON.parse(text));
        return r.success ? r.data : null;
      } catch {
        return null;
      }
    },
    write(value: unknown, seconds: number): void {
      const ttl = Math.max(1, Math.min(MAX_SECONDS, Math.floor(seconds)));
      const text = JSON.stringify(value);
      const c = cache();
      if (text.length <= CHUNK) {
        c.put(name, text, ttl);
        return;
      }
      // A fresh tag per write: a reader never joins pieces of two different writes.
      const tag = Utilities.getUuid().slice(0, 8);
      const n = Math.ceil(text.length / CHUNK);
      const parts: Record<string, string> = {};
      for (let i = 0; i < n; i++) parts[`${name}#${tag}#${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
      c.putAll(parts, ttl);
      c.put(name, `chunks:${n}:${tag}`, ttl);
    },
    clear(): void {
      cache().remove(name);
    },
  };
}
