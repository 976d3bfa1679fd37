/** Datto RMM as a registered source: Connect fields, URL prefixes, HTTP manners and the factory. */
import { z } from 'zod';
import type { SourceDescriptor } from '../../descriptor';
import { parsePriceList } from '../common/price-list';
import { ADDRESS, DATTO_PLATFORMS, dattoRmmHttpPolicy } from './config';
import { DEFAULT_BILLING_TYPES, DattoRmmSource, createDattoRmmSource, type BillingTypeRule } from './source';

const ruleNamed = (name: string): BillingTypeRule | undefined =>
  DEFAULT_BILLING_TYPES.find(
    (r) => r.name.toLowerCase() === name.toLowerCase() || r.id === name.toLowerCase(),
  );

/** The default billing types with the prices typed in Connect; a type left out has no price (reported). */
export function pricedBillingTypes(text: string | undefined): BillingTypeRule[] {
  const r = parsePriceList(text);
  const entries = r.ok ? r.entries : [];
  return DEFAULT_BILLING_TYPES.map((rule) => {
    const e = entries.find((x) => ruleNamed(x.name) === rule);
    return e ? { ...rule, unitPrice: e.unitPrice, unitCost: e.unitCost } : { ...rule };
  });
}

const required = (label: string) =>
  z
    .string({ error: `Datto RMM ${label} is missing` })
    .trim()
    .min(1, { error: `Datto RMM ${label} is missing` });

export const dattoRmmCredentialsSchema = z.object({
  apiUrl: required('API address').refine((s) => ADDRESS.test(s), {
    error: 'Datto RMM API address must look like https://<platform>-api.centrastage.net',
  }),
  apiKey: required('API key'),
  apiSecret: z
    .string({ error: 'Datto RMM API secret is missing' })
    .min(1, { error: 'Datto RMM API secret is missing' }),
  billingTypes: z
    .string()
    .trim()
    .superRefine((text, ctx) => {
      const r = parsePriceList(text);
      if (!r.ok)
        return void ctx.addIssue({ code: 'custom', message: `Datto RMM billing types: ${r.message}` });
      const unknown = r.entries.find((e) => !ruleNamed(e.name));
      if (unknown)
        ctx.addIssue({
          code: 'custom',
          message: `Datto RMM billing types: '${unknown.name}' is not one of ${DEFAULT_BILLING_TYPES.map((t) => t.name).join(', ')}`,
        });
    })
    .optional(),
});
export type DattoRmmCredentials = z.infer<typeof dattoRmmCredentialsSchema>;

export const descriptor: SourceDescriptor<DattoRmmCredentials> = {
  id: 'datto-rmm',
  kind: 'source',
  displayName: 'Datto RMM',
  credentials: dattoRmmCredentialsSchema,
  fields: [
    {
      name: 'apiUrl',
      label: 'API address',
      exposure: 'public',
      input: 'url',
      hint: 'Setup > Global Settings > Access Control shows it, e.g. https://merlot-api.centrastage.net',
    },
    { name: 'apiKey', label: 'API key', exposure: 'identifier', input: 'text' },
    { name: 'apiSecret', label: 'API secret key', exposure: 'secret', input: 'password' },
    {
      name: 'billingTypes',
      label: 'Prices per billing type',
      exposure: 'public',
      input: 'text',
      hint: `Unit price / unit cost of what you bill, e.g. '${DEFAULT_BILLING_TYPES.map((t, i) => `${t.name} = ${[12, 45, 6][i]} / ${[3, 8, 1][i]}`).join('; ')}'. A type left out is counted but not billed.`,
      optional: true,
    },
  ],
  urlPrefixes: DATTO_PLATFORMS.map((p) => `https://${p}-api.centrastage.net/`),
  http: { reads: dattoRmmHttpPolicy },
  create(credentials, deps) {
    // Keyed by API key so a changed credential never reuses another user's token.
    const store = deps.tokenStore(`datto-rmm.${credentials.apiKey}`);
    return createDattoRmmSource(
      { apiUrl: credentials.apiUrl, apiKey: credentials.apiKey, apiSecret: credentials.apiSecret },
      deps.http(dattoRmmHttpPolicy),
      {
        billingTypes: pricedBillingTypes(credentials.billingTypes),
        ...(store ? { tokenStore: store } : {}),
      },
    );
  },
  probes: [
    {
      id: 'datto-rmm.device-fields',
      assumption:
        'Sites and devices come page by page (pageDetails), and devices carry deviceClass and deviceType.category, which the billing types count by',
      run: (source) =>
        source instanceof DattoRmmSource
          ? source.probeDeviceFields()
          : { status: 'unchecked', detail: 'Not the Datto RMM source' },
    },
  ],
};
