export { createCrayonSource, crayonHttpPolicy, CrayonSource } from './source';
export type { CrayonDeps, CrayonTenantFacts } from './source';
export { memoryTokenStore } from './auth';
export { crayonConfigSchema, crayonCredentialsSchema, parseCrayonConfig } from './config';
export type { CrayonConfig, CrayonConfigInput, CrayonCredentials } from './config';
export { chargeKind, recordToLine } from './records';
export { detectDelimiter, fileRows, parseCsv } from './files';
export type { CsvParser } from './files';
export { crayonProbes, descriptor as crayonDescriptor } from './descriptor';
