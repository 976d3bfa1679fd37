/**
 * Test HTTP stack for the Autotask connector: the real RetryingHttpClient over the Apps Script emulator's
 * UrlFetchApp.fetchAll (synchronous; Autotask's production hosts mapped to the sandbox) and Utilities.sleep
 * (modelled time: back-off is recorded, never waited for). One call = one Apps Script execution.
 */
import { createGasEnvironment, createState, type GasEnvironment, type UrlMap } from '../../../../local/gas';
import type { LoggedRequest } from '../../../../local/sandbox/framework';
import { mutationPolicy, policy } from '../../../../src/connectors/psa/autotask';
import { RetryingHttpClient, type HttpDeps } from '../../../../src/platform/http';

export interface GasHttp {
  reads: RetryingHttpClient;
  writes: RetryingHttpClient;
  /** Every back-off sleep, in ms. */
  sleeps: number[];
  env: GasEnvironment;
}

export function gasHttp(urlMap: UrlMap): GasHttp {
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
  return {
    reads: new RetryingHttpClient(policy, deps),
    writes: new RetryingHttpClient(mutationPolicy, deps),
    sleeps,
    env,
  };
}

/** Creates and updates: anything but a GET or a query. */
export const isMutation = (r: Pick<LoggedRequest, 'method' | 'path'>): boolean =>
  r.method !== 'GET' && !/\/query(\/count|\/next)?$/i.test(r.path);
