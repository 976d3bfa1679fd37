import { z } from 'zod';
import { PsaError } from '../../../core/psa';
import type { HttpPolicy } from '../../../platform/http';

/**
 * Kaseya BMS's API hosts, one per data centre (help.bms.kaseya.com, "V2 BMS Rest APIs"); the tenant's own
 * server is shown in BMS under My Settings. http://127.0.0.1 only for the local sandbox.
 */
export const BMS_HOSTS = [
  'https://api.bms.kaseya.com',
  'https://api.bmsemea.kaseya.com',
  'https://api.bmsapac.kaseya.com',
  'https://api.vorexlogin.com',
] as const;

export const ADDRESS =
  /^(https:\/\/[a-z0-9.-]+\.(kaseya\.com|vorexlogin\.com)|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)\/?$/i;

const required = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .min(1, { error: `${label} is missing` });

/**
 * How BillGrid signs in to one BMS tenant: a BMS user (user name, password) and the company (tenant) name,
 * at the tenant's API host. No message below echoes a value, so a password typed into the wrong box
 * cannot leak through a validation error.
 */
export const kaseyaBmsConfigSchema = z.lazy(() =>
  z.object({
    apiHost: z
      .string({ error: 'Kaseya BMS API address is missing' })
      .trim()
      .default(BMS_HOSTS[0])
      .refine((s) => ADDRESS.test(s), {
        error: "Kaseya BMS API address must be one of Kaseya's API hosts, such as https://api.bms.kaseya.com",
      })
      .transform((s) => s.replace(/\/+$/, '')),
    userName: required('Kaseya BMS user name'),
    password: z
      .string({ error: 'Kaseya BMS password is missing' })
      .min(1, { error: 'Kaseya BMS password is missing' }),
    tenant: required('Kaseya BMS company (tenant) name'),
    /** Billing cycle of contracts BillGrid creates (BMS: 3 = Monthly in the demo tenant). */
    billingCycleId: z.number().int().positive().default(3),
    /** For accounts BillGrid creates (BMS requires all three; ids differ per tenant). */
    accountManagerId: z.number().int().positive().optional(),
    accountTypeId: z.number().int().positive().optional(),
    businessTypeId: z.number().int().positive().optional(),
    /** Calls per endpoint per hour BillGrid allows itself (Kaseya: 1,500; lower it to leave room for other tools). */
    hourlyLimit: z.number().int().min(1).max(1500).default(1500),
    /** Records per page; BMS's throttling note bundles up to 100 objects per request. */
    pageSize: z.number().int().min(1).max(100).default(100),
  }),
);

export type KaseyaBmsConfigInput = z.input<typeof kaseyaBmsConfigSchema>;
export type KaseyaBmsConfig = z.output<typeof kaseyaBmsConfigSchema>;

export function parseKaseyaBmsConfig(input: unknown): KaseyaBmsConfig {
  const r = kaseyaBmsConfigSchema.safeParse(input);
  if (!r.success) throw new PsaError(`Kaseya BMS settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

/** Kaseya: 1,500 calls per hour per endpoint (help.bms.kaseya.com, "V2 BMS Rest APIs"). */
export const HOURLY_LIMIT_PER_ENDPOINT = 1500;

/**
 * Reads: a few in parallel, 5xx retried with back-off. A 429 is BMS's hourly quota, which no short wait
 * lifts: it is tried twice more (the platform always retries a 429) and then reported.
 */
export const policy: Partial<HttpPolicy> & { apiName: string } = {
  apiName: 'Kaseya BMS',
  maxConcurrency: 4,
  maxRetries: 2,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
};

/** Creates and changes are never replayed blindly: a POST that timed out may have landed. */
export const mutationPolicy: Partial<HttpPolicy> & { apiName: string } = { ...policy, maxRetries: 0 };
