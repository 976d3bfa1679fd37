import { z } from 'zod';
import { parseWith } from './parse';
import { CURRENCIES } from './billing-line';

/**
 * Billing rules, overridable global → integration (source) → client (PSA company) → client mapping.
 * Every override is partial: a field left out inherits from the level above.
 */

export const INVOICE_BEHAVIOURS = ['new', 'latest', 'recurring'] as const;
export type InvoiceBehaviour = (typeof INVOICE_BEHAVIOURS)[number];

/** P21: manual = push blocked until mapped; default-item = unmapped SKUs use the default item code; auto-create. */
export const PRODUCT_LIFECYCLE_MODES = ['manual', 'default-item', 'auto-create'] as const;
export type ProductLifecycleMode = (typeof PRODUCT_LIFECYCLE_MODES)[number];

/** P32: usage for a period ending in month M is billed on M's invoice ('most-recent') or M+1's ('next'). */
export const ARREARS_MODES = ['most-recent', 'next'] as const;
export type ArrearsMode = (typeof ARREARS_MODES)[number];

/**
 * #23 charge detail, on a PSA that can keep one charge for many lines (capability `groupedCharges`, Autotask):
 * 'per-line' = one charge per source line (the default); 'grouped' = one charge per contract, product, billing
 * month and currency (and integration), its amount the exact sum of its lines rounded once, and each line's
 * detail in its description. Grid rows stay one per source line.
 */
export const CHARGE_DETAILS = ['per-line', 'grouped'] as const;
export type ChargeDetail = (typeof CHARGE_DETAILS)[number];

/**
 * #16, on a PSA whose charges live on invoices (invoice behaviour 'latest'): which invoice is the latest.
 * 'unsent' = the newest invoice not yet sent to the client (nor paid, posted, voided or a credit note);
 * 'unpaid' = the newest one not yet paid, sent ones too (never a posted or voided one or a credit note).
 */
export const LATEST_INVOICE_RULES = ['unsent', 'unpaid'] as const;
export type LatestInvoiceRule = (typeof LATEST_INVOICE_RULES)[number];

/**
 * #16: when no invoice of the client qualifies as the latest, 'hold' = the row is not pushed and its Status
 * says why; 'new' = the charges go on a new invoice for their billing month (as behaviour 'new' makes it).
 */
export const NO_LATEST_INVOICE = ['hold', 'new'] as const;
export type NoLatestInvoice = (typeof NO_LATEST_INVOICE)[number];

const enumField = <T extends readonly [string, ...string[]]>(label: string, values: T) =>
  z.enum(values, { error: (iss) => `${label} '${String(iss.input)}' is not one of ${values.join(', ')}` });

/**
 * The currency the PSA bills a client in. A line in another currency is refused with a reason: the PSA
 * would bill its amount as if it were in this one. Null: not set, nothing is checked (Review warns when a
 * month holds more than one currency).
 */
const psaCurrencyField = enumField('PSA currency', CURRENCIES).nullable();

const flag = (label: string) => z.boolean({ error: `${label} must be on or off` });

export const modifiersSchema = z.object({
  dropAzure: flag('Drop Azure lines'),
  collapseAzure: flag('Collapse Azure lines'),
  dropFavourableProRata: flag('Drop favourable pro-rata'),
  dropZero: flag('Drop $0 lines'),
});
export type Modifiers = z.infer<typeof modifiersSchema>;

const patternString = z.string().refine(
  (p) => {
    try {
      new RegExp(p, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `Azure name pattern '${String(iss.input)}' is not a valid pattern` },
);

/**
 * How an Azure line is recognised. A line is Azure when ANY of these hits:
 *  - its SKU starts with one of `skuPrefixes` (case-insensitive);
 *  - its product name or description matches one of `namePatterns` (regular expressions, case-insensitive);
 *  - the source connector tagged it with one of `tags` (e.g. Pax8 marks Azure plan/arrears items 'azure').
 * Patterns are deliberately narrow: "Azure AD Premium" is a licence, not Azure consumption.
 */
export const azureRuleSchema = z.lazy(() =>
  z.object({
    skuPrefixes: z.array(z.string().min(1)),
    namePatterns: z.array(patternString),
    tags: z.array(z.string().min(1)),
  }),
);
export type AzureRule = z.infer<typeof azureRuleSchema>;

export const DEFAULT_AZURE_RULE: AzureRule = {
  skuPrefixes: ['MST-AZR', 'AZR-ARR-', 'AZURE-PLAN', 'MS-AZR-'],
  namePatterns: [
    '^(microsoft )?azure( plan| subscription)?$',
    '\\bazure (plan|subscription)\\b',
    '\\bazure (consumption|usage|arrears)\\b',
  ],
  tags: ['azure'],
};

const code = z.string().nullable();
export const codesSchema = z.object({
  incomeAccount: code,
  expenseAccount: code,
  taxCode: code,
  itemCode: code,
  /**
   * Default-item mode on a PSA whose recurring lines need a product of their own kind (capability
   * `defaultServiceForQuantities`, Autotask: a Service, where the default item is a billing code): the PSA
   * product recurring lines not yet mapped go to. Left out = not set.
   */
  defaultService: code.optional(),
  /**
   * Where services take other codes than charges (PsaCodeLists.serviceCodes, Autotask's Service billing
   * codes): the code services BillGrid creates get. Left out = the item code, when it is one (saved before).
   */
  serviceCode: code.optional(),
});
export type DefaultCodes = z.infer<typeof codesSchema>;

/** Fully resolved settings for one (source, client): the object, built when first parsed. */
const effectiveSettingsObject = () =>
  z.object({
    modifiers: modifiersSchema,
    invoiceBehaviour: enumField('Invoice behaviour', INVOICE_BEHAVIOURS),
    /** The PSA invoice (Halo recurring/latest) charges go to, chosen per client. */
    targetInvoiceId: z.string().nullable(),
    productLifecycle: enumField('Product lifecycle mode', PRODUCT_LIFECYCLE_MODES),
    /**
     * Product lifecycle management on or off (seed 000's toggle), apart from its mode: off, BillGrid neither
     * creates nor defaults products, and a line whose product is not mapped is held alone (the rest is
     * pushed, and automatic runs are allowed). Absent (settings saved before the switch existed): on.
     */
    productLifecycleEnabled: z.boolean().optional(),
    codes: codesSchema,
    arrearsMode: enumField('Arrears mode', ARREARS_MODES),
    azureRule: azureRuleSchema,
    /** Settings saved before this field existed read as null (not checked). */
    psaCurrency: psaCurrencyField.optional(),
    /**
     * Annual subscriptions on the fixed-price contract (seeds 003/004): annual lines without a contract of
     * their own go to the client's fixed-price contract when it has one. Left out = on.
     */
    annualToFixedPrice: flag('Annual subscriptions on the fixed-price contract').optional(),
    /**
     * Mid-period quantity changes on a contract (F6): on, a change takes effect on its own date and the PSA
     * prorates it; off, it takes effect on the 1st of the contract's next billing period (the next month, or
     * quarter or year when the PSA says the contract is billed so; no prorated invoice lines, as Autotask's
     * "disable prorate" and peers do; the partial period is left to the source's pro-rata lines). Left out = on.
     * A contract's own setting (`BillingSettings.contracts`) wins.
     */
    prorate: flag('Prorate mid-month quantity changes').optional(),
    /** One charge per source line or per contract, product and period (`CHARGE_DETAILS`). Left out = per line. */
    chargeDetail: enumField('Charge detail', CHARGE_DETAILS).optional(),
    /** Which invoice 'latest' means (`LATEST_INVOICE_RULES`). Left out = 'unsent'. */
    latestInvoice: enumField('Latest invoice', LATEST_INVOICE_RULES).optional(),
    /** When no invoice qualifies as the latest (`NO_LATEST_INVOICE`). Left out = 'hold'. */
    noLatestInvoice: enumField('When no invoice qualifies', NO_LATEST_INVOICE).optional(),
  });
export const effectiveSettingsSchema = z.lazy(effectiveSettingsObject);
export type EffectiveSettings = z.infer<typeof effectiveSettingsSchema>;

/**
 * One level of overrides: any effective setting, each left out when not overridden. `modifiers` and `codes`
 * override field by field; `azureRule` replaces the whole rule when given.
 */
export const settingsOverrideSchema = z.lazy(() =>
  effectiveSettingsObject()
    .partial()
    .extend({ modifiers: modifiersSchema.partial().optional(), codes: codesSchema.partial().optional() }),
);
export type SettingsOverride = z.infer<typeof settingsOverrideSchema>;

/**
 * Overrides of one PSA contract (F6: a contract billed in advance per quarter may want proration when the
 * client's others do not). They win over every other level for the lines that reach the contract.
 */
export const contractOverrideSchema = z.object({
  prorate: flag('Prorate mid-period quantity changes').optional(),
});
export type ContractOverride = z.infer<typeof contractOverrideSchema>;

export const billingSettingsSchema = z.lazy(() =>
  z.object({
    global: effectiveSettingsSchema,
    /** By source id ('pax8', 'twilio', ...). */
    sources: z.record(z.string(), settingsOverrideSchema),
    /** By PSA company id. */
    clients: z.record(z.string(), settingsOverrideSchema),
    /** By PSA contract id. Settings saved before this level existed have none. */
    contracts: z.record(z.string(), contractOverrideSchema).optional(),
  }),
);
export type BillingSettings = z.infer<typeof billingSettingsSchema>;

export const DEFAULT_SETTINGS: EffectiveSettings = {
  modifiers: { dropAzure: false, collapseAzure: false, dropFavourableProRata: false, dropZero: false },
  invoiceBehaviour: 'latest',
  targetInvoiceId: null,
  productLifecycle: 'manual',
  productLifecycleEnabled: true,
  codes: { incomeAccount: null, expenseAccount: null, taxCode: null, itemCode: null },
  arrearsMode: 'most-recent',
  azureRule: DEFAULT_AZURE_RULE,
  psaCurrency: null,
};

export const defaultBillingSettings = (): BillingSettings => ({
  global: DEFAULT_SETTINGS,
  sources: {},
  clients: {},
});

/** Drop undefined entries so they do not erase inherited values. */
const defined = <T extends object>(o: T | undefined): Partial<T> => {
  const out: Partial<T> = {};
  if (!o) return out;
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
};

export function applyOverride(base: EffectiveSettings, o: SettingsOverride | undefined): EffectiveSettings {
  if (!o) return base;
  return {
    modifiers: { ...base.modifiers, ...defined(o.modifiers) },
    invoiceBehaviour: o.invoiceBehaviour ?? base.invoiceBehaviour,
    targetInvoiceId: o.targetInvoiceId !== undefined ? o.targetInvoiceId : base.targetInvoiceId,
    productLifecycle: o.productLifecycle ?? base.productLifecycle,
    productLifecycleEnabled: o.productLifecycleEnabled ?? base.productLifecycleEnabled,
    codes: { ...base.codes, ...defined(o.codes) },
    arrearsMode: o.arrearsMode ?? base.arrearsMode,
    azureRule: o.azureRule ?? base.azureRule,
    psaCurrency: o.psaCurrency !== undefined ? o.psaCurrency : (base.psaCurrency ?? null),
    ...((o.annualToFixedPrice ?? base.annualToFixedPrice) !== undefined
      ? { annualToFixedPrice: o.annualToFixedPrice ?? base.annualToFixedPrice }
      : {}),
    ...((o.prorate ?? base.prorate) !== undefined ? { prorate: o.prorate ?? base.prorate } : {}),
    ...((o.chargeDetail ?? base.chargeDetail) !== undefined
      ? { chargeDetail: o.chargeDetail ?? base.chargeDetail }
      : {}),
    ...((o.latestInvoice ?? base.latestInvoice) !== undefined
      ? { latestInvoice: o.latestInvoice ?? base.latestInvoice }
      : {}),
    ...((o.noLatestInvoice ?? base.noLatestInvoice) !== undefined
      ? { noLatestInvoice: o.noLatestInvoice ?? base.noLatestInvoice }
      : {}),
  };
}

/**
 * The settings in force for one source and one client: global, then the integration's overrides,
 * then the PSA company's, then (optionally) the overrides typed on the client mapping row.
 * `clientId` is the PSA company id; null when the customer is not mapped yet.
 */
/** The lifecycle mode that applies to unmapped products, or 'off' while the switch is off. */
export function lifecycleInForce(s: EffectiveSettings): ProductLifecycleMode | 'off' {
  return s.productLifecycleEnabled === false ? 'off' : s.productLifecycle;
}

/** Products may be auto-created: the defaults, an integration or a client put unmapped products in that mode. */
export function usesAutoCreate(settings: BillingSettings): boolean {
  const levels = [
    settings.global,
    ...[...Object.values(settings.sources), ...Object.values(settings.clients)].map((o) =>
      applyOverride(settings.global, o),
    ),
  ];
  return levels.some((s) => lifecycleInForce(s) === 'auto-create');
}

export function resolveSettings(
  settings: BillingSettings,
  sourceId: string,
  clientId: string | null,
  mappingOverride?: SettingsOverride,
): EffectiveSettings {
  let s = applyOverride(settings.global, settings.sources[sourceId]);
  if (clientId !== null) s = applyOverride(s, settings.clients[clientId]);
  return applyOverride(s, mappingOverride);
}

/** The settings in force on one contract: `s` (resolved for the line's source and client), then the contract's own. */
export function contractSettings(
  settings: BillingSettings,
  contractId: string,
  s: EffectiveSettings,
): EffectiveSettings {
  const o = settings.contracts?.[contractId];
  return o?.prorate === undefined || o.prorate === s.prorate ? s : { ...s, prorate: o.prorate };
}

/** Parse settings read from script properties / the sidebar, with one readable message on failure. */
export function parseBillingSettings(
  input: unknown,
): { ok: true; settings: BillingSettings } | { ok: false; message: string } {
  const r = parseWith(billingSettingsSchema, input);
  return r.ok ? { ok: true, settings: r.value } : r;
}
