/** Tiny DOM helpers. Text always goes in through textContent: data never becomes markup. */

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces an element's children (null/false children are skipped). */
export function fill(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, ...children);
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

let idSeq = 0;
export function uid(prefix: string): string {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

/** A button that disables itself while its async action runs. */
export function actionButton(
  label: string,
  action: () => Promise<void>,
  opts: { primary?: boolean; subtle?: boolean; disabled?: boolean; busyLabel?: string } = {},
): HTMLButtonElement {
  const btn = h(
    'button',
    {
      type: 'button',
      class: opts.primary ? 'btn primary' : opts.subtle ? 'btn subtle' : 'btn',
      disabled: opts.disabled,
    },
    label,
  );
  btn.addEventListener('click', () => {
    if (btn.disabled) return;
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    if (opts.busyLabel) btn.textContent = opts.busyLabel;
    action().finally(() => {
      btn.disabled = opts.disabled === true;
      btn.removeAttribute('aria-busy');
      btn.textContent = label;
    });
  });
  return btn;
}
