/** The spreadsheet layer: tab layouts, the month grid, mapping/lookup tabs and the ledger. */
export * from './cells';
export * from './columns';
export * from './format';
export * from './grid';
export * from './ledger';
export * from './lookups';
export * from './mappings';
export * from './merge';
export * from './overrides';
export * from './tabs';
export * from './validate';
