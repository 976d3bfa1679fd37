export { DATTO_PLATFORMS, dattoRmmConfigSchema, dattoRmmHttpPolicy, parseDattoRmmConfig } from './config';
export type { DattoRmmConfig, DattoRmmConfigInput } from './config';
export { DEFAULT_BILLING_TYPES, DattoRmmSource, createDattoRmmSource, matches, skuOf } from './source';
export type { BillingTypeRule, DattoRmmDeps } from './source';
