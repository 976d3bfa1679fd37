/**
 * Test HTTP stack for the Autotask connector: the real RetryingHttpClient over the Apps Script emulator's
 * UrlFetchApp.fetchAll (synchronous; Autotask's production hosts mapped to the sandbox) and Utilities.sleep
 * (modelled time: back-off is recorded, never waited for). One call = one Apps Script execution.
 */
import { createGasEnvironment, createState, type GasEnvironment, type UrlMap } from '../../../../local/gas';
import type { LoggedRequest } from '../../../../local/sandbox/framework';
import { mutationPolicy, policy } from '../../../../src/connectors/psa/autotask';
import { RetryingHttpClient, type HttpDeps } from '../../../../src/platform/http';
import { descriptor } from '../../../../src/connectors/psa/autotask/descriptor';
import type { Mappings } from '../../../../src/core/mapping';
import type { PsaReadScope, PsaTarget } from '../../../../src/core/psa';
import { buildPushPlan, keyedStep } from '../../../../src/core/push-plan';
import { reconcile, type ReconcileAction } from '../../../../src/core/reconcile';
import type { BillingSettings } from '../../../../src/core/settings';
import { mappingTargetResolver } from '../../../../src/core/targets';
import { keyed, raw } from '../../../core/fixtures';

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

/**
 * One seat line of a contract service through reconcile, as a month's push plans it: the line mapped to
 * `serviceId` on `contract`, read from Autotask over the month holding `effectiveDate` (with the next period's
 * units when some setting turns proration off, as jobs/month.ts asks). Each call reads Autotask again.
 */
export function seatReconciler(o: {
  target: () => PsaTarget;
  company: string;
  contract: string;
  serviceId: number;
  quantity: number;
  price: number;
  effectiveDate: string;
  settings: BillingSettings;
}): () => ReconcileAction[] {
  const maps: Mappings = {
    clients: [
      {
        source: 'market',
        customerId: 'cust-1',
        customerName: 'Acme',
        companyId: o.company,
        status: 'confirmed',
        score: null,
      },
    ],
    products: [{ source: 'market', sku: 'MS-365-BP', productId: String(o.serviceId), status: 'manual' }],
    contracts: [{ source: 'market', customerId: 'cust-1', subscriptionId: '', contractId: o.contract }],
  };
  const lines = keyed([
    raw({ quantity: o.quantity, unitPrice: o.price, unitCost: 0, effectiveDate: o.effectiveDate }),
  ]);
  const resolver = mappingTargetResolver(maps, o.settings);
  const month = o.effectiveDate.slice(0, 7);
  const r = resolver.resolve(lines[0], descriptor.capabilities);
  const scope: PsaReadScope = {
    periodStart: `${month}-01`,
    periodEnd: new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0))
      .toISOString()
      .slice(0, 10),
    companyIds: [o.company],
    contractIds: [o.contract],
    lineKeys: [],
    ...(r.ok && r.settings.prorate === false ? { readNextMonth: true } : {}),
  };
  return () =>
    reconcile({
      lines,
      state: o.target().readBilling(scope),
      resolver,
      capabilities: descriptor.capabilities,
      psaCurrency: 'USD',
    }).actions;
}

/** Push the actions (every line approved) through applyAll; the outcomes' statuses. */
export function pushActions(target: PsaTarget, actions: ReconcileAction[]): string[] {
  const steps = buildPushPlan(actions, new Set(actions.flatMap((a) => a.lineKeys))).steps.map(keyedStep);
  return (target.applyAll?.(steps) ?? steps.map((s) => target.apply(s))).map((o) => o.status);
}
