/**
 * CacheService on the emulator clock: entries expire after their expiration (default 600 s, max
 * 21600 s); values over 100 KB and keys over 250 characters are refused as in Apps Script; a cache holds
 * at most 1,000 entries. Cache reference, put(): "The cap for cached items is 1,000. If more than 1,000
 * items are written, the cache stores the 900 items farthest from expiration." So a put that takes a
 * cache past 1,000 live entries keeps only the 900 that expire last (equal expiries: the later put kept),
 * which an empirical test also found (J. Poehnelt, "Exploring Apps Script CacheService limits": about 100
 * items, 10 %, removed at once, by creation time).
 */
import { documentCache, documentOf } from './addon';
import type { CacheEntry } from './state';
import { EmuObject, GAS_CLASS, type Ctx } from './service';
import { GasError } from './execution';
import type { Emulates } from './emulates';

type Cache = GoogleAppsScript.Cache.Cache;
type CacheService = GoogleAppsScript.Cache.CacheService;

export const CACHE_VALUE_LIMIT = 100 * 1024;
export const CACHE_KEY_LIMIT = 250;
const DEFAULT_TTL_S = 600;
const MAX_TTL_S = 21_600;
export const CACHE_ITEM_CAP = 1_000;
/** What is left after a cache passes its cap (Cache reference, put()). */
export const CACHE_KEPT_PAST_CAP = 900;

export class EmuCache
  extends EmuObject
  implements Emulates<Cache, 'get' | 'getAll' | 'put' | 'putAll' | 'remove' | 'removeAll'>
{
  readonly [GAS_CLASS] = 'CacheService.Cache';
  constructor(
    ctx: Ctx,
    private readonly _store: () => Record<string, CacheEntry>,
  ) {
    super(ctx);
  }

  /** Emulator clock plus this execution's modelled time so far. */
  private _now(): number {
    return this._ctx.rt.now() + this._ctx.exec.stats.modelledMs;
  }

  private _live(key: string): string | null {
    const store = this._store();
    const e = store[key];
    if (!e) return null;
    if (e.expiresAt <= this._now()) {
      delete store[key];
      return null;
    }
    return e.value;
  }

  get(key: string): string | null {
    return this._live(String(key));
  }
  getAll(keys: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of keys) {
      const v = this._live(String(k));
      if (v !== null) out[String(k)] = v;
    }
    return out;
  }
  put(key: string, value: string, expirationInSeconds = DEFAULT_TTL_S): void {
    this.putAll({ [String(key)]: value }, expirationInSeconds);
  }
  putAll(values: Record<string, unknown>, expirationInSeconds = DEFAULT_TTL_S): void {
    const ttl = Math.min(Math.max(1, Number(expirationInSeconds)), MAX_TTL_S);
    const entries = Object.entries(values).map(([k, v]) => [k, String(v)] as const);
    for (const [k, v] of entries) {
      if (k.length > CACHE_KEY_LIMIT) throw new GasError('Argument too large: key');
      if (Buffer.byteLength(v, 'utf8') > CACHE_VALUE_LIMIT) throw new GasError('Argument too large: value');
    }
    const store = this._store();
    for (const [k, v] of entries) {
      // Re-put moves the key to the newest end (object keys keep insertion order).
      delete store[k];
      store[k] = { value: v, expiresAt: this._now() + ttl * 1000 };
    }
    const keys = Object.keys(store);
    if (keys.length <= CACHE_ITEM_CAP) return;
    const now = this._now();
    for (const k of keys) if (store[k].expiresAt <= now) delete store[k];
    const live = Object.keys(store);
    if (live.length <= CACHE_ITEM_CAP) return;
    // Keep the 900 farthest from expiration; among equal expiries the later put (insertion order is put
    // order, and the sort is stable).
    const order = live.map((k, i) => ({ k, i, at: store[k].expiresAt }));
    order.sort((a, b) => b.at - a.at || b.i - a.i);
    for (const { k } of order.slice(CACHE_KEPT_PAST_CAP)) delete store[k];
  }
  remove(key: string): void {
    delete this._store()[String(key)];
  }
  removeAll(keys: string[]): void {
    for (const k of keys) delete this._store()[String(k)];
  }
}

export class EmuCacheService
  extends EmuObject
  implements Emulates<CacheService, 'getDocumentCache' | 'getScriptCache' | 'getUserCache'>
{
  readonly [GAS_CLASS] = 'CacheService';
  getScriptCache(): EmuCache {
    return new EmuCache(this._ctx, () => this._ctx.rt.state.cache.script);
  }
  getDocumentCache(): EmuCache | null {
    return new EmuCache(this._ctx, () => documentCache(this._ctx.rt.state, documentOf(this._ctx)));
  }
  getUserCache(): EmuCache {
    return new EmuCache(this._ctx, () => {
      const all = this._ctx.rt.state.cache.user;
      all[this._ctx.exec.user] ??= {};
      return all[this._ctx.exec.user];
    });
  }
}
