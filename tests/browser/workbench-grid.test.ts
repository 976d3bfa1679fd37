/**
 * The workbench page's grid, tabs, menu, alerts and toasts, over a small hand-written bundle that
 * shapes a sheet the way BillGrid's grid does (frozen header, number formats, checkboxes, dropdowns,
 * conditional colours, a hidden lookup tab) and reacts to edits with onEdit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startWorkbench, type Workbench } from '../../local/workbench/server';
import { launch, screenshotPath, type Browser } from './chromium';

const CODE = `
function onOpen() {
  SpreadsheetApp.getUi().createAddonMenu()
    .addItem('Build demo grid', 'buildGrid')
    .addSeparator()
    .addItem('Say hello', 'sayHello')
    .addItem('Schedule a tick', 'scheduleTick')
    .addToUi();
}
function buildGrid() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var sh = ss.insertSheet('Billing 2026-10');
  sh.getRange(1, 1, 1, 5).setValues([['Client', 'Product', 'Quantity', 'Total', 'Approved']]);
  sh.getRange(2, 1, 3, 5).setValues([
    ['Acme Dental', 'M365 Business Premium', 12, 264, false],
    ['Blue Harbor <b>Logistics</b>', 'SMS messages', 3400, -12.5, true],
    ['Crestview Vet', 'Unmapped SKU', 1, 0, false],
  ]);
  sh.setFrozenRows(1);
  sh.getRange('D2:D4').setNumberFormat('$#,##0.00');
  sh.getRange('C2:C4').setNumberFormat('#,##0');
  sh.getRange('E2:E4').setDataValidation(SpreadsheetApp.newDataValidation().requireCheckbox().build());
  sh.getRange('B2:B4').setDataValidation(
    SpreadsheetApp.newDataValidation().requireValueInList(['M365 Business Premium', 'SMS messages', 'Unmapped SKU']).build());
  sh.setConditionalFormatRules([
    SpreadsheetApp.newConditionalFormatRule().whenFormulaSatisfied('=$D2<0')
      .setBackground('#fce8e6').setRanges([sh.getRange('A2:E4')]).build(),
  ]);
  var lookup = ss.insertSheet('_lookup');
  lookup.getRange('A1').setValue('hidden data');
  lookup.hideSheet();
  sh.activate();
}
function sayHello() {
  SpreadsheetApp.getUi().alert('Pull finished', 'Pulled 3 lines for October 2026.', SpreadsheetApp.getUi().ButtonSet.OK);
  SpreadsheetApp.getActiveSpreadsheet().toast('3 lines pulled', 'BillGrid');
}
function scheduleTick() {
  ScriptApp.newTrigger('tick').timeBased().after(60 * 60 * 1000).create();
}
function tick() {
  SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Sheet1').getRange('A1').setValue('ticked');
}
function onEdit(e) {
  if (e.range.getColumn() === 3) e.range.offset(0, 3).setValue('edited from ' + (e.oldValue || 'empty'));
}
`;

describe('workbench grid', () => {
  let browser: Browser;
  let workbench: Workbench;
  let dir: string;
  let page: Page;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-grid-'));
    fs.mkdirSync(path.join(dir, 'project'));
    fs.writeFileSync(path.join(dir, 'project', 'Code.js'), CODE);
    fs.writeFileSync(
      path.join(dir, 'project', 'appsscript.json'),
      JSON.stringify({ timeZone: 'America/New_York' }),
    );
    [browser, workbench] = await Promise.all([
      launch(),
      startWorkbench({
        port: 0,
        stateDir: path.join(dir, 'state'),
        distDir: path.join(dir, 'project'),
        sandboxes: [],
        log: () => undefined,
      }),
    ]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(40_000);
    await page.goto(workbench.url);
  });
  afterAll(async () => {
    await browser?.close();
    await workbench?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const menu = async (item: string) => {
    await page.getByRole('button', { name: 'Extensions' }).click();
    await page.getByRole('menuitem', { name: 'BillGrid' }).click();
    await page.getByRole('menuitem', { name: item }).click();
  };
  const cell = (r: number, c: number) => page.locator(`#grid td[data-r="${r}"][data-c="${c}"]`);

  it('draws the sheet as Sheets would: formats, checkboxes, dropdowns, colours, frozen header, tabs', async () => {
    await menu('Build demo grid');
    await page.getByRole('tab', { name: 'Billing 2026-10' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Billing 2026-10' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(await cell(2, 4).textContent()).toBe('$264.00');
    expect(await cell(3, 4).textContent()).toBe('-$12.50');
    expect(await cell(3, 3).textContent()).toBe('3,400');
    // Text from the sheet is text, never markup.
    expect(await cell(3, 1).textContent()).toBe('Blue Harbor <b>Logistics</b>');
    expect(await cell(3, 1).locator('b').count()).toBe(0);
    expect(await cell(2, 5).getByRole('checkbox').isChecked()).toBe(false);
    expect(await cell(3, 5).getByRole('checkbox').isChecked()).toBe(true);
    expect(await cell(2, 2).getByRole('combobox').inputValue()).toBe('M365 Business Premium');
    // Conditional format: the row with a negative total is highlighted.
    const bg = (r: number) => cell(r, 1).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await bg(3)).toBe('rgb(252, 232, 230)');
    expect(await bg(2)).toBe('rgb(255, 255, 255)');
    expect(await cell(1, 1).evaluate((el) => getComputedStyle(el).position)).toBe('sticky');
    // Hidden tabs appear only on request.
    expect(await page.getByRole('tab', { name: '_lookup' }).count()).toBe(0);
    await page.getByLabel(/Show hidden tabs/).check();
    await page.getByRole('tab', { name: '_lookup' }).waitFor();
    await page.screenshot({ path: screenshotPath('workbench-grid') });
    await page.getByLabel(/Show hidden tabs/).uncheck();
  });

  it('sends edits, checkbox and dropdown changes through the emulator, and runs onEdit', async () => {
    await cell(2, 3).dblclick();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('15');
    await page.keyboard.press('Enter');
    await cell(2, 6).getByText('edited from 12').waitFor();
    expect(await cell(2, 3).textContent()).toBe('15');

    await cell(2, 5).getByRole('checkbox').check();
    await page.locator('#runlog-table').getByRole('cell', { name: 'edit Billing 2026-10!E2' }).waitFor();
    expect(await cell(2, 5).getByRole('checkbox').isChecked()).toBe(true);

    await cell(4, 2).getByRole('combobox').selectOption('SMS messages');
    await page.locator('#runlog-table').getByRole('cell', { name: 'edit Billing 2026-10!B4' }).waitFor();

    const ss = workbench.host.state().spreadsheets[0];
    const sheet = ss.sheets.find((s) => s.name === 'Billing 2026-10');
    expect(sheet?.rows[1]?.[2]?.v).toBe(15);
    expect(sheet?.rows[1]?.[4]?.v).toBe(true);
    expect(sheet?.rows[3]?.[1]?.v).toBe('SMS messages');
    expect(sheet?.rows[1]?.[5]?.v).toBe('edited from 12');
  });

  it('shows alerts and toasts from executions', async () => {
    await menu('Say hello');
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Pulled 3 lines for October 2026.').waitFor();
    expect(await dialog.getByRole('heading').textContent()).toBe('Pull finished');
    await page.locator('.toast', { hasText: '3 lines pulled' }).waitFor();
    await page.screenshot({ path: screenshotPath('workbench-alert') });
    await dialog.getByRole('button', { name: 'OK' }).click();
    expect(await dialog.isVisible()).toBe(false);
  });

  it('fires time-driven triggers on request, moving the emulator clock', async () => {
    await menu('Schedule a tick');
    await page
      .locator('#triggers')
      .getByText(/tick \(clock\), next/)
      .waitFor();
    await page.getByRole('button', { name: 'Fire next time trigger' }).click();
    const row = page.locator('#runlog-table tr', {
      has: page.getByRole('cell', { name: 'tick', exact: true }),
    });
    await row.getByRole('cell', { name: 'time trigger' }).waitFor();
    const sheet1 = workbench.host.state().spreadsheets[0].sheets.find((s) => s.name === 'Sheet1');
    expect(sheet1?.rows[0]?.[0]?.v).toBe('ticked');
  });
});
