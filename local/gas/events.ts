/**
 * Document events as the workbench produces them: a person opens the spreadsheet or types into a
 * cell. The edit itself is the user's (not counted on any execution); then Apps Script runs the simple
 * trigger (onOpen/onEdit, 30 s limit) and any installable ON_OPEN/ON_EDIT triggers, each as its own
 * execution with Apps Script's event object.
 */
import { Execution } from './execution';
import type { GasRuntime } from './runtime';
import type { GasGlobals } from './services';
import { EmuSpreadsheetApp } from './spreadsheet/app';
import type { TriggerState } from './state';
import { assertCanEdit } from './spreadsheet/guard';

export interface EditSpec {
  sheet: string;
  /** Single cell, e.g. 'F12'. */
  a1: string;
  /** What the person typed (strings are converted like any Sheets input). */
  value: unknown;
  /** Who edits (default: the runtime's user). */
  user?: string;
  /** Which spreadsheet (default: the state's active one). */
  document?: string;
}

function eventText(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (Object.prototype.toString.call(v) === '[object Date]') return (v as Date).toISOString();
  return String(v);
}

/** Writes the user's input; returns the cell's previous value ('' when it was empty). */
export function applyEdit(runtime: GasRuntime, edit: EditSpec): unknown {
  const exec = new Execution({
    user: edit.user ?? runtime.options.user,
    kind: 'direct',
    ...(edit.document ? { document: edit.document } : {}),
  });
  const sheet = new EmuSpreadsheetApp({ rt: runtime, exec })
    .getActiveSpreadsheet()
    .getSheetByName(edit.sheet);
  if (!sheet) throw new Error(`No sheet named '${edit.sheet}'`);
  const cell = sheet.getRange(edit.a1);
  // A person not on a protection's editors cannot type into it either.
  assertCanEdit({ rt: runtime, exec }, cell._ss(), cell._sheet(), cell._grid());
  const old = cell.getValue();
  cell.setValue(edit.value);
  return old;
}

export function editEvent(g: GasGlobals, edit: EditSpec, oldValue: unknown): Record<string, unknown> {
  const ss = g.SpreadsheetApp.getActiveSpreadsheet();
  const range = ss.getSheetByName(edit.sheet)?.getRange(edit.a1);
  return {
    authMode: 'LIMITED',
    range,
    source: ss,
    user: g.Session.getActiveUser(),
    value: eventText(edit.value),
    ...(oldValue === '' || oldValue === undefined ? {} : { oldValue: eventText(oldValue) }),
  };
}

export function openEvent(g: GasGlobals): Record<string, unknown> {
  return {
    authMode: 'LIMITED',
    source: g.SpreadsheetApp.getActiveSpreadsheet(),
    user: g.Session.getActiveUser(),
  };
}

/**
 * Installable triggers for a document event: every account's, whoever opens or edits (Google: "the
 * first account can still activate those triggers"); each runs as its creator (`t.user`).
 */
export function documentTriggers(
  runtime: GasRuntime,
  eventType: 'ON_OPEN' | 'ON_EDIT',
  document = runtime.state.activeSpreadsheetId,
): TriggerState[] {
  return runtime.state.triggers.filter(
    (t) => t.source === 'SPREADSHEETS' && t.eventType === eventType && t.sourceId === document,
  );
}

export const MISSING_FUNCTION = /^Script function not found: /;
