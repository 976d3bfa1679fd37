/**
 * The workbench end to end in Chromium: the real bundle in the emulator, sandboxes, the add-on menu,
 * the built sidebar in its panel, the Connect screen saving a source's credentials through
 * google.script.run, the demo MSP's preloaded data (a connected account, two sample vendor exports),
 * the Import screen (upload, preview with the remembered profile, import and pull), the grid, and the
 * state surviving a restart.
 */
import { CONNECTOR_IDS } from '../../src/connectors/registry';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator, Page, Response } from 'playwright-core';
import { startWorkbench, type Workbench } from '../../local/workbench/server';
import { launch, screenshotPath, type Browser } from './chromium';
import { openSidebarFromMenu } from './sidebar-page';
import { prepareTestProject, type TestProject } from './bundle';
import { connectionToFill } from './connection';
import { demoSeeds } from '../../local/sandbox/registry';

// The source whose credentials are typed in (picked through the registry: tests/browser/connection.ts).
const CONN = connectionToFill();
const SECRET = CONN.values[CONN.secret.name];
const SHOWN = CONN.values[CONN.shown.name];

describe('workbench', () => {
  let browser: Browser;
  let project: TestProject;
  let stateDir: string;
  let workbench: Workbench | null = null;
  let restarted: { page: Page; sidebar: FrameLocator } | null = null;
  /** Every response body the browser received (page, sidebar frame, API). */
  const bodies: Array<{ url: string; body: string }> = [];

  const start = async (reset: boolean) => {
    workbench = await startWorkbench({
      port: 0,
      stateDir,
      distDir: project.dir,
      reset,
      demo: true,
      log: () => undefined,
    });
    return workbench;
  };

  const openPage = async (wb: Workbench): Promise<Page> => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(40_000);
    page.on('response', (res: Response) => {
      void res
        .text()
        .then((body) => bodies.push({ url: res.url(), body }))
        .catch(() => undefined);
    });
    await page.goto(wb.url);
    await page.getByRole('button', { name: 'Extensions' }).waitFor();
    return page;
  };

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-workbench-'));
    [browser, project] = await Promise.all([launch(), prepareTestProject()]);
  });
  afterAll(async () => {
    await browser?.close();
    await workbench?.stop();
    project?.cleanup();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('opens the sidebar from the menu and saves the credentials of a source without ever showing the secret', async () => {
    const wb = await start(true);
    const page = await openPage(wb);
    await page.screenshot({ path: screenshotPath('workbench-start') });

    const sidebar = await openSidebarFromMenu(page);
    await sidebar.getByRole('heading', { name: 'Set up BillGrid' }).waitFor();
    const card = sidebar.locator(`details[data-kind="${CONN.c.id}"]`);
    // Only the first unconfigured connection (in the registry's order) starts open.
    if ((await card.getAttribute('open')) === null) await card.locator('summary').click();
    for (const f of CONN.fields) await card.getByLabel(f.label, { exact: true }).fill(CONN.values[f.name]);
    await card.getByRole('button', { name: 'Save' }).click();
    await card.locator('.chip', { hasText: 'Saved' }).waitFor();
    expect(await card.getByLabel(CONN.shown.label, { exact: true }).getAttribute('placeholder')).toBe(
      `••••${SHOWN.slice(-4)}`,
    );
    expect(await card.getByLabel(CONN.secret.label, { exact: true }).inputValue()).toBe('');
    await sidebar.getByText('Owner', { exact: true }).waitFor();

    // The run log shows each execution the sidebar caused, with modelled time and service calls.
    const log = page.locator('#runlog-table');
    // (The demo seed's saveConnection is in the log too.)
    await log.getByRole('cell', { name: 'saveConnection' }).first().waitFor();
    const row = log.locator('tr', { has: page.getByRole('cell', { name: 'saveConnection' }) }).first();
    expect(await row.locator('td').nth(4).textContent()).toBe('OK');
    expect(await row.locator('td').nth(5).textContent()).toMatch(/^\d+ ms$/);
    await page.screenshot({ path: screenshotPath('workbench-sidebar-connect') });

    // The secret is where it belongs (the spreadsheet's document properties) and nowhere else.
    expect(wb.host.state().properties.document[`billgrid.secret.${CONN.c.id}`]).toContain(SECRET);
    expect(JSON.stringify(wb.host.state().properties.script)).not.toContain(SECRET);
    const frame = page.frames().find((f) => f.url().includes('/sidebar'));
    expect(frame).toBeDefined();
    expect(await frame?.content()).not.toContain(SECRET);
    expect(await page.content()).not.toContain(SECRET);
    await page.waitForLoadState('networkidle');
    expect(bodies.filter((b) => b.url.includes('/api/sidebar-run')).length).toBeGreaterThanOrEqual(3);
    expect(bodies.filter((b) => b.body.includes(SECRET)).map((b) => b.url)).toEqual([]);
    expect(bodies.filter((b) => b.body.includes(SHOWN)).map((b) => b.url)).toEqual([]);

    // Every screen renders against the real server functions, without errors, with a label on every control.
    await sidebar.getByRole('button', { name: 'Skip setup' }).click();
    for (const tab of [
      'Connect',
      'Clients',
      'Defaults',
      'Products',
      'Contracts',
      'Import',
      'Month',
      'Review',
      'Push',
      'Schedule',
    ]) {
      await sidebar.getByRole('tab', { name: tab }).click();
      await sidebar.getByRole('tabpanel').getByRole('heading', { name: tab, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      expect([tab, await sidebar.getByRole('alert').isVisible()]).toEqual([tab, false]);
      const unlabelled = await sidebar
        .locator('input, select, textarea')
        .evaluateAll((els) =>
          els.filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.outerHTML),
        );
      expect([tab, unlabelled]).toEqual([tab, []]);
    }
    await page.close();
    // A new workbook runs the demo seeds first (a few executions): room for them on a loaded machine.
  }, 150_000);

  it('gives the sidebar google.script.run with handlers and user objects, and Apps Script error messages', async () => {
    const page = await openPage(workbench as Workbench);
    await (await openSidebarFromMenu(page)).getByRole('tab', { name: 'Connect' }).waitFor();
    const frame = page.frames().find((f) => f.url().includes('/sidebar'));
    if (!frame) throw new Error('no sidebar frame');
    await frame.waitForFunction(() => 'google' in window);
    const outcome = await frame.evaluate(
      () =>
        new Promise<unknown[]>((resolve) => {
          type Runner = Record<string, (...a: unknown[]) => Runner>;
          const run = (window as unknown as { google: { script: { run: Runner } } }).google.script.run;
          const results: unknown[] = [];
          run
            .withSuccessHandler((info: unknown, user: unknown) => {
              results.push(info, user);
              run
                .withFailureHandler((err: unknown, user2: unknown) => {
                  results.push((err as Error).message, user2);
                  resolve(results);
                })
                .withUserObject('second')
                .saveConnection('stripe', {});
            })
            .withUserObject({ first: true })
            .getSessionInfo();
        }),
    );
    expect(outcome).toEqual([
      expect.objectContaining({ email: 'owner@northwind.example', role: 'owner' }),
      { first: true },
      `Connection: Connection must be one of ${CONNECTOR_IDS.join(', ')}`,
      'second',
    ]);

    // Acting as someone who can only view the spreadsheet: no BillGrid menu (Google runs onOpen only for
    // people who may edit), and a sidebar still open in front of them reaches no server function once it
    // reloads (Google runs none of the spreadsheet's scripts for them).
    const sidebar = page.frameLocator('#sidebar-frame');
    await page.getByLabel('Acting as').selectOption('viewer@northwind.example');
    await page.getByRole('button', { name: 'Extensions' }).click();
    await page.getByRole('menuitem', { name: /Add-ons: none/ }).waitFor();
    expect(await page.getByRole('menuitem', { name: 'BillGrid' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await sidebar.locator('body').evaluate(() => window.location.reload());
    await sidebar.getByText('BillGrid could not start.').waitFor();
    await sidebar
      .getByRole('alert')
      .getByText(/can only view this spreadsheet, so Google runs none/)
      .waitFor();
    await page.getByLabel('Acting as').selectOption('owner@northwind.example');
    await page.close();
  });

  it('edits a cell through the emulator and keeps the workbook after a restart', async () => {
    let page = await openPage(workbench as Workbench);
    await page.locator('#grid td[data-r="2"][data-c="2"]').dblclick();
    await page.keyboard.type('1234.5');
    await page.keyboard.press('Enter');
    await page.locator('#grid td[data-r="2"][data-c="2"]', { hasText: '1234.5' }).waitFor();
    await page.locator('#runlog-table').getByRole('cell', { name: 'edit Sheet1!B2' }).waitFor();
    await page.close();

    await workbench?.stop();
    workbench = null;
    const wb = await start(false);
    page = await openPage(wb);
    await page.locator('#grid td[data-r="2"][data-c="2"]', { hasText: '1234.5' }).waitFor();
    const sidebar = await openSidebarFromMenu(page);
    await sidebar.locator(`details[data-kind="${CONN.c.id}"] .chip`, { hasText: 'Saved' }).waitFor();
    await page.screenshot({ path: screenshotPath('workbench-after-restart') });
    // The next test goes on in this sidebar (opening another costs a page load and several executions).
    restarted = { page, sidebar };
  });

  it('starts the demo MSP with its preloaded data, and imports a vendor file on the Import screen', async () => {
    // The workbench restarted above: what the new workbook was seeded with at the first start is kept.
    // What the new workbook was seeded with (local/sandbox/<folder>/demo-seed.ts): accounts connected and
    // vendor files imported, each through the bundle's server functions.
    const calls = demoSeeds().flatMap((s) => s.calls());
    const connected = calls.filter((c) => c.fn === 'saveConnection').map((c) => String(c.args[0]));
    const files = calls
      .filter((c) => c.fn === 'importFile')
      .map((c) => c.args[0] as { file: { name: string; base64: string }; profile: { name: string } });
    expect([connected.length, files.length]).toEqual([1, 2]);
    if (!restarted) throw new Error('the restart test did not leave its sidebar open');
    const { page, sidebar } = restarted;
    // The demo account is connected without anyone typing its credentials.
    await sidebar.getByRole('tab', { name: 'Connect' }).waitFor();
    for (const kind of connected)
      await sidebar.locator(`details[data-kind="${kind}"] .chip`, { hasText: 'Saved' }).waitFor();

    await sidebar.getByRole('tab', { name: 'Import' }).click();
    const known = sidebar.locator('li.import-known');
    await known.first().waitFor();
    // Both sample exports are remembered profiles, each with the demo month's file.
    const listed = (await known.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(listed).toHaveLength(files.length);
    expect(listed).toEqual(
      expect.arrayContaining(files.map((f) => expect.stringContaining(`${f.profile.name} 2026-10`))),
    );

    // Upload the first sample as a person would: its remembered profile is suggested from the header and
    // the preview shows its rows as they will land.
    const sample = files[0];
    // The file's bytes, not a path: Chromium reads a path's file when the page reads it, and a file removed
    // before then (a loaded machine) failed the upload.
    await sidebar.getByLabel('Another month').fill('2026-10');
    await sidebar.getByLabel(/^File \(.+, up to 10 MB\)$/).setInputFiles({
      name: sample.file.name,
      mimeType: sample.file.name.endsWith('.xlsx')
        ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
        : 'text/csv',
      buffer: Buffer.from(sample.file.base64, 'base64'),
    });
    await sidebar.getByRole('heading', { name: `Remembered profile: ${sample.profile.name}` }).waitFor();
    const previewRows = sidebar
      .getByRole('table', { name: 'First rows as they will land' })
      .locator('tbody tr');
    await previewRows.first().waitFor();
    expect(await previewRows.count()).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: screenshotPath('workbench-import-preview') });

    // Import and pull: the file's rows land in the month's tab (the seed imported it, nobody pulled yet).
    await sidebar.getByRole('button', { name: 'Import and pull' }).click();
    await sidebar
      .getByText(`rows of ${sample.profile.name} imported into`, { exact: false })
      .first()
      .waitFor({ timeout: 30_000 });
    const added = await sidebar.locator('.result').textContent();
    expect(added).toMatch(/Added\s*([1-9]\d*)/);
    await page.screenshot({ path: screenshotPath('workbench-import-pulled') });
    await page.close();
  }, 150_000);
});
