/**
 * The Connect screen's server side: credentials per source and PSA, stored only in script properties.
 * Nothing here ever returns a stored secret: views carry masked values ('set', '••••1234').
 */
import { z } from 'zod';
import { parseArg, SidebarError } from './args';
import { connectionTester, scrubSecrets, type ConnectionTestResult } from './connection-tests';
import {
  CONNECTION_KINDS,
  connectionKindSchema,
  connectionSpec,
  exposureOf,
  type ConnectionKind,
} from './connections';
import { apiContext, type ApiContext } from './context';
import { requireManager, sessionInfo } from './rights';
import {
  clearTenantCheck,
  readTenantCheck,
  readTestCompany,
  runTenantCheck,
  saveTenantCheck,
  saveTestCompany,
  type TenantCheck,
} from '../jobs/tenant-check';
import { disabledIntegrations } from '../jobs/connections';
import { loadSettings } from '../jobs/run';
import { usesAutoCreate } from '../core/settings';

export interface ConnectionFieldView {
  name: string;
  label: string;
  input: 'text' | 'password' | 'url' | 'email';
  hint: string | null;
  optional: boolean;
  secret: boolean;
  /** Masked stored value ('set', '••••1234', or the plain value of a public field); null if not stored. */
  stored: string | null;
}

export interface LastTest extends ConnectionTestResult {
  at: string;
}

export interface ConnectionView {
  kind: ConnectionKind;
  label: string;
  role: 'source' | 'psa';
  configured: boolean;
  fields: ConnectionFieldView[];
  lastTest: LastTest | null;
  /** The connector's tenant-check probes; a write probe says what it changes (listed before it runs). */
  probes: { id: string; assumption: string; writes: string | null; permission: string | null }[];
  /** The last "Check this connection", with its date. */
  lastCheck: TenantCheck | null;
  /** The test client/company named for write probes (not a secret), or null. */
  testCompanyId: string | null;
  /**
   * A source's on/off switch (off: skipped by pulls, schedules and checks, its rows held and never pushed;
   * keys kept); null for the PSA, which is always on.
   */
  enabled: boolean | null;
}

export interface ConnectionsView {
  connections: ConnectionView[];
  canManage: boolean;
}

const lastTestSchema = z.lazy(() => z.object({ ok: z.boolean(), message: z.string(), at: z.string() }));
const lastTestKey = (kind: ConnectionKind) => `lastTest.${kind}`;

function viewOf(
  kind: ConnectionKind,
  ctx: ApiContext,
  off: readonly string[] = disabledIntegrations(),
): ConnectionView {
  const spec = connectionSpec(kind);
  const masked = ctx.secrets.readMasked(kind, exposureOf(kind));
  const last = lastTestSchema.safeParse(ctx.settings.get(lastTestKey(kind)));
  return {
    kind,
    label: spec.displayName,
    role: spec.kind,
    configured: masked !== null,
    fields: spec.fields.map((f) => ({
      name: f.name,
      label: f.label,
      input: f.input,
      hint: f.hint ?? null,
      optional: f.optional === true,
      secret: f.exposure === 'secret',
      stored: masked?.[f.name] ?? null,
    })),
    lastTest: last.success ? last.data : null,
    probes: spec.probes.map((p) => ({
      id: p.id,
      assumption: p.assumption,
      writes: p.writes ?? null,
      permission: p.permission ?? null,
    })),
    lastCheck: readTenantCheck(kind),
    testCompanyId: readTestCompany(kind),
    enabled: spec.kind === 'source' ? !off.includes(kind) : null,
  };
}

export function getConnections(): ConnectionsView {
  const ctx = apiContext();
  const off = disabledIntegrations();
  return {
    connections: CONNECTION_KINDS.map((k) => viewOf(k, ctx, off)),
    canManage: sessionInfo(ctx).canManage,
  };
}

export const valuesSchema = z.lazy(() =>
  z.record(
    z.string(),
    z.string({ error: 'Each credential must be text' }).max(2000, { error: 'A credential is too long' }),
    { error: 'Credentials must be a set of named fields' },
  ),
);

/**
 * Save one connection's credentials. Blank fields keep what is already stored (so a secret never has
 * to travel back to the sidebar to be kept). Returns the masked view.
 */
export function saveConnection(kind: ConnectionKind, values: Record<string, string>): ConnectionView {
  const k = parseArg(connectionKindSchema, kind, 'Connection');
  const spec = connectionSpec(k);
  const input = parseArg(valuesSchema, values, `${spec.displayName} credentials`);
  const known = new Set(spec.fields.map((f) => f.name));
  const unknown = Object.keys(input).filter((n) => !known.has(n));
  if (unknown.length) throw new SidebarError(`${spec.displayName} has no field named ${unknown.join(', ')}`);

  const ctx = apiContext();
  requireManager(ctx, `change the ${spec.displayName} credentials`);
  const merged: Record<string, string> = { ...(ctx.secrets.read(k) ?? {}) };
  for (const [name, value] of Object.entries(input)) {
    const v = value.trim();
    const field = spec.fields.find((f) => f.name === name);
    if (v !== '') merged[name] = v;
    // A blank secret keeps the stored one (the sidebar never holds it); a blank optional identifier clears.
    else if (field?.optional && field.exposure !== 'secret') delete merged[name];
  }
  const checked = parseArg(spec.credentials, merged, `${spec.displayName} credentials`);
  const clean: Record<string, string> = {};
  for (const [name, v] of Object.entries(checked)) if (typeof v === 'string') clean[name] = v;
  ctx.secrets.write(k, clean);
  ctx.settings.set(lastTestKey(k), undefined);
  clearTenantCheck(k);
  return viewOf(k, ctx);
}

export function clearConnection(kind: ConnectionKind): ConnectionView {
  const k = parseArg(connectionKindSchema, kind, 'Connection');
  const ctx = apiContext();
  requireManager(ctx, `remove the ${connectionSpec(k).displayName} credentials`);
  ctx.secrets.clear(k);
  ctx.settings.set(lastTestKey(k), undefined);
  clearTenantCheck(k);
  return viewOf(k, ctx);
}

/** Calls the connector's tester with the stored credentials; the result is remembered for the screen. */
export function testConnection(kind: ConnectionKind): ConnectionTestResult {
  const k = parseArg(connectionKindSchema, kind, 'Connection');
  const spec = connectionSpec(k);
  const ctx = apiContext();
  const stored = ctx.secrets.read(k);
  let result: ConnectionTestResult;
  if (!stored) {
    result = { ok: false, message: `Save the ${spec.displayName} credentials first.` };
  } else {
    const tester = connectionTester(k);
    const creds = spec.credentials.safeParse(stored);
    if (!tester) {
      result = { ok: false, message: `Testing ${spec.displayName} is not yet available in this version.` };
    } else if (!creds.success) {
      result = {
        ok: false,
        message: `The stored ${spec.displayName} credentials are incomplete; save them again.`,
      };
    } else {
      try {
        const r = tester(stored);
        result = { ok: r.ok === true, message: scrubSecrets(String(r.message), stored) };
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        result = { ok: false, message: scrubSecrets(`${spec.displayName}: ${msg}`, stored) };
      }
    }
  }
  ctx.settings.set(lastTestKey(k), { ...result, at: new Date().toISOString() });
  return result;
}

export const checkOptionsSchema = z.lazy(() =>
  z
    .object({
      /** A test client/company in the tenant: only then do write probes run (they clean up). */
      testCompanyId: z
        .string({ error: 'Test company must be text' })
        .trim()
        .max(100, { error: 'Test company is too long' })
        .optional()
        .transform((v) => (v ? v : undefined)),
    })
    .strict(),
);

/**
 * "Check this connection": runs the connector's probes against the tenant and keeps the result (with its
 * date) for the Connect screen. Read-only unless a test company is named; naming one needs a manager.
 */
/** Whether products may be auto-created; damaged settings (Defaults says so) count as not. */
function autoCreateInUse(): boolean {
  try {
    return usesAutoCreate(loadSettings());
  } catch {
    return false;
  }
}

export function checkConnection(
  kind: ConnectionKind,
  options: z.input<typeof checkOptionsSchema> = {},
): TenantCheck {
  const k = parseArg(connectionKindSchema, kind, 'Connection');
  const opts = parseArg(checkOptionsSchema, options ?? {}, 'Check options');
  const spec = connectionSpec(k);
  const ctx = apiContext();
  if (opts.testCompanyId) requireManager(ctx, `run write checks on a ${spec.displayName} test company`);
  const stored = ctx.secrets.read(k);
  if (!stored) throw new SidebarError(`Save the ${spec.displayName} credentials first.`);
  if (disabledIntegrations().includes(k)) {
    throw new SidebarError(
      `${spec.displayName} is disabled, so it is not checked: enable it first (its credentials are kept).`,
    );
  }
  if (!spec.credentials.safeParse(stored).success) {
    throw new SidebarError(`The stored ${spec.displayName} credentials are incomplete; save them again.`);
  }
  const check = runTenantCheck(k, stored, {
    ...(opts.testCompanyId ? { testCompanyId: opts.testCompanyId } : {}),
    autoCreateProducts: autoCreateInUse(),
  });
  saveTenantCheck(check);
  // The field as the user left it (a viewer's read-only check leaves a manager's choice alone).
  if (sessionInfo(ctx).canManage) saveTestCompany(k, opts.testCompanyId);
  return check;
}
