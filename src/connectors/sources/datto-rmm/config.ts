import { z } from 'zod';
import { CURRENCIES } from '../../../core/billing-line';
import { SourceError } from '../../../core/source';

/** Datto RMM platforms (each its own API host, `https://<platform>-api.centrastage.net`). */
export const DATTO_PLATFORMS = ['pinotage', 'concord', 'merlot', 'zinfandel', 'vidal', 'syrah'] as const;

export const ADDRESS =
  /^(https:\/\/[a-z0-9-]+-api\.centrastage\.net|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)\/?$/i;

/**
 * Datto RMM API credentials: the API key and secret of an API-enabled user (Setup > Users), and the
 * platform's API address. Messages never echo a value.
 */
export const dattoRmmConfigSchema = z.lazy(() =>
  z.object({
    apiUrl: z
      .string({ error: 'Datto RMM API address is missing' })
      .trim()
      .refine((s) => ADDRESS.test(s), {
        error: 'Datto RMM API address must look like https://<platform>-api.centrastage.net',
      })
      .transform((s) => s.replace(/\/+$/, '')),
    apiKey: z
      .string({ error: 'Datto RMM API key is missing' })
      .trim()
      .min(1, { error: 'Datto RMM API key is missing' }),
    apiSecret: z
      .string({ error: 'Datto RMM API secret is missing' })
      .min(1, { error: 'Datto RMM API secret is missing' }),
    /** Currency of the (price-less) quantity lines; the PSA service carries the price. */
    currency: z.enum(CURRENCIES).default('USD'),
    /** Devices per page (Datto caps `max` at 250). */
    pageSize: z.number().int().min(1).max(250).default(250),
  }),
);

export type DattoRmmConfigInput = z.input<typeof dattoRmmConfigSchema>;
export type DattoRmmConfig = z.output<typeof dattoRmmConfigSchema>;

export function parseDattoRmmConfig(input: unknown): DattoRmmConfig {
  const r = dattoRmmConfigSchema.safeParse(input);
  if (!r.success) throw new SourceError(`Datto RMM settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

/** Reads only; a handful in parallel, 429/5xx retried honouring Retry-After. */
export const dattoRmmHttpPolicy = {
  apiName: 'Datto RMM',
  maxConcurrency: 5,
  maxRetries: 4,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
} as const;
