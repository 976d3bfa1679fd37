/**
 * The HTTP stack for Halo integration tests: the real RetryingHttpClient (with the connector's own policy)
 * over the Apps Script emulator's UrlFetchApp.fetchAll and Utilities.sleep (modelled time), with the
 * tenant's https address mapped to the Halo sandbox.
 */
import { RetryingHttpClient, type HttpDeps, type HttpPolicy } from '../../../../../src/platform/http';
import { createGasEnvironment } from '../../../../../local/gas/env';

/** The demo tenant's address as BillGrid is configured with it. */
export const TENANT_URL = 'https://northwind.halopsa.com';

export interface TestHttp {
  http: RetryingHttpClient;
  sleeps: number[];
  /** Modelled clock (advanced by sleeps and by `advance`). */
  now: () => number;
  advance(ms: number): void;
}

export function testHttp(policy: Partial<HttpPolicy> & { apiName: string }, sandboxUrl: string): TestHttp {
  const env = createGasEnvironment(undefined, { urlMap: { [TENANT_URL]: sandboxUrl } });
  const { UrlFetchApp, Utilities } = env.globals;
  const sleeps: number[] = [];
  let skew = 0;
  const deps: HttpDeps = {
    fetchAll: (reqs) => UrlFetchApp.fetchAll(reqs) as unknown as GoogleAppsScript.URL_Fetch.HTTPResponse[],
    sleep: (ms) => {
      sleeps.push(ms);
      Utilities.sleep(ms);
    },
    random: () => 0.5,
    now: () => Date.now() + skew,
  };
  return {
    http: new RetryingHttpClient(policy, deps),
    sleeps,
    now: () => Date.now() + skew,
    advance: (ms) => {
      skew += ms;
    },
  };
}
