/**
 * A Kaseya BMS month in the workbench, in Chromium, as a finance user does it in the sidebar (issue #19's
 * browser walk): connect Datto RMM, IT Glue and Kaseya BMS with the sandboxes' demo credentials and test each;
 * refresh clients (BMS's KaseyaOne organisation mappings come in as confirmed mappings); finish the wizard;
 * pull October; map the module SKUs to BMS catalogue services; on Contracts stop one contract service's sync;
 * review, approve in bulk, push: the units are on the contracts once and the stopped service is untouched; a
 * second push changes nothing; resumed and approved, its "Sync now" pushes exactly that service, and a second
 * "Sync now" nothing. Screenshots go to artifacts/screenshots/kaseya-*.png.
 *
 * Part of `npm test` (it was `npm run walk:browser` before): a workbench of its own with the three sandboxes
 * and the shared browser harnesses (tests/browser/chromium.ts, bundle.ts, sidebar-page.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { startWorkbench, type Workbench } from '../../../../local/workbench/server';
import { demoCredentials } from '../../../../local/workbench/demo-credentials';
import { SandboxAdmin } from '../../../../local/sandbox/framework';
import { SERVICE } from '../../../../local/sandbox/kaseya-bms/fixture';
import type { BmsState } from '../../../../local/sandbox/kaseya-bms/server';
import { launch, screenshotPath, type Browser } from '../../../browser/chromium';
import { prepareTestProject, type TestProject } from '../../../browser/bundle';
import { openSidebarFromMenu, settleSidebar } from '../../../browser/sidebar-page';

const MONTH = '2026-10';
const KINDS = ['datto-rmm', 'it-glue', 'kaseya-bms'];
/** The module SKUs and the BMS catalogue service each is billed as (a person's product mapping). */
const SERVICES: Record<string, number> = {
  'DATTO-RMM-WORKSTATIONS': SERVICE.rmmWorkstation,
  'DATTO-RMM-SERVERS': SERVICE.rmmServer,
  'DATTO-RMM-NETWORK-DEVICES': SERVICE.rmmNetwork,
  'IT-GLUE-MANAGED-WORKSTATION': SERVICE.itGlue,
};

describe('a Kaseya BMS month in the workbench (Datto RMM + IT Glue → Kaseya BMS)', () => {
  let browser: Browser;
  let project: TestProject;
  let stateDir: string;
  let workbench: Workbench;
  let page: Page;
  let sidebar: FrameLocator;
  let reached = 0;

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-kaseya-'));
    [browser, project] = await Promise.all([launch({ width: 1400, height: 1000 }), prepareTestProject()]);
    workbench = await startWorkbench({
      port: 0,
      stateDir,
      distDir: project.dir,
      reset: true,
      sandboxes: KINDS,
      log: () => undefined,
    });
    page = await browser.context.newPage();
    page.on('dialog', (d) => void d.accept());
    page.setDefaultTimeout(Number(process.env.WALK_TIMEOUT ?? 60_000));
    await page.goto(workbench.url);
    sidebar = await openSidebarFromMenu(page);
  });
  afterAll(async () => {
    await browser?.close();
    await workbench?.stop();
    project?.cleanup();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const settle = (done: Locator) => settleSidebar(page, sidebar, done, 'kaseya-failure');
  const fact = (label: string) => sidebar.locator(`dt:text-is("${label}") + dd`);
  const shot = (name: string) => page.screenshot({ path: screenshotPath(`kaseya-${name}`) });
  /** The month's Clients tab rows by header, as the workbook holds them. */
  const clientsTab = (): Array<Record<string, string>> => {
    const tab = workbench.host.state().spreadsheets[0].sheets.find((x) => x.name === 'Clients');
    const [head, ...body] = (tab?.rows ?? []).map((r) => (r ?? []).map((c) => String(c?.v ?? '')));
    return body.map((r) => Object.fromEntries((head ?? []).map((h, k) => [h, r[k] ?? ''])));
  };

  it('connects Datto RMM, IT Glue and Kaseya BMS and tests each', async () => {
    await sidebar.getByText('Step 1 of 5').waitFor();
    const creds = await demoCredentials(KINDS);
    expect(creds.map((c) => c.kind).sort()).toEqual([...KINDS].sort());
    for (const c of creds) {
      const card = sidebar.locator(`details[data-kind="${c.kind}"]`);
      if ((await card.getAttribute('open')) === null) await card.locator('summary').click();
      for (const f of c.fields) await card.getByLabel(f.label, { exact: true }).fill(f.value);
      await card.getByRole('button', { name: 'Save' }).click();
      await settle(card.locator('.chip', { hasText: 'Saved' }));
      await card.getByRole('button', { name: 'Test connection' }).click();
      await settle(card.locator('.chip', { hasText: 'Connected' }));
    }
    await shot('1-connect');
    reached = 1;
  });

  it("refreshes clients: BMS's organisation mappings come in as confirmed mappings; finishes the wizard", async () => {
    expect(reached).toBe(1);
    await sidebar.getByRole('button', { name: 'Next' }).click();
    await sidebar.getByText('Step 2 of 5').waitFor();
    await settle(fact('Source customers'));
    // Acme's Datto sites (HQ and its North sub-organisation) and Cedar & Pine's IT Glue organisation.
    const confirmed = clientsTab().filter((r) => Object.values(r).some((v) => /confirmed/i.test(v)));
    const ids = confirmed.map((r) => Object.values(r).join(' '));
    for (const id of ['site-acme-hq', 'site-acme-north', 'site-blueharbor', '3300412'])
      expect(ids.some((t) => t.includes(id))).toBe(true);
    await shot('2-clients');
    for (const step of ['Step 3 of 5', 'Step 4 of 5', 'Step 5 of 5']) {
      await sidebar.getByRole('button', { name: 'Next' }).click();
      await sidebar.getByText(step).waitFor();
    }
    await sidebar.getByRole('button', { name: 'Finish' }).click();
    await sidebar.getByRole('tab', { name: 'Month' }).waitFor();
    reached = 2;
  });

  it('pulls October and maps the module SKUs to BMS services', async () => {
    expect(reached).toBe(2);
    await sidebar.getByRole('tab', { name: 'Month' }).click();
    await sidebar.getByLabel('Another month').fill(MONTH);
    await sidebar.getByRole('button', { name: 'Pull charges' }).click();
    await settle(sidebar.getByRole('heading', { name: /^Pulled into/ }));
    expect(Number(await fact('Lines').textContent())).toBeGreaterThan(10);
    await sidebar.getByRole('tab', { name: 'Products' }).click();
    await settle(fact('SKUs'));
    for (const [sku, service] of Object.entries(SERVICES)) {
      const row = sidebar.locator(`ul.to-map li[data-sku="${sku}"]`);
      await row.locator('select').selectOption(String(service));
      await row.getByRole('button', { name: 'Save' }).click();
      await settle(sidebar.locator(`li[data-sku="${sku}"] .mapping`, { hasText: '(by hand)' }));
    }
    await shot('3-products');
    reached = 3;
  });

  /** Blue Harbor's workstations: one contract service of its own (contract 8003) on Contracts. */
  const HARBOR = 'site-blueharbor/site-blueharbor:workstations';
  const harborRow = () => sidebar.locator(`ul.sync-list li[data-service="${HARBOR}"]`);
  const bmsUnits = async (contract: number, service: number) =>
    (await new SandboxAdmin(workbench.sandboxUrls['kaseya-bms']).state<BmsState>()).lines
      .filter((l) => l.ContractId === contract && l.ServiceId === service)
      .map((l) => l.Units);
  let harborBefore: number[] = [];

  it("stops one contract service's sync on Contracts (billed by hand)", async () => {
    expect(reached).toBe(3);
    harborBefore = await bmsUnits(8003, SERVICE.rmmWorkstation);
    await sidebar.getByRole('tab', { name: 'Contracts' }).click();
    await settle(harborRow());
    await harborRow().getByRole('button', { name: 'Stop sync' }).click();
    await settle(harborRow().locator('.mapping', { hasText: /^Sync stopped: bill by hand/ }));
    reached = 4;
  });

  it('reviews, approves in bulk and pushes; the units are on the contracts once, the stopped service untouched; a second push changes nothing', async () => {
    expect(reached).toBe(4);
    await sidebar.getByRole('tab', { name: 'Review' }).click();
    await settle(sidebar.getByRole('heading', { name: /^Differences with the PSA \(\d+\)$/ }));
    await sidebar.getByRole('button', { name: 'Approve', exact: true }).click();
    await settle(fact('Approved').filter({ hasText: /^[1-9]\d*$/ }));
    await shot('4-review');

    await sidebar.getByRole('tab', { name: 'Push' }).click();
    await sidebar.getByRole('button', { name: 'Push approved rows' }).click();
    await settle(sidebar.getByRole('heading', { name: 'Push finished' }));
    expect(Number(await fact('Applied').textContent())).toBeGreaterThan(0);
    expect(Number(await fact('Failed').textContent())).toBe(0);
    await shot('5-pushed');
    // Acme: HQ 22 + North 6 workstations on its one existing line; Cedar & Pine: 55 IT Glue workstations.
    expect(await bmsUnits(8001, SERVICE.rmmWorkstation)).toEqual([28]);
    expect(await bmsUnits(8004, SERVICE.itGlue)).toEqual([55]);
    // Blue Harbor's stopped workstations keep what BMS had (the month counts 38).
    expect(harborBefore).toHaveLength(1);
    expect(harborBefore).not.toEqual([38]);
    expect(await bmsUnits(8003, SERVICE.rmmWorkstation)).toEqual(harborBefore);

    await sidebar.getByRole('button', { name: 'Push approved rows' }).click();
    await settle(fact('Applied').filter({ hasText: /^0$/ }));
    expect(Number(await fact('Failed').textContent())).toBe(0);
    await shot('6-pushed-again');
    reached = 5;
  });

  it('resumed and approved, "Sync now" pushes exactly that service; again, nothing', async () => {
    expect(reached).toBe(5);
    await sidebar.getByRole('tab', { name: 'Contracts' }).click();
    await settle(harborRow());
    await harborRow().getByRole('button', { name: 'Resume sync' }).click();
    await settle(harborRow().getByRole('button', { name: 'Stop sync' }));
    await sidebar.getByRole('tab', { name: 'Review' }).click();
    await settle(sidebar.getByRole('heading', { name: /^Differences with the PSA \(\d+\)$/ }));
    await sidebar.getByRole('button', { name: 'Approve', exact: true }).click();
    // Only the resumed service's row was left to approve.
    await settle(sidebar.locator('.toast', { hasText: /^Approved 1 of \d+ matching rows\.$/ }));

    await sidebar.getByRole('tab', { name: 'Contracts' }).click();
    await settle(harborRow());
    const acme = await bmsUnits(8001, SERVICE.rmmWorkstation);
    await harborRow().getByRole('button', { name: 'Sync now' }).click();
    await settle(sidebar.locator('.toast', { hasText: /^Synced .*: 1 changed/ }));
    expect(await bmsUnits(8003, SERVICE.rmmWorkstation)).toEqual([38]);
    expect(await bmsUnits(8001, SERVICE.rmmWorkstation)).toEqual(acme);
    await settle(harborRow().locator('.mapping', { hasText: /^Last sync \d{4}-/ }));
    await shot('7-sync-now');
    await harborRow().getByRole('button', { name: 'Sync now' }).click();
    await settle(sidebar.locator('.toast', { hasText: /^Synced .*: 0 changed/ }));
    expect(await bmsUnits(8003, SERVICE.rmmWorkstation)).toEqual([38]);
  });
});
