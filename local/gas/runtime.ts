/**
 * The shared, long-lived side of the emulator: the state, the options, the lock table and the HTTP
 * transport. Executions come and go; the runtime stays (on the host thread in multi-execution mode).
 */
import { clockNow, createState, type GasState, type StateDefaults } from './state';
import { LockTable } from './lock-table';
import { limitsOf, type QuotaProfileOption } from './quotas';
import { performAll } from './urlfetch/http-core';
import { requestAllSync } from './urlfetch/sync-http';
import type { UrlMap, WireRequest, WireResult } from './urlfetch/wire';

export interface GasOptions {
  /** Vendor origin → local sandbox base URL, e.g. { 'https://api.twilio.com': 'http://127.0.0.1:5001' }. */
  urlMap?: UrlMap;
  /** Folder HtmlService.createHtmlOutputFromFile reads `<name>.html` from (e.g. 'dist'). */
  bundleDir?: string;
  /** Email of the user running executions (Session.getActiveUser). */
  user?: string;
  /** Session.getScriptTimeZone() (appsscript.json timeZone). */
  scriptTimeZone?: string;
  /** Sheets refuses ranges outside the grid ("The coordinates of the range are outside..."). Default true. */
  strictBounds?: boolean;
  /** UrlFetchApp timeout per request (real ms). Default 60 s, as Apps Script. */
  httpTimeoutMs?: number;
  /** MailApp daily quota (default: the quota profile's recipients per day). */
  mailQuota?: number;
  /**
   * Daily quotas per user (quotas.ts): 'consumer' (default, the strictest), 'workspace', or 'unlimited'
   * (usage is counted for reports but never refused).
   */
  quotaProfile?: QuotaProfileOption;
  /** Also really sleep in Utilities.sleep (default false: only modelled time advances). */
  realSleep?: boolean;
  /**
   * The minute within its hour an atHour/atDate/onMonthDay trigger fires at. Google picks one per trigger
   * and keeps it ("Apps Script chooses a time between 9 a.m. and 10 a.m."); 'spread' (default) derives it
   * from the trigger, 0–59; a number pins every such trigger to it (to test an hour's first or last minute).
   */
  triggerMinute?: number | 'spread';
  /**
   * 'bound' (default): a script bound to its spreadsheet. 'addon': an Editor add-on (addon.ts): one
   * project serving many documents, add-on trigger rules.
   */
  deployment?: 'bound' | 'addon';
  /** An add-on run as a test deployment: installable triggers are refused (addon.ts). */
  testDeployment?: boolean;
}

export interface ResolvedOptions {
  urlMap: UrlMap;
  bundleDir: string | null;
  user: string;
  scriptTimeZone: string;
  strictBounds: boolean;
  httpTimeoutMs: number;
  mailQuota: number;
  quotaProfile: QuotaProfileOption;
  realSleep: boolean;
  triggerMinute: number | 'spread';
  deployment: 'bound' | 'addon';
  testDeployment: boolean;
}

export function resolveOptions(o: GasOptions = {}): ResolvedOptions {
  return {
    urlMap: o.urlMap ?? {},
    bundleDir: o.bundleDir ?? null,
    user: o.user ?? 'owner@example.com',
    scriptTimeZone: o.scriptTimeZone ?? 'America/New_York',
    strictBounds: o.strictBounds ?? true,
    httpTimeoutMs: o.httpTimeoutMs ?? 60_000,
    mailQuota: o.mailQuota ?? limitsOf(o.quotaProfile ?? 'consumer')?.emailRecipients ?? Infinity,
    quotaProfile: o.quotaProfile ?? 'consumer',
    realSleep: o.realSleep ?? false,
    triggerMinute: o.triggerMinute ?? 'spread',
    deployment: o.deployment ?? 'bound',
    testDeployment: o.testDeployment ?? false,
  };
}

export class GasRuntime {
  readonly options: ResolvedOptions;
  readonly locks = new LockTable();

  constructor(
    public state: GasState,
    options: GasOptions = {},
  ) {
    this.options = resolveOptions(options);
  }

  static create(defaults: StateDefaults = {}, options: GasOptions = {}): GasRuntime {
    return new GasRuntime(createState(defaults), options);
  }

  now(): number {
    return clockNow(this.state);
  }

  /** Map more vendor origins (e.g. after starting sandboxes). */
  mapUrls(map: UrlMap): void {
    Object.assign(this.options.urlMap, map);
  }

  httpSync(reqs: WireRequest[]): WireResult[] {
    return requestAllSync(reqs, this.options.urlMap);
  }

  httpAsync(reqs: WireRequest[]): Promise<WireResult[]> {
    return performAll(reqs, this.options.urlMap);
  }
}
