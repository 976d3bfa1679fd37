/**
 * The tenant check: runs a connector's declared probes against the tenant its stored credentials reach
 * and says, assumption by assumption, what was confirmed, what differs and what could not be checked.
 * Read-only probes always run; a write probe runs only on a test company the user names. Results are kept
 * with their date in document properties (they describe this spreadsheet's tenant) and offered back to
 * the connector's factory (ConnectorDeps.checked), so a connector may adapt to a confirmed behaviour.
 */
import { z } from 'zod';
import type {
  ConnectorDescriptor,
  ConnectorProbe,
  Credentials,
  ProbeContext,
  ProbeResult,
} from '../connectors/descriptor';
import { connector } from '../connectors/registry';
import { readJson, writeJson, deleteJson } from '../platform/store';
import { scrubSecrets } from '../api/connection-tests';
import { buildPsa, buildSource, connectorDeps, type ConnectionOptions } from './connections';

export const probeOutcomeSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    assumption: z.string(),
    status: z.enum(['confirmed', 'differs', 'unchecked']),
    detail: z.string(),
    /** Set for a write probe: what it changes on the test company. */
    writes: z.string().optional(),
  }),
);
export type ProbeOutcome = z.infer<typeof probeOutcomeSchema>;

export const tenantCheckSchema = z.lazy(() =>
  z.object({
    connector: z.string(),
    /** When the check ran (ISO time). */
    at: z.string(),
    testCompanyId: z.string().optional(),
    results: z.array(probeOutcomeSchema),
  }),
);
export type TenantCheck = z.infer<typeof tenantCheckSchema>;

export interface TenantCheckOptions extends ConnectionOptions {
  testCompanyId?: string;
  /** Products may be auto-created (some setting uses that product mode): probes of that right apply. */
  autoCreateProducts?: boolean;
  now?: () => Date;
}

const key = (id: string): string => `billgrid.tenantCheck.${id}`;

/** Why a probe could not run, in words that never carry a credential. */
function failed(err: unknown): ProbeResult {
  const msg = err instanceof Error ? err.message : String(err);
  return { status: 'unchecked', detail: `The check stopped: ${msg}` };
}

export function runProbes<T>(
  probes: readonly ConnectorProbe<T>[],
  instance: T,
  ctx: ProbeContext,
  credentials: Record<string, string>,
): ProbeOutcome[] {
  return probes.map((p) => {
    let r: ProbeResult;
    if (p.writes && !ctx.testCompanyId) {
      r = { status: 'unchecked', detail: 'Changes a test company: name one to run this check.' };
    } else {
      try {
        r = p.run(instance, ctx);
      } catch (err) {
        r = failed(err);
      }
    }
    return {
      id: p.id,
      assumption: p.assumption,
      status: r.status,
      detail: scrubSecrets(r.detail, credentials),
      ...(p.writes ? { writes: p.writes } : {}),
    };
  });
}

/** Run every probe of connector `id` with its stored credentials (already saved in Connect). */
export function runTenantCheck(
  id: string,
  credentials: Record<string, string>,
  opts: TenantCheckOptions = {},
): TenantCheck {
  const d: ConnectorDescriptor = connector(id);
  const http = connectorDeps(id, opts).http(d.http.reads);
  const ctx: ProbeContext = {
    credentials: d.credentials.parse(credentials) as Credentials,
    http,
    ...(opts.testCompanyId ? { testCompanyId: opts.testCompanyId } : {}),
    ...(opts.autoCreateProducts ? { autoCreateProducts: true } : {}),
  };
  let results: ProbeOutcome[];
  try {
    results =
      d.kind === 'psa'
        ? runProbes(d.probes, buildPsa(id, credentials, opts).target, ctx, credentials)
        : runProbes(d.probes, buildSource(id, credentials, opts), ctx, credentials);
  } catch (err) {
    // The connector could not even be built: every assumption stays unchecked, with the reason.
    const why = failed(err);
    results = d.probes.map((p) => ({
      id: p.id,
      assumption: p.assumption,
      status: why.status,
      detail: scrubSecrets(why.detail, credentials),
    }));
  }
  return {
    connector: id,
    at: (opts.now ?? (() => new Date()))().toISOString(),
    ...(opts.testCompanyId ? { testCompanyId: opts.testCompanyId } : {}),
    results,
  };
}

/** The last check of connector `id` kept in document properties; null when none (or unreadable). */
export function readTenantCheck(id: string): TenantCheck | null {
  const r = readJson(key(id), tenantCheckSchema);
  return r.ok ? r.value : null;
}

export function saveTenantCheck(check: TenantCheck): void {
  writeJson(key(check.connector), check);
}

const testCompanyKey = (id: string): string => `billgrid.testCompany.${id}`;

/** The test client/company named for connector `id`'s write probes (not a secret; document properties). */
export function readTestCompany(id: string): string | null {
  const r = readJson(testCompanyKey(id), z.string().min(1));
  return r.ok ? r.value : null;
}

/** Remember the test company named for the last check (none named: forget it). */
export function saveTestCompany(id: string, testCompanyId: string | undefined): void {
  if (testCompanyId) writeJson(testCompanyKey(id), testCompanyId);
  else deleteJson(testCompanyKey(id));
}

/** Forget a check and its test company (the credentials changed: the tenant may be another one). */
export function clearTenantCheck(id: string): void {
  deleteJson(key(id));
  deleteJson(testCompanyKey(id));
}
