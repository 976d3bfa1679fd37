/**
 * A rate-limit window's send times in script properties, shared by every execution of the script (a
 * continuation, a trigger, a sidebar call), so consecutive executions pace against one budget.
 */
import { z } from 'zod';
import type { RequestWindowStore } from '../core/http';
import { readJson, writeJson } from './store';

const times = z.array(z.number());

export function propertiesRequestWindow(key: string): RequestWindowStore {
  const name = `billgrid.rateWindow.${key}`;
  return {
    get() {
      const r = readJson(name, times, 'script');
      return r.ok ? r.value : null;
    },
    put(t) {
      writeJson(name, t, 'script');
    },
  };
}
