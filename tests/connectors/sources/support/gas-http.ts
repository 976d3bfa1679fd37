/**
 * The HTTP stack every connector integration test uses: the real RetryingHttpClient over the Apps Script
 * emulator's UrlFetchApp.fetchAll (synchronous, vendor URLs mapped to the sandboxes) and its
 * Utilities.sleep (modelled time: back-off is recorded, never waited for).
 */
import { createGasEnvironment, type GasEnvironment } from '../../../../local/gas/env';
import { createState } from '../../../../local/gas/state';
import { RetryingHttpClient, type HttpDeps, type HttpPolicy } from '../../../../src/platform/http';

type FetchRequest = GoogleAppsScript.URL_Fetch.URLFetchRequest;
type FetchResponse = GoogleAppsScript.URL_Fetch.HTTPResponse;

export interface TestHttp {
  http: RetryingHttpClient;
  /** Every modelled sleep, in ms. */
  sleeps: number[];
  env: GasEnvironment;
}

/** Vendor origins → sandbox URLs, e.g. { 'https://api.twilio.com': sb.urls.twilio }. */
export function testHttp(
  policy: Partial<HttpPolicy> & { apiName: string },
  urlMap: Record<string, string>,
): TestHttp {
  const env = createGasEnvironment(createState(), { urlMap });
  const { UrlFetchApp, Utilities } = env.globals;
  const sleeps: number[] = [];
  let now = Date.UTC(2026, 10, 2, 9, 0, 0);
  const deps: HttpDeps = {
    fetchAll: (reqs: FetchRequest[]) => UrlFetchApp.fetchAll(reqs) as unknown as FetchResponse[],
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      Utilities.sleep(ms);
    },
    random: () => 0.5,
    now: () => now,
  };
  return { http: new RetryingHttpClient(policy, deps), sleeps, env };
}

/** Stop the emulator's HTTP helper thread (call in afterAll so jest exits cleanly). */
export { stopHttpHelper as stopGasHttp } from '../../../../local/gas/urlfetch/sync-http';
