import { z } from 'zod';
import { SourceError } from '../../../core/source';

const required = (label: string) =>
  z
    .string({ error: `Crayon ${label} is missing` })
    .trim()
    .min(1, { error: `Crayon ${label} is missing` });

/**
 * The credentials Connect stores (text only): Cloud-iQ issues an API client (client id + secret, sent as
 * HTTP Basic) and the token is granted for an API user (username + password) — apidocs.crayon.com
 * "Authentication", Crayon SDK TokenResource. Messages never echo a value.
 */
export const crayonCredentialsSchema = z.object({
  clientId: required('Client ID'),
  clientSecret: required('Client secret'),
  username: required('API user name'),
  password: required('API user password'),
});
export type CrayonCredentials = z.infer<typeof crayonCredentialsSchema>;

/** Connector settings: the credentials plus endpoints and paging (tests point the URL at the sandbox). */
export const crayonConfigSchema = crayonCredentialsSchema.extend({
  apiBaseUrl: z
    .string()
    .regex(/^https?:\/\/\S+[^/]$/, { error: 'Crayon API URL must be an http(s) URL without a trailing /' })
    .default('https://api.crayon.com/api/v1'),
  maxConcurrency: z.number().int().min(1).max(20).default(5),
  /**
   * Page size asked for. Crayon documents no maximum (the SDK's default is 50); 100 keeps requests few
   * while staying near what the SDK uses. The reader copes with a server that reduces it silently.
   */
  pageSize: z.number().int().min(1).max(1000).default(100),
});

export type CrayonConfigInput = z.input<typeof crayonConfigSchema>;
export type CrayonConfig = z.output<typeof crayonConfigSchema>;

export function parseCrayonConfig(input: unknown): CrayonConfig {
  const r = crayonConfigSchema.safeParse(input);
  if (!r.success) throw new SourceError(`Crayon settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}
