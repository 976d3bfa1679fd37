/**
 * zod schemas for what BMS sends, in the swagger's PascalCase. Answers are first normalised to PascalCase
 * (`pascal`), because a public client reads the same answers in camelCase (SOURCES.md): either way parses.
 */
import { z } from 'zod';

/** Property names with their first letter upper-cased, recursively. */
export function pascal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pascal);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [
        k.charAt(0).toUpperCase() + k.slice(1),
        pascal(x),
      ]),
    );
  }
  return v;
}

export const errorInfoSchema = z.lazy(() =>
  z
    .object({
      Code: z.number().nullish(),
      Message: z.string().nullish(),
      SubErrors: z.array(z.string()).nullish(),
    })
    .nullish(),
);

/** Every answer: { Success, Error, Result } (+ TotalRecords when paged). Result is parsed per record later. */
export const envelopeSchema = z.lazy(() =>
  z.object({
    Success: z.boolean(),
    Error: errorInfoSchema,
    Result: z.unknown().optional(),
    TotalRecords: z.number().int().nullish(),
  }),
);
export type Envelope = z.infer<typeof envelopeSchema>;

export const tokenSchema = z.lazy(() =>
  z.object({
    AccessToken: z.string().min(1),
    RefreshToken: z.string().nullish(),
    AccessTokenExpireOn: z.string(),
    RefreshTokenExpireOn: z.string().nullish(),
  }),
);

const id = z.number().int();
const money = z.number().finite();
const text = z.string().nullish();

export const accountSchema = z.lazy(() =>
  z.object({
    Id: id,
    AccountName: z.string().min(1),
    AccountCode: text,
    ParentId: id.nullish(),
    IsActive: z.boolean(),
  }),
);
export type BmsAccount = z.infer<typeof accountSchema>;

export const contractSummarySchema = z.lazy(() =>
  z.object({
    Id: id,
    ContractName: z.string(),
    AccountName: text,
    ContractType: text,
    ContractBillingPrice: money.nullish(),
    Status: text,
    StartDate: z.string(),
    EndDate: z.string().nullish(),
  }),
);
export type BmsContractSummary = z.infer<typeof contractSummarySchema>;

export const contractLookupSchema = z.lazy(() =>
  z.object({
    Id: id,
    Name: z.string(),
    IsActive: z.boolean(),
    EndDate: z.string().nullish(),
  }),
);

export const serviceLineSchema = z.lazy(() =>
  z.object({
    Id: id,
    ServiceId: id,
    ServiceName: text,
    ContractId: id.nullish(),
    Units: z.number().finite(),
    UnitCost: money,
    UnitPrice: money,
    EffectiveDate: z.string().nullish(),
  }),
);
export type BmsServiceLine = z.infer<typeof serviceLineSchema>;

/** GET /v2/finance/contracts/{id} (variant): the contract with its lines; lines are parsed one by one. */
export const contractDetailSchema = z.lazy(() =>
  z.object({
    Id: id,
    ContractName: z.string(),
    AccountId: id.nullish(),
    StartDate: z.string().nullish(),
    EndDate: z.string().nullish(),
    Services: z.array(z.unknown()).nullish(),
  }),
);

export const createdContractSchema = z.lazy(() => z.object({ Id: id, ContractName: z.string() }));

export const serviceSchema = z.lazy(() =>
  z.object({
    Id: id,
    Name: z.string().min(1),
    Description: text,
    UnitCost: money,
    UnitPrice: money,
    IsActive: z.boolean(),
  }),
);
export type BmsService = z.infer<typeof serviceSchema>;

export const moduleSchema = z.lazy(() => z.object({ Id: id, Name: z.string() }));
export const k1StatusSchema = z.lazy(() => z.object({ IsConnected: z.boolean(), OrganizationId: text }));

export const sourceOrganizationSchema = z.lazy(() =>
  z.object({
    Id: z.string().min(1),
    Name: z.string(),
    ParentId: z.string().nullish(),
  }),
);

/**
 * `GET /v2/admin/k1/organizationmappings`: a module's organisations, each with its sub-organisations
 * (swagger field names; the sub-organisation's own fields are unverified, read as the parent's).
 */
export const moduleOrganizationSchema = z.lazy(() =>
  z.object({
    SourceOrganizationId: z.string().min(1),
    SourceOrganizationName: z.string().nullish(),
    SubOrganizations: z
      .array(
        z.object({ SourceOrganizationId: z.string().min(1), SourceOrganizationName: z.string().nullish() }),
      )
      .nullish(),
  }),
);

export const mappingRowSchema = z.lazy(() =>
  z.object({
    AccountId: id,
    AccountName: z.string(),
    IsActive: z.boolean(),
    OrganizationMappings: z
      .array(
        z.object({
          // A number or its text (z.coerce is avoided: the bundle drops the coercion).
          SourceProductId: z
            .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
            .pipe(z.number().int()),
          SourceOrganizations: z.array(sourceOrganizationSchema).nullish(),
        }),
      )
      .nullish(),
  }),
);
