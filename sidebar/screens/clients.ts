/**
 * Clients: read customers from every source and companies from the PSA, match names (≥ 90 % similar),
 * keep confirmed mappings, and list who still needs a person. Mapping itself happens in the Clients tab.
 */
import type { RefreshSummary } from '../../src/jobs/refresh';
import { facts } from '../components/form';
import { withProgress } from '../components/job';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import type { Screen } from './types';

type ToMap = RefreshSummary['toMap'][number];

const OUTCOME: Record<string, string> = {
  ambiguous: 'Several close matches',
  unmatched: 'No close match',
  kept: 'Kept',
  auto: 'Matched',
};

/** One customer still to map: name, then source and reason, then the closest PSA companies. */
function toMapItem(c: ToMap): HTMLElement {
  const best = c.candidates
    .slice(0, 3)
    .map((k) => `${k.companyName} (${k.score}%)`)
    .join(', ');
  return h(
    'li',
    {},
    h('strong', {}, c.customerName),
    h('div', { class: 'hint' }, `${c.source} · ${OUTCOME[c.outcome] ?? c.outcome}`),
    best ? h('div', { class: 'hint' }, `Closest: ${best}`) : null,
  );
}

export function refreshScreen(id: string, title: string, summary: string, tab: string): Screen {
  return {
    id,
    title,
    summary,
    render(container, ctx) {
      const result = h('div', { class: 'result', 'aria-live': 'polite' });
      const refresh = actionButton(
        'Refresh from sources and PSA',
        async () => {
          try {
            const r = await withProgress(result, 'Reading sources and the PSA…', () =>
              call('refreshClients'),
            );
            ctx.notify.clearError();
            fill(
              result,
              facts([
                ['Source customers', r.customers],
                ['PSA companies', r.companies],
                ['Matched now', r.matched],
                ['Kept (confirmed)', r.kept],
                ['Need a person', r.ambiguous + r.unmatched],
                ['Contracts linked', r.contractsLinked],
              ]),
              h('h3', {}, 'Still to map'),
              r.toMap.length
                ? h('ul', { class: 'to-map' }, ...r.toMap.map(toMapItem))
                : h('p', { class: 'muted' }, 'Every customer is mapped.'),
              r.problems.length
                ? h('ul', { class: 'problems' }, ...r.problems.map((p) => h('li', {}, p)))
                : null,
            );
          } catch (e) {
            fill(result);
            ctx.notify.error((e as Error).message);
          }
        },
        { primary: true, disabled: !ctx.setup.session.canApprove, busyLabel: 'Refreshing…' },
      );
      container.append(
        h('h2', {}, title),
        h('p', {}, summary),
        h(
          'p',
          { class: 'muted' },
          `Confirmed mappings never change silently. Assign, unassign or exclude in the ${tab} tab.`,
        ),
        h('div', { class: 'actions' }, refresh),
        result,
      );
    },
  };
}

export const clientsScreen = refreshScreen(
  'clients',
  'Clients',
  'Match each source customer to a PSA company, or exclude it.',
  'Clients',
);
