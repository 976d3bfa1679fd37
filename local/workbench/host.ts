/**
 * The workbench's view of the emulator (local/gas GasHost): run a function of dist/Code.js as one
 * execution in its own worker thread, edit a cell as the user would (then fire onEdit), and keep the
 * shared state on disk. This thread only serves; it never executes the bundle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_TODAY } from '../demo/msp';
import { GasHost, clockNow, createState, loadStateFile, type BundleSource } from '../gas';
import type { ExecutionKind, ExecutionResult, ExecutionStats, GasState, LogEntry } from '../gas';
import { canEdit } from '../gas/access';

export interface ExecOutcome {
  /** Function that ran, or a description of the user's action ('edit Sheet1!B3'). */
  fn: string;
  kind: ExecutionKind;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string };
  stats: ExecutionStats;
  logs: string[];
}

export interface WorkbenchHost {
  /** The live shared state, on the host thread. */
  state(): GasState;
  run(fn: string, args: unknown[], opts: { kind: ExecutionKind; user: string }): Promise<ExecOutcome>;
  /** The spreadsheet being opened: the onOpen simple trigger with its event object (null: none defined). */
  open(user: string): Promise<ExecOutcome | null>;
  /** The user typing into a cell: the value lands through the emulator, then onEdit runs if defined. */
  editCell(
    sheetId: number,
    row: number,
    col: number,
    value: string | number | boolean,
    user: string,
  ): Promise<ExecOutcome[]>;
  /** Advances the emulator clock to the next time-driven trigger and fires every trigger then due. */
  fireNextTriggers(): Promise<ExecOutcome[]>;
  activateSheet(sheetId: number): void;
  save(): void;
  close(): Promise<void>;
}

export interface HostOptions {
  stateFile: string;
  distDir: string;
  urlMap: Record<string, string>;
  owner: string;
  editors: string[];
  spreadsheetName?: string;
  /** Where a new state's emulator clock starts (then it runs in real time); default DEMO_TODAY. */
  today?: string;
}

export function logLines(logs: LogEntry[]): string[] {
  return logs.map((l) => `${l.level}: ${l.message}`);
}

function manifestTimeZone(distDir: string): string {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(distDir, 'appsscript.json'), 'utf8')) as {
      timeZone?: unknown;
    };
    return typeof m.timeZone === 'string' ? m.timeZone : 'America/New_York';
  } catch {
    return 'America/New_York';
  }
}

export function initialState(options: HostOptions): GasState {
  if (fs.existsSync(options.stateFile)) return loadStateFile(options.stateFile);
  const state = createState({
    spreadsheetName: options.spreadsheetName ?? 'Northwind Managed IT – Billing',
    owner: options.owner,
    timeZone: manifestTimeZone(options.distDir),
    sheets: ['Sheet1'],
  });
  state.spreadsheets[0].editors = [...options.editors];
  state.clock.offsetMs = Date.parse(options.today ?? DEMO_TODAY) - Date.now();
  return state;
}

/** Column number → letters (1 → A, 27 → AA). */
function letters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Small scripts run as executions of their own. The user's edit is one (Google writes the cell, not the
 * add-on); simple-trigger events need live objects (event.range, event.source), so the trigger runs a
 * helper appended to the bundle that builds the event inside the execution and calls the handler.
 * Building the event costs a few counted calls that Google would not count; they are marked in the log.
 */
const EDIT_SCRIPT = `function __workbenchEdit(sheetId, row, col, value) {
  var range = SpreadsheetApp.getActiveSpreadsheet().getSheetById(sheetId).getRange(row, col);
  var old = range.getValue();
  range.setValue(value);
  return old instanceof Date ? old.toISOString() : old;
}`;

const TRIGGER_HELPERS = `
;function __workbenchOnOpen() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  return onOpen({ authMode: 'LIMITED', source: ss, user: Session.getActiveUser() });
}
function __workbenchOnEdit(sheetId, row, col, value, oldValue) {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var range = ss.getSheetById(sheetId).getRange(row, col);
  var e = { authMode: 'LIMITED', range: range, source: ss, user: Session.getActiveUser(), triggerUid: 'simple' };
  if (value !== undefined) e.value = value;
  if (oldValue !== undefined && oldValue !== '') e.oldValue = oldValue;
  return onEdit(e);
}`;

export async function createWorkbenchHost(options: HostOptions): Promise<WorkbenchHost> {
  const host = new GasHost({
    state: initialState(options),
    options: {
      urlMap: options.urlMap,
      bundleDir: options.distDir,
      user: options.owner,
      scriptTimeZone: manifestTimeZone(options.distDir),
    },
    // local/gas's static bundle check is quadratic in the bundle size (minutes for a 400 KB bundle),
    // so executions skip it; the bundle test runs it once.
    checkBundle: false,
  });
  const bundleFile = path.join(options.distDir, 'Code.js');
  let cached: { mtimeMs: number; source: BundleSource } | null = null;
  /** The bundle with the trigger helpers appended, re-read when `npm run build` replaces it. */
  const withHelpers = (): BundleSource => {
    const { mtimeMs } = fs.statSync(bundleFile);
    if (!cached || cached.mtimeMs !== mtimeMs) {
      const code = fs.readFileSync(bundleFile, 'utf8');
      cached = { mtimeMs, source: { code: code + TRIGGER_HELPERS, filename: bundleFile } };
    }
    return cached.source;
  };
  const defines = (fn: string) => new RegExp(`\\bfunction ${fn}\\s*\\(`).test(withHelpers().code);

  const outcome = (fn: string, kind: ExecutionKind, r: ExecutionResult): ExecOutcome => ({
    fn,
    kind,
    ok: r.ok,
    ...(r.ok
      ? { value: r.result }
      : { error: { name: r.error?.name ?? 'Error', message: r.error?.message ?? '' } }),
    stats: r.stats,
    logs: logLines(r.logs),
  });

  return {
    state: () => host.state,
    async run(fn, args, { kind, user }) {
      return outcome(fn, kind, await host.run(bundleFile, fn, args, { kind, user }));
    },
    async open(user) {
      // Google runs onOpen only for people who may edit the spreadsheet.
      if (!defines('onOpen') || !canEdit(host.state, user)) return null;
      const r = await host.run(withHelpers(), '__workbenchOnOpen', [], { kind: 'simple-trigger', user });
      return outcome('onOpen', 'simple-trigger', r);
    },
    async editCell(sheetId, row, col, value, user) {
      const ss = host.state.spreadsheets.find((s) => s.id === host.state.activeSpreadsheetId);
      const sheetName = ss?.sheets.find((s) => s.id === sheetId)?.name ?? String(sheetId);
      const edit = outcome(
        `edit ${sheetName}!${letters(col)}${row}`,
        'direct',
        await host.run(
          { code: EDIT_SCRIPT, filename: 'workbench-edit.js' },
          '__workbenchEdit',
          [sheetId, row, col, value],
          {
            kind: 'direct',
            user,
          },
        ),
      );
      if (!edit.ok || !defines('onEdit')) return [edit];
      const typed = typeof value === 'string' ? value : String(value).toUpperCase();
      const trigger = await host.run(
        withHelpers(),
        '__workbenchOnEdit',
        [sheetId, row, col, typed, edit.value],
        {
          kind: 'simple-trigger',
          user,
        },
      );
      return [edit, outcome('onEdit', 'simple-trigger', trigger)];
    },
    async fireNextTriggers() {
      const next = host.state.triggers
        .map((t) => t.nextRunAt)
        .filter((t): t is number => t !== null)
        .sort((a, b) => a - b)[0];
      if (next === undefined) return [];
      const results = await host.fireDueTriggers(bundleFile, Math.max(next, clockNow(host.state)));
      return results.map((r) => outcome(r.functionName, 'trigger', r));
    },
    activateSheet(sheetId) {
      const ss = host.state.spreadsheets.find((s) => s.id === host.state.activeSpreadsheetId);
      if (ss?.sheets.some((s) => s.id === sheetId)) ss.activeSheetId = sheetId;
    },
    save() {
      host.save(options.stateFile);
    },
    async close() {
      host.save(options.stateFile);
      await host.close();
    },
  };
}
