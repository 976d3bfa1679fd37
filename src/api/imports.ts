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
import { importDeps, setIntegrationDisabled } from '../jobs/connections';
import { withDocumentLock } from '../platform/lock';
import { parseArg, SidebarError } from './args';
import { apiContext } from './context';
import { monthArg } from './jobs';
import { requireEditor, requireManager } from './rights';

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

/** An import profile's integration id, as listImportProfiles gives it. */
export const importIntegrationArg = z
  .string({ error: 'Profile must be text' })
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'Profile is not a known import profile' });

export const profileNameArg = z
  .string({ error: 'Name must be text' })
  .trim()
  .min(1, { error: 'Name is empty' })
  .max(80, { error: 'Name is longer than 80 characters' });

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
  requireEditor(apiContext(), 'rename an import profile');
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
