import { z } from 'zod';

/**
 * Autotask REST v1.0 response shapes (camelCase field names as the API returns them). Only the fields
 * BillGrid uses are declared; zod strips the rest. Nullable where Autotask leaves fields empty.
 */

const id = z.number().int();
const money = z.number().nullable().optional();
/** Autotask dates are instants ("2026-10-01T00:00:00Z"); BillGrid works in calendar days. */
export const atDate = z.lazy(() =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}/, { error: 'is not a date' })
    .transform((s) => s.slice(0, 10)),
);

export const zoneSchema = z.lazy(() =>
  z.object({ url: z.string().min(1), webUrl: z.string().nullable().optional() }),
);

/** Autotask's `{ errors: [...] }`, or ASP.NET's `{ Message }` for routing errors (404/405), as a list of sentences. */
export const errorBodySchema = z.lazy(() =>
  z.union([
    z.object({
      errors: z.array(z.union([z.string(), z.object({ message: z.string() }).transform((e) => e.message)])),
    }),
    z.object({ Message: z.string() }).transform((b) => ({ errors: [b.Message] })),
  ]),
);

export const pageSchema = z.lazy(() =>
  z.object({
    items: z.array(z.unknown()),
    pageDetails: z
      .object({
        count: z.number().optional(),
        requestCount: z.number().optional(),
        prevPageUrl: z.string().nullable().optional(),
        nextPageUrl: z.string().nullable().optional(),
      })
      .optional(),
  }),
);

export const createdSchema = z.object({ itemId: id });

export const companySchema = z.lazy(() =>
  z.object({
    id,
    companyName: z.string(),
    isActive: z.boolean().nullable().optional(),
    /** The company's own number (Autotask's "Company Number", free text); Clients searches by it. */
    companyNumber: z.string().nullable().optional(),
  }),
);

export const serviceSchema = z.lazy(() =>
  z.object({
    id,
    name: z.string(),
    sku: z.string().nullable().optional(),
    unitPrice: money,
    unitCost: money,
    billingCodeID: id.nullable().optional(),
    isActive: z.boolean().nullable().optional(),
  }),
);

export const contractSchema = z.lazy(() =>
  z.object({
    id,
    companyID: id,
    contractName: z.string(),
    contractType: id,
    status: id.nullable().optional(),
    startDate: atDate,
    endDate: atDate.nullable().optional(),
    /** The billing period of a recurring-service contract (a tenant picklist value; F9). */
    contractPeriodType: z.number().nullable().optional(),
  }),
);

export const contractServiceSchema = z.object({
  id,
  contractID: id,
  serviceID: id,
  unitPrice: money,
  unitCost: money,
});

export const unitSchema = z.lazy(() =>
  z.object({
    id,
    contractID: id,
    contractServiceID: id,
    serviceID: id,
    startDate: atDate,
    endDate: atDate,
    units: z.number(),
    price: money,
    cost: money,
    /** Set once the period is approved and posted: Autotask then refuses any change to it (F6). */
    approveAndPostDate: z.string().nullable().optional(),
  }),
);

export const chargeSchema = z.lazy(() =>
  z.object({
    id,
    contractID: id,
    name: z.string(),
    description: z.string().nullable().optional(),
    datePurchased: atDate,
    unitQuantity: z.number(),
    unitPrice: money,
    unitCost: money,
    billingCodeID: id.nullable().optional(),
    isBilled: z.boolean().nullable().optional(),
  }),
);

/** BillingCodes.useType values BillGrid uses (BillingCodesEntity.htm): services take 5, contract charges 4. */
export const USE_TYPE = { material: 4, service: 5 } as const;

export const billingCodeSchema = z.lazy(() =>
  z.object({
    id,
    name: z.string(),
    isActive: z.boolean().nullable().optional(),
    useType: z.number().nullable().optional(),
  }),
);

export type AtCompany = z.infer<typeof companySchema>;
export type AtService = z.infer<typeof serviceSchema>;
export type AtContract = z.infer<typeof contractSchema>;
export type AtContractService = z.infer<typeof contractServiceSchema>;
export type AtUnit = z.infer<typeof unitSchema>;
export type AtCharge = z.infer<typeof chargeSchema>;
export type AtBillingCode = z.infer<typeof billingCodeSchema>;

/**
 * `GET {Entity}/entityInformation/fields` (REST_EntityInformationCall.htm; shape as in public clients, e.g.
 * Datably-Inc/AutotaskNet EntityFieldsResult.cs): each field's type, length, required flag and picklist.
 */
export const entityFieldsSchema = z.lazy(() =>
  z.object({
    fields: z.array(
      z.object({
        name: z.string(),
        dataType: z.string().optional(),
        length: z.number().nullable().optional(),
        isRequired: z.boolean().optional(),
        isPickList: z.boolean().optional(),
        picklistValues: z
          .array(
            z.object({
              value: z.union([z.string(), z.number()]).transform(String),
              label: z.string(),
              isDefaultValue: z.boolean().optional(),
              isActive: z.boolean().optional(),
            }),
          )
          .nullable()
          .optional(),
      }),
    ),
  }),
);
export type AtEntityFields = z.infer<typeof entityFieldsSchema>;
