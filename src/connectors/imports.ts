/**
 * A source fed by files a person imports instead of by an API: no credentials, and each import profile
 * (one vendor's file layout) is its own integration, with its own clients, rows and settings. Registered
 * in src/connectors/registry.ts (`IMPORTS`); jobs and the sidebar reach it only through this contract.
 *
 * Between the import and the pull, the file's rows are kept in the spreadsheet (a hidden, warning-protected
 * tab per integration and month, `StoredRows`); the profiles in document properties (`DurableValue`). A
 * pull of such an integration reads the stored rows for the month and turns them into lines with the
 * profile as it is now, so a corrected profile is re-applied by pulling again.
 */
import type { BillingSource } from '../core/source';
import type { DurableValue } from './descriptor';

/** Rows of text kept in one hidden tab of the spreadsheet (written as literal text, never as formulas). */
export interface StoredRows {
  /** The rows as written, or null when the tab does not exist. */
  read(): string[][] | null;
  /** Replace the tab's content (creating it hidden and warning-protected). */
  write(rows: string[][]): void;
  /** Delete the tab (nothing when it does not exist). */
  remove(): void;
}

/** What the platform gives an import connector: small values and hidden tabs, both namespaced by its id. */
export interface ImportDeps {
  durable(key: string): DurableValue;
  /** The tab `BillGrid import <name>`; `name` holds letters, digits, dashes and spaces only. */
  rows(name: string): StoredRows;
}

/** One integration an import connector defines (one per import profile). */
export interface ImportIntegration {
  /** Source id: in line keys and mapping tabs, so stable once rows were billed. */
  id: string;
  /** The vendor as the person named the profile. */
  name: string;
}

/**
 * Uploads: google.script.run documents no argument size, so the sidebar sends a file in chunks of this
 * many base64 characters (1 MiB), and BillGrid takes files up to MAX_UPLOAD_BYTES (README, "Imported files").
 */
export const UPLOAD_CHUNK_CHARS = 1_048_576;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MAX_UPLOAD_CHARS = Math.ceil(MAX_UPLOAD_BYTES / 3) * 4;

/** An uploaded or pasted file, as the sidebar sends it. */
export interface ImportFileInput {
  name: string;
  /** The file's bytes, base64 (uploads: the encoding is detected from the bytes). */
  base64?: string;
  /** Text pasted or already decoded. */
  text?: string;
  /** Cells already read: an .xlsx sheet (read in the sidebar) or the Import tab (numbers, ISO dates, text). */
  table?: ImportTable;
}

export type ImportCell = string | number | boolean | null;

export interface ImportTable {
  rows: ImportCell[][];
  /** The row number a person sees for each row (sheet row); index + 1 when absent. */
  rowNumbers?: number[];
  /** E.g. which sheet of a workbook was read. */
  notes?: string[];
}

export interface ImportRequest {
  file: ImportFileInput;
  /** Billing month, e.g. 2026-10. */
  month: string;
  /** The profile as the person confirmed it (parsed by the connector); absent: suggest one. */
  profile?: unknown;
}

export interface ImportFieldView {
  field: string;
  label: string;
}

/** One row as it will land in the grid. */
export interface ImportPreviewRow {
  row: number;
  customer: string;
  customerId: string;
  sku: string;
  description: string;
  chargeType: string;
  quantity: number;
  unitCost: number;
  unitPrice: number;
  total: number;
  currency: string;
  periodStart: string;
  periodEnd: string;
}

export interface ImportPreviewView {
  /** The profile used: remembered (matched by header), or suggested from the header, as JSON. */
  profile: unknown;
  remembered: boolean;
  /** The file's header row (for the column pickers). */
  header: string[];
  /** BillGrid's fields a column can feed, in the users' words. */
  fields: ImportFieldView[];
  /** Options the profile form offers. */
  options: { dateFormats: string[]; decimals: string[]; delimiters: string[]; currencies: string[] };
  /** Set when nothing can be imported; the lists below are then empty. */
  fileError?: string;
  sample: ImportPreviewRow[];
  /** Every row that will not be imported, with its reason. */
  failures: { row: number; message: string }[];
  notes: string[];
  counts: { rows: number; ok: number; failed: number };
}

export interface ImportSaved {
  integration: string;
  name: string;
  month: string;
  /** Data rows kept, lines they give now, rows that fail (shown by every pull of the month). */
  counts: { rows: number; ok: number; failed: number };
}

export interface ImportProfileView {
  integration: string;
  name: string;
  /** The profile as JSON (for editing). */
  profile: unknown;
  /** Months with a stored import, newest first. */
  months: string[];
}

export interface ImportDescriptor {
  /** Stable id: namespaces the stored profiles and tabs (never a source id itself). */
  id: string;
  kind: 'import';
  displayName: string;
  integrations(deps: ImportDeps): ImportIntegration[];
  /** The source of one of its integrations, or null when the id is not one of them. */
  create(integration: string, deps: ImportDeps): BillingSource | null;
  preview(request: ImportRequest, deps: ImportDeps): ImportPreviewView;
  /** Remember the profile and keep the file's rows for the month (replacing an earlier import of it). */
  save(request: ImportRequest, deps: ImportDeps): ImportSaved;
  profiles(deps: ImportDeps): ImportProfileView[];
  /** Give a profile another name (its id, so its integration and line keys, stay). Null: no such integration. */
  rename(integration: string, name: string, deps: ImportDeps): ImportProfileView | null;
  /** Forget a profile and delete its stored files. Null: no such integration. */
  remove(integration: string, deps: ImportDeps): ImportProfileView | null;
}

/** A file or profile the import refuses, with the reason in the user's words (shown as it is). */
export class ImportRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportRefused';
  }
}
