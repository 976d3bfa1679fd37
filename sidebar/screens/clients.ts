/**
 * Clients: read customers from every source and companies from the PSA, match names (≥ 90 % similar),
 * keep confirmed mappings, and list who still needs a person. Mapping itself happens in the Clients tab.
 */
import type { RefreshSummary } from '../../src/jobs/refresh';
import type { CompanyOption } from '../../src/api/clients';
import { facts, selectField } from '../components/form';
import { withProgress } from '../components/job';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import type { Screen, ScreenContext } from './types';

type ToMap = RefreshSummary['toMap'][number];

const OUTCOME: Record<string, string> = {
  ambiguous: 'Several close matches',
  unmatched: 'No close match',
  kept: 'Kept',
  auto: 'Matched',
};

/**
 * One customer still to map: name, source and reason, then a company picker (closest matches first,
 * with their scores, then every PSA company) and Assign / Exclude.
 */
function toMapItem(
  c: ToMap,
  companies: CompanyOption[],
  canEdit: boolean,
  notify: ScreenContext['notify'],
): HTMLElement {
  const close = c.candidates.slice(0, 3);
  const closeIds = new Set(close.map((k) => k.companyId));
  const picker = selectField(
    `PSA company for ${c.customerName}`,
    [
      { value: '', label: 'Choose a company…' },
      ...close.map((k) => ({ value: k.companyId, label: `${k.companyName} (${k.score}%)` })),
      ...companies.filter((o) => !closeIds.has(o.id)).map((o) => ({ value: o.id, label: o.name })),
    ],
    '',
  );
  picker.control.disabled = !canEdit;
  const state = h('div', { class: 'hint', 'aria-live': 'polite' });
  const send = (companyId: string | null) => async () => {
    try {
      const r = await call('assignClient', {
        source: c.source,
        customerId: c.customerId,
        customerName: c.customerName,
        companyId,
      });
      state.textContent =
        r.status === 'excluded'
          ? 'Excluded: not invoiced.'
          : `Assigned to ${r.companyName ?? ''}${r.contractLinked ? ' (contract linked)' : ''}.`;
      notify.clearError();
    } catch (e) {
      notify.error((e as Error).message);
    }
  };
  const assign = actionButton(
    'Assign',
    async () => {
      if (!picker.control.value) {
        notify.error(`Choose a PSA company for ${c.customerName} first.`);
        return;
      }
      await send(picker.control.value)();
    },
    { disabled: !canEdit, busyLabel: 'Saving…' },
  );
  const exclude = actionButton('Exclude', send(null), {
    subtle: true,
    disabled: !canEdit,
    busyLabel: 'Saving…',
  });
  return h(
    'li',
    { 'data-customer': c.customerId },
    h('strong', {}, c.customerName),
    h('div', { class: 'hint' }, `${c.source} · ${OUTCOME[c.outcome] ?? c.outcome}`),
    picker.element,
    h('div', { class: 'actions' }, assign, exclude),
    state,
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
            const companies = await call('listCompanies');
            const search = h('input', {
              type: 'search',
              id: 'to-map-search',
              placeholder: 'Search customers',
            });
            const list = h(
              'ul',
              { class: 'to-map' },
              ...r.toMap.map((c) => toMapItem(c, companies, ctx.setup.session.canApprove, ctx.notify)),
            );
            search.addEventListener('input', () => {
              const q = search.value.trim().toLowerCase();
              for (const li of Array.from(list.children) as HTMLElement[]) {
                li.hidden =
                  q !== '' && !(li.querySelector('strong')?.textContent ?? '').toLowerCase().includes(q);
              }
            });
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
                ? h('div', {}, h('label', { for: 'to-map-search' }, 'Search the list'), search, list)
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
          `Confirmed mappings never change silently. Assign or exclude here, or edit the ${tab} tab.`,
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
