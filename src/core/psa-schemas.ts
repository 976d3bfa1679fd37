import { z } from 'zod';
import { BILLING_CYCLES, isoDateOf } from './billing-line';
import { LATEST_INVOICE_RULES } from './settings';
import type {
  PsaBillingState,
  PsaChargeNow,
  PsaCodeLists,
  PsaCompany,
  PsaContract,
  PsaProduct,
  PsaQuantityNow,
  PushStep,
} from './psa';

/**
 * zod schemas for the PSA shapes in psa.ts, for where they cross a boundary inside BillGrid: the hidden
 * lookup tab, the sidebar, the ledger and push checkpoints. (Vendor JSON is parsed by each connector with
 * its own schema, then mapped to these.) The `satisfies` checks below keep them in step with psa.ts.
 */

const id = (label: string) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .min(1, { error: `${label} is missing` });
const amount = (label: string) =>
  z.number({ error: (iss) => `${label} '${String(iss.input)}' is not a number` }).refine(Number.isFinite, {
    error: (iss) => `${label} ${String(iss.input)} is not a usable number`,
  });

export const psaCompanySchema = z.lazy(() =>
  z.object({ id: id('Company id'), name: z.string(), active: z.boolean() }),
);

export const psaProductSchema = z.lazy(() =>
  z.object({
    id: id('Product id'),
    name: z.string(),
    code: z.string(),
    unitPrice: amount('Unit price').nullable(),
    unitCost: amount('Unit cost').nullable(),
  }),
);

export const PSA_CONTRACT_KINDS = [
  'recurring-service',
  'fixed-price',
  'recurring-invoice',
  'invoice',
] as const;

export const psaContractSchema = z.lazy(() =>
  z.object({
    id: id('Contract id'),
    companyId: id('Company id'),
    name: z.string(),
    kind: z.enum(PSA_CONTRACT_KINDS, {
      error: (iss) => `Contract kind '${String(iss.input)}' is not one of ${PSA_CONTRACT_KINDS.join(', ')}`,
    }),
    startDate: isoDateOf('Contract start'),
    endDate: isoDateOf('Contract end').nullable(),
    latestUnder: z.array(z.enum(LATEST_INVOICE_RULES)).optional(),
  }),
);

const code = z.lazy(() => z.object({ id: id('Code id'), name: z.string() }));
export const psaCodeListsSchema = z.lazy(() =>
  z.object({
    incomeAccounts: z.array(code),
    expenseAccounts: z.array(code),
    taxCodes: z.array(code),
    itemCodes: z.array(code),
    serviceCodes: z.array(code).optional(),
  }),
);

export const quantityTargetRefSchema = z.lazy(() =>
  z.object({
    kind: z.literal('quantity'),
    companyId: id('Company id'),
    contractId: id('Contract id'),
    productId: id('Product id'),
  }),
);

export const chargeTargetRefSchema = z.lazy(() =>
  z.object({
    kind: z.literal('charge'),
    companyId: id('Company id'),
    container: id('Contract or invoice'),
    lineKey: id('Line key'),
  }),
);

export const targetRefSchema = z.discriminatedUnion('kind', [quantityTargetRefSchema, chargeTargetRefSchema]);

/** A contract service as read from the PSA (its quantity target). */
export const psaContractServiceSchema = z.lazy(() =>
  z.object({
    ref: quantityTargetRefSchema,
    psaId: z.string().nullable(),
    quantity: amount('Quantity'),
    unitPrice: amount('Unit price'),
    unitCost: amount('Unit cost'),
    next: z
      .object({
        quantity: amount('Quantity next month'),
        unitPrice: amount('Unit price next month'),
        unitCost: amount('Unit cost next month'),
      })
      .optional(),
  }),
);

export const psaChargeSchema = z.lazy(() =>
  z.object({
    ref: chargeTargetRefSchema,
    psaId: id('PSA id'),
    quantity: amount('Quantity'),
    unitPrice: amount('Unit price'),
    unitCost: amount('Unit cost'),
    description: z.string(),
    date: isoDateOf('Charge date'),
    invoiced: z.boolean().optional(),
  }),
);

export const psaBillingStateSchema = z.lazy(() =>
  z.object({
    quantities: z.array(psaContractServiceSchema),
    charges: z.array(psaChargeSchema),
    contractPeriods: z
      .record(
        z.string(),
        z.object({
          start: isoDateOf('Contract period start'),
          next: isoDateOf('Next contract period start'),
        }),
      )
      .optional(),
  }),
);

const values = z.object({
  quantity: amount('Quantity'),
  unitPrice: amount('Unit price'),
  unitCost: amount('Unit cost'),
});

export const pushStepSchema = z.lazy(() =>
  z.object({
    idempotencyKey: id('Idempotency key'),
    operation: z.enum(['create-quantity', 'set-quantity', 'add-charge', 'update-charge']),
    ref: targetRefSchema,
    lineKeys: z.array(z.string()),
    before: values.nullable(),
    after: values.extend({
      effectiveDate: isoDateOf('Effective date'),
      description: z.string(),
      productName: z.string(),
      sku: z.string(),
      productId: z.string().optional(),
      cycle: z.enum(BILLING_CYCLES).optional(),
    }),
    codes: z
      .object({
        incomeAccount: z.string().nullable(),
        expenseAccount: z.string().nullable(),
        taxCode: z.string().nullable(),
        itemCode: z.string().nullable(),
        serviceCode: z.string().nullable().optional(),
      })
      .optional(),
  }),
);

// Compile-time checks: each schema's output is assignable to the psa.ts type it stands for.
type Is<T, U extends T> = U;
export type _PsaSchemaChecks = [
  Is<PsaCompany, z.infer<typeof psaCompanySchema>>,
  Is<PsaProduct, z.infer<typeof psaProductSchema>>,
  Is<PsaContract, z.infer<typeof psaContractSchema>>,
  Is<PsaCodeLists, z.infer<typeof psaCodeListsSchema>>,
  Is<PsaQuantityNow, z.infer<typeof psaContractServiceSchema>>,
  Is<PsaChargeNow, z.infer<typeof psaChargeSchema>>,
  Is<PsaBillingState, z.infer<typeof psaBillingStateSchema>>,
  Is<PushStep, z.infer<typeof pushStepSchema>>,
];
