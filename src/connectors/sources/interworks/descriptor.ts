/**
 * interworks.cloud as a registered source (shaped like the registry's SourceDescriptor, branch `registry`).
 * The BSS lives on each tenant's own host, so the URL prefix is not known in advance: the MSP's host must
 * be added to appsscript.json's urlFetchWhitelist when deploying (as for self-hosted HaloPSA).
 */
import type { HttpClient, TokenStore } from '../../../core/http';
import { interworksCredentialsSchema, type InterworksCredentials } from './config';
import type { BillingPeriod, BillingSource } from '../../../core/source';
import {
  InterworksSource,
  createInterworksSource,
  interworksHttpPolicy,
  type InterworksTenantFacts,
} from './source';

type ProbeResult = { status: 'confirmed' | 'differs' | 'unchecked'; detail: string };

/** The month before `today`: the one whose charges a check reads. */
function lastMonth(today = new Date()): BillingPeriod {
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0));
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { month: iso(start).slice(0, 7), start: iso(start), end: iso(end) };
}

function probe(id: string, assumption: string, judge: (f: InterworksTenantFacts) => ProbeResult) {
  return {
    id,
    assumption,
    run(connector: BillingSource, period: BillingPeriod = lastMonth()): ProbeResult {
      if (!(connector instanceof InterworksSource))
        return { status: 'unchecked', detail: 'not an interworks.cloud connection' };
      return judge(connector.tenantFacts(period));
    },
  };
}

/** Read-only checks of what SOURCES.md marks unverified. */
export const interworksProbes = [
  probe(
    'interworks.charges-route',
    "The BSS serves the month's charges at GET /api/charges?fromDate&toDate",
    (f) =>
      f.charges === 'present'
        ? { status: 'confirmed', detail: 'the charges route answers' }
        : {
            status: 'differs',
            detail: `the charges route answered ${f.charges}: this connector cannot bill this tenant yet`,
          },
  ),
  probe(
    'interworks.charge-fields',
    "Charges carry seed 004's fields (subscription, product, billing plan and cycle, quantity, unit cost, effective date)",
    (f) =>
      f.chargeFields === 'as modelled'
        ? { status: 'confirmed', detail: 'the first charge reads as modelled' }
        : f.chargeFields === 'unknown'
          ? { status: 'unchecked', detail: 'no charge in the month to look at' }
          : { status: 'differs', detail: `charge fields ${f.chargeFields.replace(/^differ: /, '')}` },
  ),
  probe(
    'interworks.pagination',
    'Lists say their page count (X-Pagination header or a pagination body)',
    (f) =>
      f.pagination === 'header' || f.pagination === 'envelope'
        ? {
            status: 'confirmed',
            detail: `pagination metadata in the ${f.pagination === 'header' ? 'X-Pagination header' : 'response body'}`,
          }
        : {
            status: f.pagination === 'none' ? 'differs' : 'unchecked',
            detail: `pagination metadata: ${f.pagination}`,
          },
  ),
];

interface Deps {
  http(policy: { apiName: string; maxConcurrency?: number }): HttpClient;
  tokenStore(key: string): TokenStore | undefined;
}

export const descriptor = {
  id: 'interworks',
  kind: 'source' as const,
  displayName: 'interworks.cloud',
  credentials: interworksCredentialsSchema,
  fields: [
    {
      name: 'host',
      label: 'BSS address',
      exposure: 'identifier' as const,
      input: 'url' as const,
      hint: 'https://your-bss-host',
    },
    {
      name: 'clientKey',
      label: 'Client Key',
      exposure: 'identifier' as const,
      input: 'text' as const,
      hint: 'BSS → Setup → Administration → System Options → API Credentials',
    },
    { name: 'clientSecret', label: 'Client Secret', exposure: 'secret' as const, input: 'password' as const },
    { name: 'username', label: 'API user name', exposure: 'identifier' as const, input: 'text' as const },
    { name: 'password', label: 'API user password', exposure: 'secret' as const, input: 'password' as const },
  ],
  urlPrefixes: [] as string[],
  http: { reads: interworksHttpPolicy() },
  create: (c: InterworksCredentials, deps: Deps): BillingSource => {
    const tokenStore = deps.tokenStore(`interworks.${c.host}.${c.clientKey}.${c.username}`);
    return createInterworksSource(c, deps.http(interworksHttpPolicy()), tokenStore ? { tokenStore } : {});
  },
  probes: interworksProbes,
};
