/**
 * Every connector BillGrid knows, one line each. Everything that iterates connectors (jobs, the sidebar
 * API, the Connect screen, the manifest check, the local harnesses) reads this list; nothing else names a
 * connector. Order matters: sources are pulled in this order, and the first PSA with credentials is used.
 * Adding a connector: docs/ADDING-A-CONNECTOR.md.
 */
import type { ConnectorDescriptor, PsaDescriptor, SourceDescriptor } from './descriptor';
import { descriptor as pax8 } from './sources/pax8/descriptor';
import { descriptor as twilio } from './sources/twilio/descriptor';
import { descriptor as crayon } from './sources/crayon/descriptor';
import { descriptor as interworks } from './sources/interworks/descriptor';
import { descriptor as ingram } from './sources/ingram/descriptor';
import { descriptor as autotask } from './psa/autotask/descriptor';
import { descriptor as halo } from './psa/halo/descriptor';
import { descriptor as dattoRmm } from './sources/datto-rmm/descriptor';
import { descriptor as itGlue } from './sources/it-glue/descriptor';
import { descriptor as kaseyaBms } from './psa/kaseya-bms/descriptor';
import { descriptor as connectwise } from './psa/connectwise/descriptor';
import type { ImportDescriptor } from './imports';
import { descriptor as fileImport } from './sources/csv/descriptor';

export const CONNECTORS: readonly ConnectorDescriptor[] = [
  pax8,
  twilio,
  crayon,
  interworks,
  ingram,
  dattoRmm,
  itGlue,
  autotask,
  halo,
  kaseyaBms,
  connectwise,
];

export const SOURCES: readonly SourceDescriptor[] = CONNECTORS.filter(
  (c): c is SourceDescriptor => c.kind === 'source',
);
export const PSAS: readonly PsaDescriptor[] = CONNECTORS.filter((c): c is PsaDescriptor => c.kind === 'psa');

export const CONNECTOR_IDS: readonly string[] = CONNECTORS.map((c) => c.id);

/**
 * Sources fed by files a person imports (no credentials, no Connect card): each of their import profiles
 * is its own integration, pulled after the API sources (src/connectors/imports.ts).
 */
export const IMPORTS: readonly ImportDescriptor[] = [fileImport];

/** Every id that names a connector (the name check keeps them inside connector folders). */
export const NAMED_IDS: readonly string[] = [...CONNECTOR_IDS, ...IMPORTS.map((i) => i.id)];

/** An id no registered connector has: a bug or a stale stored value, never a silent fall-through. */
export class UnknownConnectorError extends Error {
  constructor(id: string, kind?: string) {
    super(`BillGrid has no ${kind ? `${kind} ` : ''}connector '${id}'`);
    this.name = 'UnknownConnectorError';
  }
}

export function findConnector(id: string): ConnectorDescriptor | undefined {
  return CONNECTORS.find((c) => c.id === id);
}

export function connector(id: string): ConnectorDescriptor {
  const c = findConnector(id);
  if (!c) throw new UnknownConnectorError(id);
  return c;
}

export function sourceConnector(id: string): SourceDescriptor {
  const c = findConnector(id);
  if (c?.kind !== 'source') throw new UnknownConnectorError(id, 'source');
  return c;
}

export function psaConnector(id: string): PsaDescriptor {
  const c = findConnector(id);
  if (c?.kind !== 'psa') throw new UnknownConnectorError(id, 'PSA');
  return c;
}

/** Integration names as users know them, by source id (Halo item groups are named BillGrid_<name>). */
export function sourceName(id: string): string {
  return SOURCES.find((s) => s.id === id)?.displayName ?? id;
}

/** Every URL prefix a registered connector fetches (appsscript.json's urlFetchWhitelist covers them). */
export function urlPrefixes(): string[] {
  return [...new Set(CONNECTORS.flatMap((c) => c.urlPrefixes))];
}
