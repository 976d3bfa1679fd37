/** HaloPSA as a registered PSA: Connect fields, URL prefixes, HTTP manners, capabilities, factory. */
import type { PsaDescriptor } from '../../descriptor';
import { haloConfigFrom, haloCredentialsSchema, policy, type HaloCredentials } from './config';
import { haloProbes } from './probes';
import { createHaloTarget } from './index';

export const descriptor: PsaDescriptor<HaloCredentials> = {
  id: 'halo',
  kind: 'psa',
  displayName: 'HaloPSA',
  credentials: haloCredentialsSchema,
  fields: [
    {
      name: 'tenantUrl',
      label: 'Tenant URL',
      exposure: 'public',
      input: 'url',
      hint: 'e.g. https://yourcompany.halopsa.com',
    },
    {
      name: 'authUrl',
      label: 'Authorisation server URL',
      exposure: 'public',
      input: 'url',
      optional: true,
      hint: 'Leave empty to use the tenant URL + /auth.',
    },
    { name: 'clientId', label: 'Client ID', exposure: 'identifier', input: 'text' },
    { name: 'clientSecret', label: 'Client secret', exposure: 'secret', input: 'password' },
  ],
  // Hosted tenants. A self-hosted tenant's domain must be added to the manifest before deploying (README).
  urlPrefixes: ['https://*.halopsa.com/'],
  http: { reads: policy },
  // Every line is a charge on an invoice; no quantity targets.
  capabilities: { quantityTargets: false, chargeContainer: 'invoice' },
  create: (c, deps) => createHaloTarget(haloConfigFrom(c), deps.http(policy)),
  probes: haloProbes,
};
