/**
 * Per-client overrides on a Clients row: invoice modifiers, invoice behaviour and the target invoice.
 * Every field may say "As in Defaults", so the client keeps following the defaults for it.
 */
import type { ClientOverrides, ClientRow, ClientsView } from '../../src/api/clients';
import type { PsaInvoiceChoice } from '../../src/core/psa';
import type {
  ChargeDetail,
  InvoiceBehaviour,
  LatestInvoiceRule,
  Modifiers,
  NoLatestInvoice,
} from '../../src/core/settings';
import { selectField } from '../components/form';
import { actionButton, h, uid } from '../dom';
import { call } from '../rpc';
import { CHARGE_DETAIL, INVOICE, LATEST, LATEST_HINT, MODIFIERS, NO_LATEST } from './defaults';
import type { ScreenContext } from './types';

const INHERIT = { value: '', label: 'As in Defaults' };

/** Inherit / On / Off for one modifier. */
export function triState(label: string, value: boolean | undefined) {
  return selectField(
    label,
    [INHERIT, { value: 'on', label: 'On' }, { value: 'off', label: 'Off' }],
    value === undefined ? '' : value ? 'on' : 'off',
  );
}

export const triValue = (v: string): boolean | undefined => (v === '' ? undefined : v === 'on');

export function clientSettings(
  r: ClientRow,
  ctx: ScreenContext,
  redraw: (v: ClientsView) => void,
): HTMLElement {
  const o = r.overrides;
  const invoice = selectField(
    'Invoice behaviour',
    [INHERIT, ...Object.entries(INVOICE).map(([value, label]) => ({ value, label }))],
    o.invoiceBehaviour ?? '',
  );
  const latest = selectField(
    'The latest invoice is',
    [INHERIT, ...Object.entries(LATEST).map(([value, label]) => ({ value, label }))],
    o.latestInvoice ?? '',
    LATEST_HINT,
  );
  const noLatest = selectField(
    'When no invoice qualifies as the latest',
    [INHERIT, ...Object.entries(NO_LATEST).map(([value, label]) => ({ value, label }))],
    o.noLatestInvoice ?? '',
  );
  const targetId = uid('target');
  // A PSA that lists a company's invoices: the target is picked from them, not typed as an id.
  const picked = r.canPickInvoice ? invoicePicker(r, ctx, targetId) : null;
  const target =
    picked?.select ??
    h('input', {
      id: targetId,
      type: 'text',
      value: o.targetInvoiceId ?? '',
      placeholder: 'As in Defaults',
      autocomplete: 'off',
    });
  const modifiers = MODIFIERS.map(([key, label]) => [key, triState(label, o.modifiers?.[key])] as const);
  const detail = selectField(
    'Charges in the PSA',
    [INHERIT, ...Object.entries(CHARGE_DETAIL).map(([value, label]) => ({ value, label }))],
    o.chargeDetail ?? '',
  );
  const save = actionButton(
    'Save client settings',
    async () => {
      const mods: Partial<Modifiers> = {};
      for (const [key, f] of modifiers) {
        const v = triValue(f.control.value);
        if (v !== undefined) mods[key] = v;
      }
      const overrides: ClientOverrides = {
        modifiers: mods,
        ...(invoice.control.value ? { invoiceBehaviour: invoice.control.value as InvoiceBehaviour } : {}),
        targetInvoiceId: target.value.trim() || null,
        // Not offered for this PSA: whatever was set stays.
        ...(r.billsOnInvoices
          ? latest.control.value
            ? { latestInvoice: latest.control.value as LatestInvoiceRule }
            : {}
          : o.latestInvoice
            ? { latestInvoice: o.latestInvoice }
            : {}),
        ...(r.billsOnInvoices
          ? noLatest.control.value
            ? { noLatestInvoice: noLatest.control.value as NoLatestInvoice }
            : {}
          : o.noLatestInvoice
            ? { noLatestInvoice: o.noLatestInvoice }
            : {}),
        ...(r.canGroupCharges && detail.control.value
          ? { chargeDetail: detail.control.value as ChargeDetail }
          : !r.canGroupCharges && o.chargeDetail
            ? { chargeDetail: o.chargeDetail }
            : {}),
      };
      try {
        const v = await call('saveClientOverrides', {
          source: r.source,
          customerId: r.customerId,
          overrides,
        });
        ctx.notify.clearError();
        ctx.notify.toast(`Settings saved for ${r.customerName}.`);
        redraw(v);
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { busyLabel: 'Saving…' },
  );
  const set =
    Object.keys(o.modifiers ?? {}).length +
    (o.invoiceBehaviour ? 1 : 0) +
    (o.targetInvoiceId ? 1 : 0) +
    (r.billsOnInvoices ? (o.latestInvoice ? 1 : 0) + (o.noLatestInvoice ? 1 : 0) : 0) +
    (r.canGroupCharges && o.chargeDetail ? 1 : 0);
  return h(
    'details',
    { class: 'client-settings' },
    h('summary', {}, set ? `Client settings (${set} override${set > 1 ? 's' : ''})` : 'Client settings'),
    invoice.element,
    r.billsOnInvoices ? latest.element : null,
    r.billsOnInvoices ? noLatest.element : null,
    picked
      ? h(
          'div',
          { class: 'field' },
          h('label', { for: targetId }, 'Target invoice'),
          target,
          h('div', { class: 'actions' }, picked.load),
        )
      : h(
          'div',
          { class: 'field' },
          h('label', { for: targetId }, 'Target invoice (PSA invoice id)'),
          target,
        ),
    r.canGroupCharges ? detail.element : null,
    ...modifiers.map((m) => m[1].element),
    h('div', { class: 'actions' }, save),
  );
}

/**
 * How the picker names a choice: an invoice by number, its id (when it has a number), date and name; a
 * recurring invoice by id, name, amount a period and next period.
 */
export function choiceLabel(c: PsaInvoiceChoice): string {
  const parts =
    c.kind === 'recurring-invoice'
      ? [
          `Recurring ${c.psaId}`,
          c.name,
          c.amount !== null ? `${c.amount.toFixed(2)} a period` : '',
          c.nextPeriod ? `next ${c.nextPeriod}` : '',
        ]
      : [`Invoice ${c.number || c.psaId}`, c.number ? `id ${c.psaId}` : '', c.date, c.name];
  return parts.filter(Boolean).join(' · ');
}

/**
 * The target invoice as a choice among the PSA's own invoices: "As in Defaults", the current choice, and
 * once loaded (one call, it reads the PSA) the company's open invoices and recurring invoices.
 */
function invoicePicker(
  r: ClientRow,
  ctx: ScreenContext,
  id: string,
): { select: HTMLSelectElement; load: HTMLButtonElement } {
  const current = r.overrides.targetInvoiceId ?? '';
  const select = h(
    'select',
    { id },
    h('option', { value: '' }, INHERIT.label),
    current ? h('option', { value: current }, `Chosen: ${current}`) : null,
  );
  select.value = current;
  const load = actionButton(
    'Choose from the PSA’s invoices',
    async () => {
      try {
        const v = await call('listInvoiceChoices', { source: r.source, customerId: r.customerId });
        ctx.notify.clearError();
        const keep = select.value;
        select.replaceChildren(
          h('option', { value: '' }, INHERIT.label),
          ...v.choices.map((c) => h('option', { value: c.id }, choiceLabel(c))),
        );
        if (keep && !v.choices.some((c) => c.id === keep)) {
          select.append(h('option', { value: keep }, `Chosen: ${keep} (no longer open)`));
        }
        select.value = keep;
        if (!v.choices.length) ctx.notify.toast(`${v.companyName} has no open or recurring invoice.`);
      } catch (e) {
        ctx.notify.error((e as Error).message);
      }
    },
    { subtle: true, busyLabel: 'Reading the PSA…' },
  );
  return { select, load };
}
