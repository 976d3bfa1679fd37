/**
 * One execution (a menu click, a sidebar call, a trigger): its counters, modelled time, logs and the
 * 6-minute limit. Every service call goes through `beforeCall`.
 */
import { LATENCY, callCostMs } from './latency';

export interface HttpStats {
  /** UrlFetchApp.fetch calls. */
  fetchCalls: number;
  /** UrlFetchApp.fetchAll calls. */
  fetchAllCalls: number;
  /** Number of requests in each fetchAll, in order. */
  batchSizes: number[];
  bytesSent: number;
  bytesReceived: number;
}

export interface ExecutionStats {
  /** 'SpreadsheetApp.Range.getValues' → count. */
  calls: Record<string, number>;
  cellsRead: number;
  cellsWritten: number;
  /** Individual HTTP requests (a fetchAll of 5 counts 5). */
  httpRequests: number;
  http: HttpStats;
  /** Modelled execution time on Google (ms), per LATENCY.md. */
  modelledMs: number;
  /** The same time split by service ('SpreadsheetApp', 'UrlFetchApp', 'Utilities' for sleep, ...). */
  modelledMsByService: Record<string, number>;
  /** Real time spent so far (ms). */
  wallMs: number;
}

export interface LogEntry {
  at: number;
  level: 'log' | 'info' | 'warn' | 'error' | 'Logger';
  message: string;
}

/** What started the execution; some services behave differently (getUi() is unavailable in triggers). */
/** 'trigger' = time-driven; 'document-trigger' = installable ON_OPEN/ON_EDIT (runs like the user). */
export type ExecutionKind = 'direct' | 'menu' | 'sidebar' | 'trigger' | 'simple-trigger' | 'document-trigger';

export interface ExecutionOptions {
  kind?: ExecutionKind;
  /** Email of the user the execution runs as. */
  user?: string;
  /** Override the 360 s limit (modelled ms). */
  limitMs?: number;
  /**
   * Id of the spreadsheet the execution runs in (the document the user has open, or the document a
   * trigger was created in); default: the state's active spreadsheet. See addon.ts.
   */
  document?: string;
}

/** Error as Apps Script throws it: `name` 'Exception', message without the prefix. */
export class GasError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Exception';
  }
}

export const TIME_LIMIT_MESSAGE = 'Exceeded maximum execution time';
export const SIMPLE_TRIGGER_LIMIT_MS = 30_000;

let executionSeq = 0;

export function emptyStats(): ExecutionStats {
  return {
    calls: {},
    cellsRead: 0,
    cellsWritten: 0,
    httpRequests: 0,
    http: { fetchCalls: 0, fetchAllCalls: 0, batchSizes: [], bytesSent: 0, bytesReceived: 0 },
    modelledMs: 0,
    modelledMsByService: {},
    wallMs: 0,
  };
}

export class Execution {
  readonly id: string;
  readonly kind: ExecutionKind;
  readonly user: string;
  /** The spreadsheet this execution runs in; null = the state's active spreadsheet. */
  readonly document: string | null;
  readonly stats: ExecutionStats = emptyStats();
  readonly logs: LogEntry[] = [];
  readonly limitMs: number;
  readonly startedAt = Date.now();
  /** Logger.getLog() buffer (cleared by Logger.clear()). */
  loggerLines: string[] = [];

  constructor(options: ExecutionOptions & { user: string }) {
    executionSeq += 1;
    this.id = `exec-${process.pid}-${executionSeq}-${Math.random().toString(36).slice(2, 8)}`;
    this.kind = options.kind ?? 'direct';
    this.user = options.user;
    this.document = options.document ?? null;
    // Simple triggers (onOpen, onEdit) get 30 s on Google; everything else 6 minutes.
    this.limitMs =
      options.limitMs ??
      (this.kind === 'simple-trigger' ? SIMPLE_TRIGGER_LIMIT_MS : LATENCY.executionLimitMs);
  }

  /** Service of the call in progress: data-dependent costs are attributed to it. */
  private service = 'other';

  /** Counts the call, enforces the limit, adds the call's fixed modelled cost. */
  beforeCall(cls: string, method: string): void {
    const key = `${cls}.${method}`;
    this.stats.calls[key] = (this.stats.calls[key] ?? 0) + 1;
    this.checkTime();
    this.service = cls.split('.')[0];
    this.addMs(callCostMs(cls, method));
  }

  /**
   * Set once the limit was hit. On Google the execution is killed there and then: a bundle that catches
   * the error cannot carry on, so the runners report the execution as failed whatever it did next.
   */
  timedOut = false;

  checkTime(): void {
    this.stats.wallMs = Date.now() - this.startedAt;
    if (this.stats.modelledMs > this.limitMs) {
      this.timedOut = true;
      throw new GasError(TIME_LIMIT_MESSAGE);
    }
  }

  addMs(ms: number): void {
    this.stats.modelledMs += ms;
    const by = this.stats.modelledMsByService;
    by[this.service] = (by[this.service] ?? 0) + ms;
  }

  read(cells: number): void {
    this.stats.cellsRead += cells;
    this.addMs(cells * LATENCY.cellReadMs);
  }

  wrote(cells: number): void {
    this.stats.cellsWritten += cells;
    this.addMs(cells * LATENCY.cellWriteMs);
  }

  log(level: LogEntry['level'], message: string): void {
    this.logs.push({ at: Date.now(), level, message });
  }

  snapshot(): ExecutionStats {
    this.stats.wallMs = Date.now() - this.startedAt;
    return JSON.parse(JSON.stringify(this.stats)) as ExecutionStats;
  }
}
