/**
 * Typed JSON values in PropertiesService (settings, checkpoints, schedule state). Values are parsed
 * with zod on read; a value that no longer parses is reported, not trusted. Values larger than the
 * 9 KB per-property limit are split across numbered properties.
 */
import type { z } from 'zod';

const CHUNK = 8000;

type Scope = 'document' | 'script' | 'user';

function props(scope: Scope): GoogleAppsScript.Properties.Properties {
  if (scope === 'script') return PropertiesService.getScriptProperties();
  if (scope === 'user') return PropertiesService.getUserProperties();
  return PropertiesService.getDocumentProperties() ?? PropertiesService.getScriptProperties();
}

export function readJson<T>(
  key: string,
  schema: z.ZodType<T>,
  scope: Scope = 'document',
): { ok: true; value: T | null } | { ok: false; message: string } {
  const p = props(scope);
  const head = p.getProperty(key);
  if (head === null) return { ok: true, value: null };
  let text = head;
  const m = /^chunks:(\d+)$/.exec(head);
  if (m) {
    const all = p.getProperties();
    text = '';
    for (let i = 0; i < Number(m[1]); i++) text += all[`${key}#${i}`] ?? '';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: `Saved ${key} is damaged (not valid JSON)` };
  }
  const r = schema.safeParse(parsed);
  if (!r.success)
    return { ok: false, message: `Saved ${key} is not valid: ${r.error.issues[0]?.message ?? ''}` };
  return { ok: true, value: r.data };
}

export function writeJson(key: string, value: unknown, scope: Scope = 'document'): void {
  const p = props(scope);
  const text = JSON.stringify(value);
  if (text.length <= CHUNK) {
    p.setProperty(key, text);
    return;
  }
  const parts: Record<string, string> = { [key]: `chunks:${Math.ceil(text.length / CHUNK)}` };
  for (let i = 0; i * CHUNK < text.length; i++) parts[`${key}#${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  p.setProperties(parts);
}

export function deleteJson(key: string, scope: Scope = 'document'): void {
  const p = props(scope);
  const head = p.getProperty(key);
  const m = head ? /^chunks:(\d+)$/.exec(head) : null;
  if (m) for (let i = 0; i < Number(m[1]); i++) p.deleteProperty(`${key}#${i}`);
  p.deleteProperty(key);
}
