/**
 * The workbench page: a spreadsheet-like view of the emulator's workbook with the add-on's menu, its
 * sidebar in a 300 px panel, alerts, toasts and a run log. Everything from the state is written with
 * textContent; the page never builds markup from data.
 */
import type { MenuData, MenuItemData } from '../../gas/state';
import type { DemoCredential } from '../demo-credentials';
import type { RunLogEntry, RunReply, WorkbookSnapshot } from '../protocol';
import type { CellView, SheetView } from '../snapshot';

type Attrs = Record<string, string | number | boolean | null | undefined>;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...kids: Array<Node | string | null>
) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids) if (kid !== null) el.append(kid);
  return el;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let snap: WorkbookSnapshot | null = null;
let showHidden = false;
let selected: { row: number; col: number } | null = null;
let seenAlertAt = Number.POSITIVE_INFINITY;
let seenToastAt = Number.POSITIVE_INFINITY;
let seenSidebarAt = 0;
let seenDialogAt = 0;
const expandedLog = new Set<number>();

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
}

async function refresh(): Promise<void> {
  const s = await api<WorkbookSnapshot>('/api/state');
  const first = snap === null;
  snap = s;
  if (first) {
    // Alerts/toasts from before the page opened are history, not news.
    seenAlertAt = Math.max(0, ...s.alerts.map((a) => a.at));
    seenToastAt = Math.max(0, ...s.toasts.map((t) => t.at));
    seenSidebarAt = s.sidebar ? s.sidebar.at : 0;
    seenDialogAt = s.dialog ? s.dialog.at : 0;
  }
  render();
}

/**
 * Redraw after the sidebar's executions, coalesced: a burst of calls (progress polls, a screen's
 * reads) costs one state read in flight plus one after it, not one each.
 */
let refreshing: Promise<void> | null = null;
let refreshAgain = false;
function refreshSoon(): void {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = refresh()
    .catch(() => undefined)
    .finally(() => {
      refreshing = null;
      if (refreshAgain) {
        refreshAgain = false;
        refreshSoon();
      }
    });
}

/** Runs something that is an execution, then redraws from the new state. */
async function execute(path: string, body: unknown): Promise<void> {
  const reply = await api<RunReply>(path, body);
  await refresh();
  if (!reply.ok && reply.error) showAlert('Script error', `${reply.error.name}: ${reply.error.message}`, '');
}

function render(): void {
  if (!snap) return;
  $('doc-title').textContent = snap.title;
  document.title = `${snap.title} – BillGrid workbench`;
  renderUsers(snap);
  renderDemoCredentials(snap);
  renderMenus(snap.menus);
  renderTabs(snap);
  renderGrid(snap.sheet);
  renderRunLog(snap.runLog);
  renderTriggers(snap);
  renderUiEvents(snap);
}

function renderUsers(s: WorkbookSnapshot): void {
  const sel = $<HTMLSelectElement>('user-select');
  if (sel.options.length !== s.users.length) {
    sel.replaceChildren(...s.users.map((u) => h('option', { value: u.email }, u.label)));
  }
  sel.value = s.user;
}

let demoDrawn = false;
/**
 * The sandboxes' credentials load only when someone opens the panel, so no other response of the
 * workbench carries them (the browser test checks that saved secrets never come back).
 */
function renderDemoCredentials(s: WorkbookSnapshot): void {
  if (demoDrawn) return;
  demoDrawn = true;
  const panel = $<HTMLDetailsElement>('demo');
  panel.hidden = Object.keys(s.sandboxes).length === 0;
  let loaded = false;
  panel.addEventListener('toggle', () => {
    if (!panel.open || loaded) return;
    loaded = true;
    void api<{ credentials: DemoCredential[] }>('/api/demo-credentials').then(({ credentials }) => {
      $('demo-body').replaceChildren(
        h(
          'p',
          { class: 'muted' },
          'Paste these into BillGrid → Connect. They open only the local sandboxes.',
        ),
        ...credentials.map((c) =>
          h(
            'section',
            {},
            h('h3', {}, `${c.label} (${s.sandboxes[c.kind] ?? 'not running'})`),
            h('dl', {}, ...c.fields.flatMap((f) => [h('dt', {}, f.label), h('dd', {}, f.value)])),
          ),
        ),
      );
    });
  });
}

// ---- Menus ---------------------------------------------------------------------------------------

function closeMenus(): void {
  document
    .querySelectorAll('.menubar [aria-expanded="true"]')
    .forEach((b) => b.setAttribute('aria-expanded', 'false'));
  document.querySelectorAll('.menubar [role="menu"]').forEach((m) => ((m as HTMLElement).hidden = true));
}

function menuList(items: MenuItemData[]): HTMLUListElement {
  const ul = h('ul', { role: 'menu' });
  ul.hidden = true;
  for (const item of items) {
    if (item.kind === 'separator') {
      ul.append(h('li', { role: 'separator' }));
    } else if (item.kind === 'item') {
      const btn = h('button', { type: 'button', role: 'menuitem' }, item.caption);
      btn.addEventListener('click', () => {
        closeMenus();
        void execute('/api/menu', { functionName: item.functionName });
      });
      ul.append(h('li', { role: 'none' }, btn));
    } else {
      ul.append(submenu(item.menu));
    }
  }
  return ul;
}

function submenu(menu: MenuData): HTMLLIElement {
  const list = menuList(menu.items);
  const btn = h(
    'button',
    { type: 'button', role: 'menuitem', 'aria-haspopup': 'menu', 'aria-expanded': 'false' },
    menu.caption,
    h('span', { 'aria-hidden': 'true' }, '▸'),
  );
  const open = () => {
    btn.parentElement?.parentElement
      ?.querySelectorAll(':scope > li > [role="menu"]')
      .forEach((m) => ((m as HTMLElement).hidden = true));
    list.hidden = false;
    btn.setAttribute('aria-expanded', 'true');
  };
  btn.addEventListener('click', open);
  btn.addEventListener('mouseenter', open);
  btn.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowRight') {
      open();
      (list.querySelector('[role="menuitem"]') as HTMLElement | null)?.focus();
    }
  });
  return h('li', { role: 'none' }, btn, list);
}

function topMenu(caption: string, items: MenuItemData[]): HTMLElement {
  const list = menuList(items);
  const btn = h('button', { type: 'button', 'aria-haspopup': 'menu', 'aria-expanded': 'false' }, caption);
  btn.addEventListener('click', (ev) => {
    ev.stopPropagation();
    const wasOpen = !list.hidden;
    closeMenus();
    if (!wasOpen) {
      list.hidden = false;
      btn.setAttribute('aria-expanded', 'true');
      (list.querySelector('[role="menuitem"]') as HTMLElement | null)?.focus();
    }
  });
  return h('div', { class: 'menu-root' }, btn, list);
}

let lastMenus = '';
function renderMenus(menus: MenuData[]): void {
  const key = JSON.stringify(menus);
  if (key === lastMenus) return;
  lastMenus = key;
  const addon = menus.filter((m) => m.addon);
  const custom = menus.filter((m) => !m.addon);
  const extensions: MenuItemData[] = addon.map((m) => ({ kind: 'submenu', menu: m }));
  if (extensions.length === 0)
    extensions.push({
      kind: 'item',
      caption: 'Add-ons: none (onOpen has not built a menu)',
      functionName: 'onOpen',
    });
  const bar = $('menubar');
  bar.replaceChildren(
    ...['File', 'Edit', 'View'].map((c) =>
      h(
        'div',
        { class: 'menu-root' },
        h('button', { type: 'button', disabled: true, title: 'Not emulated' }, c),
      ),
    ),
    topMenu('Extensions', extensions),
    ...custom.map((m) => topMenu(m.caption, m.items)),
  );
}

document.addEventListener('click', (ev) => {
  if (!(ev.target as HTMLElement).closest('.menubar')) closeMenus();
});
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape') closeMenus();
});

// ---- Tabs ----------------------------------------------------------------------------------------

function renderTabs(s: WorkbookSnapshot): void {
  const bar = $('tabbar');
  const tabs = s.tabs.filter((t) => showHidden || !t.hidden || t.id === s.activeSheetId);
  bar.replaceChildren(
    ...tabs.map((t) => {
      const btn = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          'aria-selected': String(t.id === s.activeSheetId),
          class: t.hidden ? 'hidden-tab' : null,
          title: t.hidden ? 'Hidden tab' : null,
        },
        t.name,
      );
      if (t.color) btn.style.boxShadow = `inset 0 -3px 0 ${t.color}`;
      btn.addEventListener('click', () => {
        selected = null;
        void api('/api/activate', { sheetId: t.id }).then(refresh);
      });
      return btn;
    }),
  );
  const hiddenCount = s.tabs.filter((t) => t.hidden).length;
  $('show-hidden').parentElement?.lastChild?.replaceWith(` Show hidden tabs (${hiddenCount})`);
}

$<HTMLInputElement>('show-hidden').addEventListener('change', (ev) => {
  showHidden = (ev.target as HTMLInputElement).checked;
  render();
});

// ---- Grid ----------------------------------------------------------------------------------------

const DEFAULT_WIDTH = 100;
const ROW_HEIGHT = 23; // 22 px + border
const a1 = (sheet: SheetView, row: number, col: number) => `${sheet.columnLetters[col - 1] ?? '?'}${row}`;

function widthOf(sheet: SheetView, col: number): number {
  return sheet.columnWidths[String(col)] ?? DEFAULT_WIDTH;
}

function sendEdit(sheet: SheetView, row: number, col: number, value: string | boolean): void {
  // The DOM already shows the edit; redraw even if the sheet did not change (an edit refused).
  drawnSheet = '';
  void execute('/api/edit', { sheetId: sheet.id, row, col, value });
}

function cellElement(
  sheet: SheetView,
  row: number,
  col: number,
  view: CellView | null,
): HTMLTableCellElement {
  const td = h('td', { 'data-r': row, 'data-c': col });
  if (!view) return td;
  if (view.kind === 'checkbox') {
    td.classList.add('checkbox');
    const box = h('input', { type: 'checkbox', 'aria-label': `${a1(sheet, row, col)} checkbox` });
    box.checked = view.checked === true;
    box.addEventListener('change', () => sendEdit(sheet, row, col, box.checked));
    td.append(box);
  } else if (view.kind === 'list' && view.list !== undefined && sheet.lists[view.list]) {
    // One prepared <select> per list, cloned per cell: a month tab has hundreds of dropdowns.
    const select = listTemplate(sheet, view.list).cloneNode(true) as HTMLSelectElement;
    select.setAttribute('aria-label', `${a1(sheet, row, col)} dropdown`);
    if (!sheet.lists[view.list].includes(view.t)) select.prepend(h('option', { value: view.t }, view.t));
    select.value = view.t;
    select.addEventListener('change', () => sendEdit(sheet, row, col, select.value));
    td.append(select);
  } else {
    td.textContent = view.t;
  }
  if (view.num) td.classList.add('num');
  if (view.align) td.style.textAlign = view.align;
  if (view.bg) td.style.background = view.bg;
  if (view.fc) td.style.color = view.fc;
  if (view.bold) td.style.fontWeight = 'bold';
  if (view.italic) td.style.fontStyle = 'italic';
  if (view.note) {
    td.classList.add('note');
    td.title = view.note;
  }
  return td;
}

let currentSheet: SheetView | null = null;
/** The drawn sheet as JSON: redrawing an unchanged sheet (most executions change no cell) is skipped. */
let drawnSheet = '';
const templates = new Map<number, HTMLSelectElement>();

function listTemplate(sheet: SheetView, list: number): HTMLSelectElement {
  let t = templates.get(list);
  if (!t) {
    t = h('select', {}, ...sheet.lists[list].map((o) => h('option', { value: o }, o)));
    templates.set(list, t);
  }
  return t;
}

function renderGrid(sheet: SheetView | null): void {
  const json = JSON.stringify(sheet);
  if (json === drawnSheet && document.getElementById('grid')?.hasChildNodes()) return;
  drawnSheet = json;
  templates.clear();
  currentSheet = sheet;
  const table = $<HTMLTableElement>('grid');
  if (!sheet) {
    table.replaceChildren();
    return;
  }
  table.setAttribute('aria-label', sheet.name);
  const colgroup = h('colgroup', {}, h('col', { style: 'width:46px' }));
  for (let c = 1; c <= sheet.columns; c++)
    colgroup.append(h('col', { style: `width:${widthOf(sheet, c)}px` }));
  const head = h('tr', {}, h('th', { class: 'corner rowhead', scope: 'col' }, ''));
  for (let c = 1; c <= sheet.columns; c++) head.append(h('th', { scope: 'col' }, sheet.columnLetters[c - 1]));
  const body = h('tbody');
  // Frozen columns stick after the row header; frozen rows stick under the column header.
  const leftOf: number[] = [];
  let left = 46;
  for (let c = 1; c <= sheet.frozenColumns; c++) {
    leftOf[c] = left;
    left += widthOf(sheet, c);
  }
  sheet.cells.forEach((line, i) => {
    const r = i + 1;
    const frozen = r <= sheet.frozenRows;
    const tr = h(
      'tr',
      { class: r === sheet.frozenRows ? 'frozen-last' : null },
      h('th', { class: 'rowhead', scope: 'row' }, String(r)),
    );
    if (frozen) (tr.firstChild as HTMLElement).style.top = `${ROW_HEIGHT * r}px`;
    if (frozen) (tr.firstChild as HTMLElement).style.zIndex = '3';
    line.forEach((view, j) => {
      const c = j + 1;
      const td = cellElement(sheet, r, c, view);
      if (frozen) {
        td.classList.add('frozen-row');
        td.style.top = `${ROW_HEIGHT * r}px`;
        if (!view?.bg) td.style.background = '#fff';
      }
      if (c <= sheet.frozenColumns) {
        td.style.position = 'sticky';
        td.style.left = `${leftOf[c]}px`;
        td.style.zIndex = frozen ? '2' : '1';
        if (c === sheet.frozenColumns) td.style.borderRight = '3px solid #c0c0c0';
      }
      if (selected && selected.row === r && selected.col === c) td.classList.add('sel');
      tr.append(td);
    });
    body.append(tr);
  });
  table.replaceChildren(colgroup, h('thead', {}, head), body);
  updateFormulaBar();
}

function viewAt(row: number, col: number): CellView | null {
  return currentSheet?.cells[row - 1]?.[col - 1] ?? null;
}

function select(row: number, col: number): void {
  if (!currentSheet) return;
  row = Math.max(1, Math.min(currentSheet.rows, row));
  col = Math.max(1, Math.min(currentSheet.columns, col));
  document.querySelector('.grid td.sel')?.classList.remove('sel');
  selected = { row, col };
  const td = document.querySelector(`.grid td[data-r="${row}"][data-c="${col}"]`) as HTMLElement | null;
  td?.classList.add('sel');
  td?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  updateFormulaBar();
}

function updateFormulaBar(): void {
  const input = $<HTMLInputElement>('formula-input');
  if (!currentSheet || !selected) {
    $('cell-ref').textContent = '';
    input.value = '';
    return;
  }
  $('cell-ref').textContent = a1(currentSheet, selected.row, selected.col);
  if (document.activeElement !== input) input.value = viewAt(selected.row, selected.col)?.e ?? '';
}

function startEditing(initial?: string): void {
  if (!currentSheet || !selected) return;
  const sheet = currentSheet;
  const { row, col } = selected;
  const td = document.querySelector(`.grid td[data-r="${row}"][data-c="${col}"]`) as HTMLElement | null;
  const view = viewAt(row, col);
  if (!td || view?.kind) return;
  const editor = h('input', { class: 'editor', 'aria-label': `Edit ${a1(sheet, row, col)}` });
  editor.value = initial ?? view?.e ?? '';
  td.replaceChildren(editor);
  editor.focus();
  let done = false;
  const finish = (commit: boolean, move: number) => {
    if (done) return;
    done = true;
    if (commit && editor.value !== (view?.e ?? '')) sendEdit(sheet, row, col, editor.value);
    else td.textContent = view?.t ?? '';
    select(row + move, col);
    $('grid-wrap').focus();
  };
  editor.addEventListener('keydown', (ev) => {
    ev.stopPropagation();
    if (ev.key === 'Enter') finish(true, 1);
    else if (ev.key === 'Escape') finish(false, 0);
    else if (ev.key === 'Tab') {
      ev.preventDefault();
      finish(true, 0);
      select(row, col + 1);
    }
  });
  editor.addEventListener('blur', () => finish(true, 0));
}

$('grid').addEventListener('click', (ev) => {
  const td = (ev.target as HTMLElement).closest('td');
  if (!td || (ev.target as HTMLElement).matches('input, select')) return;
  select(Number(td.dataset.r), Number(td.dataset.c));
  $('grid-wrap').focus();
});
$('grid').addEventListener('dblclick', (ev) => {
  const td = (ev.target as HTMLElement).closest('td');
  if (!td) return;
  select(Number(td.dataset.r), Number(td.dataset.c));
  startEditing();
});
$('grid-wrap').addEventListener('keydown', (ev) => {
  if (!selected || (ev.target as HTMLElement).matches('input, select')) return;
  const moves: Record<string, [number, number]> = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
    Tab: [0, 1],
  };
  const move = moves[ev.key];
  if (move) {
    ev.preventDefault();
    select(selected.row + move[0], selected.col + move[1]);
  } else if (ev.key === 'Enter' || ev.key === 'F2') {
    ev.preventDefault();
    startEditing();
  } else if (ev.key === 'Delete' || ev.key === 'Backspace') {
    if (currentSheet) sendEdit(currentSheet, selected.row, selected.col, '');
  } else if (ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    ev.preventDefault();
    startEditing(ev.key);
  }
});
$<HTMLInputElement>('formula-input').addEventListener('keydown', (ev) => {
  if (ev.key !== 'Enter' || !currentSheet || !selected) return;
  sendEdit(currentSheet, selected.row, selected.col, (ev.target as HTMLInputElement).value);
  (ev.target as HTMLInputElement).blur();
});

// ---- Sidebar, alerts, toasts -------------------------------------------------------------------

function renderUiEvents(s: WorkbookSnapshot): void {
  if (s.sidebar && s.sidebar.at > seenSidebarAt) {
    seenSidebarAt = s.sidebar.at;
    openSidebar(s.sidebar.title, s.sidebar.at);
  }
  if (s.dialog && s.dialog.at > seenDialogAt) {
    seenDialogAt = s.dialog.at;
    openDialog(s.dialog);
  }
  for (const t of s.toasts.filter((x) => x.at > seenToastAt)) showToast(t.title, t.message, t.timeoutSeconds);
  seenToastAt = Math.max(seenToastAt, ...s.toasts.map((t) => t.at));
  const alerts = s.alerts.filter((a) => a.at > seenAlertAt);
  seenAlertAt = Math.max(seenAlertAt, ...s.alerts.map((a) => a.at));
  const last = alerts[alerts.length - 1];
  if (last) showAlert(last.title || 'BillGrid', last.prompt, last.answer ? `Answered: ${last.answer}` : '');
}

function openSidebar(title: string, at: number): void {
  $('sidebar-title').textContent = title;
  $<HTMLIFrameElement>('sidebar-frame').src = `/sidebar?at=${at}`;
  $('sidebar').hidden = false;
}

function closeSidebar(): void {
  $('sidebar').hidden = true;
  $<HTMLIFrameElement>('sidebar-frame').src = 'about:blank';
}

/** A script's dialog (HtmlService), in a modal of the size the script set. */
function openDialog(d: { at: number; title: string; width: number; height: number }): void {
  $('script-dialog-title').textContent = d.title;
  const frame = $<HTMLIFrameElement>('script-dialog-frame');
  frame.width = String(d.width);
  frame.height = String(d.height);
  frame.src = `/dialog?at=${d.at}`;
  const dlg = $<HTMLDialogElement>('script-dialog');
  if (!dlg.open) dlg.showModal();
}

function closeDialog(): void {
  const dlg = $<HTMLDialogElement>('script-dialog');
  if (dlg.open) dlg.close();
  $<HTMLIFrameElement>('script-dialog-frame').src = 'about:blank';
}

$('script-dialog-close').addEventListener('click', closeDialog);
$('sidebar-close').addEventListener('click', closeSidebar);
window.addEventListener('message', (ev) => {
  if (ev.origin !== window.location.origin) return;
  const type = (ev.data as { type?: string } | null)?.type;
  const fromDialog =
    ev.source !== null && ev.source === $<HTMLIFrameElement>('script-dialog-frame').contentWindow;
  if (type === 'billgrid:close-sidebar') {
    if (fromDialog) closeDialog();
    else closeSidebar();
  } else if (type === 'billgrid:focus-editor') $('grid-wrap').focus();
  else if (type === 'billgrid:executed') refreshSoon();
});

function showToast(title: string, message: string, timeoutSeconds: number | null): void {
  const t = h('div', { class: 'toast' }, title ? h('strong', {}, title) : null, message);
  $('toasts').append(t);
  const seconds = timeoutSeconds === null || timeoutSeconds <= 0 ? 5 : Math.min(timeoutSeconds, 15);
  window.setTimeout(() => t.remove(), seconds * 1000);
}

function showAlert(title: string, prompt: string, answer: string): void {
  $('alert-title').textContent = title;
  $('alert-prompt').textContent = prompt;
  $('alert-answer').textContent = answer;
  const dlg = $<HTMLDialogElement>('alert-dialog');
  if (!dlg.open) dlg.showModal();
}

// ---- Run log -------------------------------------------------------------------------------------

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

function renderRunLog(log: RunLogEntry[]): void {
  const total = log.reduce((sum, e) => sum + e.modelledMs, 0);
  $('runlog-summary').textContent = `— ${log.length} executions, ${fmtMs(total)} modelled on Google`;
  const head = h(
    'tr',
    {},
    ...[
      'Time',
      'Function',
      'Started by',
      'User',
      'Result',
      'Modelled',
      'Real',
      'Sheets calls',
      'Cells read / written',
      'HTTP',
      'Properties',
    ].map((label, i) => h('th', { scope: 'col', class: i >= 5 ? 'num' : null }, label)),
  );
  const rows: HTMLElement[] = [];
  for (const e of [...log].reverse()) {
    const tr = h(
      'tr',
      { class: e.ok ? null : 'failed', tabindex: 0, title: 'Show the calls' },
      h('td', {}, new Date(e.at).toLocaleTimeString()),
      h('td', {}, e.fn),
      h('td', {}, e.kind),
      h('td', {}, e.user),
      h(
        'td',
        { class: 'result', title: e.ok ? null : (e.error ?? '') },
        e.ok ? 'OK' : `Failed: ${e.error ?? ''}`,
      ),
      h('td', { class: 'num' }, fmtMs(e.modelledMs)),
      h('td', { class: 'num' }, fmtMs(e.wallMs)),
      h('td', { class: 'num' }, String(e.services.SpreadsheetApp ?? 0)),
      h('td', { class: 'num' }, `${e.cellsRead} / ${e.cellsWritten}`),
      h('td', { class: 'num' }, String(e.httpRequests)),
      h('td', { class: 'num' }, String(e.services.PropertiesService ?? 0)),
    );
    const toggle = () => {
      if (expandedLog.has(e.id)) expandedLog.delete(e.id);
      else expandedLog.add(e.id);
      renderRunLog(snap?.runLog ?? []);
    };
    tr.addEventListener('click', toggle);
    tr.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') toggle();
    });
    rows.push(tr);
    if (expandedLog.has(e.id)) {
      const calls = Object.entries(e.calls)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ');
      const logs = e.logs.length ? ` · Logs: ${e.logs.join(' | ')}` : '';
      rows.push(h('tr', { class: 'detail' }, h('td', { colspan: 11 }, `Calls: ${calls || 'none'}${logs}`)));
    }
  }
  $('runlog-table').replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows));
}

// ---- Triggers ------------------------------------------------------------------------------------

function renderTriggers(s: WorkbookSnapshot): void {
  const box = $('triggers');
  const clock = h('span', {}, `Emulator clock: ${new Date(s.now).toLocaleString()}`);
  if (s.triggers.length === 0) {
    box.replaceChildren(clock, h('span', {}, '· No triggers installed.'));
    return;
  }
  const list = s.triggers.map((t) =>
    h(
      'span',
      { class: 'trigger' },
      `· ${t.handler} (${t.eventType.toLowerCase()})${t.nextRunAt ? `, next ${new Date(t.nextRunAt).toLocaleString()}` : ''}`,
    ),
  );
  const fire = h('button', { type: 'button', class: 'btn' }, 'Fire next time trigger');
  fire.disabled = !s.triggers.some((t) => t.nextRunAt !== null);
  fire.addEventListener('click', () => void execute('/api/triggers/fire-next', {}));
  box.replaceChildren(clock, ...list, fire);
}

// ---- Start ---------------------------------------------------------------------------------------

$<HTMLSelectElement>('user-select').addEventListener('change', (ev) => {
  void api('/api/user', { email: (ev.target as HTMLSelectElement).value }).then(refresh);
});

let knownVersion = -1;
async function poll(): Promise<void> {
  try {
    const { version } = await api<{ version: number }>('/api/version');
    if (version !== knownVersion) {
      knownVersion = version;
      await refresh();
    }
  } catch {
    // Server restarting: try again next tick.
  }
}

void api<RunReply>('/api/open', {}).then(async () => {
  await refresh();
  knownVersion = snap?.version ?? -1;
  window.setInterval(() => void poll(), 2000);
});
