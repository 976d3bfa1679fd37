/** First-use wizard state: the sidebar opens on the wizard until someone finishes or skips it. */
import { CONNECTION_KINDS, connectionSpec } from './connections';
import { apiContext, type ApiContext } from './context';
import { sessionInfo, type SessionInfo } from './rights';

export interface SetupState {
  session: SessionInfo;
  wizardDone: boolean;
  sourcesConnected: number;
  psaConnected: number;
}

const WIZARD_KEY = 'wizardDone';

function setupState(ctx: ApiContext): SetupState {
  const connected = CONNECTION_KINDS.filter((k) => ctx.secrets.read(k) !== null);
  return {
    session: sessionInfo(ctx),
    wizardDone: ctx.settings.get(WIZARD_KEY) === true,
    sourcesConnected: connected.filter((k) => connectionSpec(k).kind === 'source').length,
    psaConnected: connected.filter((k) => connectionSpec(k).kind === 'psa').length,
  };
}

export function getSetupState(): SetupState {
  return setupState(apiContext());
}

export function finishWizard(): SetupState {
  const ctx = apiContext();
  ctx.settings.set(WIZARD_KEY, true);
  return setupState(ctx);
}
