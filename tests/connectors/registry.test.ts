/**
 * The connector registry's contract: every descriptor is complete and consistent, the manifest lets the
 * bundle reach exactly what the connectors fetch, and an unknown id is an error, never a fall-through.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  CONNECTORS,
  PSAS,
  SOURCES,
  UnknownConnectorError,
  connector,
  psaConnector,
  sourceConnector,
  urlPrefixes,
} from '../../src/connectors/registry';
import { buildPsa, buildSource } from '../../src/jobs/connections';

const root = path.resolve(__dirname, '..', '..');

describe('connector registry', () => {
  it('lists sources and PSAs with unique, stable ids', () => {
    const ids = CONNECTORS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(SOURCES.length).toBeGreaterThan(0);
    expect(PSAS.length).toBeGreaterThan(0);
    expect([...SOURCES, ...PSAS].length).toBe(CONNECTORS.length);
  });

  it.each(CONNECTORS.map((c) => [c.id, c] as const))(
    '%s: the Connect fields are exactly the credential schema, with its optionality',
    (_id, c) => {
      expect(c.credentials).toBeInstanceOf(z.ZodObject);
      const shape = (c.credentials as z.ZodObject).shape;
      expect(c.fields.map((f) => f.name).sort()).toEqual(Object.keys(shape).sort());
      for (const f of c.fields) {
        expect([f.name, f.optional === true]).toEqual([f.name, shape[f.name].safeParse(undefined).success]);
        expect(f.label.trim()).not.toBe('');
      }
      // An empty set is refused with a message per missing field, naming the connector, never crashing.
      const empty = c.credentials.safeParse({});
      expect(empty.success).toBe(false);
      for (const issue of empty.error?.issues ?? []) expect(issue.message).toContain(c.displayName);
      expect(c.fields.some((f) => f.exposure === 'secret')).toBe(true);
    },
  );

  it.each(CONNECTORS.map((c) => [c.id, c] as const))('%s: declares its HTTP policy and probes', (_id, c) => {
    expect(c.http.reads.apiName).toBe(c.displayName);
    expect(c.http.mutations?.maxRetries ?? 0).toBe(0);
    expect(Array.isArray(c.probes)).toBe(true);
    // A connector on each tenant's own host (no fixed prefix) or one that fetches nothing may list none.
    for (const p of c.urlPrefixes) expect(p).toMatch(/^https:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+\/$/);
  });

  it("appsscript.json's urlFetchWhitelist is exactly the union of the connectors' URL prefixes", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'appsscript.json'), 'utf8')) as {
      urlFetchWhitelist: string[];
    };
    expect([...manifest.urlFetchWhitelist].sort()).toEqual(urlPrefixes().sort());
  });

  it('refuses an unknown id instead of falling through to another connector', () => {
    expect(() => connector('stripe')).toThrow(UnknownConnectorError);
    expect(() => buildPsa('stripe', {})).toThrow("BillGrid has no PSA connector 'stripe'");
    expect(() => buildSource('stripe', {})).toThrow("BillGrid has no source connector 'stripe'");
    // A source id is not a PSA and the other way round.
    expect(() => psaConnector(SOURCES[0].id)).toThrow(UnknownConnectorError);
    expect(() => sourceConnector(PSAS[0].id)).toThrow(UnknownConnectorError);
  });

  it('refuses stored credentials its schema does not accept, naming the connector and not the values', () => {
    for (const p of PSAS) {
      const stored = Object.fromEntries(p.fields.map((f) => [f.name, 'bad value with spaces']));
      expect(() => buildPsa(p.id, stored)).toThrow(`The stored ${p.displayName} credentials are not valid`);
      try {
        buildPsa(p.id, stored);
      } catch (e) {
        expect((e as Error).message).not.toContain('bad value');
      }
    }
  });
});
