import { z } from 'zod';
import { SourceError } from '../../../core/source';

const required = (label: string) =>
  z
    .string({ error: `interworks.cloud ${label} is missing` })
    .trim()
    .min(1, { error: `interworks.cloud ${label} is missing` });

/**
 * What Connect stores: the tenant's own BSS host (each interworks.cloud customer has one), the OAuth client
 * key/secret and the application user (BSS → Setup → Administration → System Options → API Credentials).
 */
export const interworksCredentialsSchema = z.object({
  host: z
    .string({ error: 'interworks.cloud BSS address is missing' })
    .trim()
    .regex(/^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/, {
      error: 'interworks.cloud BSS address must be https://your-bss-host (no path)',
    }),
  clientKey: required('Client Key'),
  clientSecret: required('Client Secret'),
  username: required('API user name'),
  password: required('API user password'),
});
export type InterworksCredentials = z.infer<typeof interworksCredentialsSchema>;

export const interworksConfigSchema = interworksCredentialsSchema.extend({
  maxConcurrency: z.number().int().min(1).max(20).default(4),
  /** No documented maximum; 100 is what the sandbox allows by default. */
  pageSize: z.number().int().min(1).max(1000).default(100),
});
export type InterworksConfig = z.output<typeof interworksConfigSchema>;

export function parseInterworksConfig(input: unknown): InterworksConfig {
  const r = interworksConfigSchema.safeParse(input);
  if (!r.success)
    throw new SourceError(`interworks.cloud settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}
