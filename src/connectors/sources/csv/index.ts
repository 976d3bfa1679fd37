export { decodeBytes, detectDelimiter, parseCsv, FileError, DELIMITERS } from './text';
export type { Decoded, Delimiter, Table } from './text';
export { parseNumber, parseDate, looksLikeFormula, DATE_FORMATS, DECIMAL_MARKS } from './values';
export type { Cell, DateFormat, DecimalMark } from './values';
export {
  importProfileSchema,
  parseImportProfile,
  suggestProfile,
  normaliseHeader,
  IMPORT_FIELDS,
  FIELD_LABELS,
  slug,
} from './profile';
export type { ImportField, ImportProfile, ImportProfileInput, ProfileSuggestion } from './profile';
export { importRows, previewImport, readCsvFile, sourceIdOf, customerIdFromName } from './import';
export type { ImportInput, ImportPreview, ImportResult, PreviewRow, RowFailure } from './import';
export { CsvSource } from './source';
export type { ImportStore } from './source';
