/**
 * Test HTTP stack for the Kaseya BMS connector: the real RetryingHttpClient over the Apps Script emulator's
 * UrlFetchApp (BMS's production host mapped to the sandbox), modelled sleeps. One call = one execution.
 */
import { createGasEnvironment, createState, type UrlMap } from '../../../../local/gas';
import type { LoggedRequest } from '../../../../local/sandbox/framework';
import type { TokenStore } from '../../../../src/core/http';
import {
  createKaseyaBmsTarget,
  mutationPolicy,
  policy,
  type KaseyaBmsTarget,
  type LineRecordStore,
  type TenantFacts,
  type CallLedger,
  type KeptReads,
} from '../../../../src/connectors/psa/kaseya-bms';
import { RetryingHttpClient, type HttpDeps } from '../../../../src/platform/http';
import { DEMO_USER } from '../../../../local/sandbox/kaseya-bms/fixture';

export const BMS_HOST = 'https://api.bms.kaseya.com';

export function memoryTokenStore(): TokenStore & { value: () => unknown } {
  let t: { token: string; expiresAt: number } | null = null;
  return { get: () => t, put: (x) => (t = x), clear: () => (t = null), value: () => t };
}

export interface Connected {
  target: KaseyaBmsTarget;
  reads: RetryingHttpClient;
  writes: RetryingHttpClient;
  sleeps: number[];
}

export function connect(
  sandboxUrl: string,
  opts: {
    config?: Record<string, unknown>;
    lineStore?: LineRecordStore;
    facts?: TenantFacts;
    callLedger?: CallLedger;
    tokenStore?: TokenStore;
    refreshStore?: TokenStore;
    now?: () => number;
    keptReads?: KeptReads;
  } = {},
): Connected {
  const urlMap: UrlMap = { [BMS_HOST]: sandboxUrl };
  const env = createGasEnvironment(createState(), { urlMap });
  const { UrlFetchApp, Utilities } = env.globals;
  const sleeps: number[] = [];
  const deps: HttpDeps = {
    fetchAll: (reqs) => UrlFetchApp.fetchAll(reqs) as unknown as GoogleAppsScript.URL_Fetch.HTTPResponse[],
    sleep: (ms) => {
      sleeps.push(ms);
      Utilities.sleep(ms);
    },
    random: () => 0.5,
    now: () => Date.now(),
  };
  const reads = new RetryingHttpClient(policy, deps);
  const writes = new RetryingHttpClient(mutationPolicy, deps);
  const target = createKaseyaBmsTarget(
    { userName: DEMO_USER.UserName, password: DEMO_USER.Password, tenant: DEMO_USER.Tenant, ...opts.config },
    reads,
    {
      mutations: writes,
      ...(opts.lineStore ? { lineStore: opts.lineStore } : {}),
      ...(opts.facts ? { facts: opts.facts } : {}),
      ...(opts.callLedger ? { callLedger: opts.callLedger } : {}),
      ...(opts.tokenStore ? { tokenStore: opts.tokenStore } : {}),
      ...(opts.refreshStore ? { refreshStore: opts.refreshStore } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.keptReads ? { keptReads: opts.keptReads } : {}),
    },
  );
  return { target, reads, writes, sleeps };
}

/** Creates and changes: anything but a GET, a sign-in or a search. */
export const isMutation = (r: Pick<LoggedRequest, 'method' | 'path'>): boolean =>
  r.method !== 'GET' && !/\/search$/i.test(r.path) && !/^\/v2\/security\//i.test(r.path);
