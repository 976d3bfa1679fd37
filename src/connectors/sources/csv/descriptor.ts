/**
 * Vendor files (CSV) as sources: registered in `IMPORTS` (src/connectors/registry.ts). No credentials;
 * every import profile is its own integration (`file-import-<profile id>`), see SOURCES.md ("Design").
 */
import { CURRENCIES } from '../../../core/billing-line';
import type { ImportDeps, ImportDescriptor, ImportFileInput, ImportRequest } from '../../imports';
import { ImportRefused } from '../../imports';
import { bytesFromBase64 } from '../common/base64';
import {
  IMPORT_CONNECTOR_ID,
  importRows,
  previewImport,
  readCsvFile,
  sourceIdOf,
  type ImportInput,
} from './import';
import {
  FIELD_LABELS,
  IMPORT_FIELDS,
  normaliseHeader,
  parseImportProfile,
  slug,
  suggestProfile,
  type ImportProfile,
} from './profile';
import { CsvSource } from './source';
import {
  forgetProfile,
  importedMonths,
  keepImport,
  periodOf,
  readProfiles,
  rememberProfile,
  storeFor,
} from './store';
import { DELIMITERS, FileError } from './text';
import { DATE_FORMATS, DECIMAL_MARKS, isBlank } from './values';

function readFile(file: ImportFileInput, profile?: Pick<ImportProfile, 'delimiter'>): ImportInput {
  if (file.table !== undefined) {
    const { rows, rowNumbers, notes } = file.table;
    if (rows.length === 0) throw new FileError('The file is empty');
    if (rowNumbers && rowNumbers.length !== rows.length)
      throw new FileError(
        'The upload arrived damaged (row numbers do not match the rows): choose the file again',
      );
    return { rows, rowNumbers, notes: notes ?? [] };
  }
  if (file.base64 !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = bytesFromBase64(file.base64);
    } catch {
      throw new FileError('The upload arrived damaged (not base64): choose the file again');
    }
    return readCsvFile(bytes, profile);
  }
  return readCsvFile(file.text ?? '', profile);
}

/** Among the first rows, the fullest one: title lines above the header hold one or two cells. */
function headerIndex(rows: readonly (readonly unknown[])[]): number {
  const counts = rows.slice(0, 10).map((r) => r.filter((c) => !isBlank(c as string)).length);
  return Math.max(0, counts.indexOf(Math.max(0, ...counts)));
}

/** 'Dicker_Data-2026-10.csv' → 'Dicker Data': the profile's first name, for the person to correct. */
export function nameFromFile(fileName: string): string {
  const base = fileName
    .replace(/^.*[\\/]/, '')
    .replace(/\.[a-z0-9]{1,5}$/i, '')
    .replace(/[-_ ]*(?:\d{4}[-_ ]?\d{2}|\d{2}[-_ ]?\d{4}).*$/, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  return base || 'Import';
}

function profileOf(raw: unknown): ImportProfile {
  const r = parseImportProfile(raw);
  if (!r.ok) throw new ImportRefused(r.message);
  return r.profile;
}

function refusedOnFileError<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof FileError) throw new ImportRefused(err.message);
    throw err;
  }
}

const OPTIONS = {
  dateFormats: [...DATE_FORMATS],
  decimals: [...DECIMAL_MARKS],
  delimiters: [...DELIMITERS],
  currencies: [...CURRENCIES],
};
const FIELDS = IMPORT_FIELDS.map((f) => ({ field: f, label: FIELD_LABELS[f] }));

function preview(request: ImportRequest, deps: ImportDeps) {
  const given = request.profile === undefined ? undefined : profileOf(request.profile);
  const remembered = readProfiles(deps);
  const base = { fields: FIELDS, options: OPTIONS, sample: [], failures: [], notes: [] };
  const none = { rows: 0, ok: 0, failed: 0 };
  let input: ImportInput;
  try {
    input = readFile(request.file, given);
  } catch (err) {
    if (!(err instanceof FileError)) throw err;
    return {
      ...base,
      profile: given ?? null,
      remembered: false,
      header: [],
      fileError: err.message,
      counts: none,
    };
  }
  const h = headerIndex(input.rows);
  const header = (input.rows[h] ?? []).map((c) => String(c ?? ''));
  let profile = given;
  let isRemembered = given ? remembered.some((p) => p.id === given.id) : false;
  if (!profile) {
    const s = suggestProfile(
      header,
      input.rows.slice(h + 1, h + 21),
      remembered,
      nameFromFile(request.file.name),
    );
    profile = s.profile;
    isRemembered = s.remembered;
    // A new profile never takes a remembered one's id (saving would replace that vendor's profile).
    if (!s.remembered) {
      let id = profile.id;
      for (let n = 2; remembered.some((p) => p.id === id); n++) id = `${slug(profile.id).slice(0, 20)}-${n}`;
      profile = { ...profile, id };
    }
  }
  const p = previewImport(input, profile, periodOf(request.month));
  return {
    ...p,
    ...base,
    sample: p.sample,
    failures: p.failures,
    notes: p.notes,
    profile,
    remembered: isRemembered,
    header,
  };
}

function save(request: ImportRequest, deps: ImportDeps) {
  const profile = profileOf(request.profile);
  const input = refusedOnFileError(() => readFile(request.file, profile));
  const r = refusedOnFileError(() => importRows(input, profile, periodOf(request.month)));
  const at = input.rowNumbers ? input.rowNumbers.indexOf(r.headerRow) : r.headerRow - 1;
  const header = (input.rows[at] ?? []).map((c) => normaliseHeader(String(c ?? '')));
  rememberProfile(deps, { ...profile, header });
  keepImport(deps, profile.id, request.month, input, request.file.name);
  return {
    integration: sourceIdOf(profile),
    name: profile.name,
    month: request.month,
    counts: { rows: r.dataRows, ok: r.lines.length, failed: r.failures.length },
  };
}

const viewOf = (deps: ImportDeps, p: ImportProfile) => ({
  integration: sourceIdOf(p),
  name: p.name,
  profile: p,
  months: importedMonths(deps, p.id),
});

function rename(integration: string, name: string, deps: ImportDeps) {
  const all = readProfiles(deps);
  const p = all.find((x) => sourceIdOf(x) === integration);
  if (!p) return null;
  const wanted = name.trim().replace(/\s+/g, ' ');
  if (!wanted) throw new ImportRefused('The new name is empty');
  const clash = all.find((x) => x.id !== p.id && x.name.toLowerCase() === wanted.toLowerCase());
  if (clash) throw new ImportRefused(`Another profile is already called ${clash.name}`);
  const renamed = { ...p, name: wanted };
  rememberProfile(deps, renamed);
  return viewOf(deps, renamed);
}

function remove(integration: string, deps: ImportDeps) {
  const p = readProfiles(deps).find((x) => sourceIdOf(x) === integration);
  if (!p) return null;
  const view = viewOf(deps, p);
  forgetProfile(deps, p.id);
  return view;
}

export const descriptor: ImportDescriptor = {
  id: IMPORT_CONNECTOR_ID,
  kind: 'import',
  displayName: 'Vendor files (CSV)',
  integrations: (deps) => readProfiles(deps).map((p) => ({ id: sourceIdOf(p), name: p.name })),
  create: (integration, deps) => {
    const p = readProfiles(deps).find((x) => sourceIdOf(x) === integration);
    return p ? new CsvSource(p, storeFor(deps, p.id)) : null;
  },
  preview,
  save,
  profiles: (deps) => readProfiles(deps).map((p) => viewOf(deps, p)),
  rename,
  remove,
};
