export { ITG_HOSTS, itGlueConfigSchema, itGlueHttpPolicy, parseItGlueConfig } from './config';
export type { ItGlueConfig } from './config';
export { ItGlueSource, countsFor, createItGlueSource } from './source';
export type { ItGlueBillingType } from './source';
