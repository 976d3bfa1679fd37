/**
 * A billing month end to end in the workbench, as a new finance user does it in the sidebar: the setup
 * wizard (connect the demo month's two sources and a PSA with the sandboxes' demo credentials; clients refresh on the
 * first visit, see the automatic matches with their scores, map one by hand and create a missing one in the PSA; set
 * the defaults), then pull October, map a product, review, approve in bulk, dry run and push; see the
 * results and the Ledger in the sheet; push again and see that nothing changes; set the schedule; on
 * Contracts, stop and resume a service and pick one subscription's own contract (seen in the grid after a pull).
 * In the same session (seeds 003 and 004's browser walk): each further source with walk hooks
 * (tests/browser/walk-hooks.ts) pulled alone from the Month screen, a subscription given its own contract
 * from Contracts, and a line's PSA contract changed in the grid and remembered for later months.
 * Screenshots of each screen go to artifacts/screenshots/month-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { DEMO_USERS, startWorkbench, type Workbench } from '../../local/workbench/server';
import { sandboxOf } from '../../local/sandbox/registry';
import { demoCredentials } from '../../local/workbench/demo-credentials';
import { launch, screenshotPath, type Browser } from './chromium';
import { prepareTestProject, type TestProject } from './bundle';
import { connector, sourceName } from '../../src/connectors/registry';
import { DEMO_SOURCES, firstPsaWhere } from '../e2e/bundle-host';
import { walkedSources, type WalkedLine } from './walk-hooks';
import { openSidebarFromMenu, settleSidebar } from './sidebar-page';

const MONTH = '2026-10';
const XSS_NAME = '<img src=x onerror=alert(1)> Test Co';
/**
 * The demo month's sources (one bills subscriptions, the other usage) and a PSA that keeps seat counts on
 * contracts: picked through the registry, never by name.
 */
const [MARKETPLACE, USAGE] = DEMO_SOURCES;
const PSA = firstPsaWhere((p) => p.capabilities.quantityTargets);
const CONNECTED = [MARKETPLACE, USAGE, PSA];
/** Further sources walked after the demo month, each pulled alone (their walk hooks say what to see). */
const WALKED = walkedSources().filter((w) => !CONNECTED.includes(w.id));
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a billing month in the workbench', () => {
  let browser: Browser;
  let project: TestProject;
  let stateDir: string;
  let workbench: Workbench;
  let page: Page;
  let sidebar: FrameLocator;
  /** Each step needs the one before; a failed step makes the next fail at once, not by timeout. */
  let reached = 0;
  /** Every response body the page and the sidebar received, to check that no saved secret comes back. */
  const responses: Promise<{ url: string; body: string }>[] = [];
  /** Dialogs other than the push confirmations (a script injected through a vendor name would open one). */
  const alerts: string[] = [];

  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-month-'));
    [browser, project] = await Promise.all([launch({ width: 1400, height: 1000 }), prepareTestProject()]);
    workbench = await startWorkbench({
      port: 0,
      stateDir,
      distDir: project.dir,
      reset: true,
      sandboxes: [...CONNECTED, ...WALKED.map((w) => w.id)],
      log: () => undefined,
    });
    page = await browser.context.newPage();
    page.on('response', (r) => {
      responses.push(
        r.text().then(
          (body) => ({ url: r.url(), body }),
          () => ({ url: r.url(), body: '' }),
        ),
      );
    });
    page.on('dialog', (d) => {
      if (d.type() === 'confirm') void d.accept();
      else {
        alerts.push(d.message());
        void d.dismiss();
      }
    });
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

  const banner = () => sidebar.getByRole('alert');
  const expectNoError = async () => expect(await banner().isVisible()).toBe(false);
  const settle = (done: Locator) => settleSidebar(page, sidebar, done, 'month-failure');
  /**
   * The whole sidebar (its frame stretched over its content for the picture), and with `withPage` the
   * workbench page as it looks.
   */
  const shot = async (name: string, withPage = false) => {
    // Every control on every screen has a label (checked with the data on screen, not an empty state).
    const unlabelled = await sidebar
      .locator('input, select, textarea')
      .evaluateAll((els) =>
        els.filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.outerHTML.slice(0, 80)),
      );
    expect([name, unlabelled]).toEqual([name, []]);
    if (withPage) await page.screenshot({ path: screenshotPath(`month-${name}`) });
    const frame = page.locator('#sidebar-frame');
    const height = await sidebar.locator('html').evaluate((el) => {
      window.scrollTo(0, 0);
      return Math.min(1800, el.scrollHeight);
    });
    await frame.evaluate((f, px) => {
      (f as HTMLElement).style.cssText = `position:absolute;top:0;right:0;height:${px}px;z-index:99`;
    }, height);
    await frame.screenshot({ path: screenshotPath(`month-${name}-sidebar`) });
    await frame.evaluate((f) => {
      (f as HTMLElement).style.cssText = '';
    });
  };
  const fact = (label: string) => sidebar.locator(`dt:text-is("${label}") + dd`);
  const step = (n: number) => expect(reached).toBe(n);
  /** A server function run as the owner from the sidebar (a set-up step nobody needs to see). */
  const ownerRun = async (fn: string, ...args: unknown[]): Promise<unknown> => {
    const r = await workbench.host.run(fn, args, { kind: 'sidebar', user: DEMO_USERS[0].email });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.value;
  };
  /** The month tab's rows of one source (its Source cell), as the emulator holds them. */
  const linesOf = (source: string): WalkedLine[] => {
    const tab = workbench.host.state().spreadsheets[0].sheets.find((x) => x.name === `Billing ${MONTH}`);
    const [head, ...body] = (tab?.rows ?? []).map((r) => (r ?? []).map((c) => String(c?.v ?? '')));
    const at = (name: string) => head?.indexOf(name) ?? -1;
    return body
      .map((r, i) => ({ r, row: i + 2 }))
      .filter(({ r }) => r[at('Source')] === source)
      .map(({ r, row }) => ({
        row,
        get: (name: string) => r[at(name)],
        contractCol: at('PSA contract') + 1,
      }));
  };

  it('wizard 1/5: connects two sources and a PSA and tests each', async () => {
    await sidebar.getByText('Step 1 of 5').waitFor();
    const creds = await demoCredentials(CONNECTED);
    expect(creds.map((c) => c.kind)).toEqual(CONNECTED);
    for (const c of creds) {
      const card = sidebar.locator(`details[data-kind="${c.kind}"]`);
      if ((await card.getAttribute('open')) === null) await card.locator('summary').click();
      for (const f of c.fields) await card.getByLabel(f.label, { exact: true }).fill(f.value);
      await card.getByRole('button', { name: 'Save' }).click();
      await settle(card.locator('.chip', { hasText: 'Saved' }));
      await card.getByRole('button', { name: 'Test connection' }).click();
      await settle(card.locator('.chip', { hasText: 'Connected' }));
      // The secret field is empty again and says it is stored.
      for (const secret of await card.locator('input[type="password"]').all())
        expect(await secret.inputValue()).toBe('');
    }
    await expectNoError();
    await shot('1-connect');
    reached = 1;
  });

  it('wizard 2/5: refreshes clients with scores, maps one by hand, creates a missing one in the PSA', async () => {
    step(1);
    await sidebar.getByRole('button', { name: 'Next' }).click();
    await sidebar.getByText('Step 2 of 5').waitFor();
    // The wizard's first visit to Clients refreshes by itself (nobody presses Refresh here).
    await settle(fact('Source customers'));
    expect(Number(await fact('Matched now (≥ 90 %)').textContent())).toBeGreaterThan(20);
    // Automatic matches show their score.
    await sidebar.locator('details.client .chip.auto').first().waitFor();
    const auto = sidebar.locator('details.client', { has: sidebar.locator('.chip.auto') }).first();
    await auto.locator(':scope > summary').click();
    expect(await auto.locator('.hint').first().textContent()).toMatch(/→ .+ · (9\d|100)% match$/);
    await shot('2-clients');

    // 'Crestview Veterinary Clinic' is only 74 % like 'Crestview Veterinary': a person maps it.
    const crestview = sidebar.locator('ul.to-map li', {
      has: sidebar.getByText('Crestview Veterinary Clinic', { exact: true }),
    });
    const total = await sidebar.locator('ul.to-map li').count();
    await sidebar.getByPlaceholder('Search customers to map').fill('crestview');
    const shown = await sidebar.locator('ul.to-map li:visible strong').allTextContents();
    expect(shown.length).toBeLessThan(total);
    expect(shown).toContain('Crestview Veterinary Clinic');
    expect(shown.every((n) => /crestview/i.test(n))).toBe(true);
    const picker = crestview.getByLabel('PSA company for Crestview Veterinary Clinic');
    const option = await picker
      .locator('option', { hasText: /^Crestview Veterinary \(\d+%\)$/ })
      .getAttribute('value');
    await picker.selectOption(option ?? '');
    await crestview.getByRole('button', { name: 'Assign' }).click();
    await settle(
      sidebar.locator('details.client', { hasText: 'Crestview Veterinary Clinic' }).locator('.chip.manual'),
    );
    await sidebar.getByPlaceholder('Search customers to map').fill('');

    // Per-client settings: Crestview gets its own invoice behaviour, kept on its Clients row.
    const mapped = sidebar.locator('details.client', { hasText: 'Crestview Veterinary Clinic' });
    await mapped.locator(':scope > summary').click();
    await mapped.locator('details.client-settings > summary').click();
    await mapped.getByLabel('Invoice behaviour').selectOption('new');
    await mapped.getByRole('button', { name: 'Save client settings' }).click();
    await settle(
      sidebar
        .locator('details.client', { hasText: 'Crestview Veterinary Clinic' })
        .locator('details.client-settings > summary', { hasText: '(1 override)' }),
    );

    // 'Greenfield Startups Ltd' has no company in the PSA: create it (and its contract) from here.
    const greenfield = sidebar.locator('ul.to-map li', {
      has: sidebar.getByText('Greenfield Startups Ltd', { exact: true }),
    });
    await greenfield.getByRole('button', { name: 'Create in PSA' }).click();
    const created = sidebar.locator('details.client', { hasText: 'Greenfield Startups Ltd' });
    await settle(created.locator('.chip.manual'));
    await created.locator(':scope > summary').click();
    await created.getByText('Contract: Greenfield Startups Ltd - Managed Services').waitFor();

    // The usage account named like markup is listed as text.
    await sidebar.getByText(XSS_NAME, { exact: true }).first().waitFor();
    expect(await sidebar.locator('img').count()).toBe(0);
    await expectNoError();
    reached = 2;
  });

  it('wizard 3/5–5/5: sets the defaults, sees products and contracts, finishes', async () => {
    step(2);
    await sidebar.getByRole('button', { name: 'Next' }).click();
    await sidebar.getByText('Step 3 of 5').waitFor();
    await sidebar.getByLabel('Products not yet mapped', { exact: true }).selectOption('auto-create');
    const item = sidebar.getByLabel('Default item');
    expect(await item.locator('option').count()).toBeGreaterThan(1);
    await item.selectOption((await item.locator('option').nth(1).getAttribute('value')) ?? '');
    // A PSA whose services take other codes than charges: the code services created for new products get.
    const serviceCode = sidebar.getByLabel('Code for new services');
    if (await serviceCode.count())
      await serviceCode.selectOption(
        (await serviceCode.locator('option').nth(1).getAttribute('value')) ?? '',
      );
    // One integration may differ: the marketplace charges on a new invoice (kept as an override of the defaults).
    const marketplace = sidebar.locator(`details.integration[data-source="${sourceName(MARKETPLACE)}"]`);
    await marketplace.locator('summary').click();
    await marketplace.getByLabel(`${sourceName(MARKETPLACE)}: invoice behaviour`).selectOption('new');
    await sidebar.getByRole('button', { name: 'Save defaults' }).click();
    await settle(sidebar.locator('.saved', { hasText: 'Defaults saved.' }));
    await sidebar
      .locator(`details.integration[data-source="${sourceName(MARKETPLACE)}"] .chip`, {
        hasText: '1 override',
      })
      .waitFor();
    await shot('3-defaults');

    await sidebar.getByRole('button', { name: 'Next' }).click();
    await settle(sidebar.getByText('No month pulled yet: these are the SKUs mapped so far.'));
    await sidebar.getByRole('button', { name: 'Next' }).click();
    await settle(fact('Mapped customers'));
    await sidebar.locator('ul.to-map li', { hasText: 'Greenfield Startups Ltd' }).first().waitFor();
    await shot('4-contracts');
    await sidebar.getByRole('button', { name: 'Finish' }).click();
    await sidebar.getByRole('tab', { name: 'Month' }).waitFor();
    await expectNoError();
    reached = 3;
  });

  it('pulls October, maps a product by hand and reviews by client', async () => {
    step(3);
    await sidebar.getByRole('tab', { name: 'Month' }).click();
    await sidebar.getByLabel('Another month').fill(MONTH);
    await sidebar.getByRole('button', { name: 'Pull charges' }).click();
    await settle(sidebar.getByRole('heading', { name: /^Pulled into/ }));
    expect(Number(await fact('Lines').textContent())).toBeGreaterThan(50);
    await page.getByRole('tab', { name: `Billing ${MONTH}` }).waitFor();
    await shot('5-month', true);

    // Products: the month's SKUs; map one that is left to the rule to a PSA product by hand.
    await sidebar.getByRole('tab', { name: 'Products' }).click();
    await settle(fact('SKUs'));
    const before = Number(await fact('Mapped').textContent());
    // A usage SKU left to the rule goes to the PSA's product named after the usage source.
    const usage = sourceName(USAGE);
    const open = sidebar.locator('ul.to-map li.unmapped', { hasText: usage }).first();
    const sku = await open.getAttribute('data-sku');
    const picker = open.locator('select');
    const usageProduct = picker.locator('option', { hasText: new RegExp(`^${escapeRe(usage)} `) }).first();
    await picker.selectOption((await usageProduct.getAttribute('value')) ?? '');
    await open.getByRole('button', { name: 'Save' }).click();
    await settle(sidebar.locator(`li[data-sku="${sku}"] .mapping`, { hasText: '(by hand)' }));
    await fact('Mapped')
      .filter({ hasText: String(before + 1) })
      .waitFor();
    await shot('6-products');

    await sidebar.getByRole('tab', { name: 'Review' }).click();
    await settle(sidebar.getByRole('heading', { name: 'By client' }));
    await sidebar.getByRole('heading', { name: /^Differences with the PSA \(\d+\)$/ }).waitFor();
    await shot('7-review');
    reached = 4;
  });

  it('approves in bulk, dry-runs and pushes; the Ledger lists it; a second push changes nothing', async () => {
    step(4);
    await sidebar.getByRole('button', { name: 'Approve', exact: true }).click();
    // Approving reloads the review: the Approved count goes from 0 to the approvable rows.
    await settle(fact('Approved').filter({ hasText: /^[1-9]\d+$/ }));
    expect(Number(await fact('Approved').textContent())).toBeGreaterThan(50);

    await sidebar.getByRole('tab', { name: 'Push' }).click();
    await sidebar.getByRole('button', { name: 'Dry run' }).click();
    await settle(sidebar.getByRole('heading', { name: /^Dry run: \d+ step/ }));
    const planned = Number(
      /(\d+) step/.exec((await sidebar.getByRole('heading', { name: /^Dry run/ }).textContent()) ?? '')?.[1],
    );
    expect(planned).toBeGreaterThan(10);
    await shot('8-dry-run');

    await sidebar.getByRole('button', { name: 'Push approved rows' }).click();
    await settle(sidebar.getByRole('heading', { name: 'Push finished' }));
    expect(Number(await fact('Applied').textContent())).toBeGreaterThan(10);
    expect(Number(await fact('Failed').textContent())).toBe(0);
    await shot('9-pushed', true);

    // The grid's Status column says what happened to each row; the Ledger tab lists each step.
    await page.getByRole('tab', { name: `Billing ${MONTH}` }).click();
    await page
      .locator('#grid td', { hasText: /^Pushed: / })
      .first()
      .waitFor();
    await page.getByRole('tab', { name: 'Ledger' }).click();
    await page.getByText('Idempotency key').first().waitFor();
    expect(await page.locator('#grid tbody tr').count()).toBeGreaterThan(10);
    await shot('10-ledger', true);

    await sidebar.getByRole('button', { name: 'Push approved rows' }).click();
    await settle(fact('Applied').filter({ hasText: /^0$/ }));
    expect(Number(await fact('Failed').textContent())).toBe(0);
    // The second push finds nothing to change: nothing planned, so nothing applied and none "already right".
    expect(Number(await fact('Already right').textContent())).toBe(0);
    await expectNoError();
    reached = 5;
  });

  it('schedules the monthly push and shows the last and next run', async () => {
    step(5);
    await sidebar.getByRole('tab', { name: 'Schedule' }).click();
    await sidebar.getByLabel('Day of the month').fill('3');
    await sidebar.getByLabel('Hour', { exact: true }).selectOption('7');
    await sidebar.getByRole('button', { name: 'Start schedule' }).click();
    await settle(fact('Monthly push').filter({ hasText: 'On' }));
    expect(await fact('Next run').textContent()).toMatch(/^\d{4}-\d{2}-03 07:00 /);
    expect(await fact('Last run').textContent()).toContain(MONTH);
    await shot('11-schedule');
    await sidebar.getByRole('button', { name: 'Stop schedule' }).click();
    await settle(fact('Monthly push').filter({ hasText: 'Off' }));
    reached = 6;
  });

  it('filters clients by integration, shows subaccounts under their main account, excludes and includes a client, stops and resumes one service, links one subscription to its own contract, and moves arrears usage with the setting', async () => {
    step(6);
    await sidebar.getByRole('tab', { name: 'Clients' }).click();
    await settle(sidebar.getByRole('heading', { name: /^Mapped clients/ }));
    const all = await sidebar.locator('details.client').count();
    // The integration filter leaves one integration's clients.
    await sidebar.getByLabel('Integration').selectOption({ label: sourceName(USAGE) });
    await sidebar
      .getByRole('heading', { name: new RegExp(`^Mapped clients \\(\\d+ of ${all}\\)$`) })
      .waitFor();
    const sources = await sidebar
      .locator('details.client')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-source')));
    expect(new Set(sources)).toEqual(new Set([USAGE]));
    // Subaccounts name their main account.
    expect(await sidebar.locator('details.client .hint', { hasText: /^Part of / }).count()).toBeGreaterThan(
      3,
    );
    await sidebar.getByLabel('Integration').selectOption('');
    await sidebar.getByRole('heading', { name: `Mapped clients (${all})` }).waitFor();

    // Exclude a matched client (not invoiced), then include it again.
    const first = sidebar.locator('details.client', { has: sidebar.locator('.chip.auto') }).first();
    const id = await first.getAttribute('data-customer');
    const client = sidebar.locator(`details.client[data-customer="${id}"]`);
    // Opened, whatever state a redraw kept it in (clicking its summary would close an open one).
    await client.evaluate((el) => {
      (el as HTMLDetailsElement).open = true;
    });
    await client.getByRole('button', { name: 'Exclude' }).click();
    await settle(client.locator('.chip.excluded'));
    await client.getByRole('button', { name: 'Include' }).click();
    await settle(client.getByRole('button', { name: 'Exclude' }));
    expect(await client.locator('.chip.excluded').count()).toBe(0);

    // Stop one contract service's sync (bill it by hand), then resume it.
    await sidebar.getByRole('tab', { name: 'Contracts' }).click();
    const service = sidebar.locator('ul.sync-list li').first();
    await settle(service);
    const key = await service.getAttribute('data-service');
    const row = sidebar.locator(`ul.sync-list li[data-service="${key}"]`);
    await row.getByRole('button', { name: 'Stop sync' }).click();
    await settle(row.locator('.mapping', { hasText: /^Sync stopped: bill by hand/ }));
    await row.getByRole('button', { name: 'Resume sync' }).click();
    await settle(row.getByRole('button', { name: 'Stop sync' }));

    // Seed 004's per-subscription link, picked on Contracts: one subscription of a customer with several,
    // whose company has two or more contracts, gets another of them as its own. The Contracts tab holds the
    // link, and the next pull (below) puts that contract in the subscription's grid rows while the
    // customer's other subscriptions keep theirs.
    const services = await sidebar.locator('ul.sync-list li').evaluateAll((els) =>
      els.map((e) => ({
        key: e.getAttribute('data-service') ?? '',
        options: e.querySelectorAll('details.subscription-link option').length,
      })),
    );
    const customerOf = (key: string) => key.split('/')[0];
    const picked =
      services.find(
        (x) => x.options > 1 && services.filter((y) => customerOf(y.key) === customerOf(x.key)).length > 1,
      )?.key ?? '';
    const [pickedCustomer, pickedSub] = picked.split('/');
    const item = sidebar.locator(`ul.sync-list li[data-service="${picked}"]`);
    await item.locator('details.subscription-link > summary').click();
    const own = item.locator('details.subscription-link select');
    const was = await own.inputValue();
    const choice = await own
      .locator('option')
      .evaluateAll((os, cur) => os.map((o) => (o as HTMLOptionElement).value).find((v) => v !== cur), was);
    expect([was, choice]).toEqual([expect.any(String), expect.stringMatching(/\S/)]);
    await own.selectOption(choice ?? '');
    await item.getByRole('button', { name: 'Link subscription' }).click();
    await settle(item.locator('summary', { hasText: 'Own contract (this subscription only)' }));
    const sheetRows = (name: string): Record<string, string>[] => {
      const tab = workbench.host.state().spreadsheets[0].sheets.find((x) => x.name === name);
      const [head, ...body] = (tab?.rows ?? []).map((r) => (r ?? []).map((c) => String(c?.v ?? '')));
      return body.map((r) => Object.fromEntries((head ?? []).map((h, i) => [h, r[i] ?? ''])));
    };
    const contractIdOf = (cell: string) => /\[([^\]]+)\]$/.exec(cell)?.[1] ?? '';
    const linkRows = sheetRows('Contracts').filter((r) => r['Customer id'] === pickedCustomer);
    expect(linkRows.map((r) => [r.Subscription, contractIdOf(r['PSA contract'])])).toEqual(
      expect.arrayContaining([[pickedSub, choice]]),
    );
    const clientRows = () => sheetRows(`Billing ${MONTH}`).filter((r) => r['Customer id'] === pickedCustomer);
    /** Each other subscription of the customer with the contract(s) its rows are on. */
    const othersOf = (rows: Record<string, string>[]) =>
      [
        ...new Set(
          rows
            .filter((r) => r.Subscription !== pickedSub)
            .map((r) => `${r.Subscription} → ${r['PSA contract']}`),
        ),
      ].sort();
    const others = othersOf(clientRows());
    expect(others.length).toBeGreaterThan(0);
    expect(
      clientRows()
        .filter((r) => r.Subscription === pickedSub)
        .map((r) => contractIdOf(r['PSA contract'])),
    ).not.toContain(choice);

    // Usage billed in arrears: the next invoice, then the most recent, each re-pulled into the grid.
    const usagePeriods = (): string[] => {
      const tab = workbench.host.state().spreadsheets[0].sheets.find((x) => x.name === `Billing ${MONTH}`);
      const [head, ...body] = (tab?.rows ?? []).map((r) => (r ?? []).map((c) => String(c?.v ?? '')));
      const type = head?.indexOf('Charge type') ?? -1;
      const period = head?.indexOf('Billing period') ?? -1;
      return body.filter((r) => r[type] === 'usage').map((r) => r[period]);
    };
    const pullWith = async (mode: string) => {
      await sidebar.getByRole('tab', { name: 'Defaults' }).click();
      await sidebar.getByLabel('Usage billed in arrears goes').selectOption(mode);
      await sidebar.getByRole('button', { name: 'Save defaults' }).click();
      await settle(sidebar.locator('.saved', { hasText: 'Defaults saved.' }));
      await sidebar.getByRole('tab', { name: 'Month' }).click();
      await sidebar.getByRole('button', { name: 'Pull charges' }).click();
      await settle(sidebar.getByRole('heading', { name: /^Pulled into/ }));
      return usagePeriods();
    };
    const next = await pullWith('next');
    // The picked contract is in the subscription's rows; the customer's other subscriptions kept theirs.
    const after = clientRows();
    const pickedRows = after.filter((r) => r.Subscription === pickedSub);
    expect(pickedRows.length).toBeGreaterThan(0);
    expect(new Set(pickedRows.map((r) => contractIdOf(r['PSA contract'])))).toEqual(new Set([choice]));
    expect(othersOf(after)).toEqual(others);
    expect(next.length).toBeGreaterThan(3);
    expect(new Set(next)).toEqual(new Set(['2026-11']));
    expect(new Set(await pullWith('most-recent'))).toEqual(new Set([MONTH]));

    // An integration switched off on Connect: its rows are held (never pushed until it is on again), and
    // Review says how many and why.
    const usageSwitch = async (on: boolean) => {
      await sidebar.getByRole('tab', { name: 'Connect' }).click();
      const card = sidebar.locator(`details[data-kind="${USAGE}"]`);
      await settle(card);
      if ((await card.getAttribute('open')) === null) await card.locator('summary').click();
      await card.getByLabel(`${sourceName(USAGE)} enabled`).setChecked(on);
      await settle(
        sidebar.locator('.toasts', { hasText: `${sourceName(USAGE)} ${on ? 'enabled' : 'disabled'}.` }),
      );
    };
    await usageSwitch(false);
    await sidebar.getByRole('tab', { name: 'Review' }).click();
    const heldHeading = sidebar.getByRole('heading', { name: 'Held: integration disabled' });
    await settle(heldHeading);
    const held = await sidebar.locator('.problems', { has: heldHeading }).locator('li').allTextContents();
    expect(held).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${linesOf(USAGE).length} rows held \\(\\d+ approved\\): ${escapeRe(`Integration '${sourceName(USAGE)}' is disabled on Connect: enable it to push these rows`)}$`,
        ),
      ),
    ]);
    await shot('11b-held-disabled');
    await usageSwitch(true);
    await expectNoError();
    reached = 7;
  });

  it('walks a month of each further source pulled alone, gives a subscription its own contract and remembers a line link', async () => {
    step(7);
    const started = Date.now();
    const cpu = process.cpuUsage();
    // Seeds 003 and 004: at least two sources are walked, one of them with per-subscription contracts.
    expect(WALKED.length).toBeGreaterThanOrEqual(2);
    const picked = WALKED.find((w) => w.hooks.ownContracts);
    if (!picked) throw new Error('no walked source gives a subscription its own contract (walk hooks)');
    // Each sandboxed source with walk hooks (tests/browser/walk-hooks.ts), connected through the server
    // functions (the Connect screen was walked above), then refreshed; the sidebar reloads to see them.
    for (const { id } of WALKED) await ownerRun('saveConnection', id, sandboxOf(id).demoCredentials());
    await ownerRun('refreshClients');
    await sidebar.locator('body').evaluate(() => window.location.reload());
    await sidebar.getByRole('tab', { name: 'Month' }).click();
    await sidebar.getByLabel('Another month').fill(MONTH);
    const before = new Map(DEMO_SOURCES.map((id) => [id, linesOf(id).length]));
    for (const [i, { id, hooks }] of WALKED.entries()) {
      await sidebar.getByLabel('Pull from').selectOption({ label: sourceName(id) });
      await sidebar.getByRole('button', { name: 'Pull charges' }).click();
      // The first pull shows its result; later ones add their integration's row to it.
      await settle(
        i === 0
          ? sidebar.getByRole('heading', { name: /^Pulled into/ })
          : sidebar.locator('td', { hasText: sourceName(id) }).first(),
      );
      hooks.checkMonth(linesOf(id));
    }
    // A source pulled alone leaves the other integrations' rows as they were.
    for (const [id, n] of before) expect([id, linesOf(id).length]).toEqual([id, n]);
    await page.screenshot({ path: screenshotPath('month-13-sources') });

    // Seed 004's per-subscription contracts: a subscription of a customer with two or more gets its own
    // contract from Contracts; another line of that customer is linked to it in the grid's dropdown, then
    // remembered for later months from the Month screen.
    {
      const lines = linesOf(picked.id);
      const linked = lines.filter(
        (x) => x.get('PSA contract') !== '' && x.get('Charge type') === 'recurring',
      );
      const subsOf = (customer: string) =>
        new Set(linked.filter((x) => x.get('Customer id') === customer).map((x) => x.get('Subscription')));
      const mine = linked.find((x) => subsOf(x.get('Customer id')).size > 1);
      if (!mine) throw new Error('no customer with two linked subscriptions');
      const service = `${mine.get('Customer id')}/${mine.get('Subscription')}`;
      await sidebar.getByRole('tab', { name: 'Contracts' }).click();
      const item = sidebar.locator(`ul.sync-list li[data-service="${service}"]`);
      await settle(item);
      await item.locator('summary', { hasText: 'Give it its own contract…' }).click();
      await item.getByRole('button', { name: 'Create contract for this subscription' }).click();
      await settle(
        sidebar
          .locator(`ul.sync-list li[data-service="${service}"]`)
          .locator('summary', { hasText: 'Own contract (this subscription only)' }),
      );
      await shot('14-own-contract');

      const other = lines.find(
        (x) =>
          x.get('Customer id') === mine.get('Customer id') &&
          x.get('Subscription') !== mine.get('Subscription') &&
          lines.filter((y) => y.get('Subscription') === x.get('Subscription')).length === 1,
      );
      if (!other) throw new Error('no other single-line subscription of that customer');
      type Sync = { rows: { subscriptionId: string; contractId: string; ownRow: boolean }[] };
      const own = ((await ownerRun('listServiceSync', MONTH)) as Sync).rows.find(
        (r) => r.subscriptionId === mine.get('Subscription'),
      )?.contractId;
      await page.getByRole('tab', { name: `Billing ${MONTH}` }).click();
      const dropdown = page
        .locator(`#grid td[data-r="${other.row}"][data-c="${other.contractCol}"]`)
        .getByRole('combobox');
      // The page redraws the grid after the sidebar's executions: wait until the new contract is offered.
      const offered = dropdown.locator('option', { hasText: `[${own}]` }).first();
      await offered.waitFor({ state: 'attached' });
      const label = (await offered.textContent()) ?? '';
      expect(label.endsWith(`[${own}]`)).toBe(true);
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
      await shot('15-line-links');
      // Remembered: the Contracts tab holds the subscription's own link.
      const sync = (await ownerRun('listServiceSync', MONTH)) as Sync;
      expect(sync.rows.find((r) => r.subscriptionId === other.get('Subscription'))).toMatchObject({
        contractId: own,
        ownRow: true,
      });
    }
    await expectNoError();
    // The walk's own time (the workbench and the browser were already up), for the report.
    // CPU: this process's (bundle, emulator, workbench, sandbox threads), not the browser's.
    const used = process.cpuUsage(cpu);
    console.log(
      `sources walk: ${Date.now() - started} ms, ${Math.round((used.user + used.system) / 1000)} ms CPU`,
    );
    reached = 8;
  });

  it("Contracts: saves a contract's proration and creates a fixed-price contract for annual subscriptions", async () => {
    step(8);
    await sidebar.getByRole('tab', { name: 'Contracts' }).click();
    const tab = (name: string): string[][] =>
      (workbench.host.state().spreadsheets[0].sheets.find((x) => x.name === name)?.rows ?? []).map((r) =>
        (r ?? []).map((c) => String(c?.v ?? '')),
      );
    const contractOverrides = (): Record<string, { prorate?: boolean }> =>
      (
        JSON.parse(workbench.host.state().properties.document['bg.settings'] ?? '{}') as {
          contracts?: Record<string, { prorate?: boolean }>;
        }
      ).contracts ?? {};

    // F6: a linked contract's own proration, saved from its Proration control, read back after the redraw.
    const linked = sidebar
      .locator('ul.to-map li', { has: sidebar.locator('details.contract-prorate') })
      .first();
    await settle(linked);
    const contractId = (await linked.locator('select[data-prorate]').getAttribute('data-prorate')) ?? '';
    expect(contractId).toMatch(/\S/);
    const prorate = sidebar.locator(`select[data-prorate="${contractId}"]`).first();
    /** Waits (up to 30 s) for the server's saved settings to say `want` for the contract. */
    const saved = async (want: { prorate: boolean }) => {
      for (
        let i = 0;
        i < 300 && JSON.stringify(contractOverrides()[contractId]) !== JSON.stringify(want);
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      expect(contractOverrides()[contractId]).toEqual(want);
    };
    const setProrate = async (value: string) => {
      const item = sidebar.locator('ul.to-map li', { has: prorate }).first();
      await item.evaluate((el) => {
        const d = el.querySelector('details.contract-prorate');
        if (d) (d as HTMLDetailsElement).open = true;
      });
      await prorate.selectOption(value);
      await item.getByRole('button', { name: 'Save proration' }).click();
    };
    await setProrate('off');
    await saved({ prorate: false });
    // Redrawn from the server's view (a new, closed Proration control): it shows what was saved.
    const redrawnProrate = sidebar.locator(
      `details.contract-prorate:not([open]) select[data-prorate="${contractId}"]`,
    );
    for (let i = 0; i < 300 && (await redrawnProrate.count()) === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await redrawnProrate.first().inputValue()).toBe('off');

    // Seeds 003/004: a linked client whose company has no fixed-price contract gets one from its button.
    const button = sidebar.getByRole('button', {
      name: 'Create fixed-price contract for annual subscriptions',
    });
    const holder = sidebar.locator('ul.to-map li', { has: button }).first();
    await settle(holder);
    const customer = (await holder.getAttribute('data-customer')) ?? '';
    const contractsTab = () => tab('_PSA Contracts');
    const before = contractsTab().filter((r) => r[4] === 'fixed-price').length;
    await holder
      .getByRole('button', { name: 'Create fixed-price contract for annual subscriptions' })
      .click();
    // Redrawn: the client's company now has a fixed-price contract to pick, and no button to make another.
    const redrawn = sidebar.locator(`ul.to-map li[data-customer="${customer}"]`).first();
    await settle(redrawn.locator('select', { has: sidebar.locator('option', { hasText: '(fixed price)' }) }));
    expect(await redrawn.getByRole('button', { name: /^Create fixed-price/ }).count()).toBe(0);
    expect(contractsTab().filter((r) => r[4] === 'fixed-price').length).toBe(before + 1);
    await expectNoError();
    reached = 9;
  });

  it('renders vendor names as text, gives viewers no BillGrid menu and no server, and never sends a saved secret back', async () => {
    step(9);
    // The usage account named '<img src=x onerror=alert(1)> Test Co' is in the grid as text.
    await page.getByRole('tab', { name: `Billing ${MONTH}` }).click();
    await page.getByText(XSS_NAME).first().waitFor();
    expect(await page.locator('img').count()).toBe(0);
    await sidebar.getByRole('tab', { name: 'Review' }).click();
    await settle(sidebar.locator('details.more > summary', { hasText: / clients, / }));
    await sidebar.locator('details.more > summary', { hasText: / clients, / }).click();
    await sidebar.getByRole('cell', { name: XSS_NAME }).first().waitFor();
    expect(await sidebar.locator('img').count()).toBe(0);
    expect(alerts).toEqual([]);

    // Someone who can only view the spreadsheet gets no BillGrid menu: Google runs onOpen only for people
    // who may edit it. A sidebar still open in front of them (their access was just reduced) reaches no
    // server function once it reloads: Google runs none of the spreadsheet's scripts for them.
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
    await shot('12-viewer');

    const creds = await demoCredentials(CONNECTED);
    const secrets = creds.flatMap((c) => {
      const hidden = connector(c.kind).fields.filter((f) => f.exposure === 'secret');
      return c.fields.filter((f) => hidden.some((h) => h.label === f.label)).map((f) => f.value);
    });
    expect(secrets.length).toBeGreaterThanOrEqual(CONNECTED.length);
    await page.waitForLoadState('networkidle');
    const bodies = await Promise.all(responses);
    expect(bodies.filter((b) => b.url.includes('/api/sidebar-run')).length).toBeGreaterThan(30);
    const leaks = bodies.filter((b) => secrets.some((s) => b.body.includes(s))).map((b) => b.url);
    expect(leaks).toEqual([]);
  });
});
