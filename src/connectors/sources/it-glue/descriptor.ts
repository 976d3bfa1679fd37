/** IT Glue as a registered source: Connect fields, URL prefixes, HTTP manners and the factory. */
import { z } from 'zod';
import type { SourceDescriptor } from '../../descriptor';
import { parsePriceList } from '../common/price-list';
import { ITG_HOSTS, itGlueHttpPolicy } from './config';
import { ItGlueSource, createItGlueSource, type ItGlueBillingType } from './source';

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * One billing type per configuration type named in Connect, counting that type's configurations:
 * `Managed Workstation = 2 / 0.5` bills each non-archived "Managed Workstation" at 2, cost 0.5.
 */
export function billingTypesFrom(text: string | undefined): ItGlueBillingType[] {
  const r = parsePriceList(text);
  return (r.ok ? r.entries : []).map((e) => ({
    id: slug(e.name),
    name: e.name,
    configurationTypeNames: [e.name],
    unitPrice: e.unitPrice,
    unitCost: e.unitCost,
  }));
}

export const itGlueCredentialsSchema = z.object({
  apiUrl: z
    .enum(ITG_HOSTS, { error: `IT Glue API address must be one of ${ITG_HOSTS.join(', ')}` })
    .optional(),
  apiKey: z
    .string({ error: 'IT Glue API key is missing' })
    .trim()
    .min(1, { error: 'IT Glue API key is missing' }),
  billingTypes: z
    .string()
    .trim()
    .superRefine((text, ctx) => {
      const r = parsePriceList(text);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: `IT Glue billing types: ${r.message}` });
      else if (r.entries.some((e) => !slug(e.name)))
        ctx.addIssue({ code: 'custom', message: 'IT Glue billing types: a configuration type needs a name' });
    })
    .optional(),
});
export type ItGlueCredentials = z.infer<typeof itGlueCredentialsSchema>;

export const descriptor: SourceDescriptor<ItGlueCredentials> = {
  id: 'it-glue',
  kind: 'source',
  displayName: 'IT Glue',
  credentials: itGlueCredentialsSchema,
  fields: [
    {
      name: 'apiUrl',
      label: 'API address',
      exposure: 'public',
      input: 'url',
      hint: `Your region: ${ITG_HOSTS.join(', ')}`,
      optional: true,
    },
    { name: 'apiKey', label: 'API key', exposure: 'secret', input: 'password' },
    {
      name: 'billingTypes',
      label: 'Configuration types billed, with prices',
      exposure: 'public',
      input: 'text',
      hint: "Configuration type = unit price / unit cost, e.g. 'Managed Workstation = 2 / 0.5; Managed Server = 5 / 1'. Other types are not billed.",
      optional: true,
    },
  ],
  urlPrefixes: ITG_HOSTS.map((h) => `${h}/`),
  http: { reads: itGlueHttpPolicy },
  create: (credentials, deps) =>
    createItGlueSource(
      { ...(credentials.apiUrl ? { apiUrl: credentials.apiUrl } : {}), apiKey: credentials.apiKey },
      deps.http(itGlueHttpPolicy),
      billingTypesFrom(credentials.billingTypes),
    ),
  probes: [
    {
      id: 'it-glue.configuration-fields',
      assumption:
        'Configurations come page by page (meta total-pages) and carry their configuration type and archived flag, which the billing types count by',
      run: (source) =>
        source instanceof ItGlueSource
          ? source.probeConfigurationFields()
          : { status: 'unchecked', detail: 'Not the IT Glue source' },
    },
  ],
};
