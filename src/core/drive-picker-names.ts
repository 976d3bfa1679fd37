/**
 * Names and patterns of the Drive pick's public configuration, without zod, so the dialog's bundle stays
 * small (src/core/drive-picker.ts holds the schemas built from these).
 */
/** Script properties an admin sets (Apps Script editor, Project Settings, Script properties). */
export const DRIVE_PICKER_PROPERTIES = {
  clientId: 'BILLGRID_DRIVE_CLIENT_ID',
  apiKey: 'BILLGRID_DRIVE_API_KEY',
  projectNumber: 'BILLGRID_DRIVE_PROJECT_NUMBER',
} as const;

/** The one scope the page asks Google for: only files the user picks (Drive API, "Choose scopes"). */
export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';

/** What the Picker shows: files the import reads (CSV and text exports, .xlsx). */
export const DRIVE_PICK_MIME_TYPES = [
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;

/** What each value looks like (Google's formats as its consoles show them; SOURCES.md, "Google Drive"). */
export const PUBLIC_CONFIG_PATTERNS = {
  clientId: /^[A-Za-z0-9-]{1,120}\.apps\.googleusercontent\.com$/,
  apiKey: /^[A-Za-z0-9_-]{30,60}$/,
  projectNumber: /^[0-9]{6,20}$/,
  uploadId: /^[A-Za-z0-9-]{8,64}$/,
} as const;
