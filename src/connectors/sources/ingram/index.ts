export { createIngramSource, ingramHttpPolicy, IngramSource } from './source';
export type { IngramDeps, IngramTenantFacts } from './source';
export { memoryTokenStore } from './auth';
export {
  parseIngramConfig,
  ingramConfigSchema,
  ingramConfigFrom,
  ingramCredentialsSchema,
  INGRAM_BILL_FROM,
} from './config';
export type { IngramConfig, IngramConfigInput, IngramCredentials } from './config';
export { customerIdOf, invoiceLineToLine, orderLineToLine, serialText, INGRAM_SOURCE_ID } from './mapping';
export { descriptor as ingramDescriptor, ingramProbes } from './descriptor';
