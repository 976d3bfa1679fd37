import type { SetupState } from '../../src/api';
import type { Notifier } from '../components/notify';

export interface ScreenContext {
  /** Always the latest setup state. */
  readonly setup: SetupState;
  notify: Notifier;
  /** Re-read setup state (after credentials change, for example). */
  refreshSetup(): Promise<SetupState>;
  /** True when the setup wizard shows this screen for the first time since the sidebar opened. */
  readonly firstWizardVisit: boolean;
}

/** One sidebar screen: renders itself into `container`, which the shell has emptied. */
export interface Screen {
  id: string;
  title: string;
  /** One line under the title in the wizard. */
  summary: string;
  render(container: HTMLElement, ctx: ScreenContext): void | Promise<void>;
}
