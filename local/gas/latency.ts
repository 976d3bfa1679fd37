/**
 * The latency model: how long each service call would take on Google. See LATENCY.md for where each
 * figure comes from. Modelled time decides the 6-minute limit and feeds the benchmark.
 */
export const LATENCY = {
  /** One SpreadsheetApp call that reaches the Sheets backend (read, write, structure change). */
  spreadsheetCallMs: 60,
  /** Calls answered from the object itself (getRow, getA1Notation, builders, enums). */
  spreadsheetLocalMs: 0.5,
  /** Per cell read (getValues, getFormulas, getNotes, getDisplayValues, ...). */
  cellReadMs: 0.01,
  /**
   * Per cell written (setValues, setFormulas, setNumberFormats, setDataValidations, ...), including the
   * commit Sheets defers to the next read/flush/end of execution: a 4,000-cell write + flush took 610 ms.
   */
  cellWriteMs: 0.15,
  /** One UrlFetchApp round trip (Google's fetch proxy + TLS + a typical API's answer time). */
  urlFetchMs: 200,
  /** Transfer cost per KiB sent or received. */
  urlFetchPerKiBMs: 0.5,
  /** Extra cost of a fetchAll call on top of its slowest request. */
  fetchAllOverheadMs: 20,
  /** PropertiesService get/set. */
  propertiesMs: 20,
  /** CacheService get/put. */
  cacheMs: 10,
  /** LockService calls when the lock is free (waiting time is added as it happens). */
  lockMs: 10,
  /** ScriptApp trigger management (newTrigger().create(), getProjectTriggers, deleteTrigger). */
  scriptAppMs: 150,
  /** Ui calls (alert/showSidebar/menus): one round trip to the user's browser. */
  uiMs: 100,
  /** MailApp.sendEmail. */
  mailMs: 300,
  /** HtmlService, Session, Utilities (except sleep), Logger, console: in-process on Google. */
  localServiceMs: 0.1,
  /** Apps Script's hard limit for one execution. */
  executionLimitMs: 360_000,
} as const;

/** Range geometry, answered from the Range object itself. */
const RANGE_LOCAL = new Set([
  'getRow',
  'getColumn',
  'getNumRows',
  'getNumColumns',
  'getLastRow',
  'getLastColumn',
  'getA1Notation',
  'getSheet',
  'getHeight',
  'getWidth',
  'getGridId',
]);

/** Ids, names and builders of any SpreadsheetApp class: no round trip to Sheets. */
const ANY_LOCAL = new Set([
  'getName',
  'getSheetName',
  'getSheetId',
  'getId',
  'getIndex',
  'getParent',
  'getUi',
  'newDataValidation',
  'newConditionalFormatRule',
]);

/** ScriptApp calls that read or change the project's trigger list. */
const TRIGGER_STORE = new Set(['create', 'getProjectTriggers', 'getUserTriggers', 'deleteTrigger']);

/** Fixed per-call cost of `service.Class.method` (data-dependent costs are added by the service itself). */
export function callCostMs(cls: string, method: string): number {
  const service = cls.split('.')[0];
  switch (service) {
    case 'SpreadsheetApp':
      if (
        cls.endsWith('Builder') ||
        cls.endsWith('DataValidation') ||
        cls.endsWith('ConditionalFormatRule')
      ) {
        return LATENCY.spreadsheetLocalMs;
      }
      if (cls.endsWith('.Menu')) return method === 'addToUi' ? LATENCY.uiMs : LATENCY.spreadsheetLocalMs;
      if (cls.endsWith('.Ui')) return method.startsWith('create') ? LATENCY.spreadsheetLocalMs : LATENCY.uiMs;
      if (ANY_LOCAL.has(method) || (cls.endsWith('.Range') && RANGE_LOCAL.has(method)))
        return LATENCY.spreadsheetLocalMs;
      return LATENCY.spreadsheetCallMs;
    case 'UrlFetchApp':
      return 0;
    case 'PropertiesService':
      return cls === 'PropertiesService' ? LATENCY.localServiceMs : LATENCY.propertiesMs;
    case 'CacheService':
      return cls === 'CacheService' ? LATENCY.localServiceMs : LATENCY.cacheMs;
    case 'LockService':
      return LATENCY.lockMs;
    case 'ScriptApp':
      return TRIGGER_STORE.has(method) ? LATENCY.scriptAppMs : LATENCY.localServiceMs;
    case 'MailApp':
      return method === 'sendEmail' ? LATENCY.mailMs : LATENCY.localServiceMs;
    default:
      return LATENCY.localServiceMs;
  }
}

export function urlFetchCostMs(bytesSent: number, bytesReceived: number, measuredMs: number): number {
  return (
    Math.max(LATENCY.urlFetchMs, measuredMs) + ((bytesSent + bytesReceived) / 1024) * LATENCY.urlFetchPerKiBMs
  );
}
