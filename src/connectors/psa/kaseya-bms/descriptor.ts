/** Kaseya BMS as a registered PSA: Connect fields, URL prefixes, HTTP manners, capabilities, factory, probes. */
import { z } from 'zod';
import type { ConnectorProbe, ProbeResult, PsaDescriptor } from '../../descriptor';
import type { PsaTarget } from '../../../core/psa';
import { ADDRESS, BMS_HOSTS, mutationPolicy, policy } from './config';
import { durableCallLedger, durableLineStore, durableTenantFacts } from './durable';
import { createKaseyaBmsTarget } from './index';
import { keptReads } from './kept-reads';
import { KASEYA_BMS_CAPABILITIES, KaseyaBmsTarget } from './target';

const required = (label: string) =>
  z
    .string({ error: `Kaseya BMS ${label} is missing` })
    .trim()
    .min(1, { error: `Kaseya BMS ${label} is missing` });

export const kaseyaBmsCredentialsSchema = z.object({
  apiHost: z
    .string()
    .trim()
    .refine((s) => ADDRESS.test(s), {
      error: "Kaseya BMS API address must be one of Kaseya's API hosts, such as https://api.bms.kaseya.com",
    })
    .optional(),
  userName: required('user name'),
  password: z
    .string({ error: 'Kaseya BMS password is missing' })
    .min(1, { error: 'Kaseya BMS password is missing' }),
  tenant: required('company (tenant) name'),
});
export type KaseyaBmsCredentials = z.infer<typeof kaseyaBmsCredentialsSchema>;

/** A probe runs on the target the factory built; anything else is a wiring bug reported as unchecked. */
const onBms =
  (check: (t: KaseyaBmsTarget) => ProbeResult) =>
  (t: PsaTarget): ProbeResult =>
    t instanceof KaseyaBmsTarget ? check(t) : { status: 'unchecked', detail: 'Not a Kaseya BMS target' };

const probes: readonly ConnectorProbe<PsaTarget, KaseyaBmsCredentials>[] = [
  {
    id: 'kaseya-bms.contract-lines-read',
    assumption: "The API reads a contract's services back (GET /v2/finance/contracts/{id})",
    run: onBms((t) => t.probeLineRead()),
  },
  {
    id: 'kaseya-bms.contract-line-update',
    assumption:
      "The API changes an existing contract service's units (PUT …/recurringservices/{contractId}/services/{id})",
    // A PUT, so a write probe, though it changes nothing: it names a line that does not exist.
    writes:
      "Sends a change of units for service line 0, which does not exist, on the test account's first contract: BMS changes nothing",
    run: (t, ctx) => onBms((b) => b.probeLineUpdate(ctx.testCompanyId))(t),
  },
];

export const descriptor: PsaDescriptor<KaseyaBmsCredentials> = {
  id: 'kaseya-bms',
  kind: 'psa',
  displayName: 'Kaseya BMS',
  // Seed 002: BMS's Integrated Customer Billing syncs module units nightly at midnight.
  nightlySyncHour: 0,
  credentials: kaseyaBmsCredentialsSchema,
  fields: [
    {
      name: 'apiHost',
      label: 'API address',
      exposure: 'public',
      input: 'url',
      hint: `Your data centre's API host, e.g. ${BMS_HOSTS[0]} (${BMS_HOSTS.slice(1).join(', ')})`,
      optional: true,
    },
    {
      name: 'userName',
      label: 'User name',
      exposure: 'identifier',
      input: 'email',
      hint: 'A BMS user allowed to view and edit accounts, contracts and services',
    },
    { name: 'password', label: 'Password', exposure: 'secret', input: 'password' },
    {
      name: 'tenant',
      label: 'Company name',
      exposure: 'identifier',
      input: 'text',
      hint: 'BMS: My Settings shows it',
    },
  ],
  urlPrefixes: BMS_HOSTS.map((h) => `${h}/`),
  http: { reads: policy, mutations: mutationPolicy },
  // Recurring-service contract services hold module quantities; charges are refused (SOURCES.md).
  capabilities: KASEYA_BMS_CAPABILITIES,
  // The bench's whole month (docs/PERFORMANCE.md, 2026-12-03 09:53, 2,000 lines): 899 UrlFetch calls and 131.3 s
  // modelled (20,000 lines: 8,549 and 847.3 s, less per line).
  monthCost: { requestsPerLine: 0.45, secondsPerLine: 0.066 },
  create(credentials, deps) {
    // Keyed by tenant and user so a changed credential never reuses another login's token.
    const tenant = credentials.tenant.toLowerCase();
    const who = `kaseya-bms.${tenant}.${credentials.userName.toLowerCase()}`;
    const durable = (name: string) => deps.durable?.(`${name}.${tenant}`);
    const lines = durable('lines');
    const ledger = durable('calls');
    const facts = durable('facts');
    const kept = deps.cache?.(`reads.${tenant}`);
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
        ...(lines ? { lineStore: durableLineStore(lines) } : {}),
        ...(ledger ? { callLedger: durableCallLedger(ledger) } : {}),
        ...(facts ? { facts: durableTenantFacts(facts) } : {}),
        ...(kept ? { keptReads: keptReads(kept) } : {}),
      },
    );
  },
  probes,
};
