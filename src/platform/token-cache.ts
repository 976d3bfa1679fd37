/**
 * OAuth access tokens kept in the document cache between executions, so a month's many executions
 * (sidebar calls, continuations) share one token until it expires instead of asking for a new one each
 * time. Tokens never reach a cell, a log line or the sidebar. The document cache, not the script cache:
 * an add-on's script cache is shared by every document it serves, so a spreadsheet holding another
 * customer's client id (an identifier, not a secret) would otherwise be handed that customer's token.
 */
import { z } from 'zod';
import type { TokenStore } from '../core/http';

const cachedToken = z.lazy(() => z.object({ token: z.string().min(1), expiresAt: z.number() }));
/** CacheService keeps entries at most 6 hours. */
const MAX_SECONDS = 6 * 60 * 60;

export function documentCacheTokenStore(key: string, now: () => number = () => Date.now()): TokenStore {
  const cache = (): GoogleAppsScript.Cache.Cache =>
    CacheService.getDocumentCache() ?? CacheService.getScriptCache();
  const name = `bg.token.${key}`;
  return {
    get() {
      const raw = cache().get(name);
      if (!raw) return null;
      try {
        const r = cachedToken.safeParse(JSON.parse(raw));
        return r.success && r.data.expiresAt > now() ? r.data : null;
      } catch {
        return null;
      }
    },
    put(t) {
      const seconds = Math.floor((t.expiresAt - now()) / 1000);
      if (seconds > 0) cache().put(name, JSON.stringify(t), Math.min(seconds, MAX_SECONDS));
    },
    clear() {
      cache().remove(name);
    },
  };
}
