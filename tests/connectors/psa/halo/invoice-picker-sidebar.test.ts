/**
 * Browser walk of the invoice picker (issue #16 item 8) in the built sidebar at 300 px (the sidebar
 * harness, tests/browser): a Clients row of a HaloPSA client, its settings, "Choose from the PSA’s
 * invoices" answered by the real HaloPSA target against the sandbox (the client's open invoices by
 * number, date and reference; its recurring invoices by id, reference, amount a period and next period),
 * a stale choice kept and marked, and the chosen recurring invoice saved as the container the push
 * understands, with the client's "latest invoice" settings; and the Defaults screen saying where its
 * income and expense codes come from (HaloPSA's API has no accounts list) and offering the latest-invoice rule. Only listClients / listInvoiceChoices / saveClientOverrides are stood in for (the
 * harness's fake Apps Script has no PSA connection).
 */
import type { Page } from 'playwright-core';
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS, clientIdOf } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { sidebarApi } from '../../../../src/api';
import type { DefaultsView } from '../../../../src/api/jobs';
import { psaConnector } from '../../../../src/connectors/registry';
import { parseBillingSettings } from '../../../../src/core/settings';
import {
  overridesInput,
  type ClientOverrides,
  type ClientRow,
  type ClientsView,
} from '../../../../src/api/clients';
import { createHaloTarget, parseContainer, policy } from '../../../../src/connectors/psa/halo';
import { launch, screenshotPath, type Browser } from '../../../browser/chromium';
import { startSidebarHarness, type Harness } from '../../../browser/sidebar-harness';
import { TENANT_URL, testHttp } from './support/http';
import { isOpenInvoice } from './support/scenario';

const api = sidebarApi as unknown as Record<string, (...a: unknown[]) => unknown>;
/** What the stood-in server functions answer in the test (set there); the harness copies the API at start. */
const stand: Record<string, ((...a: unknown[]) => unknown) | null> = {
  listClients: null,
  listInvoiceChoices: null,
  saveClientOverrides: null,
  getDefaults: null,
  saveDefaults: null,
};
const real = Object.fromEntries(Object.keys(stand).map((f) => [f, api[f]]));
for (const f of Object.keys(stand)) api[f] = (...a: unknown[]) => (stand[f] ?? real[f])(...a);

describe('HaloPSA invoice picker in the sidebar', () => {
  let sb: RunningSandboxes;
  let browser: Browser;
  let harness: Harness;
  let page: Page;

  beforeAll(async () => {
    [sb, browser, harness] = await Promise.all([
      startSandboxes([{ kind: 'halo' }]),
      launch({ width: 300, height: 900 }),
      startSidebarHarness(),
    ]);
  });
  afterAll(async () => {
    for (const f of Object.keys(stand)) api[f] = real[f];
    await browser?.close();
    await harness?.stop();
    await sb?.stop();
  });

  it('lists the client’s open and recurring invoices and saves the chosen one as its target', async () => {
    const cid = clientIdOf('c01');
    const state = await sb.admin('halo').state<HaloState>();
    const t = testHttp(policy, sb.urls.halo);
    const target = createHaloTarget(
      { baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS },
      t.http,
      { now: t.now },
    );
    let row: ClientRow = {
      source: 'pax8',
      sourceName: 'Pax8',
      customerId: 'px-acme',
      customerName: 'Acme Dental Group',
      companyId: String(cid),
      companyName: 'Acme Dental Group, LLC',
      companyActive: true,
      status: 'confirmed',
      score: null,
      // A choice made earlier whose invoice has since been posted: kept, and marked.
      overrides: { targetInvoiceId: 'invoice:999999' },
      contractName: null,
      lastInvoice: null,
      recurringInvoices: [],
      canPickInvoice: true,
      billsOnInvoices: true,
      parentId: null,
      parentName: null,
    };
    const view = (): ClientsView => ({
      rows: [row],
      companies: [],
      problems: [],
      canCreateInPsa: false,
      sourceNames: { pax8: 'Pax8' },
    });
    const saves: { customerId: string; overrides: ClientOverrides }[] = [];
    stand.listClients = () => view();
    stand.listInvoiceChoices = () => ({
      companyName: row.companyName,
      choices: target.listInvoices(String(cid)),
    });
    stand.saveClientOverrides = (a: unknown) => {
      const s = a as { customerId: string; overrides: ClientOverrides };
      saves.push(s);
      row = { ...row, overrides: s.overrides };
      return view();
    };

    // What a person must see, from the sandbox's records: open invoices newest first, then recurring ones.
    const open = state.invoices
      .filter((i) => i.client_id === cid && isOpenInvoice(i))
      .sort((a, b) => ((a.invoice_date ?? '') < (b.invoice_date ?? '') ? 1 : -1));
    const recurring = state.recurringInvoices.filter((r) => r.client_id === cid);
    expect(open.length).toBeGreaterThan(0);
    expect(recurring.length).toBeGreaterThan(0);
    const amount = (r: HaloState['recurringInvoices'][number]) =>
      r.lines
        .filter((l) => !l.isinactive)
        .reduce((n, l) => n + Math.round(Number(l.qty_order) * Number(l.unit_price) * 100), 0) / 100;
    const expected = [
      'As in Defaults',
      ...open.map((i) =>
        [`Invoice ${i.invoicenumber}`, `id ${i.id}`, (i.invoice_date ?? '').slice(0, 10), i.reference]
          .filter(Boolean)
          .join(' · '),
      ),
      ...recurring.map((r) =>
        [
          `Recurring ${r.id}`,
          r.reference,
          `${amount(r).toFixed(2)} a period`,
          `next ${String(r.nextcreationdate).slice(0, 10)}`,
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      'Chosen: invoice:999999 (no longer open)',
    ];

    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(harness.url);
      await page.getByRole('button', { name: 'Skip setup' }).click();
      await page.getByRole('tab', { name: 'Clients' }).click();
      const client = page.locator('details.client[data-customer="px-acme"]');
      await client.locator(':scope > summary').click();
      const settings = client.locator('details.client-settings');
      await settings.locator(':scope > summary').click();
      const select = settings.getByLabel('Target invoice');
      // Before loading: "As in Defaults" and the stored choice only (no free-text id field).
      expect(await select.locator('option').allTextContents()).toEqual([
        'As in Defaults',
        'Chosen: invoice:999999',
      ]);
      expect(await settings.locator('input[type="text"]').count()).toBe(0);
      await settings.getByRole('button', { name: 'Choose from the PSA’s invoices' }).click();
      await select
        .locator('option', { hasText: `Recurring ${recurring[0].id}` })
        .waitFor({ state: 'attached' });
      expect(await select.locator('option').allTextContents()).toEqual(expected);
      expect(await select.inputValue()).toBe('invoice:999999');
      await page.screenshot({ path: screenshotPath('sidebar-halo-invoice-picker') });

      await select.selectOption({ label: expected[1 + open.length] });
      // Which invoice is the latest, and what happens when none is (#16 item 5): the client's own choice.
      await settings
        .getByLabel('The latest invoice is')
        .selectOption({ label: 'The newest invoice not yet paid (sent ones too)' });
      await settings
        .getByLabel('When no invoice qualifies as the latest')
        .selectOption({ label: 'Bill them on a new invoice for the month' });
      await settings.getByRole('button', { name: 'Save client settings' }).click();
      await page.getByText('Settings saved for Acme Dental Group.').waitFor();
      expect(saves).toHaveLength(1);
      expect(saves[0].customerId).toBe('px-acme');
      const chosen = saves[0].overrides.targetInvoiceId ?? '';
      expect(parseContainer(chosen)).toEqual({ kind: 'recurring', id: recurring[0].id });
      expect(saves[0].overrides).toMatchObject({ latestInvoice: 'unpaid', noLatestInvoice: 'new' });
      // What the sidebar sent is what the server function accepts (zod at the boundary).
      expect(overridesInput.safeParse({ source: 'pax8', ...saves[0] }).success).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('Defaults: says where the income and expense codes come from, and offers which invoice is the latest', async () => {
    const t = testHttp(policy, sb.urls.halo);
    const target = createHaloTarget(
      { baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS },
      t.http,
      { now: t.now },
    );
    target.listProducts();
    const codes = target.listCodes();
    const origins = psaConnector('halo').codeOrigins ?? {};
    const base = real.getDefaults() as DefaultsView;
    let saved: unknown = null;
    // What getDefaults answers with HaloPSA connected (the harness has no PSA connection).
    const view = (): DefaultsView => ({
      ...base,
      codes: { ...codes, services: [] },
      psaRead: true,
      billsOnInvoices: true,
      codeOrigins: origins,
    });
    stand.getDefaults = () => view();
    stand.saveDefaults = (a: unknown) => {
      saved = a;
      return view();
    };
    expect(origins.incomeAccounts).toMatch(/items carry/);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(harness.url);
      // Setup was skipped in the test before (the harness keeps it); a test run alone still sees it.
      const defaultsTab = page.getByRole('tab', { name: 'Defaults' });
      const skip = page.getByRole('button', { name: 'Skip setup' });
      await skip.or(defaultsTab).first().waitFor();
      if (await skip.isVisible()) await skip.click();
      await defaultsTab.click();
      const hintOf = async (label: string) => {
        const id = await page.getByLabel(label, { exact: true }).getAttribute('aria-describedby');
        return id ? page.locator(`[id="${id}"]`).textContent() : null;
      };
      expect(await hintOf('Income account')).toBe(origins.incomeAccounts);
      expect(await hintOf('Expense (COGS) account')).toBe(origins.expenseAccounts);
      // The income codes offered are the ones the tenant's items carry.
      expect(
        await page.getByLabel('Income account', { exact: true }).locator('option').allTextContents(),
      ).toEqual(['None', ...codes.incomeAccounts.map((c) => c.name)]);
      const latest = page.getByLabel('The latest invoice is', { exact: true });
      expect(await latest.locator('option').allTextContents()).toEqual([
        'The newest invoice not yet sent',
        'The newest invoice not yet paid (sent ones too)',
      ]);
      await latest.selectOption({ label: 'The newest invoice not yet paid (sent ones too)' });
      await page
        .getByLabel('When no invoice qualifies as the latest', { exact: true })
        .selectOption({ label: 'Bill them on a new invoice for the month' });
      await page.getByRole('button', { name: 'Save defaults' }).click();
      await page.getByRole('status').filter({ hasText: 'Defaults saved.' }).first().waitFor();
      const parsed = parseBillingSettings(saved);
      expect(parsed.ok && parsed.settings.global).toMatchObject({
        latestInvoice: 'unpaid',
        noLatestInvoice: 'new',
      });
      await page.screenshot({ path: screenshotPath('sidebar-halo-defaults-latest') });
    } finally {
      await page.close();
    }
  });
});
