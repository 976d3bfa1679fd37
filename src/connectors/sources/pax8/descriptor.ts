/** Pax8 as a registered source: Connect fields, URL prefixes, HTTP manners and the factory. */
import type { SourceDescriptor } from '../../descriptor';
import { pax8CredentialsSchema, type Pax8Credentials } from './config';
import { createPax8Source, pax8HttpPolicy } from './source';
import { pax8Probes } from './probes';

export const descriptor: SourceDescriptor<Pax8Credentials> = {
  id: 'pax8',
  kind: 'source',
  displayName: 'Pax8',
  credentials: pax8CredentialsSchema,
  fields: [
    { name: 'clientId', label: 'Client ID', exposure: 'identifier', input: 'text' },
    { name: 'clientSecret', label: 'Client secret', exposure: 'secret', input: 'password' },
  ],
  // The API and its token endpoint (config.ts defaults, SOURCES.md).
  urlPrefixes: ['https://api.pax8.com/', 'https://token-manager.pax8.com/'],
  http: { reads: pax8HttpPolicy() },
  create: (c, deps) => {
    // Keyed by client id so a changed credential never reuses another client's token.
    const tokenStore = deps.tokenStore(`pax8.${c.clientId}`);
    return createPax8Source(
      { clientId: c.clientId, clientSecret: c.clientSecret },
      deps.http(pax8HttpPolicy()),
      tokenStore ? { tokenStore } : {},
    );
  },
  probes: pax8Probes,
};
