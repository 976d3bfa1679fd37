/**
 * Crayon as a registered source: Connect fields, URL prefixes, HTTP manners and the factory. Shaped like
 * the registry's SourceDescriptor (branch `registry`); it gets that type and its registry line when the
 * registry lands in main.
 */
import type { HttpClient, TokenStore } from '../../../core/http';
import type { BillingSource } from '../../../core/source';
import { crayonCredentialsSchema, type CrayonCredentials } from './config';
import { createCrayonSource, crayonHttpPolicy } from './source';

interface Deps {
  http(policy: { apiName: string; maxConcurrency?: number }): HttpClient;
  tokenStore(key: string): TokenStore | undefined;
}

export const descriptor = {
  id: 'crayon',
  kind: 'source' as const,
  displayName: 'Crayon',
  credentials: crayonCredentialsSchema,
  fields: [
    {
      name: 'clientId',
      label: 'Client ID',
      exposure: 'identifier' as const,
      input: 'text' as const,
      hint: 'Cloud-iQ → Settings → API management: the API client',
    },
    { name: 'clientSecret', label: 'Client secret', exposure: 'secret' as const, input: 'password' as const },
    {
      name: 'username',
      label: 'API user name',
      exposure: 'identifier' as const,
      input: 'email' as const,
      hint: 'A Cloud-iQ user with access to billing statements of your organisations',
    },
    { name: 'password', label: 'API user password', exposure: 'secret' as const, input: 'password' as const },
  ],
  // The API and its token endpoint share one origin (config.ts default, SOURCES.md).
  urlPrefixes: ['https://api.crayon.com/'],
  http: { reads: crayonHttpPolicy() },
  create: (c: CrayonCredentials, deps: Deps): BillingSource => {
    // Keyed by client and user so a changed credential never reuses another's token.
    const tokenStore = deps.tokenStore(`crayon.${c.clientId}.${c.username}`);
    return createCrayonSource(c, deps.http(crayonHttpPolicy()), tokenStore ? { tokenStore } : {});
  },
  probes: [],
};
