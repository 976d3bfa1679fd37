import { z } from 'zod';
import type { HttpPolicy } from '../../../platform/http';

/**
 * An https address (http only for the local sandbox). Apps Script has no URL class, so this is a
 * pattern: scheme, host (letters, digits, dots, hyphens, optional port), optional path.
 */
const ADDRESS = /^(https:\/\/[a-z0-9.-]+(:\d+)?|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)(\/[^\s?#]*)?$/i;

const tenantUrl = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .min(1, { error: `${label} is missing` })
    .refine((s) => ADDRESS.test(s), {
      error: `${label} must be a web address such as https://yourcompany.halopsa.com`,
    })
    .transform((s) => s.replace(/\/+$/, '').replace(/\/api$/i, ''));

const httpsUrl = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .regex(/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
      error: `${label} must be an https:// address, e.g. https://yourcompany.halopsa.com`,
    })
    .transform((u) => u.replace(/\/+$/, ''));

const required = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .min(1, { error: `${label} is missing` })
    .max(500, { error: `${label} is too long` })
    .regex(/^\S+$/, { error: `${label} must not contain spaces` });

/**
 * What a person types in Connect (stored in script properties); the only check of a saved set. A real
 * tenant is reached over https only (the config below also accepts the local sandbox's http address).
 */
export const haloCredentialsSchema = z.object({
  tenantUrl: httpsUrl('HaloPSA tenant URL'),
  authUrl: httpsUrl('HaloPSA authorisation server URL').optional(),
  tenant: z.string().trim().max(100).optional(),
  scope: z.string().trim().max(200).optional(),
  clientId: required('HaloPSA client ID'),
  clientSecret: required('HaloPSA client secret'),
});
export type HaloCredentials = z.output<typeof haloCredentialsSchema>;

/**
 * How BillGrid reaches one HaloPSA tenant. `baseUrl` is the tenant's own address (its API is under /api);
 * `authUrl` is the authorisation server (default: what `/api/authinfo` names, else `<baseUrl>/auth`; tokens
 * at `<authUrl>/token`); `tenant` is sent as `?tenant=` on the token request (hosted tenants need it;
 * default: authinfo's tenant_id, else the `<tenant>.halopsa.com` subdomain).
 */
export const haloConfigSchema = z.lazy(() =>
  z.object({
    baseUrl: tenantUrl('HaloPSA address'),
    authUrl: tenantUrl('HaloPSA authorisation address').optional(),
    /** The tenant name (Configuration > Integrations > Halo API > API Details); found via authinfo when empty. */
    tenant: z.string().trim().optional(),
    /** Permissions asked for on the token (the application's own limit still applies). */
    scope: z
      .string()
      .trim()
      .regex(/^[\w:. -]*$/, { error: 'HaloPSA scope may hold only letters, digits, spaces and : . - _' })
      .optional()
      .transform((s) => s || 'all'),
    clientId: z
      .string({ error: 'HaloPSA client ID is missing' })
      .trim()
      .min(1, { error: 'HaloPSA client ID is missing' }),
    clientSecret: z
      .string({ error: 'HaloPSA client secret is missing' })
      .min(1, { error: 'HaloPSA client secret is missing' }),
    /** Records per page; Halo caps it server-side, and the pager adapts to the size it gets. */
    pageSize: z.number().int().min(1).max(1000).default(1000),
  }),
);
export type HaloConfigInput = z.input<typeof haloConfigSchema>;
export type HaloConfig = z.output<typeof haloConfigSchema>;

/** Parse a config, failing with one readable sentence (never echoing the secret). */
export function parseHaloConfig(input: unknown): HaloConfig {
  const r = haloConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new Error(r.error.issues[0]?.message ?? 'HaloPSA settings are not valid');
}

/** Requests to Halo in parallel at most (also the size of one round of invoice writes). */
export const MAX_CONCURRENCY = 5;

/**
 * Retry policy for the RetryingHttpClient that talks to Halo. Hosted Halo allows 300 requests per rolling
 * 5 minutes and answers 429 without Retry-After (SOURCES.md); waits of a second or two never clear that
 * window, so back-off starts at 5 s and doubles to 60 s, as Halo's PowerShell module does.
 */
export const policy: Partial<HttpPolicy> & { apiName: string } = {
  apiName: 'HaloPSA',
  maxConcurrency: MAX_CONCURRENCY,
  maxRetries: 5,
  baseDelayMs: 5000,
  maxDelayMs: 60_000,
};

/** The connector's config from the credentials saved in Connect (hosted tenants name their tenant). */
export function haloConfigFrom(c: HaloCredentials): HaloConfigInput {
  return {
    baseUrl: c.tenantUrl,
    ...(c.authUrl ? { authUrl: c.authUrl } : {}),
    // Empty: the connector asks HaloPSA (/api/authinfo), then falls back to a *.halopsa.com subdomain.
    ...(c.tenant ? { tenant: c.tenant } : {}),
    ...(c.scope ? { scope: c.scope } : {}),
    clientId: c.clientId,
    clientSecret: c.clientSecret,
  };
}
