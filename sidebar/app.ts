/**
 * The sidebar shell: a setup wizard on first use, then one tab per screen. Screens render into a
 * panel the shell empties first; the shell owns the error banner and toasts.
 */
import type { SetupState } from '../src/api';
import { createNotifier, type Notifier } from './components/notify';
import { actionButton, clear, h } from './dom';
import { call } from './rpc';
import { SCREENS, WIZARD_STEPS } from './screens';
import type { Screen, ScreenContext } from './screens/types';

/** How the server words a break in the Ledger's chain (src/core/ledger-chain.ts). */
const LEDGER_BREAK = /^(Ledger row \d+ |The Ledger's last )/;

export class SidebarApp {
  private setup!: SetupState;
  private readonly notify: Notifier;
  private readonly main: HTMLElement;
  /** Wizard steps already shown since the sidebar opened (Back and Next must not redo a first visit's work). */
  private readonly visitedSteps = new Set<string>();
  /** The Ledger check's notice while a break waits for its acknowledgement. */
  private ledgerNotice: HTMLElement | null = null;

  constructor(private readonly root: HTMLElement) {
    clear(root);
    this.main = h('div', { class: 'shell' });
    root.append(this.main);
    const notifier = createNotifier(root);
    // A push refused because the Ledger was changed by hand: show the notice with its acknowledgement.
    this.notify = {
      ...notifier,
      error: (message) => {
        notifier.error(message);
        if (LEDGER_BREAK.test(message)) void this.checkLedger();
      },
    };
  }

  async start(): Promise<void> {
    try {
      this.setup = await call('getSetupState');
    } catch (e) {
      this.main.replaceChildren(h('p', {}, 'BillGrid could not start.'));
      this.notify.error((e as Error).message);
      return;
    }
    if (this.setup.wizardDone) this.showTabs('connect');
    else this.showWizard(0);
    void this.checkLedger();
  }

  /**
   * The Ledger's hash chain is checked when the sidebar opens, and again when a push is refused for it; a
   * break stays on top until an owner or admin acknowledges it here.
   */
  private async checkLedger(): Promise<void> {
    let status;
    try {
      status = await call('getLedgerStatus');
    } catch {
      return;
    }
    this.ledgerNotice?.remove();
    this.ledgerNotice = null;
    if (!status.alarm) return;
    const notice = h(
      'div',
      { class: 'notice ledger-alarm', role: 'status', 'aria-live': 'polite' },
      h(
        'p',
        {},
        `${status.alarm.message}. Pushes are stopped until an owner or admin has checked the Ledger.`,
      ),
    );
    if (this.setup.session.canManage) {
      notice.append(
        actionButton('I have checked the Ledger: acknowledge', async () => {
          try {
            const after = await call('acknowledgeLedgerChange');
            notice.remove();
            this.ledgerNotice = null;
            this.notify.clearError();
            this.notify.toast(
              after.resumed
                ? 'Acknowledged: the stopped push continues in about a minute.'
                : 'Acknowledged: pushes may run again.',
            );
          } catch (e) {
            this.notify.error((e as Error).message);
          }
        }),
      );
    } else {
      notice.append(h('p', { class: 'muted' }, 'Ask the BillGrid owner or an admin to open BillGrid.'));
    }
    this.ledgerNotice = notice;
    this.main.before(notice);
  }

  private context(firstWizardVisit = false): ScreenContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter must see later refreshes
    const app = this;
    return {
      get setup() {
        return app.setup;
      },
      notify: this.notify,
      refreshSetup: async () => {
        this.setup = await call('getSetupState');
        return this.setup;
      },
      firstWizardVisit,
    };
  }

  private renderScreen(screen: Screen, panel: HTMLElement, firstWizardVisit = false): void {
    clear(panel);
    // An error belongs to the screen it happened on.
    this.notify.clearError();
    // Each render gets a box of its own: a screen still loading when the user moves on writes into its
    // detached box, never over the next screen.
    const box = h('div', { class: 'screen' });
    panel.append(box);
    Promise.resolve(screen.render(box, this.context(firstWizardVisit))).catch((e: unknown) => {
      if (box.isConnected) this.notify.error(e instanceof Error ? e.message : String(e));
    });
  }

  private showWizard(index: number): void {
    const steps = WIZARD_STEPS.map((id) => SCREENS.find((s) => s.id === id)).filter((s): s is Screen => !!s);
    const screen = steps[index];
    const progress = h(
      'ol',
      { class: 'steps', 'aria-label': 'Setup steps' },
      ...steps.map((s, i) =>
        h(
          'li',
          {
            class: i === index ? 'current' : i < index ? 'done' : null,
            'aria-current': i === index ? 'step' : null,
          },
          s.title,
        ),
      ),
    );
    const panel = h('section', { class: 'panel', 'aria-label': screen.title });
    const back = h('button', { type: 'button', class: 'btn', disabled: index === 0 }, 'Back');
    back.addEventListener('click', () => this.showWizard(index - 1));
    const last = index === steps.length - 1;
    const next = last
      ? actionButton('Finish', () => this.finishWizard(), { primary: true })
      : h('button', { type: 'button', class: 'btn primary' }, 'Next');
    if (!last) next.addEventListener('click', () => this.showWizard(index + 1));
    const skip = h('button', { type: 'button', class: 'link' }, 'Skip setup');
    skip.addEventListener('click', () => void this.finishWizard());
    this.main.replaceChildren(
      h(
        'div',
        { class: 'wizard-head' },
        h('h1', {}, 'Set up BillGrid'),
        h('p', { class: 'muted' }, `Step ${index + 1} of ${steps.length}: ${screen.summary}`),
      ),
      progress,
      panel,
      h('div', { class: 'wizard-nav' }, back, next, skip),
    );
    const first = !this.visitedSteps.has(screen.id);
    this.visitedSteps.add(screen.id);
    this.renderScreen(screen, panel, first);
    panel.querySelector('h2')?.setAttribute('tabindex', '-1');
  }

  private async finishWizard(): Promise<void> {
    try {
      this.setup = await call('finishWizard');
    } catch (e) {
      this.notify.error((e as Error).message);
      return;
    }
    this.showTabs('connect');
  }

  private showTabs(activeId: string): void {
    const tabs = SCREENS.map((s) =>
      h(
        'button',
        { type: 'button', role: 'tab', id: `tab-${s.id}`, 'aria-controls': 'panel', 'data-screen': s.id },
        s.title,
      ),
    );
    const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'BillGrid screens' }, ...tabs);
    const panel = h('section', { class: 'panel', role: 'tabpanel', id: 'panel', tabindex: '0' });
    const select = (id: string, focus: boolean) => {
      for (const t of tabs) {
        const on = t.dataset.screen === id;
        t.setAttribute('aria-selected', String(on));
        t.tabIndex = on ? 0 : -1;
        if (on) {
          panel.setAttribute('aria-labelledby', t.id);
          if (focus) t.focus();
          t.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        }
      }
      const screen = SCREENS.find((s) => s.id === id) ?? SCREENS[0];
      this.renderScreen(screen, panel);
    };
    tablist.addEventListener('click', (ev) => {
      const id = (ev.target as HTMLElement).closest('button')?.dataset.screen;
      if (id) select(id, false);
    });
    tablist.addEventListener('keydown', (ev) => {
      const i = tabs.findIndex((t) => t === document.activeElement);
      if (i < 0) return;
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
      if (to === undefined) return;
      ev.preventDefault();
      select(tabs[(to + tabs.length) % tabs.length].dataset.screen ?? 'connect', true);
    });
    this.main.replaceChildren(tablist, panel);
    select(activeId, false);
  }
}
