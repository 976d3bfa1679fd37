/**
 * interworks.cloud as a registered source. The BSS lives on each tenant's own host, so the URL prefix is
 * not known in advance: the MSP's host must be added to appsscript.json's urlFetchWhitelist when deploying.
 */
import type { ConnectorProbe, ProbeResult, SourceDescriptor } from '../../descriptor';
import type { BillingPeriod, BillingSource } from '../../../core/source';
import { interworksCredentialsSchema, type InterworksCredentials } from './config';
import {
  InterworksSource,
  createInterworksSource,
  interworksHttpPolicy,
  type InterworksTenantFacts,
} from './source';

/**
 * The twelve whole months before `today`: a check looks at the first charge in them, so a tenant that
 * billed nothing last month (or a demo tenant whose month is older) still shows its charges' fields.
 */
export function checkWindow(today = new Date()): BillingPeriod {
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 12, 1));
  const end = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0));
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return { month: iso(end).slice(0, 7), start: iso(start), end: iso(end) };
}

function probe(
  id: string,
  assumption: string,
  judge: (f: InterworksTenantFacts) => ProbeResult,
): ConnectorProbe<BillingSource, InterworksCredentials> {
  return {
    id,
    assumption,
    run(connector) {
      if (!(connector instanceof InterworksSource))
        return { status: 'unchecked', detail: 'not an interworks.cloud connection' };
      return judge(connector.tenantFacts(checkWindow()));
    },
  };
}

/** Read-only checks of what SOURCES.md marks unverified. */
export const interworksProbes: ConnectorProbe<BillingSource, InterworksCredentials>[] = [
  probe(
    'interworks.charges-route',
    'The BSS serves charges by date at GET /api/charges?fromDate&toDate',
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
          ? { status: 'unchecked', detail: 'no charge in the last twelve months to look at' }
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

export const descriptor: SourceDescriptor<InterworksCredentials> = {
  id: 'interworks',
  kind: 'source',
  displayName: 'interworks.cloud',
  credentials: interworksCredentialsSchema,
  fields: [
    {
      name: 'host',
      label: 'BSS address',
      exposure: 'identifier',
      input: 'url',
      hint: 'https://your-bss-host',
    },
    {
      name: 'clientKey',
      label: 'Client Key',
      exposure: 'identifier',
      input: 'text',
      hint: 'BSS → Setup → Administration → System Options → API Credentials',
    },
    { name: 'clientSecret', label: 'Client Secret', exposure: 'secret', input: 'password' },
    { name: 'username', label: 'API user name', exposure: 'identifier', input: 'text' },
    { name: 'password', label: 'API user password', exposure: 'secret', input: 'password' },
  ],
  urlPrefixes: [],
  http: { reads: interworksHttpPolicy() },
  create: (c, deps) => {
    const tokenStore = deps.tokenStore(`interworks.${c.host}.${c.clientKey}.${c.username}`);
    return createInterworksSource(c, deps.http(interworksHttpPolicy()), tokenStore ? { tokenStore } : {});
  },
  probes: interworksProbes,
};
