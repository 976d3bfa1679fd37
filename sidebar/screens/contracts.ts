/**
 * Contracts: which PSA contract each mapped customer's charges go to, linked once and remembered in the
 * Contracts tab. When the company has no contract, BillGrid can create one in a PSA that allows it.
 */
import type {
  ContractLinkRow,
  ContractsView,
  ServiceSyncRow,
  ServiceSyncView,
} from '../../src/api/contracts';
import { facts, selectField } from '../components/form';
import { searchBox } from '../components/search';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import { selectedMonth } from '../state';
import type { Screen, ScreenContext } from './types';

const KIND: Record<string, string> = {
  'recurring-service': 'recurring service',
  'fixed-price': 'fixed price',
  'recurring-invoice': 'recurring invoice',
};

/**
 * A button that creates (or finds) a contract in the PSA for one customer, or one of its subscriptions, with
 * `extra` (kind, subscription) and says what it did through `said`.
 */
function createContractButton(
  label: string,
  r: { source: string; customerId: string; customerName: string; companyId: string },
  extra: { kind?: 'fixed-price'; subscriptionId?: string; month?: string | null },
  ctx: ScreenContext,
  said: (text: string) => void | Promise<void>,
): HTMLButtonElement {
  return actionButton(
    label,
    async () => {
      try {
        const c = await call('createMissingInPsa', {
          source: r.source,
          customerId: r.customerId,
          customerName: r.customerName,
          companyId: r.companyId,
          month: selectedMonth(),
          ...extra,
        });
        ctx.notify.clearError();
        await said(`${c.createdContract ? 'Created' : 'Found'} “${c.contractName}”.`);
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    {
      subtle: extra.subscriptionId !== undefined,
      busyLabel: 'Creating…',
    },
  );
}

function linkItem(r: ContractLinkRow, view: ContractsView, ctx: ScreenContext, reload: () => Promise<void>) {
  const state = h('div', { class: 'hint', 'aria-live': 'polite' });
  const picker = selectField(
    `PSA contract for ${r.customerName}`,
    [
      ...(r.contractId
        ? []
        : [{ value: '', label: r.candidates.length ? 'Choose a contract…' : 'No contract' }]),
      ...r.candidates.map((c) => ({ value: c.id, label: `${c.name} (${KIND[c.kind] ?? c.kind})` })),
    ],
    r.contractId ?? '',
  );
  picker.control.disabled = r.candidates.length === 0;
  const link = actionButton(
    'Link',
    async () => {
      if (!picker.control.value) {
        ctx.notify.error(`Choose a contract for ${r.customerName} first.`);
        return;
      }
      try {
        await call('linkContract', {
          source: r.source,
          customerId: r.customerId,
          contractId: picker.control.value,
        });
        ctx.notify.clearError();
        ctx.notify.toast(`${r.customerName} linked.`);
        await reload();
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { disabled: r.candidates.length === 0, busyLabel: 'Saving…' },
  );
  const said = async (text: string) => {
    state.textContent = text;
    await reload();
  };
  const create =
    view.canCreate && !r.candidates.some((c) => c.kind === 'recurring-service')
      ? createContractButton('Create contract in PSA', r, {}, ctx, said)
      : null;
  // Annual subscriptions bill on a fixed-price contract (the annual rule in Defaults).
  const createFixed =
    view.canCreate && r.contractId && !r.candidates.some((c) => c.kind === 'fixed-price')
      ? createContractButton(
          'Create fixed-price contract for annual subscriptions',
          r,
          { kind: 'fixed-price' },
          ctx,
          said,
        )
      : null;
  return h(
    'li',
    { 'data-customer': r.customerId, class: r.contractId ? null : 'unlinked' },
    h('strong', {}, r.customerName),
    h('div', { class: 'hint' }, `${r.sourceName} · → ${r.companyName}`),
    h('div', { class: 'mapping' }, r.contractName ? `Contract: ${r.contractName}` : 'No contract linked yet'),
    // Linked to the company's only contract: nothing to choose.
    r.contractId && r.candidates.length <= 1 ? null : picker.element,
    r.contractId && r.candidates.length <= 1 ? null : h('div', { class: 'actions' }, link, create),
    createFixed ? h('div', { class: 'actions' }, createFixed) : null,
    r.contractId ? prorateControl(r, r.contractId, ctx, reload) : null,
    state,
  );
}

const PRORATE_CHOICES = [
  { value: 'inherit', label: 'As the client’s settings say' },
  { value: 'on', label: 'Prorate: from the change’s date' },
  { value: 'off', label: 'No proration: from the next billing period' },
];

/**
 * The linked contract's own proration (F6): a mid-period seat change is prorated by the PSA from its date, or
 * waits for the first day of the contract's next billing period (month, quarter or year).
 */
function prorateControl(
  r: ContractLinkRow,
  contractId: string,
  ctx: ScreenContext,
  reload: () => Promise<void>,
): HTMLElement {
  const current = r.prorate === null ? 'inherit' : r.prorate ? 'on' : 'off';
  const picker = selectField(
    `Mid-period changes on ${r.contractName ?? 'this contract'}`,
    PRORATE_CHOICES,
    current,
  );
  picker.control.dataset.prorate = contractId;
  const save = actionButton(
    'Save proration',
    async () => {
      try {
        await call('setContractProrate', {
          contractId,
          prorate: picker.control.value as 'on' | 'off' | 'inherit',
        });
        ctx.notify.clearError();
        ctx.notify.toast(`Proration saved for ${r.contractName ?? r.customerName}.`);
        await reload();
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { subtle: true, busyLabel: 'Saving…' },
  );
  return h(
    'details',
    { class: 'contract-prorate' },
    h('summary', {}, 'Proration'),
    picker.element,
    h('div', { class: 'actions' }, save),
  );
}

function draw(box: HTMLElement, view: ContractsView, ctx: ScreenContext): void {
  const reload = async () => draw(box, await call('listContractLinks'), ctx);
  const list = h('ul', { class: 'to-map' }, ...view.rows.map((r) => linkItem(r, view, ctx, reload)));
  const unlinked = view.rows.filter((r) => !r.contractId).length;
  fill(
    box,
    facts([
      ['Mapped customers', view.rows.length],
      ['Linked to a contract', view.rows.length - unlinked],
      ['Not linked', unlinked],
    ]),
    view.rows.length
      ? h(
          'div',
          {},
          searchBox('Search customers', list, (el) => el.querySelector('strong')?.textContent ?? ''),
          list,
        )
      : h('p', { class: 'muted' }, 'Map clients first (Clients).'),
  );
}

const when = (iso: string | null): string => (iso ? iso.replace('T', ' ').slice(0, 16) : 'never');

/** One contract service's sync (seed 002): last and next sync, stop or resume. */
function syncItem(
  r: ServiceSyncRow,
  view: ServiceSyncView,
  ctx: ScreenContext,
  redraw: (v: ServiceSyncView) => void,
) {
  const own = subscriptionLink(r, view, ctx, redraw);
  const key = { source: r.source, customerId: r.customerId, subscriptionId: r.subscriptionId };
  const toggle = actionButton(
    r.stopped ? 'Resume sync' : 'Stop sync',
    async () => {
      try {
        const v = await call(r.stopped ? 'resumeServiceSync' : 'stopServiceSync', {
          ...key,
          month: selectedMonth(),
        });
        ctx.notify.clearError();
        ctx.notify.toast(
          r.stopped
            ? `Sync resumed for ${r.product || r.subscriptionId || r.customerName}.`
            : `Sync stopped for ${r.product || r.subscriptionId || r.customerName}: bill it by hand.`,
        );
        redraw(v);
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { subtle: !r.stopped, busyLabel: 'Saving…' },
  );
  const label = r.product || r.subscriptionId || r.customerName;
  // Seed 002's on-demand sync: pushes this service's approved quantity now (pushing rights, like Push).
  const syncNow =
    r.stopped || !view.month
      ? null
      : actionButton(
          'Sync now',
          async () => {
            try {
              const { sync, view: v } = await call('syncServiceNow', { ...key, month: view.month });
              ctx.notify.clearError();
              ctx.notify.toast(
                sync.failed
                  ? `Sync of ${label}: ${sync.failed} failed (see its row's Status).`
                  : sync.continuing
                    ? `Sync of ${label} continues shortly (${sync.applied} changed so far).`
                    : `Synced ${label}: ${sync.applied} changed, ${sync.unchanged} already up to date.`,
              );
              redraw(v);
            } catch (e) {
              ctx.notify.error((e as Error).message);
            }
          },
          {
            subtle: true,
            busyLabel: 'Syncing…',
            disabled: !ctx.setup.session.canPush,
          },
        );
  return h(
    'li',
    {
      'data-service': `${r.customerId}/${r.subscriptionId}`,
      class: r.stopped ? 'sync-stopped' : null,
    },
    h('strong', {}, r.customerName),
    h(
      'div',
      { class: 'hint' },
      `${r.sourceName} · ${r.product || (r.subscriptionId ? `subscription ${r.subscriptionId}` : 'default contract')} → ${r.contractName}`,
    ),
    h(
      'div',
      { class: 'mapping' },
      r.stopped
        ? `Sync stopped: bill by hand · last sync ${when(r.lastSync)}`
        : `Last sync ${when(r.lastSync)} · next ${r.nextSync ?? 'when you push'}`,
    ),
    r.mappingIncomplete
      ? h('div', { class: 'warning mapping-incomplete', role: 'note' }, `⚠ ${r.mappingIncomplete}`)
      : null,
    h('div', { class: 'actions' }, toggle, syncNow),
    own,
  );
}

/**
 * Seed 004 (ApplicationLink's Subscription ID → Contract ID): this subscription's own contract, picked from
 * its company's contracts or created in the PSA; remembered in the Contracts tab for every later month.
 */
function subscriptionLink(
  r: ServiceSyncRow,
  view: ServiceSyncView,
  ctx: ScreenContext,
  redraw: (v: ServiceSyncView) => void,
): HTMLElement | null {
  if (!r.subscriptionId || !r.companyId) return null;
  const label = r.product || `subscription ${r.subscriptionId}`;
  const reload = async () => redraw(await call('listServiceSync', view.month));
  const picker = selectField(
    `Own contract for ${label}`,
    r.candidates.map((c) => ({ value: c.id, label: `${c.name} (${KIND[c.kind] ?? c.kind})` })),
    r.contractId,
  );
  picker.control.disabled = r.candidates.length === 0;
  const link = actionButton(
    'Link subscription',
    async () => {
      try {
        await call('linkContract', {
          source: r.source,
          customerId: r.customerId,
          subscriptionId: r.subscriptionId,
          contractId: picker.control.value,
        });
        ctx.notify.clearError();
        ctx.notify.toast(`${label} linked to its own contract.`);
        await reload();
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { disabled: r.candidates.length === 0, subtle: true, busyLabel: 'Saving…' },
  );
  const create = view.canCreate
    ? createContractButton(
        'Create contract for this subscription',
        r,
        { month: view.month, subscriptionId: r.subscriptionId },
        ctx,
        async (text) => {
          ctx.notify.toast(text);
          await reload();
        },
      )
    : null;
  return h(
    'details',
    { class: 'subscription-link' },
    h('summary', {}, r.ownRow ? 'Own contract (this subscription only)' : 'Give it its own contract…'),
    picker.element,
    h('div', { class: 'actions' }, link, create),
  );
}

function drawSync(box: HTMLElement, view: ServiceSyncView, ctx: ScreenContext): void {
  const redraw = (v: ServiceSyncView) => drawSync(box, v, ctx);
  const list = h(
    'ul',
    { class: 'to-map sync-list' },
    ...view.rows.map((r) => syncItem(r, view, ctx, redraw)),
  );
  fill(
    box,
    h('h3', {}, 'Sync per contract service'),
    h(
      'p',
      { class: 'muted' },
      'A stopped service keeps its quantity in the PSA; its rows stay in the month but are never pushed until you resume.',
    ),
    view.rows.length
      ? h(
          'div',
          {},
          searchBox(
            'Search services',
            list,
            (el) =>
              `${el.querySelector('strong')?.textContent ?? ''} ${el.querySelector('.hint')?.textContent ?? ''}`,
          ),
          list,
        )
      : h('p', { class: 'muted' }, view.month ? 'No linked service in this month.' : 'Pull a month first.'),
  );
}

export const contractsScreen: Screen = {
  id: 'contracts',
  title: 'Contracts',
  summary: 'Link subscriptions to PSA contracts, once; they are remembered.',
  async render(container, ctx) {
    const box = h('div', { class: 'result', 'aria-live': 'polite' });
    container.append(
      h('h2', {}, 'Contracts'),
      h(
        'p',
        { class: 'muted' },
        'A company’s only recurring contract is linked for you. The Contracts tab holds the same links.',
      ),
      box,
    );
    const sync = h('div', { class: 'result', 'aria-live': 'polite' });
    container.append(sync);
    fill(box, h('p', { class: 'muted' }, 'Loading…'));
    draw(box, await call('listContractLinks'), ctx);
    drawSync(sync, await call('listServiceSync', selectedMonth()), ctx);
  },
};
