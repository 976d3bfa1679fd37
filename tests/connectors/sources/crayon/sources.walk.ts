/**
 * Seeds 003 and 004 in Chromium, one walk in the workbench (the real bundle in the emulator, the Crayon,
 * interworks.cloud and Autotask sandboxes), connected beforehand through the server functions (the
 * Connect screen and the wizard are walked in tests/browser): a Crayon month pulled alone from the Month
 * screen (monthly and annual seats, Azure in arrears, a pro-rata credit in the grid), an interworks.cloud
 * month pulled alone (its mid-month changes), the per-subscription picker on Contracts ("Create contract
 * for this subscription", then shown as its own), and a line's PSA contract changed in the grid's
 * dropdown and remembered for later months from the Month screen.
 * Not part of `npm test` (about 60 s idle, 117 s with the machine loaded, over the browser-test budget):
 * `npm run walk:sources` runs it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { sandboxOf } from '../../../../local/sandbox/registry';
import { DEMO_USERS, startWorkbench, type Workbench } from '../../../../local/workbench/server';
import { launch, screenshotPath, type Browser } from '../../../browser/chromium';
import { prepareTestProject, type TestProject } from '../../../browser/bundle';

const OWNER = DEMO_USERS[0].email;
const KINDS = ['crayon', 'interworks', 'autotask'];

describe('a Crayon and an interworks.cloud month in the sidebar, and the per-subscription picker', () => {
  let browser: Browser;
  let project: TestProject;
  let stateDir: string;
  let wb: Workbench;
  let page: Page;
  let sidebar: FrameLocator;

  const run = async (fn: string, ...args: unknown[]): Promise<unknown> => {
    const r = await wb.host.run(fn, args, { kind: 'sidebar', user: OWNER });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.value;
  };

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-sources-walk-'));
    [browser, project] = await Promise.all([launch(), prepareTestProject()]);
    wb = await startWorkbench({
      port: 0,
      stateDir,
      distDir: project.dir,
      reset: true,
      sandboxes: KINDS,
      log: () => undefined,
    });
    for (const kind of KINDS) await run('saveConnection', kind, sandboxOf(kind).demoCredentials());
    await run('refreshClients');
    const d = (await run('getDefaults')) as {
      settings: { global: Record<string, unknown> & { codes: Record<string, unknown> } };
      codes: { itemCodes: { id: string }[] };
    };
    await run('saveDefaults', {
      ...d.settings,
      global: {
        ...d.settings.global,
        productLifecycle: 'auto-create',
        codes: { ...d.settings.global.codes, itemCode: d.codes.itemCodes[0]?.id ?? null },
      },
    });
    await run('finishWizard');
    page = await browser.context.newPage();
    page.setDefaultTimeout(Number(process.env.WALK_TIMEOUT ?? 20_000));
    page.on('dialog', (dlg) => void dlg.accept());
    await page.goto(wb.url);
    await page.getByRole('button', { name: 'Extensions' }).click();
    await page.getByRole('menuitem', { name: 'BillGrid' }).click();
    await page.getByRole('menuitem', { name: 'Open BillGrid' }).click();
    sidebar = page.frameLocator('#sidebar-frame');
    await sidebar.getByRole('tab', { name: 'Month' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await wb?.stop();
    project?.cleanup();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const banner = () => sidebar.getByRole('alert');
  /** Waits for `done`, failing at once with the sidebar's error message if one shows instead. */
  const settle = async (done: Locator) => {
    const ok = done.waitFor().then(() => 'done');
    const failed = banner()
      .waitFor()
      .then(() => 'error');
    ok.catch(() => undefined);
    failed.catch(() => undefined);
    if ((await Promise.race([ok, failed])) === 'error') {
      expect(await banner().locator('span').textContent()).toBe('(no error)');
    }
    await done.waitFor();
  };
  const fact = (label: string) => sidebar.locator(`dt:text-is("${label}") + dd`);
  /** The month tab's rows as the emulator holds them (header first). */
  const grid = (): unknown[][] => {
    const sheet = wb.host.state().spreadsheets[0].sheets.find((s) => s.name === `Billing ${DEMO_MONTH}`);
    return (sheet?.rows ?? []).map((r) => (r ?? []).map((c) => c?.v ?? ''));
  };
  const rowsOf = (source: string) => {
    const [header, ...body] = grid();
    const at = (name: string) => header.indexOf(name);
    return body
      .map((r, i) => ({ r, row: i + 2 }))
      .filter(({ r }) => r[at('Source')] === source)
      .map(({ r, row }) => ({
        row,
        get: (name: string) => String(r[at(name)]),
        col: at('PSA contract') + 1,
      }));
  };

  it('walks both months, the picker and a line link remembered', async () => {
    const started = Date.now();
    // A Crayon month, pulled alone.
    await sidebar.getByRole('tab', { name: 'Month' }).click();
    await sidebar.getByLabel('Another month').fill(DEMO_MONTH);
    await sidebar.getByLabel('Pull from').selectOption({ label: 'Crayon' });
    await sidebar.getByRole('button', { name: 'Pull charges' }).click();
    await settle(sidebar.getByRole('heading', { name: /^Pulled into/ }));
    const crayonLines = Number(await fact('Lines').textContent());
    expect(crayonLines).toBeGreaterThan(5);
    await page.getByRole('tab', { name: `Billing ${DEMO_MONTH}` }).waitFor();
    const crayon = rowsOf('crayon');
    const kinds = new Set(crayon.map((x) => `${x.get('Cycle')}/${x.get('Charge type')}`));
    for (const k of ['monthly/recurring', 'annual/recurring', 'usage/arrears', 'monthly/pro-rata'])
      expect([k, kinds.has(k)]).toEqual([k, true]);
    await page.screenshot({ path: screenshotPath('sources-crayon-month') });

    // An interworks.cloud month, pulled alone: the Crayon rows stay.
    await sidebar.getByLabel('Pull from').selectOption({ label: 'interworks.cloud' });
    await sidebar.getByRole('button', { name: 'Pull charges' }).click();
    await settle(sidebar.locator('td', { hasText: 'interworks.cloud' }).first());
    const iw = rowsOf('interworks');
    expect(iw.length).toBeGreaterThan(3);
    const iwKinds = new Set(iw.map((x) => x.get('Charge type')));
    expect([iwKinds.has('recurring'), iwKinds.has('pro-rata')]).toEqual([true, true]);
    expect(rowsOf('crayon')).toHaveLength(crayon.length);

    // The per-subscription picker: a subscription of a customer with two or more gets its own contract.
    const linked = iw.filter((x) => x.get('PSA contract') !== '' && x.get('Charge type') === 'recurring');
    const subsOf = (customer: string) =>
      new Set(linked.filter((x) => x.get('Customer id') === customer).map((x) => x.get('Subscription')));
    const mine = linked.find((x) => subsOf(x.get('Customer id')).size > 1)!;
    expect(mine).toBeDefined();
    await sidebar.getByRole('tab', { name: 'Contracts' }).click();
    const item = sidebar.locator(
      `ul.sync-list li[data-service="${mine.get('Customer id')}/${mine.get('Subscription')}"]`,
    );
    await settle(item);
    await item.locator('summary', { hasText: 'Give it its own contract…' }).click();
    await item.getByRole('button', { name: 'Create contract for this subscription' }).click();
    await settle(
      sidebar
        .locator(`ul.sync-list li[data-service="${mine.get('Customer id')}/${mine.get('Subscription')}"]`)
        .locator('summary', { hasText: 'Own contract (this subscription only)' }),
    );
    await page.screenshot({ path: screenshotPath('sources-subscription-picker') });

    // Another subscription of that customer, changed in the grid's PSA contract dropdown to the new
    // contract, then remembered for later months from the Month screen.
    const other = iw.find(
      (x) =>
        x.get('Customer id') === mine.get('Customer id') &&
        x.get('Subscription') !== mine.get('Subscription') &&
        iw.filter((y) => y.get('Subscription') === x.get('Subscription')).length === 1,
    )!;
    expect(other).toBeDefined();
    const contracts = (await run('listServiceSync', DEMO_MONTH)) as {
      rows: { subscriptionId: string; contractId: string }[];
    };
    const own = contracts.rows.find((r) => r.subscriptionId === mine.get('Subscription'))!.contractId;
    await page.getByRole('tab', { name: `Billing ${DEMO_MONTH}` }).click();
    const dropdown = page
      .locator(`#grid td[data-r="${other.row}"][data-c="${other.col}"]`)
      .getByRole('combobox');
    const label = (await dropdown.locator('option').allTextContents()).find((t) => t.endsWith(`[${own}]`))!;
    expect(label).toBeDefined();
    await dropdown.selectOption({ label });
    await page
      .locator('#runlog-table')
      .getByRole('cell', { name: new RegExp(`!\\w+${other.row}$`) })
      .first()
      .waitFor();
    await sidebar.getByRole('tab', { name: 'Month' }).click();
    await sidebar.getByRole('button', { name: 'Remember links edited in the grid' }).click();
    await settle(sidebar.getByRole('heading', { name: /^Links edited in/ }));
    await sidebar.getByRole('cell', { name: 'contract', exact: true }).waitFor();
    expect(await sidebar.locator('.problems').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('sources-line-links') });
    // Remembered: the Contracts tab holds the subscription's own link.
    const sync = (await run('listServiceSync', DEMO_MONTH)) as {
      rows: { subscriptionId: string; contractId: string; ownRow: boolean }[];
    };
    expect(sync.rows.find((r) => r.subscriptionId === other.get('Subscription'))).toMatchObject({
      contractId: own,
      ownRow: true,
    });
    // The walk's own time (after the workbench is up), for the report.
    console.log(`sources walk: ${Date.now() - started} ms`);
  }, 120_000);
});
