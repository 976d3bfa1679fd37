/**
 * Per-client overrides on a Clients row: invoice modifiers, invoice behaviour and the target invoice.
 * Every field may say "As in Defaults", so the client keeps following the defaults for it.
 */
import type { ClientOverrides, ClientRow, ClientsView } from '../../src/api/clients';
import type { InvoiceBehaviour, Modifiers } from '../../src/core/settings';
import { selectField } from '../components/form';
import { actionButton, h, uid } from '../dom';
import { call } from '../rpc';
import { INVOICE, MODIFIERS } from './defaults';
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
  const canEdit = ctx.setup.session.canApprove;
  const o = r.overrides;
  const invoice = selectField(
    'Invoice behaviour',
    [INHERIT, ...Object.entries(INVOICE).map(([value, label]) => ({ value, label }))],
    o.invoiceBehaviour ?? '',
  );
  const targetId = uid('target');
  const target = h('input', {
    id: targetId,
    type: 'text',
    value: o.targetInvoiceId ?? '',
    placeholder: 'As in Defaults',
    autocomplete: 'off',
  });
  const modifiers = MODIFIERS.map(([key, label]) => [key, triState(label, o.modifiers?.[key])] as const);
  const controls = [invoice.control, target, ...modifiers.map((m) => m[1].control)];
  for (const c of controls) c.disabled = !canEdit;
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
    { disabled: !canEdit, busyLabel: 'Saving…' },
  );
  const set =
    Object.keys(o.modifiers ?? {}).length + (o.invoiceBehaviour ? 1 : 0) + (o.targetInvoiceId ? 1 : 0);
  return h(
    'details',
    { class: 'client-settings' },
    h('summary', {}, set ? `Client settings (${set} override${set > 1 ? 's' : ''})` : 'Client settings'),
    invoice.element,
    h('div', { class: 'field' }, h('label', { for: targetId }, 'Target invoice (PSA invoice id)'), target),
    ...modifiers.map((m) => m[1].element),
    h('div', { class: 'actions' }, save),
  );
}
