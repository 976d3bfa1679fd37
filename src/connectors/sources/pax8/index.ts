export { createPax8Source, pax8HttpPolicy, Pax8Source } from './source';
export type { Pax8Deps } from './source';
export { memoryTokenStore } from './auth';
export type { CachedToken, TokenStore } from './auth';
export { parsePax8Config, pax8ConfigSchema } from './config';
export type { Pax8Config, Pax8ConfigInput } from './config';
export { itemToLine, inclusiveEnd, isAzureConsumption } from './mapping';
