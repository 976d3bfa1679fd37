/**
 * Who may run the spreadsheet's scripts. Google: onOpen "runs when a user opens a spreadsheet, document,
 * presentation, or form that the user has permission to edit", and simple and installable triggers "don't
 * run if a file is opened in read-only (view or comment) mode" (guides/triggers, guides/triggers/installable).
 * A viewer therefore never gets a script's menu, so never opens its sidebar.
 *
 * Edit access also comes through a Google Group the file is shared with, or through sharing with everyone in
 * a domain. Spreadsheet.getEditors() lists neither: it names the owner and the people shared with one by
 * one (FIDELITY.md, "Editors through a group or domain").
 */
import type { GasState } from './state';

/** The user owns or may edit the document (the active spreadsheet unless one is named). */
export function canEdit(state: GasState, user: string, document?: string): boolean {
  const id = document ?? state.activeSpreadsheetId;
  const ss = state.spreadsheets.find((s) => s.id === id);
  if (!ss) return true; // no such spreadsheet in the state: nothing to restrict by
  if (ss.owner === user || ss.editors.includes(user)) return true;
  if (Object.values(ss.groupEditors ?? {}).some((members) => members.includes(user))) return true;
  return ss.domainEditors !== undefined && user.endsWith(`@${ss.domainEditors}`);
}
