/** The billing month picker at the top of Month, Review and Push; the choice is shared by them. */
import { h, uid } from '../dom';
import { call } from '../rpc';
import { monthLabel, selectedMonth, selectMonth } from '../state';

export async function monthBar(onChange: (month: string) => void): Promise<{
  element: HTMLElement;
  month: string;
  pulled: (month: string) => boolean;
  /** After a pull: the month now has a tab. */
  markPulled: (month: string) => void;
}> {
  const list = await call('listBillingMonths');
  const month = selectedMonth() ?? list.months[0] ?? list.suggested;
  selectMonth(month);
  const months = [...new Set([list.suggested, ...list.months, month])].sort().reverse();
  const id = uid('month');
  const select = h('select', { id }, ...months.map((m) => h('option', { value: m }, monthLabel(m))));
  select.value = month;
  const otherId = uid('other-month');
  const other = h('input', { type: 'month', id: otherId, value: month });
  select.addEventListener('change', () => {
    selectMonth(select.value);
    other.value = select.value;
    onChange(select.value);
  });
  other.addEventListener('change', () => {
    if (!/^\d{4}-\d{2}$/.test(other.value)) return;
    selectMonth(other.value);
    onChange(other.value);
  });
  const hintText = () =>
    list.months.length ? `${list.months.length} month tab(s) in this spreadsheet.` : 'No month pulled yet.';
  const hint = h('div', { class: 'hint' }, hintText());
  const element = h(
    'div',
    { class: 'field month-bar' },
    h('label', { for: id }, 'Billing month'),
    h(
      'div',
      { class: 'row' },
      select,
      h('label', { for: otherId, class: 'sr-only' }, 'Another month'),
      other,
    ),
    hint,
  );
  const markPulled = (m: string) => {
    if (!list.months.includes(m)) list.months.push(m);
    hint.textContent = hintText();
  };
  return { element, month, pulled: (m) => list.months.includes(m), markPulled };
}
