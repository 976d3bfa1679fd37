/** A labelled search box that hides the items of a list whose text does not contain the query. */
import { h, uid } from '../dom';

export function searchBox(
  label: string,
  list: HTMLElement,
  textOf: (item: HTMLElement) => string,
): HTMLElement {
  const id = uid('search');
  const input = h('input', { type: 'search', id, placeholder: label, autocomplete: 'off' });
  input.addEventListener('input', () => {
    const q = input.value.trim().toLowerCase();
    for (const item of Array.from(list.children) as HTMLElement[]) {
      item.hidden = q !== '' && !textOf(item).toLowerCase().includes(q);
    }
  });
  return h('div', { class: 'field search' }, h('label', { for: id, class: 'sr-only' }, label), input);
}
