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
  // Charges are invoice lines; no contract services. A client billed to a chosen recurring invoice has
  // its recurring seats there as one line per item whose quantity BillGrid keeps (no line for 0 seats).
  capabilities: {
    quantityTargets: false,
    chargeContainer: 'invoice',
    recurringInvoiceQuantities: true,
    addsZeroQuantities: false,
  },
  // The bench's whole month (docs/PERFORMANCE.md, 20,000 lines, paced): 1,825 requests and 438 s modelled.
  monthCost: { requestsPerLine: 0.092, secondsPerLine: 0.022 },
  create: (c, deps) =>
    createHaloTarget(haloConfigFrom(c), deps.http(policy), {
      // Kept per tenant, client id, sign-in address and scope: changed credentials never reuse a token.
      tokenStore: deps.tokenStore(tokenKey(c)),
      // The tenant's facts kept between executions, per tenant address.
      cache: (key) => deps.cache?.(`${shortHash(c.tenantUrl)}.${key}`),
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
  // HaloPSA's Accounts Codes list has no documented API path (SOURCES.md): the income and expense lists
  // are the codes its items carry.
  codeOrigins: {
    incomeAccounts:
      'The income account codes HaloPSA’s items carry: HaloPSA’s API has no list of accounts codes, so a code no item uses yet is not offered. Refresh clients reads them again.',
    expenseAccounts:
      'The expense account codes HaloPSA’s items carry: HaloPSA’s API has no list of accounts codes, so a code no item uses yet is not offered. Refresh clients reads them again.',
  },
};

/** The token's cache key: short (CacheService keys are at most 250 characters) and per sign-in. */
function tokenKey(c: HaloCredentials): string {
  return `halo.${shortHash([c.tenantUrl, c.authUrl ?? '', c.tenant ?? '', c.scope ?? '', c.clientId].join('\u0000'))}`;
}

/** FNV-1a, 32 bits, as 8 hex digits: a cache key part, not a secret's digest (no secret goes in). */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
