import { z } from 'zod';
import type { HttpResponse } from '../../../core/http';
import { PsaError } from '../../../core/psa';

/**
 * Autotask connector settings. Credentials come from the caller (PropertiesService); no message below
 * echoes a value, so a secret typed into the wrong box cannot leak through a validation error.
 * Picklist ids are settings because Autotask databases can differ; defaults are Autotask's system values
 * (see SOURCES.md for which ones are confirmed by the documentation).
 */
const positiveInt = (label: string) =>
  z
    .number({ error: `${label} must be a whole number` })
    .int({ error: `${label} must be a whole number` })
    .positive({
      error: `${label} must be a positive whole number`,
    });

const url = (label: string) =>
  z.string({ error: `${label} is missing` }).regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, {
    error: `${label} must be an http(s) URL`,
  });

const required = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .min(1, { error: `${label} is missing` })
    .max(500, { error: `${label} is too long` })
    .regex(/^\S+$/, { error: `${label} must not contain spaces` });

/**
 * What a person types in Connect (stored in script properties as text); the only check of a saved set.
 * Autotask API users sign in with their e-mail address, so anything else is a typo caught here.
 */
export const autotaskCredentialsSchema = z.object({
  username: z
    .string({ error: 'Autotask API username is missing' })
    .trim()
    .regex(/^[^\s@]+@[^\s@]+$/, { error: 'Autotask API username must look like an email address' }),
  secret: required('Autotask secret'),
  integrationCode: required('Autotask integration code'),
  ownerResourceId: z
    .string()
    .trim()
    .regex(/^\d{1,12}$/, { error: 'Autotask account manager must be a resource id (a number)' })
    .optional(),
  materialCodeId: z
    .string()
    .trim()
    .regex(/^\d{1,12}$/, { error: 'Autotask material code must be a billing code id (a number)' })
    .optional(),
});
export type AutotaskCredentials = z.output<typeof autotaskCredentialsSchema>;

export const autotaskConfigSchema = z.lazy(() =>
  z.object({
    username: z.string({ error: 'Autotask API user name is missing' }).trim().min(1, {
      error: 'Autotask API user name is missing',
    }),
    secret: z
      .string({ error: 'Autotask API secret is missing' })
      .min(1, { error: 'Autotask API secret is missing' }),
    integrationCode: z
      .string({ error: 'Autotask API integration code (tracking identifier) is missing' })
      .trim()
      .min(1, { error: 'Autotask API integration code (tracking identifier) is missing' }),
    /** Where zone discovery starts; tests point it at the sandbox. */
    globalHost: url('Autotask global host').default('https://webservices.autotask.net'),
    /** The zone's REST root (e.g. https://webservices5.autotask.net/ATServicesRest/) when already known. */
    zoneUrl: url('Autotask zone URL').optional(),
    contractTypes: z
      .object({
        recurringService: positiveInt('Recurring service contract type').default(7),
        fixedPrice: positiveInt('Fixed price contract type').default(3),
      })
      .default({ recurringService: 7, fixedPrice: 3 }),
    /** Contract status "active" (Autotask: 1 = In Effect). */
    activeContractStatus: positiveInt('Active contract status').default(1),
    /** ContractCharges.chargeType picklist value used for new charges. */
    chargeType: positiveInt('Charge type').default(1),
    /** Contracts.contractPeriodType "Monthly" for recurring-service contracts BillGrid creates; read from the tenant when absent. */
    contractPeriodType: positiveInt('Contract period type').optional(),
    /** Services.periodType for services BillGrid creates (monthly). */
    servicePeriodType: positiveInt('Service period type').default(1),
    /** Companies.companyType for companies BillGrid creates (1 = Customer). */
    companyType: positiveInt('Company type').default(1),
    /** Account manager (resource id) for companies BillGrid creates; Autotask requires one. */
    ownerResourceId: positiveInt('Company owner resource id').optional(),
    /** Billing code for charges and services when no mapping or default code gives one (checked by use type). */
    defaultBillingCodeId: positiveInt('Default billing code').optional(),
    /**
     * Material billing code (use type 4) for new contract charges whose product is a service: services carry
     * Service codes (use type 5), which Autotask does not take on a charge.
     */
    materialCodeId: positiveInt('Material code for charges').optional(),
    /** Length of contracts BillGrid creates, in months. */
    contractMonths: positiveInt('Contract length').max(120).default(36),
  }),
);

export type AutotaskConfigInput = z.input<typeof autotaskConfigSchema>;
export type AutotaskConfig = z.output<typeof autotaskConfigSchema>;

export function parseAutotaskConfig(input: unknown): AutotaskConfig {
  const r = autotaskConfigSchema.safeParse(input);
  if (!r.success) throw new PsaError(`Autotask settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

/**
 * HTTP policy for reads (RetryingHttpClient): Autotask allows 3 concurrent threads per integration and
 * endpoint, and 10,000 requests an hour per database; 429 and 5xx are retried honouring Retry-After.
 */
export const policy = {
  apiName: 'Autotask',
  maxConcurrency: 3,
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  isRetryable: (res: HttpResponse): boolean =>
    res.status === 429 || (res.status >= 500 && !(res.status === 500 && isRefusal(res.body))),
} as const;

/**
 * A 500 carrying Autotask's `{ errors: [...] }` is a refusal no retry fixes: a validation error, an invalid
 * query, or a wrong integration code / API user name (Autotask answers those with 500, not 401).
 */
function isRefusal(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as unknown;
    return (
      typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { errors?: unknown }).errors)
    );
  } catch {
    return false;
  }
}

/**
 * Policy for creates and updates: never retried blindly. A POST that timed out may have been applied;
 * the connector re-reads before sending again, so the next push converges instead of duplicating.
 */
export const mutationPolicy = { ...policy, maxRetries: 0 } as const;
