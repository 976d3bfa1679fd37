/**
 * interworks.cloud as a registered source (shaped like the registry's SourceDescriptor, branch `registry`).
 * The BSS lives on each tenant's own host, so the URL prefix is not known in advance: the MSP's host must
 * be added to appsscript.json's urlFetchWhitelist when deploying (as for self-hosted HaloPSA).
 */
import type { HttpClient, TokenStore } from '../../../core/http';
import type { BillingSource } from '../../../core/source';
import { interworksCredentialsSchema, type InterworksCredentials } from './config';
import { createInterworksSource, interworksHttpPolicy } from './source';

interface Deps {
  http(policy: { apiName: string; maxConcurrency?: number }): HttpClient;
  tokenStore(key: string): TokenStore | undefined;
}

export const descriptor = {
  id: 'interworks',
  kind: 'source' as const,
  displayName: 'interworks.cloud',
  credentials: interworksCredentialsSchema,
  fields: [
    {
      name: 'host',
      label: 'BSS address',
      exposure: 'identifier' as const,
      input: 'url' as const,
      hint: 'https://your-bss-host',
    },
    {
      name: 'clientKey',
      label: 'Client Key',
      exposure: 'identifier' as const,
      input: 'text' as const,
      hint: 'BSS → Setup → Administration → System Options → API Credentials',
    },
    { name: 'clientSecret', label: 'Client Secret', exposure: 'secret' as const, input: 'password' as const },
    { name: 'username', label: 'API user name', exposure: 'identifier' as const, input: 'text' as const },
    { name: 'password', label: 'API user password', exposure: 'secret' as const, input: 'password' as const },
  ],
  urlPrefixes: [] as string[],
  http: { reads: interworksHttpPolicy() },
  create: (c: InterworksCredentials, deps: Deps): BillingSource => {
    const tokenStore = deps.tokenStore(`interworks.${c.host}.${c.clientKey}.${c.username}`);
    return createInterworksSource(c, deps.http(interworksHttpPolicy()), tokenStore ? { tokenStore } : {});
  },
  probes: [],
};
