/**
 * A file uploaded from the sidebar in chunks, reassembled here. google.script.run documents no argument
 * size, so the sidebar sends at most UPLOAD_CHUNK_CHARS (src/connectors/imports.ts) of base64 per call; each chunk is kept in the
 * document cache (per document, so another spreadsheet's editors never see it) as pieces under Apps
 * Script's 100 KB per value, for an hour. Reading the upload joins the pieces; a piece gone (expired, or
 * dropped from a full cache) makes the whole upload unreadable, never a shorter file.
 */

/** Cache values hold 100 KB (102,400 bytes); base64 is one byte per character. */
const PIECE_CHARS = 100_000;
const TTL_SECONDS = 60 * 60;

const cache = (): GoogleAppsScript.Cache.Cache =>
  CacheService.getDocumentCache() ?? CacheService.getScriptCache();
const key = (id: string, index: number, piece?: number): string =>
  piece === undefined ? `bg.upload.${id}.${index}` : `bg.upload.${id}.${index}.${piece}`;

/** Keep one chunk of an upload (re-sending a chunk replaces it). */
export function putUploadChunk(id: string, index: number, data: string): void {
  const pieces: Record<string, string> = {};
  let n = 0;
  for (let at = 0; at < data.length; at += PIECE_CHARS)
    pieces[key(id, index, n++)] = data.slice(at, at + PIECE_CHARS);
  pieces[key(id, index)] = String(n);
  cache().putAll(pieces, TTL_SECONDS);
}

/** The whole upload (base64), or null when a chunk or piece is missing. */
export function readUpload(id: string, count: number): string | null {
  const c = cache();
  const counts = c.getAll(Array.from({ length: count }, (_, i) => key(id, i)));
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = Number(counts[key(id, i)]);
    if (!Number.isInteger(n) || n < 0) return null;
    for (let p = 0; p < n; p++) keys.push(key(id, i, p));
  }
  const pieces = keys.length ? c.getAll(keys) : {};
  let out = '';
  for (const k of keys) {
    const v = pieces[k];
    if (v === undefined) return null;
    out += v;
  }
  return out;
}

export function dropUpload(id: string, count: number): void {
  const c = cache();
  const counts = c.getAll(Array.from({ length: count }, (_, i) => key(id, i)));
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    keys.push(key(id, i));
    for (let p = 0; p < Number(counts[key(id, i)] ?? 0); p++) keys.push(key(id, i, p));
  }
  c.removeAll(keys);
}
