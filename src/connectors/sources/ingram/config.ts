import { z } from 'zod';
import { SourceError } from '../../../core/source';

const url = (label: string) =>
  z.string().regex(/^https?:\/\/\S+$/, { error: `Ingram Micro ${label} must be an http(s) URL` });

const required = (label: string) =>
  z
    .string({ error: `Ingram Micro ${label} is missing` })
    .trim()
    .min(1, { error: `Ingram Micro ${label} is missing` });

/** Whether the month is billed from the orders placed in it or from the invoices dated in it. */
export const INGRAM_BILL_FROM = ['orders', 'invoices'] as const;

/**
 * Connector settings. Credentials come from the caller (PropertiesService); messages never echo values.
 * Limits are the spec's (specs/ingram_xvantage_resellers.json): customer number ≤ 10 characters,
 * country code 2 letters, pages of at most 100.
 */
export const ingramConfigSchema = z.object({
  clientId: required('Client ID'),
  clientSecret: required('Client Secret'),
  customerNumber: required('customer number').pipe(
    z.string().max(10, { error: 'Ingram Micro customer number has at most 10 characters (e.g. 20-222222)' }),
  ),
  countryCode: z
    .string({ error: 'Ingram Micro country code is missing' })
    .trim()
    .regex(/^[A-Za-z]{2}$/, { error: 'Ingram Micro country code must be two letters (e.g. US)' })
    .transform((s) => s.toUpperCase()),
  billFrom: z
    .enum(INGRAM_BILL_FROM, { error: "Ingram Micro 'bill from' must be orders or invoices" })
    .default('orders'),
  /** Ingram's price is the MSP's cost; the client's price adds this markup (percent). */
  markupPercent: z
    .number({ error: 'Ingram Micro markup must be a number (percent)' })
    .min(-100, { error: 'Ingram Micro markup cannot be below -100%' })
    .max(1000, { error: 'Ingram Micro markup cannot exceed 1000%' })
    .default(0),
  apiBaseUrl: url('API URL').default('https://api.ingrammicro.com'),
  /** Sent as IM-SenderID / IM-ApplicationID (≤ 32 characters). */
  senderId: z.string().min(1).max(32).default('BillGrid'),
  maxConcurrency: z.number().int().min(1).max(20).default(5),
  pageSize: z.number().int().min(1).max(100).default(100),
});

/**
 * What a person types in Connect (text only, as script properties hold it); the factory turns it into the
 * config above. "Bill from" and the markup are optional: orders and 0 % when left blank.
 */
export const ingramCredentialsSchema = z.object({
  clientId: required('Client ID'),
  clientSecret: required('Client Secret'),
  customerNumber: ingramConfigSchema.shape.customerNumber,
  countryCode: z
    .string({ error: 'Ingram Micro country code is missing' })
    .trim()
    .regex(/^[A-Za-z]{2}$/, { error: 'Ingram Micro country code must be two letters (e.g. US)' }),
  billFrom: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(INGRAM_BILL_FROM, { error: "Ingram Micro 'bill from' must be orders or invoices" }))
    .optional(),
  markupPercent: z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, { error: 'Ingram Micro markup must be a number (percent), e.g. 15' })
    .optional(),
});
export type IngramCredentials = z.output<typeof ingramCredentialsSchema>;

/** The config a stored credential set stands for (defaults for what was left blank). */
export function ingramConfigFrom(c: IngramCredentials): IngramConfigInput {
  return {
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    customerNumber: c.customerNumber,
    countryCode: c.countryCode,
    ...(c.billFrom ? { billFrom: c.billFrom } : {}),
    ...(c.markupPercent !== undefined ? { markupPercent: Number(c.markupPercent) } : {}),
  };
}

export type IngramConfigInput = z.input<typeof ingramConfigSchema>;
export type IngramConfig = z.output<typeof ingramConfigSchema>;

export function parseIngramConfig(input: unknown): IngramConfig {
  const r = ingramConfigSchema.safeParse(input);
  if (!r.success) throw new SourceError(`Ingram Micro settings: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}
