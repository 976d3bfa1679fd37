/**
 * Picking a vendor file from Google Drive: the public configuration of the add-on's Cloud project that the
 * pick dialog needs (README, "Vendor files"). None of it is a secret: Google's Picker and Identity Services
 * references have the page carry the OAuth client id, the API key (restricted by the admin to the Picker API
 * and the add-on's origins) and the project number. An admin keeps them in script properties.
 */
import { z } from 'zod';
import {
  DRIVE_FILE_SCOPE,
  DRIVE_PICK_MIME_TYPES,
  DRIVE_PICKER_PROPERTIES,
  PUBLIC_CONFIG_PATTERNS,
} from './drive-picker-names';

export { DRIVE_FILE_SCOPE, DRIVE_PICK_MIME_TYPES, DRIVE_PICKER_PROPERTIES, PUBLIC_CONFIG_PATTERNS };

export const drivePickerConfigSchema = z.object({
  clientId: z
    .string({ error: `${DRIVE_PICKER_PROPERTIES.clientId} is not set` })
    .trim()
    .regex(PUBLIC_CONFIG_PATTERNS.clientId, {
      error: `${DRIVE_PICKER_PROPERTIES.clientId} is not an OAuth client id (it ends in .apps.googleusercontent.com)`,
    }),
  apiKey: z
    .string({ error: `${DRIVE_PICKER_PROPERTIES.apiKey} is not set` })
    .trim()
    .regex(PUBLIC_CONFIG_PATTERNS.apiKey, {
      error: `${DRIVE_PICKER_PROPERTIES.apiKey} is not an API key (letters, digits, - and _, like AIza…)`,
    }),
  projectNumber: z
    .string({ error: `${DRIVE_PICKER_PROPERTIES.projectNumber} is not set` })
    .trim()
    .regex(PUBLIC_CONFIG_PATTERNS.projectNumber, {
      error: `${DRIVE_PICKER_PROPERTIES.projectNumber} is not a project number (digits only, not the project id)`,
    }),
});
export type DrivePickerConfig = z.infer<typeof drivePickerConfigSchema>;

export type DrivePickerSetting =
  { configured: true; config: DrivePickerConfig } | { configured: false; problems: string[] };

/** The configuration from the script properties (null or empty: not set), or every problem with it. */
export function parseDrivePickerConfig(read: (property: string) => string | null): DrivePickerSetting {
  const value = (p: string) => {
    const v = read(p);
    return v === null || v.trim() === '' ? undefined : v;
  };
  const r = drivePickerConfigSchema.safeParse({
    clientId: value(DRIVE_PICKER_PROPERTIES.clientId),
    apiKey: value(DRIVE_PICKER_PROPERTIES.apiKey),
    projectNumber: value(DRIVE_PICKER_PROPERTIES.projectNumber),
  });
  if (r.success) return { configured: true, config: r.data };
  return { configured: false, problems: r.error.issues.map((i) => i.message) };
}

/** What the dialog is handed (in a data attribute of its HTML): the public configuration and its upload. */
export const drivePickDialogSchema = drivePickerConfigSchema.extend({
  uploadId: z.string().regex(PUBLIC_CONFIG_PATTERNS.uploadId),
});
export type DrivePickDialog = z.infer<typeof drivePickDialogSchema>;
