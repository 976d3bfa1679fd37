/** All Apps Script globals the emulator provides, as raw (uncounted) service objects. */
import type { Ctx } from './service';
import { EmuSpreadsheetApp } from './spreadsheet/app';
import { EmuUrlFetchApp } from './urlfetch/urlfetch';
import { EmuPropertiesService } from './properties';
import { EmuCacheService } from './cache';
import { EmuLockService } from './lock';
import { EmuScriptApp } from './script-app';
import { EmuHtmlService } from './html';
import { EmuConsole, EmuLogger, EmuMailApp, EmuSession, EmuUtilities } from './utilities';

export interface GasGlobals {
  SpreadsheetApp: EmuSpreadsheetApp;
  UrlFetchApp: EmuUrlFetchApp;
  PropertiesService: EmuPropertiesService;
  CacheService: EmuCacheService;
  LockService: EmuLockService;
  ScriptApp: EmuScriptApp;
  HtmlService: EmuHtmlService;
  Utilities: EmuUtilities;
  Session: EmuSession;
  Logger: EmuLogger;
  MailApp: EmuMailApp;
  console: EmuConsole;
}

export const GLOBAL_NAMES: ReadonlyArray<keyof GasGlobals> = [
  'SpreadsheetApp',
  'UrlFetchApp',
  'PropertiesService',
  'CacheService',
  'LockService',
  'ScriptApp',
  'HtmlService',
  'Utilities',
  'Session',
  'Logger',
  'MailApp',
  'console',
];

export function createServices(ctx: Ctx): GasGlobals {
  return {
    SpreadsheetApp: new EmuSpreadsheetApp(ctx),
    UrlFetchApp: new EmuUrlFetchApp(ctx),
    PropertiesService: new EmuPropertiesService(ctx),
    CacheService: new EmuCacheService(ctx),
    LockService: new EmuLockService(ctx),
    ScriptApp: new EmuScriptApp(ctx),
    HtmlService: new EmuHtmlService(ctx),
    Utilities: new EmuUtilities(ctx),
    Session: new EmuSession(ctx),
    Logger: new EmuLogger(ctx),
    MailApp: new EmuMailApp(ctx),
    console: new EmuConsole(ctx),
  };
}
