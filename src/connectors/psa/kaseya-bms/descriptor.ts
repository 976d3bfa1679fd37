/**
 * What the Kaseya BMS connector tells the rest of BillGrid about itself (the registry's descriptor, issue #14).
 * The registry's types are not in main yet: the shapes below mirror its draft and become its types with one
 * import when it lands.
 */
import { z } from 'zod';
import type { HttpClient, TokenStore } from '../../../core/http';
import type { PsaCapabilities } from '../../../core/psa';
import type { HttpPolicy } from '../../../platform/http';
import { BMS_HOSTS, mutationPolicy, policy } from './config';
import { createKaseyaBmsTarget } from './index';
import type { CallLedger } from './client';
import type { LineRecordStore, TenantFacts } from './line-record';
import { KASEYA_BMS_CAPABILITIES, type KaseyaBmsTarget, type ProbeOutcome } from './target';

export const kaseyaBmsCredentialsSchema = z.object({
  apiHost: z.string().trim().optional(),
  userName: z
    .string({ error: 'Kaseya BMS user name is missing' })
    .trim()
    .min(1, { error: 'Kaseya BMS user name is missing' }),
  password: z
    .string({ error: 'Kaseya BMS password is missing' })
    .min(1, { error: 'Kaseya BMS password is missing' }),
  tenant: z
    .string({ error: 'Kaseya BMS company (tenant) name is missing' })
    .trim()
    .min(1, { error: 'Kaseya BMS company (tenant) name is missing' }),
});
export type KaseyaBmsCredentials = z.infer<typeof kaseyaBmsCredentialsSchema>;

export interface KaseyaBmsFactoryDeps {
  http(policy: Partial<HttpPolicy> & { apiName: string }): HttpClient;
  tokenStore(key: string): TokenStore | undefined;
  /** Durable record of the lines BillGrid added (document properties); see line-record.ts. */
  lineStore?(key: string): LineRecordStore | undefined;
  /** Durable per-hour call counts (script properties), to pace the hourly limit across executions. */
  callLedger?(key: string): CallLedger | undefined;
  /** Durable facts learnt about the tenant's API. */
  facts?(key: string): TenantFacts | undefined;
}

export const kaseyaBmsDescriptor = {
  id: 'kaseya-bms',
  kind: 'psa' as const,
  displayName: 'Kaseya BMS',
  credentials: kaseyaBmsCredentialsSchema,
  fields: [
    {
      name: 'apiHost',
      label: 'API address',
      exposure: 'identifier' as const,
      input: 'url' as const,
      hint: `Your data centre's API host, e.g. ${BMS_HOSTS[0]} (${BMS_HOSTS.slice(1).join(', ')})`,
      optional: true,
    },
    {
      name: 'userName',
      label: 'User name',
      exposure: 'identifier' as const,
      input: 'email' as const,
      hint: 'A BMS user allowed to view and edit accounts, contracts and services',
    },
    { name: 'password', label: 'Password', exposure: 'secret' as const, input: 'password' as const },
    {
      name: 'tenant',
      label: 'Company name',
      exposure: 'identifier' as const,
      input: 'text' as const,
      hint: 'BMS: My Settings shows it',
    },
  ],
  urlPrefixes: BMS_HOSTS.map((h) => `${h}/`),
  http: { reads: policy, mutations: mutationPolicy },
  capabilities: KASEYA_BMS_CAPABILITIES as PsaCapabilities,
  create(credentials: KaseyaBmsCredentials, deps: KaseyaBmsFactoryDeps): KaseyaBmsTarget {
    // Keyed by tenant and user so a changed credential never reuses another login's token.
    const who = `kaseya-bms.${credentials.tenant.toLowerCase()}.${credentials.userName.toLowerCase()}`;
    return createKaseyaBmsTarget(
      {
        ...(credentials.apiHost ? { apiHost: credentials.apiHost } : {}),
        userName: credentials.userName,
        password: credentials.password,
        tenant: credentials.tenant,
      },
      deps.http(policy),
      {
        mutations: deps.http(mutationPolicy),
        tokenStore: deps.tokenStore(who),
        refreshStore: deps.tokenStore(`${who}.refresh`),
        lineStore: deps.lineStore?.(`kaseya-bms.lines.${credentials.tenant.toLowerCase()}`),
        callLedger: deps.callLedger?.(`kaseya-bms.calls.${credentials.tenant.toLowerCase()}`),
        facts: deps.facts?.(`kaseya-bms.facts.${credentials.tenant.toLowerCase()}`),
      },
    );
  },
  probes: [
    {
      id: 'kaseya-bms.contract-lines-read',
      assumption: "The API reads a contract's services back (GET /v2/finance/contracts/{id})",
      run: (t: KaseyaBmsTarget): ProbeOutcome => t.probeLineRead(),
    },
    {
      id: 'kaseya-bms.contract-line-update',
      assumption:
        "The API changes an existing contract service's units (PUT …/recurringservices/{contractId}/services/{id})",
      run: (t: KaseyaBmsTarget): ProbeOutcome => t.probeLineUpdate(),
    },
  ],
};
