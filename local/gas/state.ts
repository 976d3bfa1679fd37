/**
 * The emulator's shared state: one plain, JSON-serialisable object holding everything that outlives an
 * execution on Google (spreadsheets, properties, cache, triggers, sent mail, UI surface, the clock).
 * Dates inside cells are stored tagged (`{ d: epochMs }`) so the state survives JSON round trips.
 */
import fs from 'node:fs';

/** A stored cell value: Sheets only ever holds numbers, strings, booleans and dates. */
export type StoredValue = string | number | boolean | { d: number };

export interface DataValidationData {
  criteria: string;
  values: unknown[];
  allowInvalid: boolean;
  helpText: string | null;
}

export interface CellState {
  /** Value (absent = empty). For formula cells this is absent: the value is computed on read. */
  v?: StoredValue;
  /** Formula text including the leading '='. */
  f?: string;
  note?: string;
  /** Number format, e.g. '@' (plain text), '0.00', 'yyyy-mm-dd'. */
  nf?: string;
  dv?: DataValidationData;
  bg?: string;
  fc?: string;
  fw?: 'bold' | 'normal';
  ha?: string;
  wrap?: boolean;
}

export interface GridRangeData {
  sheetId: number;
  row: number;
  column: number;
  numRows: number;
  numColumns: number;
}

export interface ConditionalFormatRuleData {
  ranges: GridRangeData[];
  criteria: string | null;
  values: unknown[];
  background: string | null;
  fontColor: string | null;
  bold: boolean | null;
  italic: boolean | null;
}

export interface ProtectionData {
  id: number;
  type: 'SHEET' | 'RANGE';
  range: GridRangeData;
  description: string;
  warningOnly: boolean;
  editors: string[];
  domainEdit: boolean;
  unprotected: GridRangeData[];
}

/** One developer metadata item on a sheet (local/gas/spreadsheet/metadata.ts). */
export interface DeveloperMetadataData {
  id: number;
  key: string;
  value: string | null;
  visibility: 'DOCUMENT' | 'PROJECT';
}

export interface SheetState {
  id: number;
  name: string;
  maxRows: number;
  maxColumns: number;
  frozenRows: number;
  frozenColumns: number;
  hidden: boolean;
  tabColor: string | null;
  /** rows[r][c] (0-based); missing rows/cells are empty. Sparse arrays serialise as null. */
  rows: Array<Array<CellState | null> | null>;
  columnWidths: Record<string, number>;
  /** 1-based positions of columns hidden with hideColumns (absent in older saved states). */
  hiddenColumns?: number[];
  conditionalFormatRules: ConditionalFormatRuleData[];
  protections: ProtectionData[];
  /** Developer metadata located on the sheet (absent in older saved states). */
  developerMetadata?: DeveloperMetadataData[];
}

export interface SpreadsheetState {
  id: string;
  name: string;
  timeZone: string;
  locale: string;
  owner: string;
  /** People the file is shared with as editors, one by one: what getEditors() lists (with the owner). */
  editors: string[];
  /**
   * Google Groups the file is shared with as editors: group address → its members. They may edit and run
   * the spreadsheet's scripts, but getEditors() does not list them (local/gas/access.ts).
   */
  groupEditors?: Record<string, string[]>;
  /** A Workspace domain whose every user may edit ("Anyone in <domain> … Editor"); getEditors() lists none. */
  domainEditors?: string;
  sheets: SheetState[];
  activeSheetId: number;
}

export interface CacheEntry {
  value: string;
  expiresAt: number;
}

export interface TriggerState {
  id: string;
  handler: string;
  /** 'CLOCK' or 'SPREADSHEETS'. */
  source: string;
  /** 'CLOCK', 'ON_OPEN', 'ON_EDIT', 'ON_CHANGE', 'ON_FORM_SUBMIT'. */
  eventType: string;
  sourceId: string;
  user: string;
  /** The spreadsheet the creating execution ran in (absent in older saved states: the active one). */
  document?: string;
  schedule: TriggerSchedule | null;
  /** Next time (emulator clock, epoch ms) a clock trigger fires; null once a one-off has fired. */
  nextRunAt: number | null;
  lastRunAt: number | null;
  runs: number;
}

export type TriggerSchedule =
  | { kind: 'once'; at: number }
  | { kind: 'minutes'; every: number }
  | { kind: 'hours'; every: number }
  | { kind: 'days'; every: number; hour: number; minute: number; timeZone?: string }
  | { kind: 'weeks'; every: number; weekDay: number; hour: number; minute: number; timeZone?: string }
  | { kind: 'month'; day: number; hour: number; minute: number; timeZone?: string };

export interface MailMessage {
  at: number;
  from: string;
  to: string;
  subject: string;
  body: string;
  htmlBody?: string;
  cc?: string;
  bcc?: string;
  replyTo?: string;
  name?: string;
}

export interface MenuData {
  caption: string;
  addon: boolean;
  items: MenuItemData[];
}

export type MenuItemData =
  | { kind: 'item'; caption: string; functionName: string }
  | { kind: 'separator' }
  | { kind: 'submenu'; menu: MenuData };

export interface UiState {
  menus: MenuData[];
  alerts: Array<{ at: number; title: string; prompt: string; buttons: string; answer: string }>;
  /** Answers the next alerts/prompts will get (front first); 'OK' (or the set's first button) when empty. */
  alertAnswers: string[];
  promptAnswers: Array<{ button: string; text: string }>;
  toasts: Array<{ at: number; message: string; title: string; timeoutSeconds: number | null }>;
  sidebar: { title: string; html: string; width: number; at: number } | null;
  dialogs: Array<{ title: string; html: string; width: number; height: number; modal: boolean; at: number }>;
}

export interface ClockState {
  /** When set, the emulator clock is frozen at this epoch ms (tests); otherwise it is real time + offsetMs. */
  frozenAt: number | null;
  offsetMs: number;
}

export interface DailyUsageState {
  /** Start of the user's current 24-hour quota window (emulator clock). */
  since: number;
  urlFetchCalls: number;
  triggerRuntimeMs: number;
  propertiesReadWrites: number;
}

export interface GasState {
  version: 1;
  scriptId: string;
  spreadsheets: SpreadsheetState[];
  activeSpreadsheetId: string;
  /**
   * Script, document and per-user properties. `document` belongs to the active spreadsheet
   * (`activeSpreadsheetId`); any other spreadsheet's are in `documents[id]` (addon.ts).
   */
  properties: {
    script: Record<string, string>;
    document: Record<string, string>;
    documents?: Record<string, Record<string, string>>;
    user: Record<string, Record<string, string>>;
  };
  cache: {
    script: Record<string, CacheEntry>;
    document: Record<string, CacheEntry>;
    /** Other spreadsheets' document caches (addon.ts). */
    documents?: Record<string, Record<string, CacheEntry>>;
    user: Record<string, Record<string, CacheEntry>>;
  };
  triggers: TriggerState[];
  mail: MailMessage[];
  ui: UiState;
  clock: ClockState;
  /** Daily quota usage per user (see quotas.ts); absent in older saved states. */
  quota?: Record<string, DailyUsageState>;
  /** Counters for ids (sheet ids, protections, triggers). */
  seq: number;
}

export interface StateDefaults {
  spreadsheetName?: string;
  spreadsheetId?: string;
  timeZone?: string;
  owner?: string;
  /** Sheet names to create; a single 'Sheet1' when omitted. */
  sheets?: string[];
  scriptId?: string;
  /** Freeze the clock at this instant (ms or Date). */
  now?: number | Date;
}

export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;

export function newSheetState(
  id: number,
  name: string,
  rows = DEFAULT_ROWS,
  columns = DEFAULT_COLUMNS,
): SheetState {
  return {
    id,
    name,
    maxRows: rows,
    maxColumns: columns,
    frozenRows: 0,
    frozenColumns: 0,
    hidden: false,
    tabColor: null,
    rows: [],
    columnWidths: {},
    conditionalFormatRules: [],
    protections: [],
  };
}

export function createState(defaults: StateDefaults = {}): GasState {
  const owner = defaults.owner ?? 'owner@example.com';
  const id = defaults.spreadsheetId ?? '1EmuSpreadsheetId000000000000000000000000000';
  const names = defaults.sheets ?? ['Sheet1'];
  let seq = 0;
  const sheets = names.map((n) => newSheetState(seq++ === 0 ? 0 : 1000 + seq, n));
  const now = defaults.now;
  return {
    version: 1,
    scriptId: defaults.scriptId ?? '1EmuScriptId',
    spreadsheets: [
      {
        id,
        name: defaults.spreadsheetName ?? 'BillGrid (emulated)',
        timeZone: defaults.timeZone ?? 'America/New_York',
        locale: 'en_US',
        owner,
        editors: [owner],
        sheets,
        activeSheetId: sheets[0].id,
      },
    ],
    activeSpreadsheetId: id,
    properties: { script: {}, document: {}, user: {} },
    cache: { script: {}, document: {}, user: {} },
    triggers: [],
    mail: [],
    ui: {
      menus: [],
      alerts: [],
      alertAnswers: [],
      promptAnswers: [],
      toasts: [],
      sidebar: null,
      dialogs: [],
    },
    clock: { frozenAt: now === undefined ? null : +now, offsetMs: 0 },
    seq: 2000,
  };
}

export function nextId(state: GasState): number {
  state.seq += 1;
  return state.seq;
}

/** The emulator clock (epoch ms). */
export function clockNow(state: GasState): number {
  return state.clock.frozenAt ?? Date.now() + state.clock.offsetMs;
}

export function setClock(state: GasState, at: number | Date): void {
  state.clock.frozenAt = +at;
}

export function advanceClock(state: GasState, ms: number): number {
  if (state.clock.frozenAt !== null) state.clock.frozenAt += ms;
  else state.clock.offsetMs += ms;
  return clockNow(state);
}

export function serializeState(state: GasState): string {
  return JSON.stringify(state);
}

export function deserializeState(json: string): GasState {
  const parsed = JSON.parse(json) as GasState;
  if (parsed.version !== 1 || !Array.isArray(parsed.spreadsheets)) {
    throw new Error('Not an emulator state file (expected version 1 with spreadsheets).');
  }
  return parsed;
}

export function saveStateFile(state: GasState, file: string): void {
  fs.writeFileSync(file, serializeState(state));
}

export function loadStateFile(file: string): GasState {
  return deserializeState(fs.readFileSync(file, 'utf8'));
}
