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
}

export interface ConnectionsView {
  connections: ConnectionView[];
  canManage: boolean;
}

const lastTestSchema = z.object({ ok: z.boolean(), message: z.string(), at: z.string() });
const lastTestKey = (kind: ConnectionKind) => `lastTest.${kind}`;

function viewOf(kind: ConnectionKind, ctx: ApiContext): ConnectionView {
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
  };
}

export function getConnections(): ConnectionsView {
  const ctx = apiContext();
  return {
    connections: CONNECTION_KINDS.map((k) => viewOf(k, ctx)),
    canManage: sessionInfo(ctx).canManage,
  };
}

export const valuesSchema = z.record(
  z.string(),
  z.string({ error: 'Each credential must be text' }).max(2000, { error: 'A credential is too long' }),
  { error: 'Credentials must be a set of named fields' },
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
    if (v !== '') merged[name] = v;
    else if (spec.fields.find((f) => f.name === name)?.optional) delete merged[name];
  }
  const checked = parseArg(spec.credentials, merged, `${spec.displayName} credentials`);
  const clean: Record<string, string> = {};
  for (const [name, v] of Object.entries(checked)) if (typeof v === 'string') clean[name] = v;
  ctx.secrets.write(k, clean);
  ctx.settings.set(lastTestKey(k), undefined);
  return viewOf(k, ctx);
}

export function clearConnection(kind: ConnectionKind): ConnectionView {
  const k = parseArg(connectionKindSchema, kind, 'Connection');
  const ctx = apiContext();
  requireManager(ctx, `remove the ${connectionSpec(k).displayName} credentials`);
  ctx.secrets.clear(k);
  ctx.settings.set(lastTestKey(k), undefined);
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
