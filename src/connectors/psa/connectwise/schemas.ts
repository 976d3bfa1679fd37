import { z } from 'zod';

/**
 * ConnectWise PSA REST 3.0 response shapes (field names from the Manage OpenAPI document, SOURCES.md).
 * Only the fields BillGrid uses are declared; zod strips the rest. Nullable where ConnectWise leaves a
 * field out or empty.
 */

const id = z.number().int();
const money = z.number().nullable().optional();
/** A reference to another record: { id, name? } (`identifier` on product references). */
const reference = z.lazy(() => z.object({ id, name: z.string().nullable().optional() }));
/** ConnectWise dates are instants ("2026-10-01T00:00:00Z"); BillGrid works in calendar days. */
export const cwDate = z.lazy(() =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}/, { error: 'is not a date' })
    .transform((s) => s.slice(0, 10)),
);

/** `{ code, message, errors: [{ code, message, resource, field }] }`. */
export const errorBodySchema = z.lazy(() =>
  z.object({
    code: z.string().nullable().optional(),
    message: z.string().nullable().optional(),
    errors: z
      .array(
        z.object({
          code: z.string().nullable().optional(),
          message: z.string().nullable().optional(),
          resource: z.string().nullable().optional(),
          field: z.string().nullable().optional(),
        }),
      )
      .nullable()
      .optional(),
  }),
);

export const systemInfoSchema = z.lazy(() =>
  z.object({
    version: z.string().nullable().optional(),
    isCloud: z.boolean().nullable().optional(),
  }),
);

export const companySchema = z.lazy(() =>
  z.object({
    id,
    identifier: z.string().nullable().optional(),
    name: z.string(),
    status: reference.nullable().optional(),
    deletedFlag: z.boolean().nullable().optional(),
    defaultContact: reference.nullable().optional(),
  }),
);

export const contactSchema = z.object({ id, company: reference.nullable().optional() });

export const agreementTypeSchema = z.lazy(() =>
  z.object({
    id,
    name: z.string(),
    defaultFlag: z.boolean().nullable().optional(),
    inactiveFlag: z.boolean().nullable().optional(),
  }),
);

export const agreementSchema = z.lazy(() =>
  z.object({
    id,
    name: z.string(),
    type: reference.nullable().optional(),
    company: reference,
    agreementStatus: z.string().nullable().optional(),
    cancelledFlag: z.boolean().nullable().optional(),
    startDate: cwDate.nullable().optional(),
    endDate: cwDate.nullable().optional(),
    customerPO: z.string().nullable().optional(),
  }),
);

export const additionSchema = z.lazy(() =>
  z.object({
    id,
    product: z.object({ id, identifier: z.string().nullable().optional() }),
    quantity: z.number(),
    unitPrice: money,
    unitCost: money,
    billCustomer: z.string().nullable().optional(),
    effectiveDate: cwDate.nullable().optional(),
    cancelledDate: cwDate.nullable().optional(),
    invoiceDescription: z.string().nullable().optional(),
    agreementId: id.nullable().optional(),
  }),
);

export const catalogItemSchema = z.lazy(() =>
  z.object({
    id,
    identifier: z.string(),
    description: z.string().nullable().optional(),
    inactiveFlag: z.boolean().nullable().optional(),
    integrationXRef: z.string().nullable().optional(),
    price: money,
    cost: money,
    subcategory: reference.nullable().optional(),
    type: reference.nullable().optional(),
    productClass: z.string().nullable().optional(),
  }),
);

/** What a create answers: the record with its id. */
export const createdSchema = z.object({ id });

export type CwCompany = z.infer<typeof companySchema>;
export type CwAgreement = z.infer<typeof agreementSchema>;
export type CwAgreementType = z.infer<typeof agreementTypeSchema>;
export type CwAddition = z.infer<typeof additionSchema>;
export type CwCatalogItem = z.infer<typeof catalogItemSchema>;
