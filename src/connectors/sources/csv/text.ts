/** The CSV text layer lives in common/csv-text.ts, shared with the sources whose vendors send CSV files. */
export * from '../common/csv-text';
