/** Crayon as a registered source: Connect fields, URL prefixes, HTTP manners and the factory. */
import type { ConnectorProbe, ProbeResult, SourceDescriptor } from '../../descriptor';
import type { BillingSource } from '../../../core/source';
import { crayonCredentialsSchema, type CrayonCredentials } from './config';
import { CrayonSource, createCrayonSource, crayonHttpPolicy, type CrayonTenantFacts } from './source';

/** A read-only check of one assumption where Crayon's documents disagree (modelled as sandbox variants). */
function probe(
  id: string,
  assumption: string,
  judge: (f: CrayonTenantFacts) => ProbeResult,
): ConnectorProbe<BillingSource, CrayonCredentials> {
  return {
    id,
    assumption,
    run(connector: BillingSource): ProbeResult {
      if (!(connector instanceof CrayonSource))
        return { status: 'unchecked', detail: 'not a Crayon connection' };
      return judge(connector.tenantFacts());
    },
  };
}

/** Exported for the tenant check and its tests. */
export const crayonProbes: ConnectorProbe<BillingSource, CrayonCredentials>[] = [
  probe(
    'crayon.list-envelope',
    'Lists come as { totalHits, items } (SDK, apidocs), not bare arrays (spec)',
    (f) =>
      f.listShape === 'collection'
        ? { status: 'confirmed', detail: 'lists carry totalHits and items' }
        : {
            status: 'differs',
            detail:
              'lists are bare arrays: BillGrid pages on until a short page (one extra request per short list)',
          },
  ),
  probe('crayon.casing', 'Properties are camelCase as in the spec', (f) =>
    f.casing === 'camel'
      ? { status: 'confirmed', detail: 'camelCase' }
      : f.casing === 'pascal'
        ? { status: 'differs', detail: 'PascalCase (as in the docs): read the same way' }
        : { status: 'unchecked', detail: 'no organisation to look at' },
  ),
  probe('crayon.records-file', 'Billing-records files are JSON (apidocs) or CSV, not zipped', (f) =>
    f.recordsFile === 'json' || f.recordsFile === 'csv'
      ? { status: 'confirmed', detail: `the latest statement's file is ${f.recordsFile.toUpperCase()}` }
      : f.recordsFile === 'unknown'
        ? { status: 'unchecked', detail: 'no billing statement to look at' }
        : {
            status: 'differs',
            detail: `the latest statement's file is ${f.recordsFile}: BillGrid reports it and bills nothing from it`,
          },
  ),
];

export const descriptor: SourceDescriptor<CrayonCredentials> = {
  id: 'crayon',
  kind: 'source',
  displayName: 'Crayon',
  credentials: crayonCredentialsSchema,
  fields: [
    {
      name: 'clientId',
      label: 'Client ID',
      exposure: 'identifier',
      input: 'text',
      hint: 'Cloud-iQ → Settings → API management: the API client',
    },
    { name: 'clientSecret', label: 'Client secret', exposure: 'secret', input: 'password' },
    {
      name: 'username',
      label: 'API user name',
      exposure: 'identifier',
      input: 'email',
      hint: 'A Cloud-iQ user with access to billing statements of your organisations',
    },
    { name: 'password', label: 'API user password', exposure: 'secret', input: 'password' },
  ],
  // The API and its token endpoint share one origin (config.ts default, SOURCES.md).
  urlPrefixes: ['https://api.crayon.com/'],
  http: { reads: crayonHttpPolicy() },
  create: (c, deps) => {
    // Keyed by client and user so a changed credential never reuses another's token.
    const tokenStore = deps.tokenStore(`crayon.${c.clientId}.${c.username}`);
    return createCrayonSource(c, deps.http(crayonHttpPolicy()), tokenStore ? { tokenStore } : {});
  },
  probes: crayonProbes,
};
