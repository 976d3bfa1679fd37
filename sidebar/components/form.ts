/** Labelled form controls: every control gets a <label for> (and hints via aria-describedby). */
import { h, uid } from '../dom';

export interface Field<E extends HTMLElement> {
  element: HTMLElement;
  control: E;
}

function wrap<E extends HTMLElement>(label: string, control: E, hint?: string): Field<E> {
  const id = uid('f');
  control.id = id;
  const hintEl = hint ? h('div', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return { element: h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl), control };
}

export function selectField(
  label: string,
  options: Array<{ value: string; label: string }>,
  value: string,
  hint?: string,
): Field<HTMLSelectElement> {
  const select = h('select', {}, ...options.map((o) => h('option', { value: o.value }, o.label)));
  select.value = value;
  return wrap(label, select, hint);
}

export function numberField(label: string, value: number, min: number, max: number, hint?: string) {
  const input = h('input', { type: 'number', min, max, step: 1, inputmode: 'numeric' });
  input.value = String(value);
  return wrap(label, input, hint);
}

export function monthField(label: string, value: string, hint?: string): Field<HTMLInputElement> {
  const input = h('input', { type: 'month' });
  input.value = value;
  return wrap(label, input, hint);
}

export function checkboxField(label: string, checked: boolean, hint?: string): Field<HTMLInputElement> {
  const id = uid('c');
  const input = h('input', { type: 'checkbox', id });
  input.checked = checked;
  const hintEl = hint ? h('div', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return {
    element: h('div', { class: 'field check' }, input, h('label', { for: id }, label), hintEl),
    control: input,
  };
}

/** A small definition list of counts: [['Lines', 12], ...]. */
export function facts(rows: Array<[string, string | number]>): HTMLElement {
  return h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]));
}
