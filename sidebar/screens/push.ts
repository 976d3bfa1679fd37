/** Push: a dry run shows each step first; the push sends only approved rows, convergently. */
import type { DryRun, PushView } from '../../src/api/jobs';
import type { ManualModeGate } from '../../src/core/manual-mode';
import type { PushOperation } from '../../src/core/psa';
import type { PushStatus, RowResult } from '../../src/api/push-results';
import { createProgress } from '../components/progress';
import { facts } from '../components/form';
import { withProgress } from '../components/job';
import { monthBar } from '../components/month-bar';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import { monthLabel, selectedMonth, showProductNext } from '../state';
import { OPERATION_LABELS } from './month';
import type { Screen } from './types';

/** Manual product mode: what holds the push back, each product with a way to map it. */
function refusal(gate: ManualModeGate): HTMLElement {
  // Products opens on this product: its row found, scrolled to and its picker focused.
  const openProducts = (p: { source: string; sku: string }) => {
    showProductNext({ source: p.source, sku: p.sku });
    document.getElementById('tab-products')?.click();
  };
  return h(
    'div',
    { class: 'problems refused', role: 'alert' },
    h('p', { class: 'notice' }, gate.message),
    h(
      'ul',
      {},
      ...gate.productsToMap.slice(0, 50).map((p) =>
        h(
          'li',
          { 'data-sku': p.sku },
          h('strong', {}, p.sku),
          ` ${p.description} · ${p.source} · ${p.lines} approved line(s) `,
          actionButton(`Map ${p.sku} in Products`, async () => openProducts(p), { subtle: false }),
        ),
      ),
    ),
  );
}

function dryRunTable(d: DryRun): HTMLElement {
  if (d.refused)
    return h('div', { class: 'dry-run' }, h('h3', {}, 'Dry run: nothing would be sent'), refusal(d.refused));
  return h(
    'div',
    { class: 'dry-run' },
    h('h3', {}, `Dry run: ${d.total} step(s), nothing sent`),
    facts(Object.entries(d.byOperation).map(([op, n]) => [OPERATION_LABELS[op as PushOperation] ?? op, n])),
    d.steps.length
      ? h(
          'ol',
          { class: 'steps-list' },
          ...d.steps.map((s) =>
            h(
              'li',
              {},
              h('strong', {}, OPERATION_LABELS[s.operation] ?? s.operation),
              ` · ${s.client}`,
              h('div', {}, s.product),
              s.identifies ? h('div', { class: 'hint' }, s.identifies) : null,
              h('div', { class: 'hint' }, `${s.before} → ${s.after}`),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'Nothing to send: approve rows in Review or in the sheet.'),
    d.total > d.steps.length ? h('p', { class: 'muted' }, `…and ${d.total - d.steps.length} more.`) : null,
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
    const bar = await monthBar((m) => {
      fill(result);
      void showQuota(m);
    });
    const result = h('div', { class: 'result', 'aria-live': 'polite' });
    const month = () => selectedMonth() ?? bar.month;
    /** Before the push starts: whether the month fits the Google account's daily quotas. */
    const quota = h('div', { class: 'quota-estimate' });
    const showQuota = async (m: string) => {
      fill(quota);
      try {
        const q = await call('estimateMonthQuota', m);
        if (q?.warning && month() === m)
          fill(quota, h('p', { class: 'notice quota-warning', role: 'status' }, q.warning));
      } catch {
        // The estimate is advice: a failure to read it never blocks the push.
      }
    };
    const dry = actionButton(
      'Dry run',
      async () => {
        try {
          const d = await withProgress(result, 'Reading the PSA…', () =>
            call('dryRunPush', month(), { limit: 200 }),
          );
          ctx.notify.clearError();
          fill(result, dryRunTable(d));
        } catch (e) {
          fill(result);
          ctx.notify.error((e as Error).message);
        }
      },
      { busyLabel: 'Checking…' },
    );
    /** Rows whose Status says failed or not pushed, each with "Show in sheet". */
    const problemList = (m: string, rows: RowResult[], total: number): HTMLElement | null => {
      if (!rows.length) return null;
      return h(
        'div',
        { class: 'problems push-problems' },
        h('h3', {}, `Rows to look at (${total})`),
        h(
          'ul',
          {},
          ...rows.slice(0, 50).map((r) =>
            h(
              'li',
              { class: r.status.startsWith('Failed') ? 'failed' : null },
              h('strong', {}, `Row ${r.row}`),
              ` ${r.client} · ${r.product}: `,
              h('span', {}, r.status),
              ' ',
              actionButton(
                'Show in sheet',
                async () => {
                  try {
                    await call('showGridRow', { month: m, row: r.row });
                  } catch (e) {
                    ctx.notify.error((e as Error).message);
                  }
                },
                { subtle: false },
              ),
            ),
          ),
        ),
      );
    };
    /** The push's counts (or, after a continuation, the last run's sentence) and the rows to look at. */
    const summary = (r: PushView | { message: string }, problems: HTMLElement | null) => {
      const view = 'steps' in r ? r : null;
      if (view?.refused) {
        fill(result, h('h3', {}, 'Push refused'), refusal(view.refused), problems);
        return;
      }
      fill(
        result,
        h('h3', {}, view && !view.finished ? 'Push continuing' : 'Push finished'),
        view
          ? facts([
              ['Steps', view.steps],
              ['Applied', view.applied],
              ['Already right', view.unchanged],
              ['Failed', view.failed],
              ['Skipped', view.skipped],
              ['Rows to fix', view.invalidRows],
            ])
          : h('p', {}, 'message' in r ? r.message : ''),
        view?.failed
          ? h(
              'p',
              { class: 'notice' },
              'The first failed row is selected in the sheet; every step is in the Ledger tab.',
            )
          : null,
        problems,
      );
    };
    /** A push that ran out of time continues from a trigger: follow it until its run is done. */
    const follow = async (m: string, runId: string) => {
      const note = h(
        'p',
        { class: 'notice', role: 'status' },
        'The time budget ran out: the push continues by itself while this sidebar is open; closed, it continues from a trigger (in the add-on, within the hour).',
      );
      const progress = createProgress('Continuing…');
      result.append(note, progress.element);
      // While the sidebar is open it runs the due continuation itself (an add-on's dispatcher fires hourly).
      let driving = false;
      for (;;) {
        await new Promise((res) => window.setTimeout(res, 5000));
        if (!result.isConnected) return;
        if (!driving) {
          driving = true;
          void call('continueJobs')
            .catch(() => null)
            .finally(() => {
              driving = false;
            });
        }
        let s: PushStatus;
        try {
          s = await call('getPushStatus', m);
        } catch {
          continue;
        }
        if (s.progress?.runId === runId && s.progress.total > 0) {
          progress.set(
            s.progress.done / s.progress.total,
            `${s.progress.step} (${s.progress.done} of ${s.progress.total})`,
          );
        }
        if (s.lastRun?.runId === runId && s.lastRun.outcome !== 'continuing') {
          ctx.notify.toast('Push finished.');
          summary(s.lastRun, problemList(m, s.problems, s.problemCount));
          return;
        }
      }
    };
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
          summary(r, problemList(m, r.problems, r.problemCount));
          if (r.continuing) await follow(m, r.runId);
        } catch (e) {
          fill(result);
          ctx.notify.error((e as Error).message);
        }
      },
      { primary: true, disabled: !ctx.setup.session.canPush, busyLabel: 'Pushing…' },
    );
    const session = ctx.setup.session;
    const whoPushes = !session.canPush
      ? h(
          'p',
          { class: 'notice', role: 'note' },
          `Only the BillGrid owner (${session.owner ?? 'not set'}) or an admin (${session.admins.join(', ') || 'none yet'}) can push: the Ledger records every push and only they can write it. Approve the rows and ask one of them.`,
        )
      : null;
    fill(
      container,
      h('h2', {}, 'Push'),
      h(
        'p',
        { class: 'muted' },
        'Only approved, valid, mapped rows are sent. Running it again changes nothing.',
      ),
      bar.element,
      quota,
      whoPushes,
      h('div', { class: 'actions' }, push, dry),
      result,
    );
    void showQuota(month());
  },
};
