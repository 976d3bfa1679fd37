/**
 * What the IT Glue source tells the rest of BillGrid about itself (the registry's descriptor, issue #14);
 * shapes mirror the registry's draft until it lands in main.
 */
import { z } from 'zod';
import type { HttpClient } from '../../../core/http';
import type { HttpPolicy } from '../../../platform/http';
import { ITG_HOSTS, itGlueHttpPolicy } from './config';
import { createItGlueSource, type ItGlueBillingType, type ItGlueSource } from './source';

export const itGlueCredentialsSchema = z.object({
  apiUrl: z.string().trim().optional(),
  apiKey: z
    .string({ error: 'IT Glue API key is missing' })
    .trim()
    .min(1, { error: 'IT Glue API key is missing' }),
});
export type ItGlueCredentials = z.infer<typeof itGlueCredentialsSchema>;

export const itGlueDescriptor = {
  id: 'it-glue',
  kind: 'source' as const,
  displayName: 'IT Glue',
  credentials: itGlueCredentialsSchema,
  fields: [
    {
      name: 'apiUrl',
      label: 'API address',
      exposure: 'identifier' as const,
      input: 'url' as const,
      hint: `Your region: ${ITG_HOSTS.join(', ')}`,
      optional: true,
    },
    { name: 'apiKey', label: 'API key', exposure: 'secret' as const, input: 'password' as const },
  ],
  urlPrefixes: ITG_HOSTS.map((h) => `${h}/`),
  http: { reads: itGlueHttpPolicy },
  create(
    credentials: ItGlueCredentials,
    deps: {
      http(policy: Partial<HttpPolicy> & { apiName: string }): HttpClient;
      /** The MSP's billing types (configuration types counted, with prices); none until configured. */
      billingTypes?(): readonly ItGlueBillingType[];
    },
  ): ItGlueSource {
    return createItGlueSource(
      { ...(credentials.apiUrl ? { apiUrl: credentials.apiUrl } : {}), apiKey: credentials.apiKey },
      deps.http(itGlueHttpPolicy),
      deps.billingTypes?.() ?? [],
    );
  },
  probes: [],
};
