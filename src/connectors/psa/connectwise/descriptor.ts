/** ConnectWise PSA as a registered PSA: Connect fields, URL prefixes, HTTP manners, capabilities, factory. */
import type { PsaDescriptor } from '../../descriptor';
import {
  connectwiseCredentialsSchema,
  mutationPolicy,
  parseConnectWiseConfig,
  policy,
  type ConnectWiseCredentials,
} from './config';
import { connectwiseProbes } from './probes';
import { CONNECTWISE_CAPABILITIES, ConnectWiseTarget } from './target';

export const descriptor: PsaDescriptor<ConnectWiseCredentials> = {
  id: 'connectwise',
  kind: 'psa',
  displayName: 'ConnectWise PSA',
  credentials: connectwiseCredentialsSchema,
  fields: [
    {
      name: 'site',
      label: 'API site',
      exposure: 'public',
      input: 'url',
      hint: 'Your cloud region’s API host, e.g. https://api-na.myconnectwise.net',
    },
    {
      name: 'companyId',
      label: 'Company id',
      exposure: 'public',
      input: 'text',
      hint: 'The company you sign in to ConnectWise with.',
    },
    {
      name: 'publicKey',
      label: 'Public key',
      exposure: 'identifier',
      input: 'text',
      hint: 'Of an API member with the least rights BillGrid needs.',
    },
    { name: 'privateKey', label: 'Private key', exposure: 'secret', input: 'password' },
    {
      name: 'clientId',
      label: 'Client id',
      exposure: 'secret',
      input: 'password',
      hint: 'The integrator clientId registered on developer.connectwise.com.',
    },
    {
      name: 'proration',
      label: 'Quantity changes',
      exposure: 'public',
      input: 'text',
      optional: true,
      hint: "'update' (default): set the quantity on the addition, billed from the next invoice. 'prorate': end it and start a new one on the change date.",
    },
  ],
  // Cloud partners' API hosts (api-na/api-eu/api-au.myconnectwise.net and the like).
  urlPrefixes: ['https://*.myconnectwise.net/'],
  http: { reads: policy, mutations: mutationPolicy },
  capabilities: CONNECTWISE_CAPABILITIES,
  // The bench's whole month (docs/PERFORMANCE.md, 20,000 lines): about 19,600 requests and 1,468 s modelled.
  monthCost: { requestsPerLine: 1, secondsPerLine: 0.074 },
  create: (c, deps) =>
    new ConnectWiseTarget(
      parseConnectWiseConfig({
        site: c.site,
        companyId: c.companyId,
        publicKey: c.publicKey,
        privateKey: c.privateKey,
        clientId: c.clientId,
        ...(c.proration ? { proration: c.proration } : {}),
      }),
      deps.http(policy),
      deps.http(mutationPolicy),
    ),
  probes: connectwiseProbes,
};
