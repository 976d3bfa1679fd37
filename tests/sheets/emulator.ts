import { createGasEnvironment, createState, installGlobals } from '../../local/gas';
import type { GasEnvironment } from '../../local/gas';
import type { Spreadsheet } from '../../src/platform/spreadsheet';

/**
 * A fresh emulated spreadsheet with SpreadsheetApp and Utilities installed as globals (src/platform uses
 * them as Apps Script does). `calls()` counts SpreadsheetApp calls made so far in this execution.
 */
export interface SheetEnv {
  env: GasEnvironment;
  ss: Spreadsheet;
  calls(): number;
  callsByName(): Record<string, number>;
  /** Run `f` and return how many SpreadsheetApp calls it made. */
  count<T>(f: () => T): { result: T; calls: number; byName: Record<string, number>; modelledMs: number };
  close(): void;
}

export function sheetEnv(): SheetEnv {
  const env = createGasEnvironment(createState());
  const restore = installGlobals(env.globals);
  const ss = env.globals.SpreadsheetApp.getActiveSpreadsheet() as unknown as Spreadsheet;
  const sheetCalls = () =>
    Object.fromEntries(Object.entries(env.stats.calls).filter(([k]) => k.startsWith('SpreadsheetApp')));
  const calls = () => Object.values(sheetCalls()).reduce((a, b) => a + b, 0);
  return {
    env,
    ss,
    calls,
    callsByName: sheetCalls,
    count(f) {
      const before = sheetCalls();
      const modelled = env.stats.modelledMs;
      const result = f();
      const after = sheetCalls();
      const byName: Record<string, number> = {};
      for (const [k, v] of Object.entries(after))
        if (v - (before[k] ?? 0) > 0) byName[k] = v - (before[k] ?? 0);
      const calls = Object.values(byName).reduce((a, b) => a + b, 0);
      return { result, calls, byName, modelledMs: Math.round(env.stats.modelledMs - modelled) };
    },
    close() {
      env.end();
      restore();
    },
  };
}
