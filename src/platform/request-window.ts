/**
 * A rate-limit window's send times in script properties, shared by every execution of the script (a
 * continuation, a trigger, a sidebar call), so consecutive executions pace against one budget. Saving
 * merges under the script lock: two executions saving at once would otherwise each write back only
 * their own view, and the next execution would start with room the API no longer has.
 */
import { z } from 'zod';
import type { RequestWindowStore } from '../core/http';
import { readJson, writeJson } from './store';

const times = z.lazy(() => z.array(z.number()));

/** How long a save waits for another execution's save (a few property calls) before writing anyway. */
const LOCK_WAIT_MS = 3000;

export function propertiesRequestWindow(key: string): RequestWindowStore {
  const name = `billgrid.rateWindow.${key}`;
  const get = (): number[] | null => {
    const r = readJson(name, times, 'script');
    return r.ok ? r.value : null;
  };
  return {
    get,
    put(t) {
      writeJson(name, t, 'script');
    },
    update(change) {
      // Without a document (a standalone script) the run's own lock is the script lock: not taken twice.
      const lock = LockService.getDocumentLock() ? LockService.getScriptLock() : null;
      const locked = lock?.tryLock(LOCK_WAIT_MS) ?? false;
      try {
        const next = change(get() ?? []);
        writeJson(name, next, 'script');
        return next;
      } finally {
        if (locked) lock?.releaseLock();
      }
    },
  };
}
