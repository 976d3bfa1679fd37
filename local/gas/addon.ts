/**
 * The add-on context (option `deployment: 'addon'`): one Apps Script project serving many documents.
 * Sources: ../../docs/SECURITY.md and FIDELITY.md "Add-on context".
 * - Every execution runs in one document (`Execution.document`, default the state's active spreadsheet):
 *   SpreadsheetApp.getActiveSpreadsheet() and document properties are that document's. Script properties
 *   are the project's, shared by every document (and, in an add-on, every install); user properties are
 *   per user across documents. The document cache is per document too; the script cache is shared. This holds in both deployments; a bound script only ever has one document.
 * - A trigger remembers the document it was created in and runs there, as its creator.
 * - Add-on trigger rules: one clock trigger per user per document, none more often than hourly, and no
 *   installable triggers at all in a test deployment.
 */
import type { Ctx } from './service';
import type { CacheEntry, GasState, TriggerSchedule } from './state';
import { GasError } from './execution';

/** Google's message when an add-on creates a second clock trigger in a document (jira-tools#53). */
export const ADDON_ONE_CLOCK_TRIGGER =
  'This add-on has created too many time-based triggers in this document for this Google user account.';
/** "Time-driven triggers cannot run more frequently than once per hour" (editor-triggers page); wording unverified. */
export const ADDON_HOURLY_TRIGGER =
  'Add-ons can only create time-based triggers that run at most once per hour.';
/** "Installable triggers aren't supported when testing" (testing-editor-addons page); wording unverified. */
export const ADDON_TEST_DEPLOYMENT_TRIGGER = 'Installable triggers are not supported in test deployments.';

/** The spreadsheet an execution runs in. */
export function documentOf(ctx: Ctx): string {
  return ctx.exec.document ?? ctx.rt.state.activeSpreadsheetId;
}

/** A document's properties (created empty on first use). */
export function documentProperties(state: GasState, documentId: string): Record<string, string> {
  if (documentId === state.activeSpreadsheetId) return state.properties.document;
  const all = (state.properties.documents ??= {});
  return (all[documentId] ??= {});
}

/** A document's cache (the document cache is per document, like its properties). */
export function documentCache(state: GasState, documentId: string): Record<string, CacheEntry> {
  if (documentId === state.activeSpreadsheetId) return state.cache.document;
  const all = (state.cache.documents ??= {});
  return (all[documentId] ??= {});
}

export function isAddon(ctx: Ctx): boolean {
  return ctx.rt.options.deployment === 'addon';
}

/** Refuses a trigger an add-on may not create (bound scripts have only the 20-per-user limit). */
export function assertAddonTriggerAllowed(ctx: Ctx, schedule: TriggerSchedule | null): void {
  if (!isAddon(ctx)) return;
  if (ctx.rt.options.testDeployment) throw new GasError(ADDON_TEST_DEPLOYMENT_TRIGGER);
  if (schedule === null) return;
  if (schedule.kind === 'minutes') throw new GasError(ADDON_HOURLY_TRIGGER);
  const doc = documentOf(ctx);
  const mine = ctx.rt.state.triggers.filter(
    (t) =>
      t.source === 'CLOCK' &&
      t.user === ctx.exec.user &&
      (t.document ?? ctx.rt.state.activeSpreadsheetId) === doc,
  );
  if (mine.length > 0) throw new GasError(ADDON_ONE_CLOCK_TRIGGER);
}
