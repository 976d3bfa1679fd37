import { z } from 'zod';
import { SourceError } from '../../../core/source';

/** How Twilio usage becomes lines: one per billed usage category, or one total per subaccount. */
export const TWILIO_LINE_MODES = ['per-category', 'total'] as const;

/**
 * Connector settings. Credentials come from the caller (PropertiesService); the messages below never
 * echo a value, so a token typed into the wrong box cannot leak through a validation error.
 */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The Account SID, in the settings and in the Connect form alike. */
const accountSid = () =>
  z
    .string({ error: 'Twilio Account SID is missing' })
    .trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, {
      error: 'Twilio Account SID must be "AC" followed by 32 hexadecimal characters',
    });

/** An API key's SID (optional: the Auth Token is the other way in). */
const apiKeySid = () =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Twilio API key SID is not text' })
      .trim()
      .regex(/^SK[0-9a-fA-F]{32}$/, {
        error: 'Twilio API key SID must be "SK" followed by 32 hexadecimal characters',
      })
      .optional(),
  );

/** Either the Auth Token or a whole API key (SID and secret); `noToken` says what is missing when neither. */
function oneWayIn(
  c: { authToken?: string; apiKeySid?: string; apiKeySecret?: string },
  ctx: z.RefinementCtx,
  noToken: string,
): void {
  if (c.apiKeySid && !c.apiKeySecret)
    ctx.addIssue({ code: 'custom', message: 'Twilio API key secret is missing', path: ['apiKeySecret'] });
  else if (c.apiKeySecret && !c.apiKeySid)
    ctx.addIssue({ code: 'custom', message: 'Twilio API key SID is missing', path: ['apiKeySid'] });
  else if (!c.apiKeySid && !c.authToken)
    ctx.addIssue({ code: 'custom', message: noToken, path: ['authToken'] });
}

export const twilioConfigSchema = z.lazy(() =>
  z
    .object({
      accountSid: accountSid(),
      /** The Auth Token, or an API key below (Twilio recommends keys; a Main key is needed for /Accounts). */
      authToken: z.preprocess(
        blankToUndefined,
        z.string({ error: 'Twilio Auth Token is not text' }).trim().optional(),
      ),
      apiKeySid: apiKeySid(),
      apiKeySecret: z.preprocess(
        blankToUndefined,
        z.string({ error: 'Twilio API key secret is not text' }).trim().optional(),
      ),
      baseUrl: z
        .string()
        .regex(/^https?:\/\/[^\s/]+$/, {
          error: 'Twilio base URL must be a scheme and host, e.g. https://api.twilio.com',
        })
        .default('https://api.twilio.com'),
      lineMode: z
        .enum(TWILIO_LINE_MODES, { error: `Twilio line mode must be one of ${TWILIO_LINE_MODES.join(', ')}` })
        .default('per-category'),
      /** Added to Twilio's cost to give the unit price (0 = pass cost through). */
      markupPercent: z
        .number({ error: 'Twilio markup must be a number (percent)' })
        .min(-100, { error: 'Twilio markup cannot be below -100%' })
        .max(1000, { error: 'Twilio markup cannot exceed 1000%' })
        .default(0),
      /** Parallel requests; Twilio's documented per-account REST concurrency is about 100. */
      maxConcurrency: z.number().int().min(1).max(100).default(10),
      /** Twilio's list endpoints accept PageSize 1..1000 (spec); the largest is the default. */
      pageSize: z.number().int().min(1).max(1000).default(1000),
    })
    .superRefine((c, ctx) => oneWayIn(c, ctx, 'Twilio Auth Token is missing')),
);

const optionalText = (label: string, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: `${label} is not text` })
      .trim()
      .max(max, { error: `${label} is too long` })
      .regex(/^\S+$/, { error: `${label} must not contain spaces` })
      .optional(),
  );

/**
 * What a person types in Connect (stored in script properties); the only check of a saved set. Either the
 * Auth Token or an API key (SID + secret) authenticates; Twilio recommends keys, and a Main key can read
 * /Accounts (subaccounts), so both are accepted.
 */
export const twilioCredentialsSchema = z
  .object({
    accountSid: accountSid(),
    authToken: optionalText('Twilio Auth Token', 500),
    apiKeySid: apiKeySid(),
    apiKeySecret: optionalText('Twilio API key secret', 500),
  })
  .superRefine((c, ctx) =>
    oneWayIn(c, ctx, 'Twilio Auth Token is missing (or give an API key SID and secret instead)'),
  );
export type TwilioCredentials = z.output<typeof twilioCredentialsSchema>;

export type TwilioConfigInput = z.input<typeof twilioConfigSchema>;
export type TwilioConfig = z.output<typeof twilioConfigSchema>;

export function parseTwilioConfig(input: unknown): TwilioConfig {
  const r = twilioConfigSchema.safeParse(input);
  if (!r.success) throw new SourceError(`Twilio settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}
