/**
 * Defaults: the billing rules every client inherits (integration and client overrides are kept as
 * they are): modifiers, invoice behaviour, product lifecycle, arrears and default codes.
 */
import type { DefaultsView } from '../../src/api/jobs';
import type {
  ArrearsMode,
  ChargeDetail,
  EffectiveSettings,
  InvoiceBehaviour,
  LatestInvoiceRule,
  Modifiers,
  NoLatestInvoice,
  ProductLifecycleMode,
  SettingsOverride,
} from '../../src/core/settings';
import { checkboxField, selectField, type Field } from '../components/form';
import { actionButton, h, fill } from '../dom';
import { call } from '../rpc';
import type { Screen, ScreenContext } from './types';

export const INVOICE: Record<InvoiceBehaviour, string> = {
  new: 'Always a new invoice',
  latest: 'Append to the latest invoice',
  recurring: 'Append to the recurring invoice',
};
/** Which invoice 'Append to the latest invoice' appends to (#16). */
export const LATEST: Record<LatestInvoiceRule, string> = {
  unsent: 'The newest invoice not yet sent',
  unpaid: 'The newest invoice not yet paid (sent ones too)',
};
/** When no invoice of the client is the latest by that rule. */
export const NO_LATEST: Record<NoLatestInvoice, string> = {
  hold: 'Hold its rows and say so',
  new: 'Bill them on a new invoice for the month',
};
/** Said under both: what never counts as the latest, whatever the rule. */
export const LATEST_HINT =
  'Never a posted, voided or paid invoice or a credit note. For PSAs that bill on invoices.';
export const LIFECYCLE: Record<ProductLifecycleMode, string> = {
  manual: 'Map by hand (push waits)',
  'default-item': 'Use the default item',
  'auto-create': 'Create them in the PSA',
};
export const ARREARS: Record<ArrearsMode, string> = {
  'most-recent': 'On the most recent invoice',
  next: 'On the next invoice',
};
export const MODIFIERS: Array<[keyof EffectiveSettings['modifiers'], string, string]> = [
  ['dropAzure', 'Drop Azure lines', 'Azure consumption is left out of the push.'],
  ['collapseAzure', 'Collapse Azure lines', 'One Azure line per client; cost and price summed.'],
  ['dropFavourableProRata', 'Drop favourable pro-rata', 'Negative pro-rata credits are not pushed.'],
  ['dropZero', 'Drop $0 lines', ''],
];
export const CHARGE_DETAIL: Record<ChargeDetail, string> = {
  'per-line': 'One charge per source line',
  grouped: 'One charge per contract, product and month (detail in its description)',
};
const ANNUAL_ON = 'On the client’s fixed-price contract';
const ANNUAL_OFF = 'On the linked contract';
const CODES: Array<[keyof EffectiveSettings['codes'], keyof DefaultsView['codes'], string]> = [
  ['incomeAccount', 'incomeAccounts', 'Income account'],
  ['expenseAccount', 'expenseAccounts', 'Expense (COGS) account'],
  ['taxCode', 'taxCodes', 'Tax code'],
  ['itemCode', 'itemCodes', 'Default item'],
];
/**
 * A PSA whose services take other codes than charges (#15 F2): the default item is only for charges, and
 * services BillGrid creates get a code from their own list; each dropdown offers only its kind.
 */
const ITEM_FOR_CHARGES: (typeof CODES)[number] = ['itemCode', 'itemCodes', 'Default item for charges'];
const SERVICE_CODE: (typeof CODES)[number] = ['serviceCode', 'serviceCodes', 'Code for new services'];
/** Default-item mode where recurring lines need a service of their own (Autotask). */
const DEFAULT_SERVICE: (typeof CODES)[number] = [
  'defaultService',
  'services',
  'Default service (recurring lines)',
];

const options = <T extends string>(labels: Record<T, string>) =>
  (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));

/** The product modes the connected PSA supports; one already chosen stays listed so it is not lost silently. */
const lifecycleOptions = (view: DefaultsView, current: string) =>
  options(LIFECYCLE).filter((o) => o.value !== 'auto-create' || view.canAutoCreate || current === o.value);
const INHERIT = { value: '', label: 'As for every client' };

/**
 * One integration's overrides (P-settings: global → integration → client): each field may inherit.
 * Fields the screen does not show (codes, Azure rule) are kept as they are.
 */
function integrationOverrides(
  name: string,
  o: SettingsOverride,
  view: DefaultsView,
): { element: HTMLElement; fields: Field<HTMLElement>[]; read: () => SettingsOverride } {
  const invoice = selectField(
    `${name}: invoice behaviour`,
    [INHERIT, ...options(INVOICE)],
    o.invoiceBehaviour ?? '',
  );
  const latest = selectField(`${name}: latest invoice`, [INHERIT, ...options(LATEST)], o.latestInvoice ?? '');
  const noLatest = selectField(
    `${name}: when no invoice qualifies`,
    [INHERIT, ...options(NO_LATEST)],
    o.noLatestInvoice ?? '',
  );
  const lifecycle = selectField(
    `${name}: products not yet mapped`,
    [INHERIT, ...lifecycleOptions(view, o.productLifecycle ?? '')],
    o.productLifecycle ?? '',
  );
  const managed = selectField(
    `${name}: product lifecycle management`,
    [INHERIT, { value: 'on', label: 'On' }, { value: 'off', label: 'Off (map every product by hand)' }],
    o.productLifecycleEnabled === undefined ? '' : o.productLifecycleEnabled ? 'on' : 'off',
  );
  const arrears = selectField(
    `${name}: usage in arrears`,
    [INHERIT, ...options(ARREARS)],
    o.arrearsMode ?? '',
  );
  const annual = selectField(
    `${name}: annual subscriptions`,
    [INHERIT, { value: 'on', label: ANNUAL_ON }, { value: 'off', label: ANNUAL_OFF }],
    o.annualToFixedPrice === undefined ? '' : o.annualToFixedPrice ? 'on' : 'off',
  );
  const detail = selectField(
    `${name}: charge detail`,
    [INHERIT, ...options(CHARGE_DETAIL)],
    o.chargeDetail ?? '',
  );
  const mods = MODIFIERS.map(
    ([key, label]) =>
      [
        key,
        selectField(
          `${name}: ${label.toLowerCase()}`,
          [INHERIT, { value: 'on', label: 'On' }, { value: 'off', label: 'Off' }],
          o.modifiers?.[key] === undefined ? '' : o.modifiers[key] ? 'on' : 'off',
        ),
      ] as const,
  );
  const count =
    [o.invoiceBehaviour, o.productLifecycle, o.arrearsMode, o.latestInvoice, o.noLatestInvoice].filter(
      Boolean,
    ).length +
    (o.productLifecycleEnabled === undefined ? 0 : 1) +
    Number(o.annualToFixedPrice !== undefined) +
    Number(view.groupedCharges && o.chargeDetail !== undefined) +
    Object.keys(o.modifiers ?? {}).length;
  const element = h(
    'details',
    { class: 'card integration', 'data-source': name },
    h(
      'summary',
      {},
      h('span', { class: 'card-title' }, name),
      h('span', { class: 'chip' }, count ? `${count} override${count > 1 ? 's' : ''}` : 'Inherits'),
    ),
    h(
      'div',
      { class: 'form' },
      invoice.element,
      view.billsOnInvoices ? latest.element : null,
      view.billsOnInvoices ? noLatest.element : null,
      managed.element,
      lifecycle.element,
      arrears.element,
      annual.element,
      view.groupedCharges ? detail.element : null,
      ...mods.map((m) => m[1].element),
    ),
  );
  const read = (): SettingsOverride => {
    const modifiers: Partial<Modifiers> = {};
    for (const [key, f] of mods) if (f.control.value) modifiers[key] = f.control.value === 'on';
    const {
      invoiceBehaviour: _i,
      productLifecycle: _l,
      productLifecycleEnabled: _e,
      arrearsMode: _a,
      modifiers: _m,
      annualToFixedPrice: _y,
      chargeDetail: _d,
      latestInvoice: _t,
      noLatestInvoice: _n,
      ...kept
    } = o;
    void [_i, _l, _e, _a, _m, _y];
    // Not offered for this PSA: whatever was set stays.
    const chargeDetail = view.groupedCharges ? detail.control.value : (_d ?? '');
    const latestRule = view.billsOnInvoices ? latest.control.value : (_t ?? '');
    const none = view.billsOnInvoices ? noLatest.control.value : (_n ?? '');
    return {
      ...kept,
      ...(Object.keys(modifiers).length ? { modifiers } : {}),
      ...(invoice.control.value ? { invoiceBehaviour: invoice.control.value as InvoiceBehaviour } : {}),
      ...(lifecycle.control.value
        ? { productLifecycle: lifecycle.control.value as ProductLifecycleMode }
        : {}),
      ...(managed.control.value ? { productLifecycleEnabled: managed.control.value === 'on' } : {}),
      ...(arrears.control.value ? { arrearsMode: arrears.control.value as ArrearsMode } : {}),
      ...(annual.control.value ? { annualToFixedPrice: annual.control.value === 'on' } : {}),
      ...(chargeDetail ? { chargeDetail: chargeDetail as ChargeDetail } : {}),
      ...(latestRule ? { latestInvoice: latestRule as LatestInvoiceRule } : {}),
      ...(none ? { noLatestInvoice: none as NoLatestInvoice } : {}),
    };
  };
  return {
    element,
    fields: [
      invoice,
      latest,
      noLatest,
      managed,
      lifecycle,
      arrears,
      annual,
      detail,
      ...mods.map((m) => m[1]),
    ],
    read,
  };
}

function draw(container: HTMLElement, view: DefaultsView, ctx: ScreenContext, saved = false): void {
  const g = view.settings.global;
  const canManage = ctx.setup.session.canManage;
  const modifiers = MODIFIERS.map(
    ([key, label, hint]) => [key, checkboxField(label, g.modifiers[key], hint || undefined)] as const,
  );
  const invoice = selectField(
    'Invoice behaviour (PSAs that bill on invoices)',
    options(INVOICE),
    g.invoiceBehaviour,
  );
  const latest = selectField(
    'The latest invoice is',
    options(LATEST),
    g.latestInvoice ?? 'unsent',
    LATEST_HINT,
  );
  const noLatest = selectField(
    'When no invoice qualifies as the latest',
    options(NO_LATEST),
    g.noLatestInvoice ?? 'hold',
  );
  const managed = checkboxField(
    'Product lifecycle management',
    g.productLifecycleEnabled !== false,
    'Off: BillGrid creates no product and uses no default item; a line whose product is not mapped waits alone.',
  );
  const lifecycle = selectField(
    'Products not yet mapped',
    lifecycleOptions(view, g.productLifecycle),
    g.productLifecycle,
  );
  const arrears = selectField('Usage billed in arrears goes', options(ARREARS), g.arrearsMode);
  const currency = selectField(
    'The PSA bills in',
    [{ value: '', label: 'Not set (not checked)' }, ...view.currencies.map((c) => ({ value: c, label: c }))],
    g.psaCurrency ?? '',
    'A charge in another currency is refused with a reason instead of being billed as this one.',
  );
  const annual = checkboxField(
    'Annual subscriptions on the client’s fixed-price contract',
    g.annualToFixedPrice !== false,
    'Annual lines without a contract of their own go to the client’s only fixed-price contract, when it has one.',
  );
  const detail = selectField(
    'Charges in the PSA',
    options(CHARGE_DETAIL),
    g.chargeDetail ?? 'per-line',
    'Grouped: one charge per contract, product and month, its amount the exact sum of its lines; the grid keeps one row per line.',
  );
  const split = view.codes.serviceCodes !== undefined;
  const shown = [
    ...CODES.map((c) => (split && c[0] === 'itemCode' ? ITEM_FOR_CHARGES : c)),
    ...(view.needsDefaultService ? [DEFAULT_SERVICE] : []),
    ...(split ? [SERVICE_CODE] : []),
  ];
  const codes = shown.map(([key, list, label]) => {
    const current = g.codes[key];
    const opts = view.codes[list] ?? [];
    const values = [{ value: '', label: 'None' }, ...opts.map((o) => ({ value: o.id, label: o.name }))];
    if (current && !opts.some((o) => o.id === current)) values.push({ value: current, label: current });
    return [
      key,
      selectField(
        label,
        values,
        current ?? '',
        // Where the list comes from, when it is not the PSA's own list of that name (#16).
        view.codeOrigins?.[list] ??
          (opts.length
            ? undefined
            : view.psaRead
              ? 'The PSA has no such list.'
              : 'Refresh clients to read the PSA’s codes.'),
      ),
    ] as const;
  });
  const integrations = view.sources.map((src) => ({
    id: src.id,
    ...integrationOverrides(src.name, view.settings.sources[src.id] ?? {}, view),
  }));
  const all: Field<HTMLElement>[] = [
    ...integrations.flatMap((i) => i.fields),
    ...modifiers.map((m) => m[1]),
    invoice,
    latest,
    noLatest,
    managed,
    lifecycle,
    arrears,
    currency,
    annual,
    detail,
    ...codes.map((c) => c[1]),
  ];
  for (const f of all) f.control.toggleAttribute('disabled', !canManage);

  const save = actionButton(
    'Save defaults',
    async () => {
      const global: EffectiveSettings = {
        ...g,
        modifiers: Object.fromEntries(
          modifiers.map(([k, f]) => [k, f.control.checked]),
        ) as EffectiveSettings['modifiers'],
        invoiceBehaviour: invoice.control.value as InvoiceBehaviour,
        productLifecycleEnabled: managed.control.checked,
        productLifecycle: lifecycle.control.value as ProductLifecycleMode,
        arrearsMode: arrears.control.value as ArrearsMode,
        psaCurrency: (currency.control.value || null) as EffectiveSettings['psaCurrency'],
        annualToFixedPrice: annual.control.checked,
        ...(view.groupedCharges ? { chargeDetail: detail.control.value as ChargeDetail } : {}),
        ...(view.billsOnInvoices
          ? {
              latestInvoice: latest.control.value as LatestInvoiceRule,
              noLatestInvoice: noLatest.control.value as NoLatestInvoice,
            }
          : {}),
        codes: Object.fromEntries(
          codes.map(([k, f]) => [k, f.control.value || null]),
        ) as EffectiveSettings['codes'],
      };
      try {
        const sources = { ...view.settings.sources };
        for (const i of integrations) {
          const o = i.read();
          if (Object.keys(o).length) sources[i.id] = o;
          else delete sources[i.id];
        }
        const next = await call('saveDefaults', { ...view.settings, global, sources });
        ctx.notify.clearError();
        ctx.notify.toast('Defaults saved.');
        draw(container, next, ctx, true);
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { primary: true, disabled: !canManage, busyLabel: 'Saving…' },
  );
  fill(
    container,
    h('h2', {}, 'Defaults'),
    h('p', { class: 'muted' }, 'Every client inherits these; overrides per integration or client are kept.'),
    canManage ? null : h('p', { class: 'notice' }, 'Only the owner or an admin can change the defaults.'),
    h('h3', {}, 'Invoice modifiers'),
    ...modifiers.map((m) => m[1].element),
    h('h3', {}, 'Invoices and products'),
    invoice.element,
    view.billsOnInvoices ? latest.element : null,
    view.billsOnInvoices ? noLatest.element : null,
    managed.element,
    lifecycle.element,
    arrears.element,
    currency.element,
    annual.element,
    view.groupedCharges ? detail.element : null,
    h('h3', {}, 'Default codes'),
    // Saved codes the PSA's lists say are of the wrong kind: their rows wait until another is chosen.
    ...(view.codeProblems ?? []).map((p) => h('p', { class: 'notice code-problem', role: 'alert' }, p)),
    ...codes.map((c) => c[1].element),
    h('h3', {}, 'Per integration'),
    h('p', { class: 'muted' }, 'Where one integration bills differently; clients can override in Clients.'),
    ...integrations.map((i) => i.element),
    h(
      'div',
      { class: 'actions sticky' },
      save,
      saved ? h('span', { class: 'saved', role: 'status' }, 'Defaults saved.') : null,
    ),
  );
}

export const defaultsScreen: Screen = {
  id: 'defaults',
  title: 'Defaults',
  summary: 'Billing rules for every client: modifiers, invoice behaviour, arrears and default codes.',
  async render(container, ctx) {
    container.append(h('h2', {}, 'Defaults'), h('p', { class: 'muted' }, 'Loading…'));
    draw(container, await call('getDefaults'), ctx);
  },
};
