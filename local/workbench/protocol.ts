/** What the workbench server and its page exchange (JSON). */
import type { MenuData } from '../gas/state';
import type { SheetView, TabView } from './snapshot';

export interface RunLogEntry {
  id: number;
  at: number;
  fn: string;
  kind: string;
  user: string;
  ok: boolean;
  error: string | null;
  /** Modelled time on Google (ms). */
  modelledMs: number;
  wallMs: number;
  /** Calls per service ('SpreadsheetApp' → 12). */
  services: Record<string, number>;
  /** Calls per method, for the details row. */
  calls: Record<string, number>;
  cellsRead: number;
  cellsWritten: number;
  httpRequests: number;
  logs: string[];
}

export interface WorkbookSnapshot {
  version: number;
  title: string;
  user: string;
  users: Array<{ email: string; label: string }>;
  tabs: TabView[];
  activeSheetId: number;
  sheet: SheetView | null;
  menus: MenuData[];
  sidebar: { at: number; title: string } | null;
  /** The last dialog the script showed (Ui.showModalDialog / showModelessDialog). */
  dialog: { at: number; title: string; width: number; height: number } | null;
  alerts: Array<{ at: number; title: string; prompt: string; answer: string }>;
  toasts: Array<{ at: number; title: string; message: string; timeoutSeconds: number | null }>;
  runLog: RunLogEntry[];
  sandboxes: Record<string, string>;
  triggers: Array<{ handler: string; eventType: string; nextRunAt: number | null }>;
  /** The emulator clock (epoch ms). */
  now: number;
}

export interface RunReply {
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string };
}
