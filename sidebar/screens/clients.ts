/**
 * Clients: read customers from every source and companies from the PSA, match names (≥ 90 % similar,
 * score shown), then a person maps the rest: assign (several customers may share a company), exclude,
 * create the company in the PSA, confirm or unassign a match, and per-client overrides. Everything is
 * written to the Clients tab, which a person may also edit directly.
 */
import type { ClientRow, ClientsView, CompanyOption } from '../../src/api/clients';
import type { RefreshSummary } from '../../src/jobs/refresh';
import { checkboxField, facts, selectField } from '../components/form';
import { withProgress } from '../components/job';
import { searchBox } from '../components/search';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import { selectedMonth } from '../state';
import { clientSettings } from './client-settings';
import { inFamilies } from './families';
import { MAX_MODULE_COLUMNS, accountRows, defaultModuleColumns, toggleModuleColumn } from './module-columns';
import type { Screen, ScreenContext } from './types';

type ToMap = RefreshSummary['toMap'][number];

const OUTCOME: Record<string, string> = {
  ambiguous: 'Several close matches',
  unmatched: 'No close match',
};
const STATUS: Record<ClientRow['status'], string> = {
  auto: 'Matched',
  confirmed: 'Confirmed',
  manual: 'Mapped by hand',
  excluded: 'Excluded',
};

/**
 * One customer still to map: a company picker (closest matches first, with their scores, then every
 * PSA company), Assign, Exclude, and — when the PSA allows it — create the company there.
 */
function toMapItem(
  c: ToMap,
  view: ClientsView,
  ctx: ScreenContext,
  changed: () => Promise<void>,
  child = false,
): HTMLElement {
  const close = c.candidates.slice(0, 3);
  const closeIds = new Set(close.map((k) => k.companyId));
  const picker = selectField(
    `PSA company for ${c.customerName}`,
    [
      { value: '', label: 'Choose a company…' },
      ...close.map((k) => ({ value: k.companyId, label: `${k.companyName} (${Math.floor(k.score)}%)` })),
      ...view.companies
        .filter((o) => !closeIds.has(o.id))
        .map((o: CompanyOption) => ({ value: o.id, label: o.name })),
    ],
    '',
  );
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
      ctx.notify.clearError();
      await changed();
    } catch (e) {
      ctx.notify.error((e as Error).message);
    }
  };
  const assign = actionButton(
    'Assign',
    async () => {
      if (!picker.control.value) {
        ctx.notify.error(`Choose a PSA company for ${c.customerName} first.`);
        return;
      }
      await send(picker.control.value)();
    },
    { busyLabel: 'Saving…' },
  );
  const exclude = actionButton('Exclude', send(null), {
    subtle: true,
    busyLabel: 'Saving…',
  });
  const create = view.canCreateInPsa
    ? actionButton(
        'Create in PSA',
        async () => {
          if (!window.confirm(`Create the company “${c.customerName}” and a contract for it in the PSA?`))
            return;
          try {
            const r = await call('createMissingInPsa', {
              source: c.source,
              customerId: c.customerId,
              customerName: c.customerName,
              companyId: null,
              month: selectedMonth(),
            });
            state.textContent = `${r.createdCompany ? 'Created' : 'Found'} ${r.companyName} and ${
              r.createdContract ? 'created' : 'linked'
            } “${r.contractName}”.`;
            ctx.notify.clearError();
            await changed();
          } catch (e) {
            ctx.notify.error((e as Error).message);
          }
        },
        { busyLabel: 'Creating…' },
      )
    : null;
  return h(
    'li',
    { 'data-customer': c.customerId, 'data-parent': c.parentId, class: child ? 'child' : null },
    h('strong', {}, c.customerName),
    c.parentName ? h('div', { class: 'hint' }, `Part of ${c.parentName}`) : null,
    h(
      'div',
      { class: 'hint' },
      `${view.sourceNames[c.source] ?? c.source} · ${OUTCOME[c.outcome] ?? c.outcome}` +
        (close[0] ? ` (closest: ${close[0].companyName}, ${Math.floor(close[0].score)}%)` : ''),
    ),
    picker.element,
    h('div', { class: 'actions' }, assign, create, exclude),
    state,
  );
}

const openClients = new Set<string>();

/** One mapped (or excluded) customer: company, status and score, then Confirm / Unassign / settings. */
function mappedItem(
  r: ClientRow,
  ctx: ScreenContext,
  redraw: (v: ClientsView) => void,
  child = false,
): HTMLElement {
  const customer = { source: r.source, customerId: r.customerId };
  const run = (fn: () => Promise<ClientsView>, done: string) => async () => {
    try {
      const v = await fn();
      ctx.notify.clearError();
      ctx.notify.toast(done);
      redraw(v);
    } catch (e) {
      ctx.notify.error((e as Error).message);
    }
  };
  const score = r.status === 'auto' && r.score !== null ? ` · ${Math.floor(r.score)}% match` : '';
  const key = `${r.source}\u0000${r.customerId}`;
  const item = h(
    'details',
    {
      class: child ? 'client child' : 'client',
      'data-customer': r.customerId,
      'data-parent': r.parentId,
      'data-source': r.source,
      'data-company': `${r.companyName ?? ''} ${r.companyCode ?? ''} ${r.companyId ?? ''}`,
      open: openClients.has(key),
    },
    h(
      'summary',
      {},
      h('span', { class: 'client-name' }, r.customerName),
      h('span', { class: `chip ${r.status}` }, STATUS[r.status]),
    ),
    h(
      'div',
      { class: 'client-body' },
      h(
        'div',
        { class: 'hint' },
        `${r.sourceName} · ${r.companyName ? `→ ${r.companyName}${r.companyCode ? ` (${r.companyCode})` : ''}` : 'not invoiced'}${score}`,
      ),
      r.parentName ? h('div', { class: 'hint' }, `Part of ${r.parentName}`) : null,
      r.contractName ? h('div', { class: 'hint' }, `Contract: ${r.contractName}`) : null,
      r.lastInvoice || r.lastInvoiceNone
        ? h('div', { class: 'hint last-invoice' }, `Latest invoice: ${r.lastInvoice ?? r.lastInvoiceNone}`)
        : null,
      r.recurringInvoices.length
        ? h('div', { class: 'hint recurring-invoice' }, `Recurring: ${r.recurringInvoices.join('; ')}`)
        : null,
      h(
        'div',
        { class: 'actions' },
        r.status === 'auto'
          ? actionButton(
              'Confirm',
              run(() => call('confirmClients', [customer]), `${r.customerName} confirmed.`),
              {
                busyLabel: 'Saving…',
              },
            )
          : null,
        r.status === 'excluded'
          ? actionButton(
              'Include',
              run(() => call('includeClient', customer), `${r.customerName} included again.`),
              { busyLabel: 'Saving…' },
            )
          : actionButton(
              'Exclude',
              run(
                () => call('excludeClient', { ...customer, customerName: r.customerName }),
                `${r.customerName} excluded: not invoiced.`,
              ),
              { subtle: true, busyLabel: 'Saving…' },
            ),
        actionButton(
          'Unassign',
          run(() => call('unassignClient', customer), `${r.customerName} unassigned.`),
          {
            subtle: true,
            busyLabel: 'Saving…',
          },
        ),
      ),
      r.status === 'excluded' ? null : clientSettings(r, ctx, redraw),
    ),
  );
  // A redraw after a change keeps the clients a person opened open.
  item.addEventListener('toggle', () => {
    if (item.open) openClients.add(key);
    else openClients.delete(key);
  });
  return item;
}

/** The Clients filters (kept across redraws): integration, PSA account status. */
const filters = { source: '', account: '' };

const ACCOUNT_FILTERS = [
  { value: '', label: 'Any PSA account' },
  { value: 'active', label: 'Active PSA accounts' },
  { value: 'inactive', label: 'Inactive PSA accounts' },
  { value: 'excluded', label: 'Excluded (not invoiced)' },
];

function shown(r: ClientRow): boolean {
  if (filters.source && r.source !== filters.source) return false;
  if (filters.account === 'active') return r.companyActive === true && r.status !== 'excluded';
  if (filters.account === 'inactive') return r.companyActive === false && r.status !== 'excluded';
  if (filters.account === 'excluded') return r.status === 'excluded';
  return true;
}

/** The integration columns a person chose for the accounts view (kept across redraws); null: the default. */
let moduleColumns: string[] | null = null;
let accountsOpen = false;

/**
 * Seed 002's Organization Mapping page: the PSA accounts of the clients shown (so the integration and account
 * filters apply), with up to three integration columns of the person's choice naming the customers that bill
 * each account, or "Not mapped"; searchable by account name or id.
 */
function accountsView(rows: ClientRow[], view: ClientsView, redraw: () => void): HTMLElement {
  // Integrations in the registry's order (sourceNames), those with clients only.
  const present = new Set(view.rows.map((r) => r.source));
  const available = [
    ...Object.keys(view.sourceNames).filter((s) => present.has(s)),
    ...[...present].filter((s) => !(s in view.sourceNames)),
  ];
  const chosen = (moduleColumns ?? defaultModuleColumns(available)).filter((c) => available.includes(c));
  const picks = available.map((s) => {
    const f = checkboxField(view.sourceNames[s] ?? s, chosen.includes(s));
    f.control.disabled = !chosen.includes(s) && chosen.length >= MAX_MODULE_COLUMNS;
    f.control.dataset.column = s;
    f.control.addEventListener('change', () => {
      moduleColumns = toggleModuleColumn(chosen, s, available);
      redraw();
    });
    return f.element;
  });
  const table = accountRows(rows, chosen);
  const body = h(
    'tbody',
    {},
    ...table.map((a) =>
      h(
        'tr',
        { 'data-account': a.companyId, 'data-search': `${a.companyName} ${a.code ?? ''} ${a.companyId}` },
        h('th', { scope: 'row' }, a.active === false ? `${a.companyName} (inactive)` : a.companyName),
        ...a.cells.map((c) =>
          h('td', { class: c.length ? null : 'muted' }, c.length ? c.join(', ') : 'Not mapped'),
        ),
      ),
    ),
  );
  const box = h(
    'details',
    { class: 'accounts', open: accountsOpen },
    h('summary', {}, `By PSA account (${table.length})`),
    h(
      'fieldset',
      { class: 'module-columns' },
      h('legend', {}, `Columns: up to ${MAX_MODULE_COLUMNS} integrations`),
      ...picks,
    ),
    searchBox('Search by PSA account name or code', body, (el) => el.dataset.search ?? ''),
    h(
      'table',
      { class: 'data account-columns' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'PSA account'), ...chosen.map((s) => h('th', {}, view.sourceNames[s] ?? s))),
      ),
      body,
    ),
  );
  box.addEventListener('toggle', () => (accountsOpen = box.open));
  return box;
}

function mappedList(container: HTMLElement, view: ClientsView, ctx: ScreenContext): void {
  const redraw = (v: ClientsView) => mappedList(container, v, ctx);
  const integration = selectField(
    'Integration',
    [
      { value: '', label: 'All integrations' },
      ...[...new Set(view.rows.map((r) => r.source))].map((s) => ({
        value: s,
        label: view.sourceNames[s] ?? s,
      })),
    ],
    filters.source,
  );
  const account = selectField('PSA account', ACCOUNT_FILTERS, filters.account);
  integration.control.addEventListener('change', () => {
    filters.source = integration.control.value;
    redraw(view);
  });
  account.control.addEventListener('change', () => {
    filters.account = account.control.value;
    redraw(view);
  });
  const rows = view.rows.filter(shown);
  const list = h(
    'div',
    { class: 'client-list' },
    ...inFamilies(rows).map(({ item, child }) => mappedItem(item, ctx, redraw, child)),
  );
  const auto = view.rows.filter((r) => r.status === 'auto');
  fill(
    container,
    h(
      'h3',
      {},
      `Mapped clients (${rows.length}${rows.length < view.rows.length ? ` of ${view.rows.length}` : ''})`,
    ),
    h('div', { class: 'filters' }, integration.element, account.element),
    view.rows.length ? accountsView(rows, view, () => redraw(view)) : null,
    view.rows.length
      ? h(
          'div',
          {},
          auto.length
            ? h(
                'div',
                { class: 'actions' },
                actionButton(
                  `Confirm ${auto.length} automatic match${auto.length > 1 ? 'es' : ''}`,
                  async () => {
                    try {
                      redraw(
                        await call(
                          'confirmClients',
                          auto.map((r) => ({ source: r.source, customerId: r.customerId })),
                        ),
                      );
                      ctx.notify.toast('Automatic matches confirmed.');
                    } catch (e) {
                      ctx.notify.error((e as Error).message);
                    }
                  },
                  { busyLabel: 'Saving…' },
                ),
              )
            : null,
          searchBox(
            'Search by client, PSA account name or code',
            list,
            (el) => `${el.querySelector('summary')?.textContent ?? ''} ${el.dataset.company ?? ''}`,
          ),
          list,
        )
      : h('p', { class: 'muted' }, 'No client is mapped yet: refresh to match them.'),
    view.problems.length ? h('ul', { class: 'problems' }, ...view.problems.map((p) => h('li', {}, p))) : null,
  );
}

export const clientsScreen: Screen = {
  id: 'clients',
  title: 'Clients',
  summary: 'Match each source customer to a PSA company, or exclude it.',
  async render(container, ctx) {
    const result = h('div', { class: 'result', 'aria-live': 'polite' });
    const mapped = h('div', { class: 'mapped' });
    let last: RefreshSummary | null = null;
    const drawToMap = (r: RefreshSummary, view: ClientsView) => {
      // Customers mapped since the refresh drop out of the list to map.
      const done = new Set(view.rows.map((x) => `${x.source}\u0000${x.customerId}`));
      const open = r.toMap.filter((c) => !done.has(`${c.source}\u0000${c.customerId}`));
      const list = h(
        'ul',
        { class: 'to-map' },
        ...inFamilies(open).map(({ item, child }) => toMapItem(item, view, ctx, reload, child)),
      );
      fill(
        result,
        facts([
          ['Source customers', r.customers],
          ['PSA companies', r.companies],
          ['Matched now (≥ 90 %)', r.matched],
          ['Kept (confirmed)', r.kept],
          ['Need a person', open.length],
          ['Contracts linked', r.contractsLinked],
        ]),
        h('h3', {}, `Still to map (${open.length})`),
        open.length
          ? h(
              'div',
              {},
              searchBox(
                'Search customers to map',
                list,
                (el) => el.querySelector('strong')?.textContent ?? '',
              ),
              list,
            )
          : h('p', { class: 'muted' }, 'Every customer is mapped.'),
        r.problems.length ? h('ul', { class: 'problems' }, ...r.problems.map((p) => h('li', {}, p))) : null,
      );
    };
    const reload = async () => {
      const view = await call('listClients');
      mappedList(mapped, view, ctx);
      if (last) drawToMap(last, view);
    };
    const runRefresh = async () => {
      try {
        last = await withProgress(result, 'Reading sources and the PSA…', () => call('refreshClients'));
        ctx.notify.clearError();
        await reload();
      } catch (e) {
        fill(result);
        ctx.notify.error((e as Error).message);
      }
    };
    const refresh = actionButton('Refresh from sources and PSA', runRefresh, {
      primary: true,
      busyLabel: 'Refreshing…',
    });
    container.append(
      h('h2', {}, 'Clients'),
      h('p', {}, 'Match each source customer to a PSA company, or exclude it.'),
      h(
        'p',
        { class: 'muted' },
        'Matches of 90 % or more are made for you; what a person chose never changes. The Clients tab holds the same list.',
      ),
      h('div', { class: 'actions' }, refresh),
      result,
      mapped,
    );
    await reload();
    // The wizard's first visit reads customers and companies at once, so the step opens on what to map.
    const { sourcesConnected, psaConnected } = ctx.setup;
    if (ctx.firstWizardVisit && sourcesConnected > 0 && psaConnected > 0) {
      refresh.click();
    }
  },
};
