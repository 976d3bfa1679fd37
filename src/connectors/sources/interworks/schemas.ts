/**
 * interworks.cloud BSS shapes. Only the token and `/api/accounts` properties are documented publicly;
 * subscription and charge fields follow seed 004's BSS columns and are unverified (SOURCES.md).
 */
import { z } from 'zod';
import { isRealIsoDate } from '../../../core/billing-line';

export const tokenResponse = z.lazy(() =>
  z.object({
    access_token: z.string().min(1),
    expires_in: z.number().positive(),
    token_type: z.string().optional(),
  }),
);
export const iwError = z.lazy(() => z.object({ message: z.string().optional() }));

export const pagination = z.lazy(() =>
  z.object({
    totalCount: z.number().int().nonnegative(),
    pageSize: z.number().int().positive(),
    currentPage: z.number().int().positive(),
    totalPages: z.number().int().nonnegative(),
  }),
);
export const envelope = z.lazy(() => z.object({ data: z.array(z.unknown()), pagination }));

/** A date as yyyy-mm-dd, also accepting the date-time form (the date part is kept). */
const day = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .transform((v) => v.slice(0, 10))
    .refine(isRealIsoDate, { error: (iss) => `${label} '${String(iss.input)}' is not a real date` });
const num = (label: string) =>
  z.number({
    error: (iss) =>
      iss.input === undefined ? `${label} is missing` : `${label} '${String(iss.input)}' is not a number`,
  });
const text = z.string().nullable().optional();

export const account = z.lazy(() =>
  z.object({
    id: z.number().int(),
    name: z.string({ error: 'name is missing' }).trim().min(1, { error: 'name is missing' }),
    currency: text,
    status: text,
  }),
);
export type IwAccount = z.infer<typeof account>;

export const subscription = z.lazy(() =>
  z.object({
    id: z.number().int(),
    accountId: z.number().int(),
    productCode: text,
    productName: text,
    billingPlan: text,
    billingCycle: text,
    quantity: num('quantity'),
    unitCost: num('unitCost'),
    unitPrice: num('unitPrice').optional(),
    currency: text,
    status: text,
    startDate: day('startDate').optional(),
    cancellationDate: day('cancellationDate').nullable().optional(),
  }),
);
export type IwSubscription = z.infer<typeof subscription>;

export const charge = z.lazy(() =>
  z.object({
    id: z.number().int(),
    accountId: z.number().int(),
    accountName: text,
    subscriptionId: z.number().int(),
    productCode: text,
    productName: z.string({ error: 'productName is missing' }).min(1, { error: 'productName is missing' }),
    billingPlan: text,
    billingCycle: z.string({ error: 'billingCycle is missing' }),
    type: z.string({ error: 'type is missing' }),
    quantity: num('quantity'),
    unitCost: num('unitCost'),
    unitPrice: num('unitPrice').optional(),
    amount: num('amount'),
    currency: z.string({ error: 'currency is missing' }),
    fromDate: day('fromDate'),
    toDate: day('toDate'),
    effectiveDate: day('effectiveDate'),
  }),
);
export type IwCharge = z.infer<typeof charge>;
