/**
 * A vendor file sent to the server in chunks (uploadFileChunk): used by the Import screen for a file from
 * the computer and by the Drive pick dialog for a file read from Drive, so both take the same path.
 */
import { call } from './rpc';
import { MAX_UPLOAD_BYTES, UPLOAD_CHUNK_CHARS } from '../src/connectors/imports';
import { readXlsx } from '../src/connectors/sources/common/xlsx';

/** What the sidebar names to the server: a chunked upload, pasted text, or the Import tab. */
export type FileRef =
  | { name: string; upload: { id: string; count: number; as: 'bytes' | 'rows' } }
  | { name: string; text: string }
  | { name: string; tab: true };

/** Bytes as base64, in slices (String.fromCharCode on megabytes overflows the stack). */
function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const MB = 1024 * 1024;

/**
 * The chosen file, sent in chunks (uploadFileChunk): a CSV as its bytes; an .xlsx read here (the browser
 * unzips it) and sent as its first sheet's rows. Google documents no size for a google.script.run call.
 */
export async function uploadFile(file: File, progress: (text: string) => void): Promise<FileRef> {
  return uploadBytes(file.name, new Uint8Array(await file.arrayBuffer()), progress);
}

/** A newly made upload id (uploadFileChunk's id rule). */
export function newUploadId(): string {
  return `u${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The bytes of a file named `name` (CSV or .xlsx), checked for size, then uploaded in chunks. */
export async function uploadBytes(
  name: string,
  bytes: Uint8Array,
  progress: (text: string) => void,
  id: string = newUploadId(),
): Promise<FileRef & { upload: { id: string; count: number; as: 'bytes' | 'rows' } }> {
  const file = { name, size: bytes.length };
  if (file.size > MAX_UPLOAD_BYTES)
    throw new Error(
      `${file.name} is ${(file.size / MB).toFixed(1)} MB; BillGrid imports files up to ${MAX_UPLOAD_BYTES / MB} MB: split it (by month or by customer) and import each part`,
    );
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  let as: 'bytes' | 'rows' = 'bytes';
  let data: string;
  if (isZip || /\.xlsx$/i.test(file.name)) {
    progress('Reading the workbook…');
    const sheet = await readXlsx(bytes);
    const json = JSON.stringify({ rows: sheet.rows, rowNumbers: sheet.rowNumbers, notes: sheet.notes });
    const encoded = new TextEncoder().encode(json);
    if (encoded.length > MAX_UPLOAD_BYTES)
      throw new Error(
        `The rows of ${file.name} come to ${(encoded.length / MB).toFixed(1)} MB; BillGrid imports up to ${MAX_UPLOAD_BYTES / MB} MB: split the file`,
      );
    data = base64Of(encoded);
    as = 'rows';
  } else data = base64Of(bytes);
  const count = Math.max(1, Math.ceil(data.length / UPLOAD_CHUNK_CHARS));
  for (let index = 0; index < count; index++) {
    progress(`Uploading ${file.name}: part ${index + 1} of ${count}…`);
    await call('uploadFileChunk', {
      id,
      index,
      count,
      data: data.slice(index * UPLOAD_CHUNK_CHARS, (index + 1) * UPLOAD_CHUNK_CHARS),
    });
  }
  return { name: file.name, upload: { id, count, as } };
}
