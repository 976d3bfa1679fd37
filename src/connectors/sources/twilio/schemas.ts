import { z } from 'zod';

/**
 * Twilio response shapes we rely on (spec: twilio_api_v2010.json). Records are parsed one by one so a
 * malformed record becomes a problem naming it, not a failed pull.
 */

const nextPage = z.string().nullable().optional();
/** A page of the Accounts list; paging goes through next_page_uri (a relative URI, null on the last page). */
export const accountsPage = z.lazy(() =>
  z.object({
    accounts: z.array(z.unknown(), { error: "the response has no 'accounts' list" }),
    next_page_uri: nextPage,
  }),
);
export const usagePage = z.lazy(() =>
  z.object({
    usage_records: z.array(z.unknown(), { error: "the response has no 'usage_records' list" }),
    next_page_uri: nextPage,
  }),
);

export const twilioAccount = z.lazy(() =>
  z.object({
    sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, { error: 'sid is not a Twilio Account SID' }),
    friendly_name: z.string().nullable().optional(),
    status: z.string().nullable().optional(),
    owner_account_sid: z.string().nullable().optional(),
  }),
);
export type TwilioAccount = z.infer<typeof twilioAccount>;

/** The spec says number; the live API sends decimal strings ("2192.84855"). Accept both. */
const decimal = z.lazy(() =>
  z.union([
    z.number().refine(Number.isFinite, { error: 'is not a usable number' }),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/, { error: 'is not a number' })
      .transform(Number),
  ]),
);

export const usageRecord = z.lazy(() =>
  z.object({
    category: z.string({ error: 'category is missing' }).min(1, { error: 'category is missing' }),
    description: z.string().nullable().optional(),
    price: decimal.nullable().optional(),
    price_unit: z.string().nullable().optional(),
    usage: z.union([z.string(), z.number()]).nullable().optional(),
    usage_unit: z.string().nullable().optional(),
    count: z.union([z.string(), z.number()]).nullable().optional(),
    count_unit: z.string().nullable().optional(),
  }),
);
export type UsageRecord = z.infer<typeof usageRecord>;

/** Twilio's error body: { code, message, more_info, status }. */
export const twilioError = z.lazy(() =>
  z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    more_info: z.string().optional(),
    status: z.number().optional(),
  }),
);
