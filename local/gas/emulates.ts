/**
 * `class EmuRange implements Emulates<GoogleAppsScript.Spreadsheet.Range, 'getValues' | ...>` type-checks
 * each emulated method against @types/google-apps-script, with Apps Script object types in parameters and
 * results replaced by their emulator classes and enums by their string names. For overloaded methods
 * the last overload is the one checked.
 */
import type { EmuRange } from './spreadsheet/range';
import type { EmuSheet } from './spreadsheet/sheet';
import type { EmuSpreadsheet } from './spreadsheet/spreadsheet';
import type { EmuProtection } from './spreadsheet/protection';
import type {
  EmuBooleanCondition,
  EmuConditionalFormatRule,
  EmuConditionalFormatRuleBuilder,
  EmuDataValidation,
  EmuDataValidationBuilder,
} from './spreadsheet/rules';
import type { EmuMenu, EmuPromptResponse, EmuUi } from './spreadsheet/ui';
import type { EmuHtmlOutput, EmuHtmlTemplate } from './html';
import type { EmuBlob } from './blob';
import type { EmuHTTPResponse } from './urlfetch/urlfetch';
import type { EmuProperties } from './properties';
import type { EmuUser } from './user';
import type { EmuCache } from './cache';
import type { EmuLock } from './lock';
import type {
  EmuClockTriggerBuilder,
  EmuService,
  EmuSpreadsheetTriggerBuilder,
  EmuTrigger,
  EmuTriggerBuilder,
} from './script-app';

type IsAny<T> = 0 extends 1 & T ? true : false;
/** Strict type equality (tells `number` apart from a numeric enum, which `number` is assignable to). */
type IsNumber<T> = (<G>() => G extends T ? 1 : 2) extends <G>() => G extends number ? 1 : 2 ? true : false;

/** Apps Script type → emulator type. */
export type Swap<T> =
  IsAny<T> extends true
    ? T
    : T extends number
      ? IsNumber<T> extends true
        ? T
        : string
      : T extends readonly (infer U)[]
        ? Swap<U>[]
        : T extends GoogleAppsScript.Spreadsheet.Range
          ? EmuRange
          : T extends GoogleAppsScript.Spreadsheet.Sheet
            ? EmuSheet
            : T extends GoogleAppsScript.Spreadsheet.Spreadsheet
              ? EmuSpreadsheet
              : T extends GoogleAppsScript.Spreadsheet.Protection
                ? EmuProtection
                : T extends GoogleAppsScript.Spreadsheet.DataValidationBuilder
                  ? EmuDataValidationBuilder
                  : T extends GoogleAppsScript.Spreadsheet.DataValidation
                    ? EmuDataValidation
                    : T extends GoogleAppsScript.Spreadsheet.ConditionalFormatRuleBuilder
                      ? EmuConditionalFormatRuleBuilder
                      : T extends GoogleAppsScript.Spreadsheet.ConditionalFormatRule
                        ? EmuConditionalFormatRule
                        : T extends GoogleAppsScript.Spreadsheet.BooleanCondition
                          ? EmuBooleanCondition
                          : T extends GoogleAppsScript.Base.Ui
                            ? EmuUi
                            : T extends GoogleAppsScript.Base.Menu
                              ? EmuMenu
                              : T extends GoogleAppsScript.Base.PromptResponse
                                ? EmuPromptResponse
                                : T extends GoogleAppsScript.URL_Fetch.HTTPResponse
                                  ? EmuHTTPResponse
                                  : T extends GoogleAppsScript.HTML.HtmlOutput
                                    ? EmuHtmlOutput
                                    : T extends GoogleAppsScript.HTML.HtmlTemplate
                                      ? EmuHtmlTemplate
                                      : T extends GoogleAppsScript.Base.Blob
                                        ? EmuBlob
                                        : T extends GoogleAppsScript.Base.BlobSource
                                          ? EmuBlob
                                          : T extends GoogleAppsScript.Properties.Properties
                                            ? EmuProperties
                                            : T extends GoogleAppsScript.Cache.Cache
                                              ? EmuCache
                                              : T extends GoogleAppsScript.Lock.Lock
                                                ? EmuLock
                                                : T extends GoogleAppsScript.Script.ClockTriggerBuilder
                                                  ? EmuClockTriggerBuilder
                                                  : T extends GoogleAppsScript.Script.SpreadsheetTriggerBuilder
                                                    ? EmuSpreadsheetTriggerBuilder
                                                    : T extends GoogleAppsScript.Script.TriggerBuilder
                                                      ? EmuTriggerBuilder
                                                      : T extends GoogleAppsScript.Script.Trigger
                                                        ? EmuTrigger
                                                        : T extends GoogleAppsScript.Script.Service
                                                          ? EmuService
                                                          : T extends GoogleAppsScript.Base.User
                                                            ? EmuUser
                                                            : T;

type SwapArgs<A extends unknown[]> = { [I in keyof A]: Swap<A[I]> };

export type Emulates<T, K extends keyof T> = {
  [P in K]: T[P] extends (...args: infer A) => infer R ? (...args: SwapArgs<A>) => Swap<R> : Swap<T[P]>;
};
