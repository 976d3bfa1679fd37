/** Steps every browser walk takes in the workbench page: open the sidebar, wait for a sidebar action. */
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { screenshotPath } from './chromium';

/** Opens BillGrid's sidebar from the Extensions menu, as a person does. */
export async function openSidebarFromMenu(page: Page): Promise<FrameLocator> {
  await page.getByRole('button', { name: 'Extensions' }).click();
  await page.getByRole('menuitem', { name: 'BillGrid' }).click();
  await page.getByRole('menuitem', { name: 'Open BillGrid' }).click();
  return page.frameLocator('#sidebar-frame');
}

/**
 * Waits for `done`, failing at once with the sidebar's error message if one shows instead; a page that never
 * gets there is kept as the screenshot `failureShot`.
 */
export async function settleSidebar(
  page: Page,
  sidebar: FrameLocator,
  done: Locator,
  failureShot: string,
): Promise<void> {
  const banner = sidebar.getByRole('alert');
  const ok = done.waitFor().then(() => 'done');
  const failed = banner.waitFor().then(() => 'error');
  ok.catch(() => undefined);
  failed.catch(() => undefined);
  if ((await Promise.race([ok, failed])) === 'error') {
    expect(await banner.locator('span').textContent()).toBe('(no error)');
  }
  await done.waitFor().catch(async (e: unknown) => {
    await page.screenshot({ path: screenshotPath(failureShot) });
    throw e;
  });
}
