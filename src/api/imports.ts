/**
 * Importing a vendor's file (the sidebar's Import screen): preview it with a suggested or edited profile,
 * then keep it for the month. The profile is remembered and becomes its own integration; a pull of the
 * month (of that integration alone, or of all) brings the rows into the grid. Import connectors come from
 * the registry (`IMPORTS`); the file and profile are checked here and again by the connector's own schema.
 */
import { z } from 'zod';
import type { ImportPreviewView, ImportProfileView, ImportRequest, ImportSaved } from '../connectors/imports';
import { ImportRefused } from '../connectors/imports';
import { IMPORTS } from '../connectors/registry';
import { importDeps } from '../jobs/connections';
import { withDocumentLock } from '../platform/lock';
import { parseArg, SidebarError } from './args';
import { apiContext } from './context';
import { monthArg } from './jobs';
import { requireEditor } from './rights';

/**
 * google.script.run documents no argument size (README, "Imported files"); this cap only keeps a
 * mistaken upload (a video) from reaching the parser: 50 MB of base64, far above any billing export.
 */
const MAX_FILE_CHARS = 70_000_000;

export const importRequestSchema = z.object({
  file: z
    .object({
      name: z.string({ error: 'File name must be text' }).trim().max(300, { error: 'File name is too long' }),
      base64: z.string().max(MAX_FILE_CHARS, { error: 'The file is larger than 50 MB' }).optional(),
      text: z.string().max(MAX_FILE_CHARS, { error: 'The pasted text is larger than 50 MB' }).optional(),
    })
    .refine((f) => (f.base64 === undefined) !== (f.text === undefined), {
      error: 'Send the file either as bytes or as text',
    }),
  month: monthArg,
  profile: z.unknown().optional(),
});

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
  requireEditor(apiContext(), 'import a file');
  const r = parseArg(importRequestSchema, request, 'Import') as ImportRequest;
  const d = importer();
  return refusedAsSidebar(() => d.preview(r, importDeps(d.id)));
}

/** Remember the profile and keep the file for the month (replacing an earlier import of that month). */
export function importFile(request: unknown): ImportSaved {
  requireEditor(apiContext(), 'import a file');
  const r = parseArg(importRequestSchema, request, 'Import') as ImportRequest;
  if (r.profile === undefined)
    throw new SidebarError('Import: the profile is missing (preview the file first)');
  const d = importer();
  return withDocumentLock('importing a file', () => refusedAsSidebar(() => d.save(r, importDeps(d.id))));
}

/** The remembered import profiles, each with the months it has a file for. */
export function listImportProfiles(): ImportProfileView[] {
  requireEditor(apiContext(), 'see the import profiles');
  return IMPORTS.flatMap((d) => d.profiles(importDeps(d.id)));
}
