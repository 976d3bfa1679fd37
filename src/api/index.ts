/**
 * Every server function the sidebar may call through google.script.run. src/main.ts exposes each one
 * as a global (see ENTRY_POINTS.md). The sidebar imports only the *type* SidebarApi from here.
 */
import { clearConnection, getConnections, saveConnection, testConnection } from './connect';
import { getSessionInfo, setAdmins } from './rights';
import { finishWizard, getSetupState } from './setup';

export const sidebarApi = {
  getSessionInfo,
  setAdmins,
  getSetupState,
  finishWizard,
  getConnections,
  saveConnection,
  clearConnection,
  testConnection,
};

export type SidebarApi = typeof sidebarApi;
export type SidebarFunctionName = keyof SidebarApi;

export type { SessionInfo, Role } from './rights';
export type { SetupState } from './setup';
export type { ConnectionView, ConnectionsView, ConnectionFieldView, LastTest } from './connect';
export type { ConnectionKind } from './connections';
export type { ConnectionTestResult, ConnectionTester } from './connection-tests';
export { registerConnectionTester } from './connection-tests';
