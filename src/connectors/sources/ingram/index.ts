export { createIngramSource, ingramHttpPolicy, IngramSource } from './source';
export type { IngramDeps } from './source';
export { memoryTokenStore } from './auth';
export { parseIngramConfig, ingramConfigSchema, INGRAM_BILL_FROM } from './config';
export type { IngramConfig, IngramConfigInput } from './config';
export { customerIdOf, invoiceLineToLine, orderLineToLine, serialText, INGRAM_SOURCE_ID } from './mapping';
export { ingramDescriptor } from './descriptor';
