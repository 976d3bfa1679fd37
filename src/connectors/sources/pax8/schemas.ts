import { z } from 'zod';
import { isoDateOf } from '../../../core/billing-line';

/** Pax8 partner API shapes (devx.pax8.com reference; see SOURCES.md). Records are parsed one by one. */

export const tokenResponse = z.lazy(() =>
  z.object({
    access_token: z.string().min(1),
    expires_in: z.number().positive(),
    token_type: z.string().optional(),
  }),
);

/**
 * Every list: `content` beside a `page` object. Pax8 leaves `content` out when nothing matches (Pax8's
 * own CLI patches it back to []), so a missing `content` next to a valid `page` is an empty page.
 */
export const pageEnvelope = z.lazy(() =>
  z.object({
    content: z.array(z.unknown(), { error: "the response's 'content' is not a list" }).default([]),
    page: z.object({
      size: z.number(),
      totalElements: z.number(),
      totalPages: z.number(),
      number: z.number(),
    }),
  }),
);

export const company = z.lazy(() =>
  z.object({
    id: z.string().min(1),
    name: z.string({ error: 'name is missing' }).trim().min(1, { error: 'name is missing' }),
    status: z.string().optional(),
    /** Pax8 invoices this company's end customer itself: its charges are not the MSP's to bill. */
    billOnBehalfOfEnabled: z.boolean().nullable().optional(),
  }),
);

export const subscription = z.lazy(() =>
  z.object({
    id: z.string().min(1),
    companyId: z.string().optional(),
    billingTerm: z.string().optional(),
    productName: z.string().optional(),
  }),
);

export const invoice = z.lazy(() =>
  z.object({
    id: z.string().min(1),
    invoiceDate: z.string().optional(),
    status: z.string().optional(),
    currencyCode: z.string().optional(),
    companyId: z.string().nullable().optional(),
  }),
);
export type Pax8Invoice = z.infer<typeof invoice>;

const money = (label: string) =>
  z
    .number({
      error: (iss) => (iss.input === undefined ? `${label} is missing` : `${label} is not a number`),
    })
    .refine(Number.isFinite, {
      error: `${label} is not a usable number`,
    });
const optionalText = z.string().nullable().optional();

export const invoiceItem = z.lazy(() =>
  z.object({
    id: z.string().optional(),
    type: z.string({ error: 'type is missing' }),
    companyId: z.string({ error: 'companyId is missing' }).min(1, { error: 'companyId is missing' }),
    companyName: optionalText,
    startPeriod: isoDateOf('startPeriod'),
    endPeriod: isoDateOf('endPeriod'),
    quantity: money('quantity'),
    unitOfMeasure: optionalText,
    term: optionalText,
    sku: optionalText,
    description: optionalText,
    details: optionalText,
    price: money('price'),
    cost: money('cost').optional(),
    costTotal: money('costTotal').optional(),
    subTotal: money('subTotal').optional(),
    total: money('total').optional(),
    currencyCode: optionalText,
    productId: optionalText,
    productName: optionalText,
    subscriptionId: optionalText,
    vendorName: optionalText,
    /** "Is the item billed directly by Pax8": true for bill-on-behalf companies. */
    billedByPax8: z.boolean().nullable().optional(),
    /** flat | per; rateType markup | single | flat | volume | tiered — `total` is what the client owes. */
    chargeType: optionalText,
    rateType: optionalText,
  }),
);
export type Pax8InvoiceItem = z.infer<typeof invoiceItem>;

/** Pax8's error body: { type, message, instance, status, details }; the token endpoint uses OAuth's. */
export const pax8Error = z.lazy(() =>
  z.object({
    message: z.string().optional(),
    status: z.number().optional(),
    error: z.string().optional(),
    error_description: z.string().optional(),
  }),
);
