/**
 * Products: the month's SKUs with their PSA product. Map one to a product from the PSA's list, or leave
 * it to the rule chosen in Defaults (map by hand, default item, create in the PSA).
 */
import type { ProductRow, ProductsView } from '../../src/api/products';
import type { ProductLifecycleMode } from '../../src/core/settings';
import { facts, selectField } from '../components/form';
import { searchBox } from '../components/search';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import { monthLabel, selectedMonth, takeProductToShow } from '../state';
import type { Screen, ScreenContext } from './types';

const UNMAPPED: Record<ProductLifecycleMode | 'off', string> = {
  off: 'Not mapped: its lines wait for a mapping (lifecycle management off)',
  manual: 'Not mapped: the push waits for a mapping',
  'default-item': 'Not mapped: billed as the default item',
  'auto-create': 'Not mapped: created in the PSA on push',
};
const STATUS: Record<string, string> = { auto: 'same code', confirmed: 'confirmed', manual: 'by hand' };
const LEAVE = '';

function productItem(
  r: ProductRow,
  view: ProductsView,
  ctx: ScreenContext,
  redraw: (v: ProductsView) => void,
) {
  const picker = selectField(
    `PSA product for ${r.name} (${r.sku})`,
    [
      { value: LEAVE, label: 'Leave to the rule in Defaults' },
      ...view.products.map((p) => ({ value: p.id, label: p.name })),
      ...(r.productId && !view.products.some((p) => p.id === r.productId)
        ? [{ value: r.productId, label: r.productName ?? r.productId }]
        : []),
    ],
    r.productId ?? LEAVE,
  );
  const save = actionButton(
    'Save',
    async () => {
      try {
        const v = await call('assignProduct', {
          source: r.source,
          sku: r.sku,
          productId: picker.control.value || null,
          month: view.month,
        });
        ctx.notify.clearError();
        ctx.notify.toast(
          picker.control.value ? `${r.sku} mapped.` : `${r.sku} follows the rule in Defaults.`,
        );
        redraw(v);
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { busyLabel: 'Saving…' },
  );
  const mapped = r.productName
    ? `→ ${r.productName}${r.status ? ` (${STATUS[r.status] ?? r.status})` : ''}`
    : UNMAPPED[r.unmapped];
  return h(
    'li',
    { 'data-sku': r.sku, 'data-source': r.source, class: r.productName ? null : `unmapped ${r.unmapped}` },
    h('strong', {}, r.name),
    h('div', { class: 'hint' }, `${r.sku} · ${r.sourceName}${r.lines ? ` · ${r.lines} line(s)` : ''}`),
    h('div', { class: 'mapping' }, mapped),
    picker.element,
    h('div', { class: 'actions' }, save),
  );
}

function draw(
  box: HTMLElement,
  view: ProductsView,
  ctx: ScreenContext,
  show: { source: string; sku: string } | null = null,
): void {
  const redraw = (v: ProductsView) => draw(box, v, ctx);
  const list = h('ul', { class: 'to-map' }, ...view.rows.map((r) => productItem(r, view, ctx, redraw)));
  const unmapped = view.rows.filter((r) => !r.productName);
  const search = searchBox('Search products', list, (el) => el.textContent ?? '');
  fill(
    box,
    view.month
      ? h('p', { class: 'muted' }, `SKUs in ${monthLabel(view.month)}.`)
      : h('p', { class: 'notice' }, 'No month pulled yet: these are the SKUs mapped so far.'),
    facts([
      ['SKUs', view.rows.length],
      ['Mapped', view.rows.length - unmapped.length],
      ['Left to the rule', unmapped.length],
    ]),
    view.products.length
      ? null
      : h('p', { class: 'notice' }, 'Refresh clients first to read the PSA’s products.'),
    view.rows.length
      ? h('div', {}, search, list)
      : h('p', { class: 'muted' }, 'No SKUs yet: pull a month first.'),
  );
  // Opened to map one product: the list narrowed to its SKU, its picker ready.
  const item = show
    ? (Array.from(list.children) as HTMLElement[]).find(
        (el) => el.dataset.sku === show.sku && el.dataset.source === show.source,
      )
    : undefined;
  if (show && item) {
    const input = search.querySelector('input');
    if (input) {
      input.value = show.sku;
      input.dispatchEvent(new Event('input'));
    }
    item.classList.add('focus');
    item.scrollIntoView({ block: 'center' });
    item.querySelector('select')?.focus();
  }
}

export const productsScreen: Screen = {
  id: 'products',
  title: 'Products',
  summary: 'Map each SKU to a PSA product; unmapped products follow the rule chosen in Defaults.',
  async render(container, ctx) {
    const box = h('div', { class: 'result', 'aria-live': 'polite' });
    container.append(
      h('h2', {}, 'Products'),
      h(
        'p',
        { class: 'muted' },
        'SKUs with the same code as a PSA product are mapped for you. The Products tab holds the same list.',
      ),
      box,
    );
    fill(box, h('p', { class: 'muted' }, 'Loading…'));
    const show = takeProductToShow();
    draw(box, await call('listProductMappings', selectedMonth()), ctx, show);
  },
};
