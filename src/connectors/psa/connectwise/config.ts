import { z } from 'zod';
import type { HttpResponse } from '../../../core/http';
import { PsaError } from '../../../core/psa';

/**
 * ConnectWise PSA connector settings. No message below echoes a value, so a key typed into the wrong box
 * cannot leak through a validation error.
 */
const required = (label: string, max = 200) =>
  z
    .string({ error: `ConnectWise PSA ${label} is missing` })
    .trim()
    .min(1, { error: `ConnectWise PSA ${label} is missing` })
    .max(max, { error: `ConnectWise PSA ${label} is too long` })
    .regex(/^\S+$/, { error: `ConnectWise PSA ${label} must not contain spaces` });

const site = z.lazy(() =>
  z
    .string({ error: 'ConnectWise PSA site is missing' })
    .trim()
    .regex(/^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/?$/, {
      error:
        'ConnectWise PSA site must be the https address of the API host, e.g. https://api-na.myconnectwise.net',
    })
    .transform((s) => s.replace(/\/+$/, '')),
);

/** How a quantity change takes effect (SOURCES.md, "Proration"). */
export const PRORATION = ['update', 'prorate'] as const;
export type Proration = (typeof PRORATION)[number];

/** What a person types in Connect (stored in script properties as text); the only check of a saved set. */
export const connectwiseCredentialsSchema = z.object({
  site,
  companyId: required('company id', 50),
  publicKey: required('public key'),
  privateKey: required('private key'),
  clientId: required('client id'),
  proration: z
    .enum(PRORATION, { error: "ConnectWise PSA quantity changes must be 'update' or 'prorate'" })
    .optional(),
});
export type ConnectWiseCredentials = z.output<typeof connectwiseCredentialsSchema>;

export const connectwiseConfigSchema = z.lazy(() =>
  z.object({
    site,
    /** The release segment of the REST root: /<codebase>/apis/3.0 (cloud: v4_6_release). */
    codebase: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, { error: 'ConnectWise codebase must be letters, digits or _' })
      .default('v4_6_release'),
    companyId: required('company id', 50),
    publicKey: required('public key'),
    privateKey: required('private key'),
    clientId: required('client id'),
    /** The API version asked for in the Accept media type. */
    apiVersion: z
      .string()
      .regex(/^\d{4}\.\d{1,2}$/)
      .default('2025.8'),
    proration: z.enum(PRORATION).default('update'),
    /** Agreement type for agreements BillGrid creates; the site's default type when not set. */
    agreementTypeId: z.number().int().positive().optional(),
  }),
);

export type ConnectWiseConfigInput = z.input<typeof connectwiseConfigSchema>;
export type ConnectWiseConfig = z.output<typeof connectwiseConfigSchema>;

export function parseConnectWiseConfig(input: unknown): ConnectWiseConfig {
  const r = connectwiseConfigSchema.safeParse(input);
  if (!r.success) throw new PsaError(`ConnectWise settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

/**
 * Reads: 429 and 5xx are retried honouring Retry-After. ConnectWise publishes no request budget
 * (SOURCES.md), so concurrency stays modest.
 */
export const policy = {
  apiName: 'ConnectWise PSA',
  maxConcurrency: 4,
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  isRetryable: (res: HttpResponse): boolean => res.status === 429 || res.status >= 500,
} as const;

/** Creates and changes are sent once: a POST that timed out may have landed; the next push re-reads. */
export const mutationPolicy = { ...policy, maxRetries: 0 } as const;
