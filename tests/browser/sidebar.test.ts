/**
 * The built sidebar in Chromium at 300 px, over the real server functions (in-process, fake Apps
 * Script globals): wizard, Connect screen, masking, readable errors, rights and keyboard use.
 */
import type { Locator, Page } from 'playwright-core';
import { createGasEnvironment, createState } from '../../local/gas';
import { ledgerChain } from '../../src/jobs/ledger-guard';
import { appendLedger, readLedger } from '../../src/sheets/ledger';
import { launch, screenshotPath, type Browser } from './chromium';
import { startSidebarHarness, type Harness } from './sidebar-harness';
import { MALFORMED, connectionToFill } from './connection';
import { sidebarApi } from '../../src/api';
import type { ClientRow, ClientsView } from '../../src/api/clients';
import type { DryRun } from '../../src/api/jobs';
import type { ProductRow, ProductsView } from '../../src/api/products';

/** The Clients list one test shows (mapped customers of four integrations); null: the real, empty one. */
let fakeClients: ClientsView | null = null;
const api = sidebarApi as unknown as Record<string, (...a: unknown[]) => unknown>;
const realListClients = api.listClients;
api.listClients = (...a: unknown[]) => fakeClients ?? realListClients(...a);

/**
 * Connected sources and PSA as the wizard sees them, with a client refresh that takes `ms` and reports a
 * step of its progress meanwhile; null: the real, unconnected state.
 */
let slowRefresh: { ms: number; calls: number } | null = null;
const realSetupState = api.getSetupState;
api.getSetupState = (...a: unknown[]) => {
  const s = realSetupState(...a) as Record<string, unknown>;
  return slowRefresh ? { ...s, sourcesConnected: 1, psaConnected: 1 } : s;
};
const realRefresh = api.refreshClients;
api.refreshClients = (...a: unknown[]) => {
  const slow = slowRefresh;
  if (!slow) return realRefresh(...a);
  slow.calls++;
  const summary = {
    customers: 3,
    companies: 2,
    matched: 2,
    kept: 0,
    ambiguous: 0,
    unmatched: 1,
    contractsLinked: 2,
    toMap: [
      {
        source: 'alpha',
        customerId: 'c3',
        customerName: 'Crestview Clinic',
        outcome: 'unmatched',
        message: 'No company is 90 % like it',
        candidates: [],
      },
    ],
    problems: [],
  };
  return new Promise((resolve) => setTimeout(() => resolve(summary), slow.ms));
};
const realProgress = api.getJobProgress;
api.getJobProgress = (...a: unknown[]) =>
  slowRefresh ? { runId: 'refresh', step: 'Reading Alpha customers', done: 3, total: 5 } : realProgress(...a);

/** A dry run refused in manual product mode and the month's products, as the server would send them. */
let fakeRefusal: { dry: DryRun; products: ProductsView } | null = null;
const realDryRun = api.dryRunPush;
api.dryRunPush = (...a: unknown[]) => fakeRefusal?.dry ?? realDryRun(...a);
const realMonths = api.listBillingMonths;
api.listBillingMonths = (...a: unknown[]) =>
  fakeRefusal ? { months: ['2026-10'], suggested: '2026-10' } : realMonths(...a);
const realProducts = api.listProductMappings;
api.listProductMappings = (...a: unknown[]) => fakeRefusal?.products ?? realProducts(...a);

const clientRow = (
  source: string,
  customerName: string,
  companyId: string,
  companyName: string,
): ClientRow => ({
  source,
  sourceName: source,
  customerId: `${source}-${customerName}`,
  customerName,
  companyId,
  companyName,
  companyActive: companyId !== 'B',
  companyCode: companyId === 'B' ? 'BLUEH-7' : null,
  status: 'confirmed',
  score: null,
  overrides: {},
  contractName: null,
  lastInvoice: null,
  recurringInvoices: [],
  canPickInvoice: false,
  parentId: null,
  parentName: null,
});

const CONN = connectionToFill();
const SECRET = CONN.values[CONN.secret.name];
const SHOWN = CONN.values[CONN.shown.name];

describe('sidebar (built sidebar.html)', () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;

  beforeAll(async () => {
    [browser, harness] = await Promise.all([launch({ width: 300, height: 800 }), startSidebarHarness()]);
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });
  beforeEach(async () => {
    harness.gas.props.clear();
    harness.gas.docProps.clear();
    harness.gas.user = 'owner@northwind.example';
    harness.gas.editors = null;
    harness.bodies.length = 0;
    page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(harness.url);
  });
  afterEach(() => page.close());

  const card = () => page.locator(`details[data-kind="${CONN.c.id}"]`);
  /** Only the first unconfigured connection (in the registry's order) starts open. */
  const openCard = async () => {
    await card().waitFor();
    if ((await card().getAttribute('open')) === null) await card().locator('summary').click();
  };
  /** Types the demo credentials into the card, `patch` changing some. */
  const fillCard = async (patch: Record<string, string> = {}) => {
    for (const f of CONN.fields)
      await card()
        .getByLabel(f.label, { exact: true })
        .fill(patch[f.name] ?? CONN.values[f.name] ?? '');
  };

  it('opens on the setup wizard, saves credentials and never gets the secret back', async () => {
    await page.getByRole('heading', { name: 'Set up BillGrid' }).waitFor();
    await page.getByText('Step 1 of 5').waitFor();
    await openCard();
    await fillCard();
    await card().getByRole('button', { name: 'Save' }).click();
    await card().locator('.chip', { hasText: 'Saved' }).waitFor();
    await page.getByText(`${CONN.c.displayName} credentials saved.`).waitFor();
    await page.locator('.who .role', { hasText: 'Owner' }).waitFor();

    expect(await card().getByLabel(CONN.secret.label, { exact: true }).inputValue()).toBe('');
    expect(await card().getByLabel(CONN.shown.label, { exact: true }).getAttribute('placeholder')).toBe(
      `••••${SHOWN.slice(-4)}`,
    );
    await page.screenshot({ path: screenshotPath('sidebar-wizard-connect') });
    const dom = await page.content();
    expect(dom).not.toContain(SECRET);
    expect(dom).not.toContain(SHOWN);
    expect(harness.bodies.some((b) => b.includes(SECRET))).toBe(false);
    expect(harness.gas.docProps.get(`billgrid.secret.${CONN.c.id}`)).toContain(SECRET);

    // Test connection: no tester registered in this build yet.
    await card().getByRole('button', { name: 'Test connection' }).click();
    await card().getByText(`Testing ${CONN.c.displayName} is not yet available in this version.`).waitFor();
  });

  it('shows validation errors from the server in the banner, without the value', async () => {
    await openCard();
    await fillCard({ [CONN.shown.name]: MALFORMED });
    await card().getByRole('button', { name: 'Save' }).click();
    const banner = page.getByRole('alert');
    await banner.getByText(CONN.message).waitFor();
    expect(await banner.textContent()).not.toContain('oops');
    await page.screenshot({ path: screenshotPath('sidebar-validation-error') });
  });

  it('finishes the wizard into keyboard-navigable tabs', async () => {
    await page.getByRole('button', { name: 'Skip setup' }).click();
    const tabs = page.getByRole('tab');
    expect(await tabs.allTextContents()).toEqual([
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
    ]);
    await page.getByRole('tab', { name: 'Connect' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Clients' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tabpanel').getByRole('heading', { name: 'Clients', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Mapped clients (0)' }).waitFor();
    await page.getByRole('button', { name: 'Refresh from sources and PSA' }).waitFor();
    await page.screenshot({ path: screenshotPath('sidebar-tabs') });
    await page.keyboard.press('End');
    expect(await page.getByRole('tab', { name: 'Schedule' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tabpanel').getByRole('heading', { name: 'Schedule' }).waitFor();

    // Wizard state lives server-side: a reload opens on the tabs.
    await page.reload();
    await page.getByRole('tab', { name: 'Connect' }).waitFor();
  });

  it("the wizard's first visit to Clients refreshes by itself, showing its progress; Back and Next do not redo it", async () => {
    slowRefresh = { ms: 2500, calls: 0 };
    try {
      await page.reload();
      await page.getByText('Step 1 of 5').waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText('Step 2 of 5').waitFor();
      // Nobody pressed Refresh: the progress bar shows the step the server reports while it reads.
      await page.locator('.progress-label', { hasText: 'Reading Alpha customers (3 of 5)' }).waitFor();
      expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('60');
      await page.getByRole('heading', { name: 'Still to map (1)' }).waitFor();
      expect(await page.locator('.progress-label').count()).toBe(0);
      await page.locator('ul.to-map li', { hasText: 'Crestview Clinic' }).waitFor();
      expect(slowRefresh.calls).toBe(1);
      // Back to Connect and Next again: the step is drawn again without a second refresh.
      await page.getByRole('button', { name: 'Back' }).click();
      await page.getByText('Step 1 of 5').waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText('Step 2 of 5').waitFor();
      await page.getByRole('heading', { name: 'Mapped clients (0)' }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(slowRefresh.calls).toBe(1);
      expect(await page.locator('.progress-label').count()).toBe(0);
    } finally {
      slowRefresh = null;
    }
  });

  it('manual product mode: a refused dry run lists each product to map, each opening Products on it', async () => {
    const product = (sku: string, name: string): ProductRow => ({
      source: 'alpha',
      sourceName: 'Alpha',
      sku,
      name,
      lines: 2,
      productId: null,
      productName: null,
      status: null,
      unmapped: 'manual',
    });
    fakeRefusal = {
      dry: {
        month: '2026-10',
        steps: [],
        total: 0,
        byOperation: {},
        skipped: 0,
        refused: {
          message:
            "Nothing was pushed: 2 product(s) of approved lines are not mapped yet ('SKU-B', 'SKU-C').",
          productsToMap: [
            { source: 'alpha', sku: 'SKU-B', description: 'Backup', lines: 2 },
            { source: 'alpha', sku: 'SKU-C', description: 'Calls', lines: 1 },
          ],
        },
      },
      products: {
        month: '2026-10',
        rows: [product('SKU-A', 'Antivirus'), product('SKU-B', 'Backup'), product('SKU-C', 'Calls')],
        products: [{ id: '9', name: 'Generic' }],
        defaultItem: null,
      },
    };
    try {
      await page.getByRole('button', { name: 'Skip setup' }).click();
      await page.getByRole('tab', { name: 'Push' }).click();
      await page.getByRole('button', { name: 'Dry run' }).click();
      await page.getByRole('heading', { name: 'Dry run: nothing would be sent' }).waitFor();
      const refusal = page.locator('.problems.refused');
      const skus = (items: Locator) => items.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-sku')));
      expect(await skus(refusal.locator('li'))).toEqual(['SKU-B', 'SKU-C']);
      await page.screenshot({ path: screenshotPath('sidebar-manual-mode-refusal') });

      await refusal.getByRole('button', { name: 'Map SKU-C in Products' }).click();
      await page.locator('li[data-sku="SKU-C"].focus').waitFor();
      expect(await page.getByRole('tab', { name: 'Products' }).getAttribute('aria-selected')).toBe('true');
      expect(await skus(page.locator('ul.to-map li:visible'))).toEqual(['SKU-C']);
      expect(
        await page
          .getByLabel('PSA product for Calls (SKU-C)')
          .evaluate((el) => el === document.activeElement),
      ).toBe(true);
      // Products opened again from its tab shows the whole list.
      await page.getByRole('tab', { name: 'Push' }).click();
      await page.getByRole('tab', { name: 'Products' }).click();
      await page.locator('ul.to-map li[data-sku="SKU-A"]').waitFor();
      expect(await skus(page.locator('ul.to-map li:visible'))).toEqual(['SKU-A', 'SKU-B', 'SKU-C']);
    } finally {
      fakeRefusal = null;
    }
  });

  it('shows a Ledger row changed by hand on opening, lets an editor see it and the owner acknowledge it', async () => {
    // A real (emulated) spreadsheet and digest behind the fake properties: the Ledger as BillGrid writes it.
    const owner = 'owner@northwind.example';
    const state = createState({ owner });
    state.spreadsheets[0].editors = [owner, 'alex@northwind.example'];
    const env = createGasEnvironment(state);
    const g = globalThis as Record<string, unknown>;
    const names = ['SpreadsheetApp', 'Utilities', 'LockService'] as const;
    const saved = names.map((n) => g[n]);
    for (const n of names) g[n] = env.globals[n];
    try {
      harness.gas.docProps.set('billgrid.owner', JSON.stringify(owner));
      const ss = env.globals.SpreadsheetApp.getActiveSpreadsheet();
      appendLedger(
        ss as never,
        [1, 2, 3].map((i) => ({
          time: `2026-11-01T09:0${i}:00.000Z`,
          runId: 'R1',
          user: owner,
          lineKeys: [`BG-${i}`],
          entity: 'contract:7',
          psaId: String(i),
          operation: 'set-quantity',
          before: { quantity: i },
          after: { quantity: i + 1 },
          result: 'applied',
          message: '',
          idempotencyKey: `k${i}`,
        })),
        ledgerChain(),
      );
      ss.getSheetByName('Ledger')?.getRange(3, 9).setValue('{"quantity":9}');

      // An editor sees the break, without the acknowledgement.
      harness.gas.user = 'alex@northwind.example';
      await page.reload();
      const notice = page.locator('.ledger-alarm');
      await notice.getByText(/^Ledger row 3 was changed by hand.*Pushes are stopped/).waitFor();
      await notice.getByText('Ask the BillGrid owner or an admin to open BillGrid.').waitFor();
      expect(await notice.getByRole('button').count()).toBe(0);

      harness.gas.user = owner;
      await page.reload();
      await page.screenshot({ path: screenshotPath('sidebar-ledger-alarm') });
      await notice.getByRole('button', { name: 'I have checked the Ledger: acknowledge' }).click();
      await page.getByText('Acknowledged: pushes may run again.').waitFor();
      expect(await notice.count()).toBe(0);
      expect(harness.gas.docProps.has('bg.ledger.alarm')).toBe(false);
      expect(readLedger(ss as never).entries.at(-1)).toMatchObject({ operation: 'acknowledge', user: owner });
      await page.reload();
      await page.getByRole('tab', { name: 'Connect' }).or(page.getByText('Step 1 of 5')).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await notice.count()).toBe(0);
    } finally {
      names.forEach((n, i) => (g[n] = saved[i]));
      env.end();
    }
  });

  it('Connect warns, in the bound script, that editors who are not admins can read the keys', async () => {
    const owner = 'owner@northwind.example';
    harness.gas.docProps.set('billgrid.owner', JSON.stringify(owner));
    harness.gas.editors = [owner, 'alex@northwind.example', 'finance@northwind.example'];
    await page.reload();
    const notice = page.getByRole('note').filter({ hasText: 'every editor can read these credentials' });
    await notice
      .getByText(
        '2 editor(s) are not BillGrid admins: alex@northwind.example, finance@northwind.example. Share the spreadsheet with them as Viewer or Commenter, or use the BillGrid add-on.',
        { exact: false },
      )
      .waitFor();
    // Once they are admins, nobody is named and the notice goes.
    harness.gas.docProps.set(
      'billgrid.admins',
      JSON.stringify(['alex@northwind.example', 'finance@northwind.example']),
    );
    await page.reload();
    await page.locator('.who .role', { hasText: 'Owner' }).waitFor();
    expect(await notice.count()).toBe(0);
  });

  it("Clients: PSA accounts with up to three integration columns of the user's choice, searchable", async () => {
    fakeClients = {
      rows: [
        clientRow('alpha', 'Acme HQ', 'A', 'Acme'),
        clientRow('alpha', 'Acme North', 'A', 'Acme'),
        clientRow('beta', 'Acme docs', 'A', 'Acme'),
        clientRow('delta', 'Acme phones', 'A', 'Acme'),
        clientRow('gamma', 'Blue backup', 'B', 'Blue Harbor'),
      ],
      companies: [],
      problems: [],
      canCreateInPsa: false,
      sourceNames: { alpha: 'Alpha', beta: 'Beta', gamma: 'Gamma', delta: 'Delta' },
    };
    try {
      await page.getByRole('button', { name: 'Skip setup' }).click();
      await page.getByRole('tab', { name: 'Clients' }).click();
      const view = page.locator('details.accounts');
      await view.locator('summary', { hasText: 'By PSA account (2)' }).click();
      const heads = () => view.locator('thead th').allTextContents();
      const cells = (account: string) =>
        view.locator(`tr[data-account="${account}"]`).locator('th, td').allTextContents();
      expect(await heads()).toEqual(['PSA account', 'Alpha', 'Beta', 'Gamma']);
      expect(await cells('A')).toEqual(['Acme', 'Acme HQ, Acme North', 'Acme docs', 'Not mapped']);
      expect(await cells('B')).toEqual(['Blue Harbor (inactive)', 'Not mapped', 'Not mapped', 'Blue backup']);
      // Three columns at most: a fourth cannot be ticked until one is unticked.
      expect(await view.getByLabel('Delta').isDisabled()).toBe(true);
      await view.getByLabel('Beta').uncheck();
      await view.getByLabel('Delta').check();
      expect(await heads()).toEqual(['PSA account', 'Alpha', 'Gamma', 'Delta']);
      expect(await cells('A')).toEqual(['Acme', 'Acme HQ, Acme North', 'Not mapped', 'Acme phones']);
      expect(await view.getByLabel('Beta').isDisabled()).toBe(true);
      await view.getByPlaceholder('Search by PSA account name or code').fill('blue');
      expect(await view.locator('tbody tr:visible').count()).toBe(1);
      // By the PSA's account code too, in the accounts view and in the list of clients.
      await view.getByPlaceholder('Search by PSA account name or code').fill('bluEH-7');
      expect(await view.locator('tbody tr:visible th').allTextContents()).toEqual(['Blue Harbor (inactive)']);
      await page.getByPlaceholder('Search by client, PSA account name or code').fill('BLUEH-7');
      expect(await page.locator('details.client:visible .client-name').allTextContents()).toEqual([
        'Blue backup',
      ]);
      await page.screenshot({ path: screenshotPath('sidebar-clients-accounts') });
      // Filtered by the PSA account's status: inactive, then active (seed 002's Active/Inactive filter).
      await page.getByPlaceholder('Search by client, PSA account name or code').fill('');
      const names = () => page.locator('details.client:visible .client-name').allTextContents();
      await page.getByLabel('PSA account', { exact: true }).selectOption('inactive');
      expect(await names()).toEqual(['Blue backup']);
      await page.getByLabel('PSA account', { exact: true }).selectOption('active');
      expect((await names()).sort()).toEqual(['Acme HQ', 'Acme North', 'Acme docs', 'Acme phones']);
      await page.getByLabel('PSA account', { exact: true }).selectOption('');
      expect(await names()).toHaveLength(5);
    } finally {
      fakeClients = null;
    }
  });

  it('gives every form control a label and disables credentials for non-admins', async () => {
    await openCard();
    await fillCard();
    await card().getByRole('button', { name: 'Save' }).click();
    await card().locator('.chip', { hasText: 'Saved' }).waitFor();

    harness.gas.user = 'alex@northwind.example';
    await page.reload();
    await page
      .getByText('Only the owner (owner@northwind.example) or an admin can change credentials.')
      .waitFor();
    const unlabelled = await page.$$eval('input, select, textarea', (els) =>
      els.filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    // The first connection not configured yet starts open: its fields and Save are off.
    const open = page.locator('details[data-kind][open]').first();
    expect(await open.locator('input').first().isDisabled()).toBe(true);
    expect(await open.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('sidebar-editor-readonly') });
  });
});
