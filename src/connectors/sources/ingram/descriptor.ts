/**
 * Everything the connector registry needs to know about the Ingram Micro source, in one object. The
 * registry (issue #14) is not in main yet: the shape below follows docs/newconnector brief and will be
 * adapted to the registry's exact type with one line when it lands.
 */
import type { HttpClient } from '../../../core/http';
import type { BillingSource } from '../../../core/source';
import { ingramConfigSchema } from './config';
import { createIngramSource, ingramHttpPolicy, type IngramDeps } from './source';

export interface IngramFieldMeta {
  key: 'clientId' | 'clientSecret' | 'customerNumber' | 'countryCode' | 'billFrom' | 'markupPercent';
  label: string;
  exposure: 'secret' | 'identifier';
  input: 'text' | 'password' | 'select' | 'number';
  hint: string;
  optional?: boolean;
  options?: readonly string[];
}

export const ingramDescriptor = {
  id: 'ingram',
  kind: 'source' as const,
  displayName: 'Ingram Micro',
  credentialSchema: ingramConfigSchema,
  fields: [
    {
      key: 'clientId',
      label: 'Client ID',
      exposure: 'identifier',
      input: 'text',
      hint: 'Xvantage developer portal → My Apps → your app',
    },
    {
      key: 'clientSecret',
      label: 'Client Secret',
      exposure: 'secret',
      input: 'password',
      hint: 'Shown beside the Client ID in the developer portal',
    },
    {
      key: 'customerNumber',
      label: 'Customer number',
      exposure: 'identifier',
      input: 'text',
      hint: 'Your Ingram Micro reseller account, e.g. 20-222222',
    },
    {
      key: 'countryCode',
      label: 'Country code',
      exposure: 'identifier',
      input: 'text',
      hint: 'Two letters, e.g. US',
    },
    {
      key: 'billFrom',
      label: 'Bill from',
      exposure: 'identifier',
      input: 'select',
      hint: "Orders placed in the month, or Ingram's invoices dated in it",
      optional: true,
      options: ['orders', 'invoices'],
    },
    {
      key: 'markupPercent',
      label: 'Markup %',
      exposure: 'identifier',
      input: 'number',
      hint: "Added to Ingram's price (your cost)",
      optional: true,
    },
  ] satisfies IngramFieldMeta[],
  /** Every URL the connector fetches starts with one of these (appsscript.json urlFetchWhitelist). */
  urlPrefixes: ['https://api.ingrammicro.com/'],
  httpPolicy: ingramHttpPolicy,
  create: (credentials: unknown, http: HttpClient, deps: IngramDeps = {}): BillingSource =>
    createIngramSource(credentials, http, deps),
  /** Read-only checks the "Test connection" button may run; the pull itself proves the rest. */
  probes: [] as const,
};
