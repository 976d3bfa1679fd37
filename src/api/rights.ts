/**
 * Rights (P45). The first user who saves credentials becomes the add-on's owner for this spreadsheet;
 * the owner may name admins. Owner and admins change credentials and defaults and push; everyone else
 * BillGrid runs for is an editor, who maps and approves.
 *
 * There is no viewer role: Google runs BillGrid only for people who can edit the spreadsheet ("Only users
 * who have permission to edit a container can run its bound script"; an add-on's menu does not appear in
 * view or comment mode), and the spreadsheet's editors list (getEditors) does not name everyone who can
 * edit it: people who edit through a Google Group or the domain's sharing are not on it (docs/SECURITY.md).
 */
import { z } from 'zod';
import { parseArg, SidebarError } from './args';
import { apiContext, type ApiContext } from './context';
import { deployment, type Deployment } from '../platform/deployment';
import { activeSpreadsheet } from '../platform/spreadsheet';
import { protectLedger, whoMayPush } from '../jobs/ledger-writers';

export const ROLES = ['editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export interface SessionInfo {
  email: string;
  role: Role;
  /** Null until someone saves credentials. */
  owner: string | null;
  admins: string[];
  /** May change credentials and defaults now (an editor may while the add-on has no owner yet). */
  canManage: boolean;
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

const emailSchema = z.lazy(() =>
  z
    .string({ error: 'Email must be text' })
    .trim()
    .toLowerCase()
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'Each admin must be an email address' }),
);

function readOwner(ctx: ApiContext): string | null {
  const v = ctx.settings.get(OWNER_KEY);
  return typeof v === 'string' && v ? v : null;
}

function readAdmins(ctx: ApiContext): string[] {
  const r = z.array(z.string()).safeParse(ctx.settings.get(ADMINS_KEY));
  return r.success ? r.data : [];
}

/** Owner, admin, or editor: everyone else BillGrid runs for (Google runs it only for editors). */
export function roleOf(ctx: ApiContext, email = ctx.email()): Role {
  if (email && readOwner(ctx) === email) return 'owner';
  if (email && readAdmins(ctx).includes(email)) return 'admin';
  return 'editor';
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
    canManage: role === 'owner' || role === 'admin' || owner === null,
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
 * (e.g. save credentials) becomes the owner.
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
  if (owner === null) {
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
