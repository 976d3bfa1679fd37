/**
 * The Drive pick dialog (README, "Vendor files"): its public configuration from script properties, the
 * dialog itself (dist/drive-picker.html, an HtmlService template) and the pick's outcome, which the dialog
 * leaves in the document cache for the sidebar that opened it (sidebar and dialog are separate pages).
 */
import { parseDrivePickerConfig, type DrivePickDialog, type DrivePickerSetting } from '../core/drive-picker';

const RESULT_TTL_SECONDS = 60 * 60;
const resultKey = (uploadId: string) => `bg.drivepick.${uploadId}`;
const cache = (): GoogleAppsScript.Cache.Cache =>
  CacheService.getDocumentCache() ?? CacheService.getScriptCache();

export function readDrivePickerSetting(): DrivePickerSetting {
  const script = PropertiesService.getScriptProperties();
  return parseDrivePickerConfig((p) => script.getProperty(p));
}

/** A modal dialog wide enough for Google's Picker (the sidebar is 300 px). */
export function showDrivePickDialog(dialog: DrivePickDialog): void {
  const t = HtmlService.createTemplateFromFile('drive-picker');
  (t as unknown as { config: string }).config = JSON.stringify(dialog);
  const html = t.evaluate().setWidth(820).setHeight(600);
  SpreadsheetApp.getUi().showModalDialog(html, 'Pick a file from Google Drive');
}

export function putDrivePickResult(uploadId: string, result: unknown): void {
  cache().put(resultKey(uploadId), JSON.stringify(result), RESULT_TTL_SECONDS);
}

/** The outcome the dialog left (parsed by the caller), or null while the person is still picking. */
export function readDrivePickResult(uploadId: string): unknown {
  const v = cache().get(resultKey(uploadId));
  if (v === null) return null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return null;
  }
}

export function dropDrivePickResult(uploadId: string): void {
  cache().remove(resultKey(uploadId));
}
