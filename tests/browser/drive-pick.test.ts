/**
 * Import from Google Drive in the workbench (the real bundle in the emulator, the demo MSP): the Import
 * screen says what an admin must set while the Drive pick is not configured; once the script properties are
 * set, "Pick from Google Drive" opens the dialog, which signs in with Google Identity Services, shows
 * Google's Picker and reads the picked file from Drive — all three fakes of Google's browser APIs
 * (local/google/fake-google.ts) served in place of Google's hosts — and the sample export is previewed,
 * imported and pulled into the month. The token never reaches the server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { startWorkbench, type Workbench } from '../../local/workbench/server';
import { demoSeeds } from '../../local/sandbox/registry';
import { FakeGoogle, routeFakeGoogle } from '../../local/google/fake-google';
import { launch, screenshotPath, type Browser } from './chromium';
import { openSidebarFromMenu } from './sidebar-page';
import { prepareTestProject, type TestProject } from './bundle';

describe('import from Google Drive (workbench, fake Google APIs)', () => {
  let browser: Browser;
  let project: TestProject;
  let stateDir: string;
  let wb: Workbench;
  let page: Page;
  let sidebar: FrameLocator;
  const bodies: Array<{ url: string; body: string }> = [];
  const sent: string[] = [];

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-drive-'));
    [browser, project] = await Promise.all([launch(), prepareTestProject()]);
    wb = await startWorkbench({
      port: 0,
      stateDir,
      distDir: project.dir,
      reset: true,
      demo: true,
      log: () => undefined,
    });
    page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('response', (res) => {
      void res
        .text()
        .then((body) => bodies.push({ url: res.url(), body }))
        .catch(() => undefined);
    });
    page.on('request', (r) => {
      if (!/^https:\/\//.test(r.url())) sent.push(`${r.url()} ${r.postData() ?? ''}`);
    });
    await page.goto(wb.url);
    sidebar = await openSidebarFromMenu(page);
    await sidebar.getByRole('button', { name: 'Skip setup' }).click();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await wb?.stop();
    project?.cleanup();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('says what an admin must set, then picks a sample export from Drive, previews, imports and pulls it', async () => {
    const files = demoSeeds()
      .flatMap((s) => s.calls())
      .filter((c) => c.fn === 'importFile')
      .map((c) => c.args[0] as { file: { name: string; base64: string }; profile: { name: string } });
    const sample = files[0];
    const config = {
      clientId: '123456789012-abcdefghijklmnop.apps.googleusercontent.com',
      apiKey: 'AIzaSyFakeFakeFakeFakeFakeFakeFakeFake0',
      projectNumber: '123456789012',
    };
    const google = new FakeGoogle({
      ...config,
      files: [
        {
          id: 'drive-file-1',
          name: sample.file.name,
          mimeType: 'text/csv',
          bytes: Buffer.from(sample.file.base64, 'base64'),
        },
        {
          id: 'drive-file-2',
          name: 'not-picked.csv',
          mimeType: 'text/csv',
          bytes: Buffer.from('a,b\n1,2\n'),
        },
      ],
    });
    await routeFakeGoogle(browser.context, google);

    // Not configured: the Import screen says what an admin must set, and offers no Drive button.
    await sidebar.getByRole('tab', { name: 'Import' }).click();
    const drive = sidebar.locator('[data-drive]');
    await sidebar.locator('[data-drive="not-configured"]').waitFor();
    expect(await drive.textContent()).toContain('BILLGRID_DRIVE_CLIENT_ID');
    expect(await sidebar.getByRole('button', { name: 'Pick from Google Drive' }).count()).toBe(0);

    // An admin sets the Cloud project's public configuration in script properties.
    Object.assign(wb.host.state().properties.script, {
      BILLGRID_DRIVE_CLIENT_ID: config.clientId,
      BILLGRID_DRIVE_API_KEY: config.apiKey,
      BILLGRID_DRIVE_PROJECT_NUMBER: config.projectNumber,
    });
    await sidebar.getByRole('tab', { name: 'Month' }).click();
    await sidebar.getByRole('tab', { name: 'Import' }).click();
    await sidebar.getByLabel('Another month').fill('2026-10');
    await sidebar.getByRole('button', { name: 'Pick from Google Drive' }).click();

    // The dialog: Google sign-in (drive.file token in the browser), Google's Picker, then Drive files.get.
    const dialog = page.frameLocator('#script-dialog-frame');
    await dialog.getByRole('button', { name: 'Choose a file in Google Drive' }).click();
    await dialog
      .getByRole('dialog', { name: 'Google Picker' })
      .getByRole('button', { name: sample.file.name })
      .click();
    await page.locator('#script-dialog').waitFor({ state: 'hidden' });
    await sidebar.getByRole('heading', { name: `Remembered profile: ${sample.profile.name}` }).waitFor();
    await sidebar
      .getByRole('table', { name: 'First rows as they will land' })
      .locator('tbody tr')
      .first()
      .waitFor();
    await page.screenshot({ path: screenshotPath('workbench-import-drive-preview') });
    await sidebar.getByRole('button', { name: 'Import and pull' }).click();
    await sidebar
      .getByText(`rows of ${sample.profile.name} imported into`, { exact: false })
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await sidebar.locator('.result').textContent()).toMatch(/Added\s*([1-9]\d*)/);

    // The token came from the fake Google to the page and went only to Google's hosts: one Drive read with
    // it, of the picked file; it was revoked afterwards; nothing the workbench (the server) got carries it.
    const tokens = [...google.tokens.keys()];
    expect(tokens).toHaveLength(1);
    const token = tokens[0];
    expect(google.tokens.get(token)?.scope).toEqual(['https://www.googleapis.com/auth/drive.file']);
    expect(google.tokens.get(token)?.revoked).toBe(true);
    expect(
      google.log
        .filter((r) => r.url.startsWith('https://www.googleapis.com/drive/v3/files/'))
        .map((r) => [r.url, r.status, r.auth]),
    ).toEqual([['https://www.googleapis.com/drive/v3/files/drive-file-1', 200, `Bearer ${token}`]]);
    expect(sent.filter((r) => r.includes(token))).toEqual([]);
    expect(sent.some((r) => r.includes('uploadFileChunk'))).toBe(true);
    expect(
      bodies.filter((b) => !b.url.startsWith('https://') && b.body.includes(token)).map((b) => b.url),
    ).toEqual([]);
  }, 120_000);
});
