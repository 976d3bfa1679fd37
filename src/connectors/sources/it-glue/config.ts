import { z } from 'zod';
import { CURRENCIES } from '../../../core/billing-line';
import { SourceError } from '../../../core/source';

/** IT Glue's regional API hosts. */
export const ITG_HOSTS = [
  'https://api.itglue.com',
  'https://api.eu.itglue.com',
  'https://api.au.itglue.com',
] as const;

export const itGlueConfigSchema = z.lazy(() =>
  z.object({
    apiUrl: z
      .enum(ITG_HOSTS, { error: `IT Glue API address must be one of ${ITG_HOSTS.join(', ')}` })
      .default(ITG_HOSTS[0]),
    apiKey: z
      .string({ error: 'IT Glue API key is missing' })
      .trim()
      .min(1, { error: 'IT Glue API key is missing' }),
    currency: z.enum(CURRENCIES).default('USD'),
    /** Records per page (IT Glue: page[size] up to 1000). */
    pageSize: z.number().int().min(1).max(1000).default(1000),
  }),
);
export type ItGlueConfig = z.output<typeof itGlueConfigSchema>;

export function parseItGlueConfig(input: unknown): ItGlueConfig {
  const r = itGlueConfigSchema.safeParse(input);
  if (!r.success) throw new SourceError(`IT Glue settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

export const itGlueHttpPolicy = {
  apiName: 'IT Glue',
  maxConcurrency: 5,
  maxRetries: 4,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
} as const;
