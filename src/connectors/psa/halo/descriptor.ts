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
      hint: 'Leave empty: HaloPSA names it (/api/authinfo).',
    },
    {
      name: 'tenant',
      label: 'Tenant',
      exposure: 'public',
      input: 'text',
      optional: true,
      hint: 'Hosted HaloPSA only; leave empty unless sign-in asks for it (API Details shows it).',
    },
    {
      name: 'scope',
      label: 'Scope',
      exposure: 'public',
      input: 'text',
      optional: true,
      hint: "Leave empty for 'all'.",
    },
    { name: 'clientId', label: 'Client ID', exposure: 'identifier', input: 'text' },
    { name: 'clientSecret', label: 'Client secret', exposure: 'secret', input: 'password' },
  ],
  // Hosted tenants. A self-hosted tenant's domain must be added to the manifest before deploying (README).
  urlPrefixes: ['https://*.halopsa.com/'],
  http: { reads: policy },
  // Every line is a charge on an invoice; no quantity targets.
  capabilities: { quantityTargets: false, chargeContainer: 'invoice' },
  create: (c, deps) =>
    createHaloTarget(haloConfigFrom(c), deps.http(policy), {
      // Without a sleep (a host that gives none) requests go unpaced and the retry policy meets 429s.
      ...(deps.sleep
        ? {
            pacing: {
              now: () => Date.now(),
              sleep: (ms: number) => deps.sleep?.(ms),
              ...(deps.timeLeftMs ? { timeLeftMs: () => deps.timeLeftMs?.() ?? Infinity } : {}),
              store: deps.requestWindow?.(`halo.${c.tenantUrl.replace(/^https:\/\//, '')}`),
            },
          }
        : {}),
    }),
  probes: haloProbes,
};
