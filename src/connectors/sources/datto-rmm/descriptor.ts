/**
 * What the Datto RMM source tells the rest of BillGrid about itself (the registry's descriptor, issue #14).
 * The registry's types are not in main yet: the shapes mirror its draft and become its types when it lands.
 */
import { z } from 'zod';
import type { HttpClient, TokenStore } from '../../../core/http';
import type { HttpPolicy } from '../../../platform/http';
import { DATTO_PLATFORMS, dattoRmmHttpPolicy } from './config';
import { createDattoRmmSource, type DattoRmmSource } from './source';

export const dattoRmmCredentialsSchema = z.object({
  apiUrl: z
    .string({ error: 'Datto RMM API address is missing' })
    .trim()
    .min(1, { error: 'Datto RMM API address is missing' }),
  apiKey: z
    .string({ error: 'Datto RMM API key is missing' })
    .trim()
    .min(1, { error: 'Datto RMM API key is missing' }),
  apiSecret: z
    .string({ error: 'Datto RMM API secret is missing' })
    .min(1, { error: 'Datto RMM API secret is missing' }),
});
export type DattoRmmCredentials = z.infer<typeof dattoRmmCredentialsSchema>;

export const dattoRmmDescriptor = {
  id: 'datto-rmm',
  kind: 'source' as const,
  displayName: 'Datto RMM',
  credentials: dattoRmmCredentialsSchema,
  fields: [
    {
      name: 'apiUrl',
      label: 'API address',
      exposure: 'identifier' as const,
      input: 'url' as const,
      hint: 'Setup > Global Settings > Access Control shows it, e.g. https://merlot-api.centrastage.net',
    },
    { name: 'apiKey', label: 'API key', exposure: 'identifier' as const, input: 'text' as const },
    { name: 'apiSecret', label: 'API secret key', exposure: 'secret' as const, input: 'password' as const },
  ],
  urlPrefixes: DATTO_PLATFORMS.map((p) => `https://${p}-api.centrastage.net/`),
  http: { reads: dattoRmmHttpPolicy },
  create(
    credentials: DattoRmmCredentials,
    deps: {
      http(policy: Partial<HttpPolicy> & { apiName: string }): HttpClient;
      tokenStore(key: string): TokenStore | undefined;
    },
  ): DattoRmmSource {
    const store = deps.tokenStore(`datto-rmm.${credentials.apiKey}`);
    return createDattoRmmSource(
      credentials,
      deps.http(dattoRmmHttpPolicy),
      store ? { tokenStore: store } : {},
    );
  },
  probes: [],
};
