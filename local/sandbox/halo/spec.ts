/**
 * The record shapes Halo's published OpenAPI declares (specs/halopsa_swagger.json, vendored in the repo
 * with its licence): the sandbox keeps only the fields a record type declares, as Halo's typed API
 * models do, so a client that relies on an undeclared field sees it vanish here first.
 */
import fs from 'node:fs';
import path from 'node:path';

export const HALO_SPEC_PATH = path.resolve(__dirname, '..', '..', '..', 'specs', 'halopsa_swagger.json');

type SchemaName = 'InvoiceHeader' | 'InvoiceDetail' | 'Item' | 'Area' | 'Generic';

let cache: Record<string, Set<string>> | null = null;

/** The property names the spec declares for a component schema. */
export function declaredFields(name: SchemaName): Set<string> {
  if (!cache) {
    const spec = JSON.parse(fs.readFileSync(HALO_SPEC_PATH, 'utf8')) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    cache = {};
    for (const n of ['InvoiceHeader', 'InvoiceDetail', 'Item', 'Area', 'Generic'])
      cache[n] = new Set(Object.keys(spec.components.schemas[n]?.properties ?? {}));
  }
  return cache[name];
}

/** Only the fields `name` declares. */
export function declaredOnly(name: SchemaName, rec: Record<string, unknown>): Record<string, unknown> {
  const keep = declaredFields(name);
  return Object.fromEntries(Object.entries(rec).filter(([k]) => keep.has(k)));
}
