/** The billing domain: pure functions and zod schemas, no Apps Script globals, no I/O. */
export * from './billing-line';
export * from './hash';
export * from './http';
export * from './line-key';
export * from './mapping';
export * from './matching';
export * from './modifiers';
export * from './parse';
export * from './periods';
export * from './psa';
export * from './psa-schemas';
export * from './push-plan';
export * from './reconcile';
export * from './settings';
export * from './source';
export * from './targets';
export * from './testing/memory-psa';
