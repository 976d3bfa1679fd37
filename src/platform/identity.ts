/** Who is running this execution, and who may edit the spreadsheet (for rights, P45). */

/** Lower-cased email of the user at the keyboard; '' when Google withholds it. */
export function activeUserEmail(): string {
  const email = Session.getActiveUser().getEmail() || Session.getEffectiveUser().getEmail();
  return (email || '').trim().toLowerCase();
}

/**
 * Lower-cased emails of the spreadsheet's editors (owner included), or null when the list cannot be read
 * (the scope or the environment does not allow it): callers then treat every non-admin as an editor.
 */
export function spreadsheetEditors(): string[] | null {
  try {
    const ss = SpreadsheetApp.getActiveSpreadsheet();
    if (!ss || typeof ss.getEditors !== 'function') return null;
    const emails = ss.getEditors().map((u) => (u.getEmail() || '').trim().toLowerCase());
    return emails.filter((e) => e !== '');
  } catch {
    return null;
  }
}

/**
 * Lower-cased email of the account the script runs as: in an installable trigger, the trigger's creator
 * (Google runs it under that account whoever uses the spreadsheet).
 */
export function effectiveUserEmail(): string {
  return (Session.getEffectiveUser().getEmail() || '').trim().toLowerCase();
}
