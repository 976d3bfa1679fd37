/** Autotask as a registered PSA: Connect fields, URL prefixes, HTTP manners, capabilities, factory. */
import type { PsaDescriptor } from '../../descriptor';
import { autotaskCredentialsSchema, mutationPolicy, policy, type AutotaskCredentials } from './config';
import { AutotaskTarget } from './target';
import { CHARGE_DECIMALS } from './decide';
import { autotaskProbes } from './probes';
import { autotaskPermissionProbes } from './permission-probes';
import { parseAutotaskConfig } from './config';

export const descriptor: PsaDescriptor<AutotaskCredentials> = {
  id: 'autotask',
  kind: 'psa',
  displayName: 'Autotask',
  credentials: autotaskCredentialsSchema,
  fields: [
    {
      name: 'username',
      label: 'API username',
      exposure: 'public',
      input: 'email',
      hint: 'An API-only user with the least privileges BillGrid needs.',
    },
    { name: 'secret', label: 'Secret', exposure: 'secret', input: 'password' },
    { name: 'integrationCode', label: 'Integration code', exposure: 'identifier', input: 'text' },
    {
      name: 'ownerResourceId',
      label: 'Account manager for new companies',
      exposure: 'public',
      input: 'text',
      optional: true,
      hint: 'Autotask resource id; needed only to create companies from BillGrid.',
    },
    {
      name: 'materialCodeId',
      label: 'Material code for charges',
      exposure: 'public',
      input: 'text',
      optional: true,
      hint: 'Autotask billing code id of use type Material: charges for services need one (a service code is refused).',
    },
  ],
  // Zone discovery on the global host, then the database's zone (webservicesN.autotask.net).
  urlPrefixes: ['https://webservices.autotask.net/', 'https://*.autotask.net/'],
  http: { reads: policy, mutations: mutationPolicy },
  // Contract services hold recurring quantities; charges live on contracts.
  // F5: units go by adjustment and the price by adjustedPrice; no documented path changes a service's cost.
  capabilities: {
    // Default-item mode: the default item is a billing code; recurring lines need a Service (codes.defaultService).
    defaultServiceForQuantities: true,
    quantityTargets: true,
    chargeContainer: 'contract',
    quantityCostSettable: false,
    contractStartChecks: true,
    // Charges keep 4 decimals: one whose rounded price cannot bill the line's amount goes as 1 × the amount.
    chargeDecimals: CHARGE_DECIMALS,
    // A charge's datePurchased is its own and an update changes it (decide.ts compares it too).
    chargeDatesKept: true,
    // #23 charge detail: a charge carries one key in its name, a line's or a grouped charge's (core/charge-groups.ts).
    groupedCharges: true,
  },
  // The bench's whole month (docs/PERFORMANCE.md, 100,000 lines): 57,712 requests and 6,175 s modelled.
  monthCost: { requestsPerLine: 0.58, secondsPerLine: 0.062 },
  create: (c, deps) =>
    new AutotaskTarget(
      parseAutotaskConfig({
        username: c.username,
        secret: c.secret,
        integrationCode: c.integrationCode,
        // Optional: lets the sidebar create missing companies (Autotask requires an owner).
        ...(c.ownerResourceId ? { ownerResourceId: Number(c.ownerResourceId) } : {}),
        // Optional: the Material billing code for charges whose product is a service.
        ...(c.materialCodeId ? { materialCodeId: Number(c.materialCodeId) } : {}),
      }),
      deps.http(policy),
      deps.http(mutationPolicy),
    ),
  probes: [...autotaskProbes, ...autotaskPermissionProbes],
};
