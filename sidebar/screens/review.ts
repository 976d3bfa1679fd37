/** Review: the month compared with the PSA, by client and action, with bulk approval and totals. */
import type { MonthReview } from '../../src/api/jobs';
import { facts, selectField } from '../components/form';
import { monthBar } from '../components/month-bar';
import { renderTable } from '../components/table';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import { monthLabel } from '../state';
import { actionCounts, actionLabel } from './month';
import type { Screen, ScreenContext } from './types';

const money = (n: number, currency: string) => {
  try {
    return n.toLocaleString('en-US', { style: 'currency', currency });
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
};

/** One amount per currency, never added together: "$1,200.00 + €310.50". */
const totals = (t: MonthReview['totals']) =>
  t.length ? t.map((x) => money(x.total, x.currency)).join(' + ') : money(0, 'USD');

function drawReview(
  box: HTMLElement,
  review: MonthReview,
  ctx: ScreenContext,
  reload: () => Promise<void>,
): void {
  const clients = selectField(
    'Client',
    [
      { value: '', label: 'All clients' },
      ...review.byClient.map((c) => ({ value: c.client, label: c.client })),
    ],
    '',
  );
  const approvable = Object.keys(review.byAction).filter(
    (a) => a !== 'none' && a !== 'blocked' && a !== 'collapsed',
  );
  const actions = selectField(
    'Proposed action',
    [{ value: '', label: 'Every action' }, ...approvable.map((a) => ({ value: a, label: actionLabel(a) }))],
    '',
  );
  const approve = (on: boolean) => async () => {
    const filter = {
      approve: on,
      ...(clients.control.value ? { clients: [clients.control.value] } : {}),
      ...(actions.control.value ? { actions: [actions.control.value] } : {}),
    };
    try {
      const r = await call('approveRows', review.month, filter);
      ctx.notify.clearError();
      ctx.notify.toast(`${on ? 'Approved' : 'Unapproved'} ${r.changed} of ${r.matched} matching rows.`);
      await reload();
    } catch (e) {
      ctx.notify.error((e as Error).message);
    }
  };
  const section = (title: string, open: boolean, ...children: Array<HTMLElement | null>) =>
    h('details', { class: 'more', open }, h('summary', {}, title), ...children);
  fill(
    box,
    facts([
      ['Lines', review.lines],
      ['Approved', review.approved],
      ['Need fixing', review.invalid.length],
      ['Removed at source', review.removed],
      ['Cannot be billed', review.unbillable.length],
    ]),
    review.warnings.length
      ? h('div', { class: 'problems' }, ...review.warnings.map((w) => h('p', {}, w)))
      : null,
    review.invalid.length
      ? h(
          'div',
          { class: 'problems' },
          h('h3', {}, 'Rows to fix in the sheet'),
          h('ul', {}, ...review.invalid.slice(0, 50).map((r) => h('li', {}, `Row ${r.row}: ${r.message}`))),
        )
      : null,
    review.contractStarts.length
      ? h(
          'div',
          { class: 'problems' },
          h('h3', {}, 'Contracts to fix before the push'),
          h(
            'ul',
            {},
            ...review.contractStarts.map((c) =>
              h('li', {}, `${c.message} (${c.rows} row${c.rows === 1 ? '' : 's'} wait for it)`),
            ),
          ),
        )
      : null,
    review.wrongCompany.length
      ? h(
          'div',
          { class: 'problems' },
          h('h3', {}, 'Held: contract of another company'),
          h(
            'ul',
            {},
            ...review.wrongCompany.slice(0, 50).map((r) => h('li', {}, `Row ${r.row}: ${r.message}`)),
          ),
        )
      : null,
    review.disabledIntegrations.length
      ? h(
          'div',
          { class: 'problems' },
          h('h3', {}, 'Held: integration disabled'),
          h(
            'ul',
            {},
            ...review.disabledIntegrations.map((d) =>
              h(
                'li',
                {},
                `${d.rows} row${d.rows === 1 ? '' : 's'} held (${d.approved} approved): ${d.message}`,
              ),
            ),
          ),
        )
      : null,
    review.unbillable.length
      ? h(
          'div',
          { class: 'problems' },
          h('h3', {}, 'Charges the vendor sent that cannot be billed'),
          h(
            'ul',
            {},
            ...review.unbillable.slice(0, 50).map((r) => h('li', {}, `Row ${r.row}: ${r.message}`)),
          ),
        )
      : null,
    h('h3', {}, 'Approve in bulk'),
    h(
      'p',
      { class: 'muted' },
      'Only valid rows with something to send can be approved. You can also tick rows in the sheet.',
    ),
    clients.element,
    actions.element,
    h(
      'div',
      { class: 'actions' },
      actionButton('Approve', approve(true), {
        primary: true,
        busyLabel: 'Approving…',
      }),
      actionButton('Unapprove', approve(false), { busyLabel: 'Working…' }),
    ),
    h('h3', {}, 'By proposed action'),
    actionCounts(review.byAction, 'Lines by proposed action'),
    h('h3', {}, 'By client'),
    section(
      `${review.byClient.length} clients, ${totals(review.totals)}`,
      review.byClient.length <= 15,
      renderTable(
        [
          { label: 'Client', value: (c: MonthReview['byClient'][number]) => c.client },
          { label: 'Lines', value: (c) => c.lines, align: 'right' },
          { label: 'Approved', value: (c) => c.approved, align: 'right' },
          { label: 'Total', value: (c) => totals(c.totals), align: 'right' },
        ],
        review.byClient,
        { caption: 'Lines by client', empty: 'No lines: pull the month first.' },
      ),
    ),
    h('h3', {}, `Differences with the PSA (${review.differenceCount})`),
    section(
      review.differenceCount ? 'Lines a push would change' : 'None',
      false,
      renderTable(
        [
          { label: 'Row', value: (d: MonthReview['differences'][number]) => d.row, align: 'right' },
          {
            label: 'Client · product',
            value: (d) => `${d.client} · ${d.product}${d.identifies ? ` (${d.identifies})` : ''}`,
          },
          { label: 'PSA now', value: (d) => d.now, align: 'right' },
          { label: 'Sheet', value: (d) => d.sheet, align: 'right' },
        ],
        review.differences,
        { caption: 'Lines a push would change', empty: 'The PSA already matches the sheet.' },
      ),
      review.differenceCount > review.differences.length
        ? h(
            'p',
            { class: 'muted' },
            `First ${review.differences.length} shown; the Action column has them all.`,
          )
        : null,
    ),
  );
}

export const reviewScreen: Screen = {
  id: 'review',
  title: 'Review',
  summary: 'Compare with the PSA and approve lines, with totals.',
  async render(container, ctx) {
    container.append(h('h2', {}, 'Review'));
    const box = h('div', { class: 'result', 'aria-live': 'polite' });
    const load = async (m: string) => {
      if (!bar.pulled(m)) {
        fill(
          box,
          h('p', { class: 'notice' }, `${monthLabel(m)} has not been pulled yet: pull it on the Month tab.`),
        );
        return;
      }
      fill(box, h('p', { class: 'muted' }, `Reading ${monthLabel(m)} and the PSA…`));
      try {
        const review = await call('reviewBillingMonth', m);
        drawReview(box, review, ctx, () => load(m));
      } catch (e) {
        fill(box);
        ctx.notify.error((e as Error).message);
      }
    };
    const bar = await monthBar((m) => void load(m));
    fill(container, h('h2', {}, 'Review'), bar.element, box);
    await load(bar.month);
  },
};
