/** Menu, sidebar and alerts: the add-on's Apps Script UI surface. */

export const SIDEBAR_TITLE = 'BillGrid';

export interface MenuItem {
  label: string;
  /** Name of a top-level function in the bundle. */
  functionName: string;
}

export function buildAddonMenu(items: Array<MenuItem | 'separator'>): void {
  const menu = SpreadsheetApp.getUi().createAddonMenu();
  for (const item of items) {
    if (item === 'separator') menu.addSeparator();
    else menu.addItem(item.label, item.functionName);
  }
  menu.addToUi();
}

/** The sidebar is one self-contained HTML file (dist/sidebar.html → 'sidebar' in the Apps Script project). */
export function showSidebar(): void {
  const html = HtmlService.createHtmlOutputFromFile('sidebar').setTitle(SIDEBAR_TITLE);
  SpreadsheetApp.getUi().showSidebar(html);
}

export function alertUser(message: string): void {
  SpreadsheetApp.getUi().alert(message);
}

export function toast(message: string, title = SIDEBAR_TITLE): void {
  SpreadsheetApp.getActiveSpreadsheet().toast(message, title, 5);
}
