/**
 * Importing a vendor's file (the sidebar's Import screen): preview it with a suggested or edited profile,
 * then keep it for the month. The profile is remembered and becomes its own integration; a pull of the
 * month (of that integration alone, or of all) brings the rows into the grid. Import connectors come from
 * the registry (`IMPORTS`); the file and profile are checked here and again by the connector's own schema.
 */
import { z } from 'zod';
import type { ImportPreviewView, ImportProfileView, ImportRequest, ImportSaved } from '../connectors/imports';
import { ImportRefused, MAX_UPLOAD_BYTES, MAX_UPLOAD_CHARS, UPLOAD_CHUNK_CHARS } from '../connectors/imports';
import { IMPORTS } from '../connectors/registry';
import { importDeps, setIntegrationDisabled } from '../jobs/connections';
import { withDocumentLock } from '../platform/lock';
import { activeSpreadsheet } from '../platform/spreadsheet';
import { IMPORT_TAB, readImportTab } from '../platform/stored-rows';
import { dropUpload, putUploadChunk, readUpload } from '../platform/uploads';
import { bytesFromBase64 } from '../connectors/sources/common/base64';
import { decodeBytes } from '../connectors/sources/common/csv-text';
import { parseArg, SidebarError } from './args';
import { apiContext } from './context';
import { monthArg } from './jobs';
import { requireManager } from './rights';

/**
 * google.script.run documents no argument size (README, "Imported files"): the sidebar sends files in
 * chunks of UPLOAD_CHUNK_CHARS (uploadFileChunk) and BillGrid takes files up to 10 MB. A file sent whole
 * (pasted text, tests) is held to the same size.
 */
const TOO_LARGE = `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB, the most BillGrid imports at once: split it (by month or by customer) and import each part`;

const uploadId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'Upload id is not valid' });
const MAX_CHUNKS = Math.ceil(MAX_UPLOAD_CHARS / UPLOAD_CHUNK_CHARS);

const tableSchema = z.lazy(() =>
  z.object({
    rows: z
      .array(z.array(z.union([z.string().max(50_000), z.number(), z.boolean(), z.null()])).max(1000))
      .max(500_000),
    rowNumbers: z.array(z.number().int().positive()).optional(),
    notes: z.array(z.string().max(500)).max(20).optional(),
  }),
);

export const importRequestSchema = z.lazy(() =>
  z.object({
    file: z
      .object({
        name: z
          .string({ error: 'File name must be text' })
          .trim()
          .max(300, { error: 'File name is too long' }),
        base64: z.string().max(MAX_UPLOAD_CHARS, { error: TOO_LARGE }).optional(),
        text: z.string().max(MAX_UPLOAD_BYTES, { error: TOO_LARGE }).optional(),
        table: tableSchema.optional(),
        /** A file sent with uploadFileChunk: its bytes (CSV) or, read from an .xlsx in the sidebar, its rows as JSON. */
        upload: z
          .object({
            id: uploadId,
            count: z.number().int().min(1).max(MAX_CHUNKS, { error: TOO_LARGE }),
            as: z.enum(['bytes', 'rows']),
          })
          .optional(),
        /** The Import tab of this spreadsheet. */
        tab: z.literal(true).optional(),
      })
      .refine(
        (f) => [f.base64, f.text, f.table, f.upload, f.tab].filter((x) => x !== undefined).length === 1,
        {
          error: 'Send the file one way: bytes, text, rows, an upload or the Import tab',
        },
      ),
    month: monthArg,
    profile: z.unknown().optional(),
  }),
);

export const uploadChunkSchema = z.lazy(() =>
  z.object({
    id: uploadId,
    index: z
      .number()
      .int()
      .min(0)
      .max(MAX_CHUNKS - 1, { error: TOO_LARGE }),
    count: z.number().int().min(1).max(MAX_CHUNKS, { error: TOO_LARGE }),
    data: z
      .string()
      .max(UPLOAD_CHUNK_CHARS, { error: `A chunk holds at most ${UPLOAD_CHUNK_CHARS} characters` })
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, {
        error: 'The upload arrived damaged (not base64): choose the file again',
      }),
  }),
);

/** Keep one chunk of a file the sidebar uploads in parts; the import names the upload once all are sent. */
export function uploadFileChunk(chunk: unknown): { received: number } {
  const c = parseArg(uploadChunkSchema, chunk, 'Upload');
  if (c.index >= c.count) throw new SidebarError('Upload: chunk number past the end of the file');
  putUploadChunk(c.id, c.index, c.data);
  return { received: c.index + 1 };
}

type ImportRequestInput = z.infer<typeof importRequestSchema>;

/** The file as the import connector reads it: an upload reassembled, the Import tab read. */
function resolveFile(r: ImportRequestInput): ImportRequest {
  const { upload, tab, ...file } = r.file;
  if (tab) {
    const t = readImportTab(activeSpreadsheet());
    if (!t)
      throw new SidebarError(
        `There is no tab named ${IMPORT_TAB}: add one, paste the export into it (header first), then import from the tab`,
      );
    if (t.rows.length === 0)
      throw new SidebarError(`The ${IMPORT_TAB} tab is empty: paste the export into it first`);
    return { ...r, file: { name: `${IMPORT_TAB} tab`, table: t } } as ImportRequest;
  }
  if (upload) {
    const data = readUpload(upload.id, upload.count);
    if (data === null)
      throw new SidebarError(
        'The upload is incomplete or has expired (uploads are kept an hour): choose the file again',
      );
    if (data.length > MAX_UPLOAD_CHARS) throw new SidebarError(TOO_LARGE);
    if (upload.as === 'bytes') return { ...r, file: { ...file, base64: data } } as ImportRequest;
    let json: unknown;
    try {
      json = JSON.parse(decodeBytes(bytesFromBase64(data)).text);
    } catch {
      throw new SidebarError('The upload arrived damaged: choose the file again');
    }
    const table = parseArg(tableSchema, json, 'Workbook rows');
    return { ...r, file: { ...file, table } } as ImportRequest;
  }
  return r as ImportRequest;
}

function importer() {
  const d = IMPORTS[0];
  if (!d) throw new SidebarError('This BillGrid has no file import');
  return d;
}

function refusedAsSidebar<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ImportRefused) throw new SidebarError(err.message);
    throw err;
  }
}

/** What importing the file would do: the profile used, the first rows as they will land, every failing row. */
export function previewFileImport(request: unknown): ImportPreviewView {
  const r = resolveFile(parseArg(importRequestSchema, request, 'Import'));
  const d = importer();
  return refusedAsSidebar(() => d.preview(r, importDeps(d.id)));
}

/** Remember the profile and keep the file for the month (replacing an earlier import of that month). */
export function importFile(request: unknown): ImportSaved {
  const parsed = parseArg(importRequestSchema, request, 'Import');
  if (parsed.profile === undefined)
    throw new SidebarError('Import: the profile is missing (preview the file first)');
  const r = resolveFile(parsed);
  const d = importer();
  const saved = withDocumentLock('importing a file', () =>
    refusedAsSidebar(() => d.save(r, importDeps(d.id))),
  );
  if (parsed.file.upload) dropUpload(parsed.file.upload.id, parsed.file.upload.count);
  return saved;
}

/** The remembered import profiles, each with the months it has a file for. */
export function listImportProfiles(): ImportProfileView[] {
  return IMPORTS.flatMap((d) => d.profiles(importDeps(d.id)));
}

/** An import profile's integration id, as listImportProfiles gives it. */
export const importIntegrationArg = z
  .string({ error: 'Profile must be text' })
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'Profile is not a known import profile' });

export const profileNameArg = z.lazy(() =>
  z
    .string({ error: 'Name must be text' })
    .trim()
    .min(1, { error: 'Name is empty' })
    .max(80, { error: 'Name is longer than 80 characters' }),
);

function ownerOf(integration: string) {
  return IMPORTS.find((d) => d.integrations(importDeps(d.id)).some((i) => i.id === integration)) ?? null;
}

function unknownProfile(integration: string): never {
  throw new SidebarError(`There is no import profile ${integration} (it may have been deleted already)`);
}

/**
 * Rename an import profile: only the name people see changes; its id (in the integration id, the line keys
 * and the mapping tabs) stays, so billed rows and client mappings keep their profile.
 */
export function renameImportProfile(integration: string, name: string): ImportProfileView {
  const id = parseArg(importIntegrationArg, integration, 'Profile');
  const newName = parseArg(profileNameArg, name, 'Name');
  const d = ownerOf(id);
  if (!d) unknownProfile(id);
  return withDocumentLock('renaming an import profile', () =>
    refusedAsSidebar(() => d.rename(id, newName, importDeps(d.id)) ?? unknownProfile(id)),
  );
}

/**
 * Delete an import profile and the files kept for it (owner or admin). Rows it already brought into month
 * tabs stay there; the next pull of such a month marks them "Removed at source" (never deletes them).
 */
export function deleteImportProfile(integration: string): ImportProfileView {
  requireManager(apiContext(), 'delete an import profile');
  const id = parseArg(importIntegrationArg, integration, 'Profile');
  const d = ownerOf(id);
  if (!d) unknownProfile(id);
  return withDocumentLock('deleting an import profile', () => {
    const gone = d.remove(id, importDeps(d.id)) ?? unknownProfile(id);
    setIntegrationDisabled(id, false);
    return gone;
  });
}
