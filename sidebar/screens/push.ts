/** Push: a dry run shows each step first; the push sends only approved rows, convergently. */
import type { DryRun } from '../../src/api/jobs';
import { facts } from '../components/form';
import { withProgress } from '../components/job';
import { monthBar } from '../components/month-bar';
import { renderTable } from '../components/table';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import { monthLabel, selectedMonth } from '../state';
import { OPERATION_LABELS } from './month';
import type { Screen } from './types';

function dryRunTable(d: DryRun): HTMLElement {
  return h(
    'div',
    {},
    h('h3', {}, `Dry run: ${d.steps.length} step(s), nothing sent`),
    renderTable(
      [
        {
          label: 'Step',
          value: (s: DryRun['steps'][number]) => OPERATION_LABELS[s.operation] ?? s.operation,
        },
        { label: 'PSA record', value: (s) => s.entity },
        { label: 'Now', value: (s) => s.before },
        { label: 'After', value: (s) => s.after },
      ],
      d.steps,
      {
        caption: 'Steps the push would send',
        empty: 'Nothing to send: approve rows in Review or in the sheet.',
      },
    ),
    d.skipped
      ? h('p', { class: 'muted' }, `${d.skipped} line(s) skipped (not approved, invalid or unchanged).`)
      : null,
  );
}

export const pushScreen: Screen = {
  id: 'push',
  title: 'Push',
  summary: 'Send approved lines to the PSA; a dry run shows every request first.',
  async render(container, ctx) {
    container.append(h('h2', {}, 'Push'));
    const bar = await monthBar(() => fill(result));
    const result = h('div', { class: 'result', 'aria-live': 'polite' });
    const month = () => selectedMonth() ?? bar.month;
    const dry = actionButton(
      'Dry run',
      async () => {
        try {
          const d = await withProgress(result, 'Reading the PSA…', () => call('dryRunPush', month()));
          ctx.notify.clearError();
          fill(result, dryRunTable(d));
        } catch (e) {
          fill(result);
          ctx.notify.error((e as Error).message);
        }
      },
      { busyLabel: 'Checking…' },
    );
    const push = actionButton(
      'Push approved rows',
      async () => {
        const m = month();
        if (!window.confirm(`Send the approved rows of ${monthLabel(m)} to the PSA?`)) return;
        try {
          const r = await withProgress(result, `Pushing ${monthLabel(m)}…`, () =>
            call('pushBillingMonth', m),
          );
          ctx.notify.clearError();
          ctx.notify.toast(r.finished ? 'Push finished.' : 'Push continues in the background.');
          fill(
            result,
            h('h3', {}, r.finished ? 'Push finished' : 'Push continuing'),
            facts([
              ['Steps', r.steps],
              ['Applied', r.applied],
              ['Already right', r.unchanged],
              ['Failed', r.failed],
              ['Skipped', r.skipped],
              ['Rows to fix', r.invalidRows],
            ]),
            r.continuing
              ? h(
                  'p',
                  { class: 'notice' },
                  'The time budget ran out: the rest continues from a trigger in about a minute.',
                )
              : null,
            r.failed
              ? h(
                  'p',
                  { class: 'notice' },
                  'Failed steps are listed in the Ledger tab and the Status column.',
                )
              : null,
          );
        } catch (e) {
          fill(result);
          ctx.notify.error((e as Error).message);
        }
      },
      { primary: true, disabled: !ctx.setup.session.canApprove, busyLabel: 'Pushing…' },
    );
    fill(
      container,
      h('h2', {}, 'Push'),
      h(
        'p',
        { class: 'muted' },
        'Only approved, valid, mapped rows are sent. Running it again changes nothing.',
      ),
      bar.element,
      h('div', { class: 'actions' }, push, dry),
      result,
    );
  },
};
