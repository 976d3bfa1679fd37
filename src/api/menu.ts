/** Menu items that act on the active tab when it is a billing month's grid. */
import { monthOfSheet } from '../sheets/month-tabs';
import { validateGrid } from '../sheets/grid';
import { activeSpreadsheet } from '../platform/spreadsheet';
import { alertUser } from '../platform/ui';
import { describePush, runPush } from '../jobs/run';
import { SidebarError } from './args';
import { apiContext } from './context';
import { requirePusher } from './rights';

function activeMonth(): string | null {
  return monthOfSheet(activeSpreadsheet().getActiveSheet());
}

export function menuCheckActiveTab(): void {
  const month = activeMonth();
  if (!month) {
    alertUser('Open a billing month tab (e.g. "Billing 2026-10") first.');
    return;
  }
  const read = validateGrid(activeSpreadsheet(), month);
  alertUser(
    read.invalid.length === 0
      ? `All ${read.rows.length} rows of ${month} are valid.`
      : `${read.invalid.length} of ${read.rows.length + read.invalid.length} rows need attention; see their Status cells.`,
  );
}

export function menuPushActiveTab(): void {
  const month = activeMonth();
  if (!month) {
    alertUser('Open a billing month tab (e.g. "Billing 2026-10") first.');
    return;
  }
  // The menu item checks the same right as the sidebar's Push (owner or admin).
  try {
    requirePusher(apiContext());
  } catch (err) {
    if (!(err instanceof SidebarError)) throw err;
    alertUser(err.message);
    return;
  }
  alertUser(describePush(runPush(month, 'manual')));
}
