/**
 * Test HTTP stack for the ConnectWise connector: the real RetryingHttpClient over the Apps Script emulator's
 * UrlFetchApp (the cloud API host mapped to the sandbox), modelled sleeps. One connect() = one execution.
 */
import { createGasEnvironment, createState, type UrlMap } from '../../../../local/gas';
import type { LoggedRequest } from '../../../../local/sandbox/framework';
import {
  DEMO_CLIENT_ID,
  DEMO_COMPANY_ID,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  DEMO_SITE,
} from '../../../../local/sandbox/connectwise/fixture';
import {
  createConnectWiseTarget,
  mutationPolicy,
  policy,
  type ConnectWiseTarget,
} from '../../../../src/connectors/psa/connectwise';
import type { PushStep } from '../../../../src/core/psa';
import { RetryingHttpClient, type HttpDeps } from '../../../../src/platform/http';

export const CREDENTIALS = {
  site: DEMO_SITE,
  companyId: DEMO_COMPANY_ID,
  publicKey: DEMO_PUBLIC_KEY,
  privateKey: DEMO_PRIVATE_KEY,
  clientId: DEMO_CLIENT_ID,
};

export interface Connected {
  target: ConnectWiseTarget;
  reads: RetryingHttpClient;
  sleeps: number[];
}

export function connect(
  sandboxUrl: string,
  config: Record<string, unknown> = {},
  opts: { realSleep?: boolean } = {},
): Connected {
  const urlMap: UrlMap = { [DEMO_SITE]: sandboxUrl };
  const env = createGasEnvironment(createState(), { urlMap, realSleep: opts.realSleep ?? false });
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
  const target = createConnectWiseTarget({ ...CREDENTIALS, ...config }, reads, writes);
  return { target, reads, sleeps };
}

/** Creates and changes: anything but a GET. */
export const isMutation = (r: Pick<LoggedRequest, 'method'>): boolean => r.method !== 'GET';

export const key = (n: number): string => `BG-${n.toString(16).padStart(16, '0')}`;

export function quantityStep(
  companyId: number,
  agreementId: number,
  productId: string,
  quantity: number,
  price: number,
  cost: number,
  extra: Partial<PushStep['after']> & { itemCode?: string } = {},
): PushStep {
  const { itemCode, ...after } = extra;
  return {
    idempotencyKey: `q-${agreementId}-${productId}-${quantity}-${price}`,
    operation: 'set-quantity',
    ref: { kind: 'quantity', companyId: String(companyId), contractId: String(agreementId), productId },
    lineKeys: [key(agreementId * 1000 + quantity)],
    before: null,
    after: {
      quantity,
      unitPrice: price,
      unitCost: cost,
      effectiveDate: '2026-10-01',
      description: `Seats of ${productId}`,
      productName: `Product ${productId}`,
      sku: productId.replace(/^new:/, ''),
      ...after,
    },
    ...(itemCode ? { codes: { incomeAccount: null, expenseAccount: null, taxCode: null, itemCode } } : {}),
  };
}

export function chargeStep(
  companyId: number,
  agreementId: number,
  lineKey: string,
  productId: string,
  quantity: number,
  price: number,
  extra: { itemCode?: string; effectiveDate?: string } = {},
): PushStep {
  return {
    idempotencyKey: `c-${lineKey}`,
    operation: 'add-charge',
    ref: { kind: 'charge', companyId: String(companyId), container: String(agreementId), lineKey },
    lineKeys: [lineKey],
    before: null,
    after: {
      quantity,
      unitPrice: price,
      unitCost: price / 2,
      effectiveDate: extra.effectiveDate ?? '2026-10-31',
      description: 'Voice minutes, October',
      productName: 'Twilio voice usage',
      sku: productId.replace(/^new:/, ''),
      productId,
    },
    ...(extra.itemCode
      ? { codes: { incomeAccount: null, expenseAccount: null, taxCode: null, itemCode: extra.itemCode } }
      : {}),
  };
}
