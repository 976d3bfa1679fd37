/** Month: pull a billing month's charges into its grid tab, then compare it with the PSA. */
import { withProgress } from '../components/job';
import { checkboxField, facts, selectField } from '../components/form';
import { monthBar } from '../components/month-bar';
import { renderTable } from '../components/table';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import { monthLabel, selectedMonth } from '../state';
import type { Screen } from './types';
import type { ActionKind } from '../../src/core/reconcile';
import type { PushOperation } from '../../src/core/psa';

/** Users' words for the reconciliation's proposed actions (src/core/reconcile ActionKind). */
export const ACTION_LABELS: Record<ActionKind | 'collapsed', string> = {
  create: 'Create in PSA',
  'set-quantity': 'Update quantity',
  'add-charge': 'Add charge',
  'update-charge': 'Update charge',
  'append-invoice-line': 'Add invoice line',
  none: 'Nothing to do',
  blocked: 'Blocked (fix first)',
  collapsed: 'Collapsed into Azure total',
};

/** … and for push steps (src/core/psa PushOperation). */
export const OPERATION_LABELS: Record<PushOperation, string> = {
  'create-quantity': 'Create',
  'set-quantity': 'Set quantity',
  'add-charge': 'Add charge',
  'update-charge': 'Update charge',
};

export const actionLabel = (a: string): string => (ACTION_LABELS as Record<string, string>)[a] ?? a;

export function actionCounts(counts: Record<string, number>, caption: string): HTMLElement {
  return renderTable(
    [
      { label: 'Proposed action', value: (r: [string, number]) => actionLabel(r[0]) },
      { label: 'Lines', value: (r: [string, number]) => r[1], align: 'right' },
    ],
    Object.entries(counts).sort((a, b) => b[1] - a[1]),
    { caption, empty: 'No lines.' },
  );
}

export const monthScreen: Screen = {
  id: 'month',
  title: 'Month',
  summary: 'Pick a billing month and pull its charges into a grid tab.',
  async render(container, ctx) {
    container.append(h('h2', {}, 'Month'));
    const bar = await monthBar(() => undefined);
    const result = h('div', { class: 'result', 'aria-live': 'polite' });
    // Pull every enabled integration, or one alone (the others' rows stay as they are).
    const integrations = await call('listIntegrations');
    const from = selectField(
      'Pull from',
      [
        { value: '', label: 'All enabled integrations' },
        ...integrations
          .filter((i) => i.connected)
          .map((i) => ({ value: i.id, label: i.enabled ? i.name : `${i.name} (disabled)` })),
      ],
      '',
    );
    const toggles = integrations
      .filter((i) => i.connected)
      .map((i) => {
        const box = checkboxField(
          `${i.name} enabled`,
          i.enabled,
          'Off: skipped by pulls, schedules and checks, and its rows are held (never pushed) until it is on again; keys kept',
        );
        box.control.disabled = !ctx.setup.session.canManage;
        box.control.addEventListener('change', () => {
          call('setIntegrationEnabled', i.id, box.control.checked)
            .then(() => ctx.notify.toast(`${i.name} ${box.control.checked ? 'enabled' : 'disabled'}.`))
            .catch((e: Error) => ctx.notify.error(e.message));
        });
        return box.element;
      });
    const pull = actionButton(
      'Pull charges',
      async () => {
        const m = selectedMonth() ?? bar.month;
        try {
          const s = await withProgress(result, `Pulling ${monthLabel(m)}…`, () =>
            call('pullBillingMonth', m, from.control.value || undefined),
          );
          ctx.notify.clearError();
          bar.markPulled(m);
          ctx.notify.toast(`${s.lines} lines in “${s.tab}”.`);
          fill(
            result,
            h('h3', {}, `Pulled into “${s.tab}”`),
            facts([
              ['Lines', s.lines],
              ['Added', s.added],
              ['Updated', s.updated],
              ['Removed', s.removed],
              ['Dropped by rules', s.dropped],
              ['Collapsed (Azure)', s.collapsed],
              ['Cannot be billed', s.unbillable],
            ]),
            renderTable(
              [
                { label: 'Source', value: (r: (typeof s.sources)[number]) => r.name },
                { label: 'Lines', value: (r) => r.lines, align: 'right' },
                {
                  label: 'Status',
                  value: (r) => (r.skipped ? 'Nothing this month' : r.ok ? 'OK' : 'Failed'),
                },
              ],
              s.sources,
              { caption: 'Sources', empty: 'No source connected.' },
            ),
            s.notes?.length ? h('ul', { class: 'muted' }, ...s.notes.map((n) => h('li', {}, n))) : null,
            s.problems.length
              ? h(
                  'div',
                  { class: 'problems' },
                  h('h3', {}, 'Needs attention'),
                  h('ul', {}, ...s.problems.map((p) => h('li', {}, p))),
                )
              : null,
          );
        } catch (e) {
          fill(result);
          ctx.notify.error((e as Error).message);
        }
      },
      { primary: true, busyLabel: 'Pulling…' },
    );
    const compare = actionButton(
      'Compare with PSA',
      async () => {
        const m = selectedMonth() ?? bar.month;
        try {
          const counts = await withProgress(result, 'Reading the PSA…', () =>
            call('reconcileBillingMonth', m),
          );
          ctx.notify.clearError();
          fill(
            result,
            h('h3', {}, `${monthLabel(m)} compared with the PSA`),
            actionCounts(counts, 'Proposed actions'),
          );
        } catch (e) {
          fill(result);
          ctx.notify.error((e as Error).message);
        }
      },
      { busyLabel: 'Comparing…' },
    );
    // Seed 004's per-line links: a company, contract or service picked in a row's cell is used for that
    // line at once; this keeps it for later months (Clients, Contracts, Products tabs).
    const remember = actionButton(
      'Remember links edited in the grid',
      async () => {
        const m = selectedMonth() ?? bar.month;
        try {
          const r = await call('rememberLineLinks', m);
          ctx.notify.clearError();
          const what = (links: string[]) => links.join(', ');
          fill(
            result,
            h('h3', {}, `Links edited in ${monthLabel(m)}`),
            r.remembered.length || r.refused.length
              ? null
              : h('p', { class: 'muted' }, 'No row has a PSA company, contract or service/item of its own.'),
            r.remembered.length
              ? renderTable(
                  [
                    { label: 'Row', value: (x: (typeof r.remembered)[number]) => x.row, align: 'right' },
                    { label: 'Remembered for later months', value: (x) => what(x.links) },
                  ],
                  r.remembered,
                  { caption: 'Remembered', empty: '' },
                )
              : null,
            r.refused.length
              ? h(
                  'div',
                  { class: 'problems' },
                  h('h3', {}, 'Not remembered'),
                  h('ul', {}, ...r.refused.map((x) => h('li', {}, `Row ${x.row}: ${x.message}`))),
                )
              : null,
          );
          ctx.notify.toast(`${r.remembered.length} rows' links remembered.`);
        } catch (e) {
          fill(result);
          ctx.notify.error((e as Error).message);
        }
      },
      { busyLabel: 'Remembering…' },
    );
    fill(
      container,
      h('h2', {}, 'Month'),
      h(
        'p',
        { class: 'muted' },
        'Pulling again merges by line: approvals, notes and overrides typed in the sheet are kept. ' +
          "A PSA company, contract or service/item picked in a row is that line's; remember it for later months below.",
      ),
      bar.element,
      from.element,
      h('details', { class: 'integrations' }, h('summary', {}, 'Integrations on/off'), ...toggles),
      h('div', { class: 'actions' }, pull, compare, remember),
      result,
    );
  },
};
