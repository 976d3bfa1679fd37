/**
 * What BillGrid reads from Ingram Micro's answers (field names from specs/ingram_xvantage_resellers.json:
 * AccesstokenResponse, OrderSearch_Response, OrderDetailB2B, InvoiceSearchResponse,
 * InvoiceDetailsv6.1Response, ErrorResponse). Only the fields used are checked; the rest pass through.
 * Counts are coerced because the spec's own examples send them as text ("recordsFound": "123").
 */
import { z } from 'zod';

const text = z.string().nullable().optional();
const count = z.coerce.number().int().min(0);
const money = (label: string) =>
  z
    .number({
      error: (iss) => (iss.input === undefined ? `${label} is missing` : `${label} is not a number`),
    })
    .refine(Number.isFinite, { error: `${label} is not a usable number` });
const wholeQuantity = (label: string) =>
  z
    .number({
      error: (iss) => (iss.input === undefined ? `${label} is missing` : `${label} is not a number`),
    })
    .int({ error: `${label} is not a whole number` });

export const tokenResponse = z.lazy(() =>
  z.object({
    access_token: z.string().min(1),
    expires_in: z.coerce.number().int().positive().catch(3600),
  }),
);

const searchEnvelope = {
  recordsFound: count.optional(),
  pageSize: count.optional(),
  pageNumber: count.optional(),
  nextPage: text,
};

export const orderSearch = z.lazy(() =>
  z.object({
    ...searchEnvelope,
    orders: z.array(z.unknown()).nullable().optional(),
  }),
);
export const invoiceSearch = z.lazy(() =>
  z.object({
    ...searchEnvelope,
    invoices: z.array(z.unknown()).nullable().optional(),
  }),
);

export const orderSummary = z.lazy(() =>
  z.object({
    ingramOrderNumber: z.string().min(1),
    ingramOrderDate: text,
    endUserCompanyName: text,
    orderStatus: text,
  }),
);

export const invoiceSummary = z.lazy(() => z.object({ invoiceNumber: z.string().min(1), invoiceDate: text }));

const serialNumbers = z.lazy(() =>
  z
    .array(z.object({ serialNumber: text }))
    .nullable()
    .optional(),
);

export const orderLine = z.lazy(() =>
  z.object({
    ingramOrderLineNumber: z.string({ error: 'ingramOrderLineNumber is missing' }).min(1),
    lineStatus: text,
    ingramPartNumber: text,
    vendorPartNumber: text,
    vendorName: text,
    partDescription: text,
    unitPrice: money('unitPrice'),
    extendedPrice: money('extendedPrice').nullable().optional(),
    currencyCode: text,
    quantityOrdered: wholeQuantity('quantityOrdered'),
    shipmentDetails: z
      .array(
        z.object({
          carrierDetails: z
            .array(
              z.object({
                trackingDetails: z.array(z.object({ serialNumbers })).nullable().optional(),
              }),
            )
            .nullable()
            .optional(),
        }),
      )
      .nullable()
      .optional(),
    serviceContractInfo: z
      .object({
        subscriptions: z
          .object({
            subscriptionId: text,
            subscriptionTerm: text,
            billingModel: text,
            subcriptionStartDate: text,
            subcriptionEndDate: text,
          })
          .nullable()
          .optional(),
      })
      .nullable()
      .optional(),
  }),
);
export type IngramOrderLine = z.infer<typeof orderLine>;

const party = z.object({ companyName: text }).nullable().optional();

export const orderDetail = z.lazy(() =>
  z.object({
    ingramOrderNumber: z.string({ error: 'ingramOrderNumber is missing' }).min(1),
    ingramOrderDate: z.string({ error: 'ingramOrderDate is missing' }).min(10),
    customerOrderNumber: text,
    endCustomerOrderNumber: text,
    orderStatus: text,
    currencyCode: text,
    endUserInfo: party,
    lines: z.array(z.unknown()).nullable().optional(),
  }),
);
export type IngramOrderDetail = z.infer<typeof orderDetail>;

export const invoiceLine = z.lazy(() =>
  z.object({
    ingramLineNumber: z.string({ error: 'ingramLineNumber is missing' }).min(1),
    ingramPartNumber: text,
    vendorPartNumber: text,
    vendorName: text,
    productDescription: text,
    quantity: wholeQuantity('quantity'),
    unitPrice: money('unitPrice'),
    extendedPrice: money('extendedPrice').nullable().optional(),
    currencyCode: text,
    serialNumbers,
  }),
);
export type IngramInvoiceLine = z.infer<typeof invoiceLine>;

export const invoiceDetail = z.lazy(() =>
  z.object({
    invoiceNumber: z.string({ error: 'invoiceNumber is missing' }).min(1),
    invoiceDate: z.string({ error: 'invoiceDate is missing' }).min(10),
    invoiceType: text,
    invoiceStatus: text,
    customerOrderNumber: text,
    ingramOrderNumber: text,
    orderNumber: text,
    lines: z.array(z.unknown()).nullable().optional(),
  }),
);
export type IngramInvoiceDetail = z.infer<typeof invoiceDetail>;

/** ErrorResponse { errors: [{ message, fields }] }, the token endpoint's { message }, or a gateway { fault }. */
export const ingramError = z.lazy(() =>
  z.object({
    errors: z
      .array(
        z.object({
          message: text,
          fields: z
            .array(z.object({ field: text, message: text }))
            .nullable()
            .optional(),
        }),
      )
      .nullable()
      .optional(),
    message: text,
    fault: z.object({ faultstring: text }).nullable().optional(),
  }),
);
