/** A compact data table; every cell is set with textContent. */
import { h } from '../dom';

export interface Column<R> {
  label: string;
  value: (row: R) => string | number | null;
  align?: 'left' | 'right';
}

export function renderTable<R>(
  columns: Column<R>[],
  rows: R[],
  opts: { caption: string; empty: string },
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, opts.empty);
  const head = h(
    'tr',
    {},
    ...columns.map((c) => h('th', { scope: 'col', class: c.align === 'right' ? 'num' : null }, c.label)),
  );
  const body = rows.map((r) =>
    h(
      'tr',
      {},
      ...columns.map((c) => {
        const v = c.value(r);
        return h('td', { class: c.align === 'right' ? 'num' : null }, v === null ? '' : String(v));
      }),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data' },
      h('caption', { class: 'sr-only' }, opts.caption),
      h('thead', {}, head),
      h('tbody', {}, ...body),
    ),
  );
}
