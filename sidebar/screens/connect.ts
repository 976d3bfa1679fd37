/**
 * Connect: credentials per source and PSA. Saved values never come back: the server answers with
 * masked values ('set', '••••1234'), and blank fields keep what is stored.
 */
import type { ConnectionView } from '../../src/api';
import { checkboxField } from '../components/form';
import { actionButton, h, uid, fill } from '../dom';
import { call } from '../rpc';
import type { Screen, ScreenContext } from './types';

const ROLE_LABEL = { owner: 'Owner', admin: 'Admin', editor: 'Editor' } as const;

/** "Signed in as … · Role", kept current when saving makes this user the owner. */
function whoLine(ctx: ScreenContext): HTMLElement {
  const role = h('span', { class: 'role' }, ROLE_LABEL[ctx.setup.session.role]);
  const line = h(
    'p',
    { class: 'who' },
    'Signed in as ',
    h('strong', {}, ctx.setup.session.email || 'unknown user'),
    ' · ',
    role,
  );
  const update = () => {
    role.textContent = ROLE_LABEL[ctx.setup.session.role];
  };
  line.addEventListener('billgrid:setup-changed', update);
  return line;
}

/**
 * The bound script's risk, where it applies: editors who are not BillGrid admins can read the keys in
 * the script editor (docs/SECURITY.md).
 */
function exposureWarning(ctx: ScreenContext): HTMLElement | null {
  const { deployment, keysExposedTo } = ctx.setup.session;
  if (deployment !== 'bound' || !keysExposedTo || keysExposedTo.length === 0) return null;
  return h(
    'p',
    { class: 'notice', role: 'note' },
    `BillGrid runs as a script bound to this spreadsheet, so every editor can read these credentials in the script editor. ${keysExposedTo.length} editor(s) are not BillGrid admins: ${keysExposedTo.join(', ')}. Share the spreadsheet with them as Viewer or Commenter, or use the BillGrid add-on.`,
  );
}

function statusChip(c: ConnectionView): HTMLElement {
  if (!c.configured) return h('span', { class: 'chip' }, 'Not set');
  if (c.lastTest && !c.lastTest.ok) return h('span', { class: 'chip error' }, 'Test failed');
  if (c.lastTest?.ok) return h('span', { class: 'chip ok' }, 'Connected');
  return h('span', { class: 'chip saved' }, 'Saved');
}

function connectionCard(
  initial: ConnectionView,
  canManage: boolean,
  ctx: ScreenContext,
  open: boolean,
): HTMLElement {
  const card = h('details', { class: 'card', 'data-kind': initial.kind, open });

  const draw = (c: ConnectionView) => {
    fill(card);
    let chip = statusChip(c);
    const offChip = () => (c.enabled === false ? h('span', { class: 'chip excluded' }, 'Disabled') : null);
    let off = offChip();
    const summary = h('summary', {}, h('span', { class: 'card-title' }, c.label), chip, off);
    card.append(summary);
    const form = h('form', { class: 'form', novalidate: true, 'aria-label': `${c.label} credentials` });
    const inputs = new Map<string, HTMLInputElement>();
    for (const f of c.fields) {
      const id = uid(`${c.kind}-${f.name}`);
      const hintId = `${id}-hint`;
      const keepHint = f.stored !== null && f.secret ? 'Stored. Leave blank to keep it.' : null;
      const storedHint =
        f.stored !== null && !f.secret && f.stored.startsWith('••••')
          ? `Stored: ${f.stored}. Leave blank to keep it.`
          : null;
      const hint = [storedHint ?? keepHint, f.hint].filter(Boolean).join(' ');
      const input = h('input', {
        id,
        name: f.name,
        type: f.input,
        autocomplete: f.secret ? 'new-password' : 'off',
        spellcheck: 'false',
        disabled: !canManage,
        placeholder:
          f.stored !== null && (f.secret || f.stored.startsWith('••••'))
            ? f.secret
              ? '•••••••• (set)'
              : f.stored
            : f.optional
              ? 'Optional'
              : '',
        'aria-describedby': hint ? hintId : null,
      });
      if (f.stored !== null && !f.secret && !f.stored.startsWith('••••')) input.value = f.stored;
      inputs.set(f.name, input);
      form.append(
        h(
          'div',
          { class: 'field' },
          h('label', { for: id }, f.label),
          input,
          hint ? h('div', { class: 'hint', id: hintId }, hint) : null,
        ),
      );
    }
    const result = h('div', { class: 'test-result', role: 'status' });
    if (c.lastTest) {
      result.className = `test-result ${c.lastTest.ok ? 'ok' : 'error'}`;
      result.textContent = c.lastTest.message;
    }
    const save = actionButton(
      'Save',
      async () => {
        const values: Record<string, string> = {};
        for (const [name, input] of inputs) values[name] = input.value;
        try {
          const view = await call('saveConnection', c.kind, values);
          for (const input of inputs.values()) input.value = '';
          ctx.notify.clearError();
          ctx.notify.toast(`${c.label} credentials saved.`);
          draw(view);
          await ctx.refreshSetup();
          document
            .querySelectorAll('.who')
            .forEach((el) => el.dispatchEvent(new Event('billgrid:setup-changed')));
        } catch (e) {
          ctx.notify.error((e as Error).message);
        }
      },
      { primary: true, disabled: !canManage, busyLabel: 'Saving…' },
    );
    const test = actionButton(
      'Test connection',
      async () => {
        try {
          const r = await call('testConnection', c.kind);
          result.className = `test-result ${r.ok ? 'ok' : 'error'}`;
          result.textContent = r.message;
          const next = statusChip({ ...c, lastTest: { ...r, at: new Date().toISOString() } });
          chip.replaceWith(next);
          chip = next;
        } catch (e) {
          ctx.notify.error((e as Error).message);
        }
      },
      { disabled: !c.configured, busyLabel: 'Testing…' },
    );
    const remove = actionButton(
      'Remove',
      async () => {
        if (!window.confirm(`Remove the stored ${c.label} credentials?`)) return;
        try {
          draw(await call('clearConnection', c.kind));
          ctx.notify.toast(`${c.label} credentials removed.`);
          await ctx.refreshSetup();
        } catch (e) {
          ctx.notify.error((e as Error).message);
        }
      },
      { disabled: !canManage || !c.configured, subtle: true },
    );
    // The tenant check: each assumption with what was found, and when.
    const checks = h('div', { class: 'test-result', role: 'status' });
    const showCheck = (k: NonNullable<ConnectionView['lastCheck']>) => {
      const mark = { confirmed: '✓ Confirmed', differs: '≠ Differs', unchecked: '? Not checked' } as const;
      fill(
        checks,
        h('p', { class: 'hint' }, `Checked ${new Date(k.at).toLocaleString()}`),
        h(
          'ul',
          { class: 'checks' },
          ...k.results.map((r) =>
            h('li', { 'data-status': r.status }, `${mark[r.status]} — ${r.assumption}: ${r.detail}`),
          ),
        ),
      );
    };
    if (c.lastCheck) showCheck(c.lastCheck);
    // Write checks: listed before anything runs; they run only on a test client/company named here.
    const writeProbes = c.probes.filter((p) => p.writes !== null);
    const testId = uid(`${c.kind}-test-company`);
    const testCompany = h('input', {
      id: testId,
      name: 'testCompanyId',
      type: 'text',
      autocomplete: 'off',
      spellcheck: 'false',
      disabled: !canManage,
      placeholder: 'Optional',
      'aria-describedby': `${testId}-hint`,
    });
    if (c.testCompanyId) testCompany.value = c.testCompanyId;
    const writeChecks = writeProbes.length
      ? h(
          'div',
          { class: 'field write-checks' },
          h('label', { for: testId }, 'Test client or company (for write checks)'),
          testCompany,
          h(
            'div',
            { class: 'hint', id: `${testId}-hint` },
            'Only with a test client named here do these checks run; each undoes its change:',
          ),
          h(
            'ul',
            { class: 'checks write-probes' },
            ...writeProbes.map((p) => h('li', {}, `${p.assumption} — ${p.writes ?? ''}`)),
          ),
        )
      : null;
    const check = actionButton(
      'Check this connection',
      async () => {
        const named = writeProbes.length ? testCompany.value.trim() : '';
        if (
          named &&
          !window.confirm(
            `These checks change test client ${named} in ${c.label}, then undo it:\n${writeProbes
              .map((p) => `• ${p.writes ?? ''}`)
              .join('\n')}`,
          )
        )
          return;
        try {
          showCheck(await call('checkConnection', c.kind, named ? { testCompanyId: named } : {}));
        } catch (e) {
          ctx.notify.error((e as Error).message);
        }
      },
      { disabled: !c.configured || c.probes.length === 0, busyLabel: 'Checking…', subtle: true },
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      save.click();
    });
    // The API user's minimum rights, from the connector's permission probes (Check this connection verifies them).
    const rights = c.probes.flatMap((p) => (p.permission ? [p.permission] : []));
    const permissions = rights.length
      ? h(
          'div',
          { class: 'field permissions' },
          h(
            'div',
            { class: 'hint' },
            `Minimum permissions for the ${c.label} API user (Check this connection verifies them):`,
          ),
          h('ul', { class: 'permissions' }, ...rights.map((r) => h('li', {}, r))),
        )
      : null;
    // A connected source's on/off switch (the same as Month's): its keys are kept either way.
    let toggle: HTMLElement | null = null;
    if (c.enabled !== null && c.configured) {
      const box = checkboxField(
        `${c.label} enabled`,
        c.enabled,
        'Off: skipped by pulls, schedules and checks, and its rows are held (never pushed) until it is on again; keys kept',
      );
      box.control.disabled = !canManage;
      box.control.addEventListener('change', () => {
        const on = box.control.checked;
        call('setIntegrationEnabled', c.kind, on)
          .then(() => {
            c.enabled = on;
            const next = offChip();
            if (off) off.remove();
            if (next) summary.append(next);
            off = next;
            ctx.notify.toast(`${c.label} ${on ? 'enabled' : 'disabled'}.`);
          })
          .catch((e: Error) => {
            box.control.checked = !on;
            ctx.notify.error(e.message);
          });
      });
      toggle = box.element;
    }
    form.append(
      ...(toggle ? [toggle] : []),
      ...(permissions ? [permissions] : []),
      h('div', { class: 'actions' }, save, test, check, remove),
      result,
      ...(writeChecks ? [writeChecks] : []),
      checks,
    );
    card.append(form);
  };
  draw(initial);
  return card;
}

export const connectScreen: Screen = {
  id: 'connect',
  title: 'Connect',
  summary: 'Connect your distributors (sources) and your PSA.',
  async render(container, ctx) {
    container.append(h('h2', {}, 'Connect'), h('p', { class: 'muted' }, 'Loading connections…'));
    const view = await call('getConnections');
    const s = ctx.setup.session;
    fill(
      container,
      h('h2', {}, 'Connect'),
      whoLine(ctx),
      exposureWarning(ctx),
      view.canManage
        ? h(
            'p',
            { class: 'muted' },
            'Credentials are stored in this spreadsheet’s document properties and never shown again.',
          )
        : h(
            'p',
            { class: 'notice' },
            `Only the owner${s.owner ? ` (${s.owner})` : ''} or an admin can change credentials.`,
          ),
    );
    const firstOpen = view.connections.find((c) => !c.configured)?.kind;
    for (const role of ['source', 'psa'] as const) {
      container.append(h('h3', {}, role === 'source' ? 'Sources' : 'PSA'));
      for (const c of view.connections.filter((x) => x.role === role)) {
        container.append(connectionCard(c, view.canManage, ctx, c.kind === firstOpen));
      }
    }
  },
};
