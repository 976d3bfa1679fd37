/**
 * Builds the configured sources and PSA from the credentials in PropertiesService, through the connector
 * registry. Jobs get `BillingSource`s and one `PsaTarget`, and never branch on a vendor's name.
 */
import type { BillingSource } from '../core/source';
import type { PsaTarget } from '../core/psa';
import type { PsaCapabilities } from '../core/targets';
import type { ConnectorDeps, Credentials, DurableValue } from '../connectors/descriptor';
import type { ConnectorDescriptor } from '../connectors/descriptor';
import { IMPORTS, PSAS, SOURCES, psaConnector, sourceConnector, sourceName } from '../connectors/registry';
import type { ImportDeps, ImportDescriptor, ImportIntegration } from '../connectors/imports';
import { activeSpreadsheet } from '../platform/spreadsheet';
import { hiddenRowsTab } from '../platform/stored-rows';
import { z } from 'zod';
import { RetryingHttpClient, appsScriptHttpDeps } from '../platform/http';
import { executionTimeLeftMs } from '../platform/budget';
import { propertiesRequestWindow } from '../platform/request-window';
import { readJson, writeJson } from '../platform/store';
import type { HttpDeps } from '../platform/http';
import { SecretStore } from '../platform/secrets';
import { documentCacheTokenStore } from '../platform/token-cache';
import { documentCacheValue } from '../platform/short-cache';

export type SourceKind = string;
export type PsaKind = string;
/** Source ids in pull order. */
export const SOURCE_KINDS: readonly SourceKind[] = SOURCES.map((s) => s.id);
export const PSA_KINDS: readonly PsaKind[] = PSAS.map((p) => p.id);
/** Integration names as users know them, by source id. */
export const SOURCE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  SOURCES.map((s) => [s.id, sourceName(s.id)]),
);

export interface ConnectedPsa {
  kind: PsaKind;
  target: PsaTarget;
  capabilities: PsaCapabilities;
}

export class NotConnectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotConnectedError';
  }
}

/** Stored credentials the connector's schema no longer accepts (edited by hand, or an older version). */
export class BadCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadCredentialsError';
  }
}

export interface ConnectionOptions {
  secrets?: SecretStore;
  /** Injected in tests; Apps Script's UrlFetchApp otherwise. */
  httpDeps?: HttpDeps;
}

/** The platform side of a connector factory: a retrying UrlFetchApp client, the script cache for tokens. */
export function connectorDeps(id: string, opts: ConnectionOptions): ConnectorDeps {
  return {
    http: (policy) => new RetryingHttpClient(policy, opts.httpDeps),
    // Injected HTTP (tests) gets a fresh token per target, as before: no script cache there.
    tokenStore: (key) => (opts.httpDeps ? undefined : documentCacheTokenStore(key)),
    // Injected HTTP (tests): each target paces on its own; the window lives in script properties otherwise.
    requestWindow: (key) => (opts.httpDeps ? undefined : propertiesRequestWindow(key)),
    sleep: (ms) => (opts.httpDeps ?? appsScriptHttpDeps()).sleep(ms),
    timeLeftMs: () => executionTimeLeftMs(),
    // The last tenant check (document properties), read only when the connector asks.
    checked: (probeId) => {
      if (opts.httpDeps) return undefined;
      const r = readJson(`billgrid.tenantCheck.${id}`, storedChecks);
      return r.ok ? r.value?.results.find((p) => p.id === probeId) : undefined;
    },
    // The document cache, like tokens; injected HTTP (tests) gets none.
    cache: (key) => (opts.httpDeps ? undefined : documentCacheValue(`bg.connector.${id}.${key}`)),
    // Document properties, like the Ledger; injected HTTP (tests) gets none, as with tokens.
    durable: (key) => (opts.httpDeps ? undefined : durableValue(id, key)),
  };
}

/** The part of a stored tenant check a factory reads (src/jobs/tenant-check.ts writes it). */
const storedChecks = z.lazy(() =>
  z.object({
    results: z.array(
      z.object({ id: z.string(), status: z.enum(['confirmed', 'differs', 'unchecked']), detail: z.string() }),
    ),
  }),
);

function checked<C extends Credentials>(d: ConnectorDescriptor, stored: Record<string, string>): C {
  const r = d.credentials.safeParse(stored);
  if (!r.success) {
    throw new BadCredentialsError(
      `The stored ${d.displayName} credentials are not valid (${r.error.issues[0]?.message ?? 'invalid'}); save them again in Connect.`,
    );
  }
  return r.data as C;
}

export function buildSource(
  kind: SourceKind,
  creds: Record<string, string>,
  opts: ConnectionOptions = {},
): BillingSource {
  const d = sourceConnector(kind);
  return d.create(checked(d, creds), connectorDeps(d.id, opts));
}

export function buildPsa(
  kind: PsaKind,
  creds: Record<string, string>,
  opts: ConnectionOptions = {},
): ConnectedPsa {
  const d = psaConnector(kind);
  return {
    kind: d.id,
    capabilities: d.capabilities,
    target: d.create(checked(d, creds), connectorDeps(d.id, opts)),
  };
}

const DISABLED_KEY = 'bg.disabledIntegrations';
const disabledSchema = z.lazy(() => z.array(z.string().max(40)).max(100));

/**
 * Integrations switched off (their credentials kept): pulls, schedules and the tenant check skip them.
 * A damaged record reads as none disabled (the sidebar shows every integration as on, to be switched again).
 */
export function disabledIntegrations(): string[] {
  const r = readJson(DISABLED_KEY, disabledSchema);
  return r.ok && r.value ? r.value : [];
}

export function setIntegrationDisabled(kind: string, disabled: boolean): string[] {
  const now = new Set(disabledIntegrations());
  if (disabled) now.add(kind);
  else now.delete(kind);
  const list = [...now].sort();
  writeJson(DISABLED_KEY, list);
  return list;
}

/** A connector's stored value `key`, in document properties under its id; a damaged value throws. */
function durableValue(id: string, key: string): DurableValue {
  const name = `billgrid.connector.${id}.${key}`;
  return {
    read: (schema) => {
      const r = readJson(name, schema);
      if (!r.ok) throw new Error(r.message);
      return r.value;
    },
    write: (value) => writeJson(name, value),
  };
}

/**
 * What an import connector keeps: its profiles (document properties, under its id) and the imported files
 * (hidden tabs `BillGrid import <name>`).
 */
export function importDeps(id: string): ImportDeps {
  return {
    durable: (key) => durableValue(id, key),
    rows: (name) => hiddenRowsTab(activeSpreadsheet(), `BillGrid import ${name}`),
  };
}

/** The integrations the import connectors define now (one per import profile), with their connector. */
export function importIntegrations(): Array<ImportIntegration & { owner: ImportDescriptor }> {
  return IMPORTS.flatMap((d) => d.integrations(importDeps(d.id)).map((i) => ({ ...i, owner: d })));
}

/** Every integration id in pull order: the API sources, then each import profile. */
export function sourceKinds(): string[] {
  return [...SOURCE_KINDS, ...importIntegrations().map((i) => i.id)];
}

/** Integration names as users know them, by source id, import profiles included. */
export function sourceNames(): Record<string, string> {
  return { ...SOURCE_NAMES, ...Object.fromEntries(importIntegrations().map((i) => [i.id, i.name])) };
}

/** Every enabled source with saved credentials, in the registry's order, then every enabled import profile. */
export function connectedSources(opts: ConnectionOptions = {}): BillingSource[] {
  const secrets = opts.secrets ?? new SecretStore();
  const off = new Set(disabledIntegrations());
  const out: BillingSource[] = [];
  for (const kind of SOURCE_KINDS) {
    if (off.has(kind)) continue;
    const creds = secrets.read(kind);
    if (creds) out.push(buildSource(kind, creds, opts));
  }
  for (const i of importIntegrations()) {
    if (off.has(i.id)) continue;
    const source = i.owner.create(i.id, importDeps(i.owner.id));
    if (source) out.push(source);
  }
  return out;
}

/** The PSA BillGrid pushes to: the first in the registry with saved credentials. */
export function connectedPsa(opts: ConnectionOptions = {}): ConnectedPsa {
  const secrets = opts.secrets ?? new SecretStore();
  for (const kind of PSA_KINDS) {
    const creds = secrets.read(kind);
    if (creds) return buildPsa(kind, creds, opts);
  }
  throw new NotConnectedError(
    `No PSA is connected yet: enter ${PSAS.map((p) => p.displayName).join(' or ')} credentials in Connect.`,
  );
}

/** "Connect a source" in the users' words, e.g. 'Pax8 or Twilio'. */
export const sourceNamesInWords = (): string => SOURCES.map((s) => s.displayName).join(' or ');
