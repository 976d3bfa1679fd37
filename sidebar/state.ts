/** What the screens share while the sidebar is open: the billing month being worked on. */
let month: string | null = null;

export function selectedMonth(): string | null {
  return month;
}

export function selectMonth(m: string): void {
  month = m;
}

/** A product another screen asked Products to show next (the push's refusal in manual product mode). */
let productToShow: { source: string; sku: string } | null = null;

export function showProductNext(p: { source: string; sku: string }): void {
  productToShow = p;
}

/** The product to show, once: a later visit to Products shows the whole list again. */
export function takeProductToShow(): { source: string; sku: string } | null {
  const p = productToShow;
  productToShow = null;
  return p;
}

/** "2026-10" → "October 2026". */
export function monthLabel(m: string): string {
  const [y, mo] = m.split('-').map(Number);
  const names = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  return names[mo - 1] ? `${names[mo - 1]} ${y}` : m;
}
