/** Ingram Micro (Xvantage reseller API) as a registered source: Connect fields, URL prefixes, HTTP manners, factory. */
import type { ConnectorProbe, ProbeResult, SourceDescriptor } from '../../descriptor';
import type { BillingSource } from '../../../core/source';
import { ingramConfigFrom, ingramCredentialsSchema, type IngramCredentials } from './config';
import { IngramSource, createIngramSource, ingramHttpPolicy, type IngramTenantFacts } from './source';

function probe(
  id: string,
  assumption: string,
  judge: (f: IngramTenantFacts) => ProbeResult,
): ConnectorProbe<BillingSource, IngramCredentials> {
  return {
    id,
    assumption,
    run(connector) {
      if (!(connector instanceof IngramSource))
        return { status: 'unchecked', detail: 'not an Ingram Micro connection' };
      return judge(connector.tenantFacts());
    },
  };
}

/** Read-only checks: the order search's envelope (paging relies on it) and the end user on orders. */
export const ingramProbes: ConnectorProbe<BillingSource, IngramCredentials>[] = [
  probe(
    'ingram.order-search',
    'Order search answers with { recordsFound, orders } so every page can be asked for at once',
    (f) =>
      f.search === 'envelope'
        ? { status: 'confirmed', detail: 'a token was issued and the order search counts its results' }
        : { status: 'differs', detail: `the order search answered ${f.search}` },
  ),
  probe('ingram.end-user', 'Orders name their end user (the client BillGrid bills)', (f) =>
    f.endUser === 'named'
      ? { status: 'confirmed', detail: 'the latest order names its end user' }
      : f.endUser === 'unnamed'
        ? {
            status: 'differs',
            detail: 'the latest order names no end user: such orders are reported, not billed',
          }
        : { status: 'unchecked', detail: 'no order in the last twelve months to look at' },
  ),
];

export const descriptor: SourceDescriptor<IngramCredentials> = {
  id: 'ingram',
  kind: 'source',
  displayName: 'Ingram Micro',
  credentials: ingramCredentialsSchema,
  fields: [
    {
      name: 'clientId',
      label: 'Client ID',
      exposure: 'identifier',
      input: 'text',
      hint: 'Xvantage developer portal → My Apps → your app',
    },
    {
      name: 'clientSecret',
      label: 'Client Secret',
      exposure: 'secret',
      input: 'password',
      hint: 'Shown beside the Client ID in the developer portal',
    },
    {
      name: 'customerNumber',
      label: 'Customer number',
      exposure: 'identifier',
      input: 'text',
      hint: 'Your Ingram Micro reseller account, e.g. 20-222222',
    },
    {
      name: 'countryCode',
      label: 'Country code',
      exposure: 'public',
      input: 'text',
      hint: 'Two letters, e.g. US',
    },
    {
      name: 'billFrom',
      label: 'Bill from',
      exposure: 'public',
      input: 'text',
      hint: "orders (placed in the month, the default) or invoices (Ingram's invoices dated in it)",
      optional: true,
    },
    {
      name: 'markupPercent',
      label: 'Markup %',
      exposure: 'public',
      input: 'text',
      hint: "Added to Ingram's price (your cost); 0 when blank",
      optional: true,
    },
  ],
  // The API and its token endpoint share one origin (config.ts default, SOURCES.md).
  urlPrefixes: ['https://api.ingrammicro.com/'],
  http: { reads: ingramHttpPolicy() },
  create: (c, deps) => {
    // Keyed by client and account so a changed credential never reuses another's token.
    const tokenStore = deps.tokenStore(`ingram.${c.clientId}.${c.customerNumber}`);
    return createIngramSource(
      ingramConfigFrom(c),
      deps.http(ingramHttpPolicy()),
      tokenStore ? { tokenStore } : {},
    );
  },
  probes: ingramProbes,
};
