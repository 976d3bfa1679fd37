/**
 * Rights (P45). The first user who saves credentials becomes the add-on's owner for this spreadsheet;
 * the owner may name admins. Owner and admins change credentials and defaults and push; editors map and
 * approve; viewers (people who can only view the spreadsheet) read.
 */
import { z } from 'zod';
import { parseArg, SidebarError } from './args';
import { apiContext, type ApiContext } from './context';
import { deployment, type Deployment } from '../platform/deployment';
import { activeSpreadsheet } from '../platform/spreadsheet';
import { protectLedger, whoMayPush } from '../jobs/ledger-writers';

export const ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export interface SessionInfo {
  email: string;
  role: Role;
  /** Null until someone saves credentials. */
  owner: string | null;
  admins: string[];
  /** May change credentials and defaults now (an editor may while the add-on has no owner yet). */
  canManage: boolean;
  /** May map and approve. */
  canApprove: boolean;
  /**
   * May push (owner and admins): every push is recorded in the Ledger, which Sheets lets only BillGrid's
   * owner, admins and schedule owner write (src/jobs/ledger-writers.ts).
   */
  canPush: boolean;
  /** A script bound to this spreadsheet, or the Editor add-on (docs/SECURITY.md). */
  deployment: Deployment;
  /**
   * In the bound script, the spreadsheet's editors who are neither owner nor admin: they can read the
   * credentials in the script editor all the same. Empty in the add-on; null when the list cannot be read.
   */
  keysExposedTo: string[] | null;
}

const OWNER_KEY = 'owner';
const ADMINS_KEY = 'admins';

const emailSchema = z
  .string({ error: 'Email must be text' })
  .trim()
  .toLowerCase()
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'Each admin must be an email address' });

function readOwner(ctx: ApiContext): string | null {
  const v = ctx.settings.get(OWNER_KEY);
  return typeof v === 'string' && v ? v : null;
}

function readAdmins(ctx: ApiContext): string[] {
  const r = z.array(z.string()).safeParse(ctx.settings.get(ADMINS_KEY));
  return r.success ? r.data : [];
}

export function roleOf(ctx: ApiContext, email = ctx.email()): Role {
  if (email && readOwner(ctx) === email) return 'owner';
  if (email && readAdmins(ctx).includes(email)) return 'admin';
  const editors = ctx.editors();
  // Unknown editors list (scope/environment): every non-admin counts as an editor.
  if (editors === null || editors.length === 0) return 'editor';
  return editors.includes(email) ? 'editor' : 'viewer';
}

export function sessionInfo(ctx: ApiContext): SessionInfo {
  const role = roleOf(ctx);
  const owner = readOwner(ctx);
  const where = deployment();
  const editors = ctx.editors();
  const trusted = new Set([owner, ...readAdmins(ctx)]);
  return {
    email: ctx.email(),
    role,
    owner,
    admins: readAdmins(ctx),
    // While nobody owns the add-on, any editor may set it up (and becomes the owner on saving).
    canManage: role === 'owner' || role === 'admin' || (owner === null && role !== 'viewer'),
    canApprove: role !== 'viewer',
    canPush: role === 'owner' || role === 'admin',
    deployment: where,
    keysExposedTo:
      where === 'addon' ? [] : editors === null ? null : editors.filter((e) => !trusted.has(e)).sort(),
  };
}

export function getSessionInfo(): SessionInfo {
  return sessionInfo(apiContext());
}

/**
 * Refuses unless the user may manage the add-on. While nobody owns it, the first user to manage it
 * (e.g. save credentials) becomes the owner — but only someone who can edit the spreadsheet.
 */
export function requireManager(ctx: ApiContext, action: string): string {
  const email = ctx.email();
  if (!email) {
    throw new SidebarError(
      `BillGrid could not read your Google account email, so it cannot check that you may ${action}.`,
    );
  }
  const owner = readOwner(ctx);
  const role = roleOf(ctx, email);
  if (owner === null && role !== 'viewer') {
    ctx.settings.set(OWNER_KEY, email);
    return email;
  }
  if (role === 'owner' || role === 'admin') return email;
  throw new SidebarError(
    `Only the BillGrid owner (${owner ?? 'not set'}) or an admin may ${action}. Ask them to add you as an admin.`,
  );
}

/**
 * Refuses everyone but the owner and admins, naming who may push: a push writes the Ledger, which Sheets'
 * protection lets only them (and the schedule owner's dispatcher) write. Editors approve and ask.
 */
export function requirePusher(ctx: ApiContext): string {
  const email = ctx.email();
  const role = roleOf(ctx, email);
  if (email && (role === 'owner' || role === 'admin')) return email;
  throw new SidebarError(
    `Only ${whoMayPush(ctx.settings)} may push to the PSA: every push is recorded in the Ledger, which only they can write. Approve the rows and ask one of them to push.`,
  );
}

/** Refuses viewers: mapping and approving need edit access to the spreadsheet. */
export function requireEditor(ctx: ApiContext, action: string): string {
  if (roleOf(ctx) === 'viewer') {
    throw new SidebarError(`You can only view this spreadsheet, so you cannot ${action}.`);
  }
  return ctx.email();
}

export const adminsSchema = z
  .array(emailSchema, { error: 'Admins must be a list of emails' })
  .max(50, { error: 'At most 50 admins' });

/** Owner only: replace the list of admins. */
export function setAdmins(emails: string[]): SessionInfo {
  const list = parseArg(adminsSchema, emails, 'Admins');
  const ctx = apiContext();
  if (roleOf(ctx) !== 'owner') {
    throw new SidebarError(`Only the BillGrid owner (${readOwner(ctx) ?? 'not set'}) may change the admins.`);
  }
  const me = ctx.email();
  ctx.settings.set(
    ADMINS_KEY,
    [...new Set(list)].filter((e) => e !== me),
  );
  // The Ledger's protection follows: a new admin may write it, a removed one no longer.
  protectLedger(activeSpreadsheet());
  return sessionInfo(ctx);
}
