/**
 * Import from Google Drive (README, "Vendor files"; SOURCES.md of the file import, "Google Drive"). The
 * sidebar opens a dialog; in it the person's browser gets a `drive.file` token from Google Identity
 * Services, shows Google's Picker, reads the picked file from the Drive API and sends it through the same
 * chunked upload as a file chosen from the computer (uploadFileChunk). The server never sees the token and
 * never sends one: it hands the dialog only public configuration and hears back the upload's id.
 */
import { z } from 'zod';
import { DRIVE_PICKER_PROPERTIES, drivePickDialogSchema } from '../core/drive-picker';
import { MAX_UPLOAD_CHARS, UPLOAD_CHUNK_CHARS } from '../connectors/imports';
import {
  dropDrivePickResult,
  putDrivePickResult,
  readDrivePickerSetting,
  readDrivePickResult,
  showDrivePickDialog,
} from '../platform/drive-picker';
import { parseArg, SidebarError } from './args';

export const pickUploadId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'Upload id is not valid' });

export const drivePickOutcomeSchema = z.lazy(() =>
  z.union([
    z.object({
      uploadId: pickUploadId,
      name: z.string().trim().min(1).max(300, { error: 'File name is too long' }),
      count: z
        .number()
        .int()
        .min(1)
        .max(Math.ceil(MAX_UPLOAD_CHARS / UPLOAD_CHUNK_CHARS)),
      as: z.enum(['bytes', 'rows']),
    }),
    z.object({
      uploadId: pickUploadId,
      cancelled: z.literal(true),
      message: z.string().max(500).optional(),
    }),
  ]),
);
export type DrivePickOutcome = z.infer<typeof drivePickOutcomeSchema>;

export interface DrivePickerStatus {
  configured: boolean;
  /** When not configured: what an admin must set, in words. */
  message?: string;
}

const NOT_SET_UP = `Picking from Google Drive is not set up. An admin sets the script properties ${DRIVE_PICKER_PROPERTIES.clientId}, ${DRIVE_PICKER_PROPERTIES.apiKey} and ${DRIVE_PICKER_PROPERTIES.projectNumber} from the add-on's Cloud project (README, "Vendor files"); until then, download the file from Drive and upload it.`;

/** Whether the Import screen may offer "Pick from Google Drive" (and if not, what an admin must set). */
export function drivePickerStatus(): DrivePickerStatus {
  const s = readDrivePickerSetting();
  if (s.configured) return { configured: true };
  return { configured: false, message: `${NOT_SET_UP} ${s.problems.join('; ')}.` };
}

/** Open the pick dialog for one upload (the sidebar names the upload id and then waits for the outcome). */
export function openDrivePicker(uploadId: string): { opened: true } {
  const id = parseArg(pickUploadId, uploadId, 'Drive pick');
  const s = readDrivePickerSetting();
  if (!s.configured) throw new SidebarError(`${NOT_SET_UP} ${s.problems.join('; ')}.`);
  dropDrivePickResult(id);
  showDrivePickDialog(drivePickDialogSchema.parse({ ...s.config, uploadId: id }));
  return { opened: true };
}

/** The dialog's last call: the picked file is uploaded (or the person cancelled). */
export function finishDrivePick(outcome: unknown): { kept: true } {
  const o = parseArg(drivePickOutcomeSchema, outcome, 'Drive pick');
  putDrivePickResult(o.uploadId, o);
  return { kept: true };
}

/** What became of the pick: null while the dialog is open. */
export function drivePickResult(uploadId: string): DrivePickOutcome | null {
  const id = parseArg(pickUploadId, uploadId, 'Drive pick');
  const r = drivePickOutcomeSchema.safeParse(readDrivePickResult(id));
  if (!r.success || r.data.uploadId !== id) return null;
  dropDrivePickResult(id);
  return r.data;
}
