import { z } from 'zod';
import { SourceError } from '../../../core/source';

const url = (label: string) =>
  z.string().regex(/^https?:\/\/\S+$/, { error: `Pax8 ${label} must be an http(s) URL` });

/**
 * Connector settings. Credentials come from the caller (PropertiesService); messages never echo values.
 * Endpoints and audience are Pax8's published ones (see SOURCES.md); tests point them at the sandbox.
 */
const credential = (label: string) =>
  z
    .string({ error: `Pax8 ${label} is missing` })
    .trim()
    .min(1, { error: `Pax8 ${label} is missing` })
    .max(500, { error: `Pax8 ${label} is too long` })
    .regex(/^\S+$/, { error: `Pax8 ${label} must not contain spaces` });

/** What a person types in Connect (stored in script properties); the only check of a saved set. */
export const pax8CredentialsSchema = z.object({
  clientId: credential('Client ID'),
  clientSecret: credential('Client Secret'),
});
export type Pax8Credentials = z.output<typeof pax8CredentialsSchema>;

export const pax8ConfigSchema = z.lazy(() =>
  z.object({
    clientId: z
      .string({ error: 'Pax8 Client ID is missing' })
      .trim()
      .min(1, { error: 'Pax8 Client ID is missing' }),
    clientSecret: z
      .string({ error: 'Pax8 Client Secret is missing' })
      .trim()
      .min(1, { error: 'Pax8 Client Secret is missing' }),
    apiBaseUrl: url('API URL').default('https://api.pax8.com/v1'),
    tokenUrl: url('token URL').default('https://token-manager.pax8.com/oauth/token'),
    audience: z.string().min(1).default('https://api.pax8.com'),
    maxConcurrency: z.number().int().min(1).max(20).default(5),
    /** Pax8 list endpoints allow size 1..200; the largest is the default. */
    pageSize: z.number().int().min(1).max(200).default(200),
  }),
);

export type Pax8ConfigInput = z.input<typeof pax8ConfigSchema>;
export type Pax8Config = z.output<typeof pax8ConfigSchema>;

export function parsePax8Config(input: unknown): Pax8Config {
  const r = pax8ConfigSchema.safeParse(input);
  if (!r.success) throw new SourceError(`Pax8 settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}
