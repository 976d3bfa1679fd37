/**
 * Every server function the sidebar may call through google.script.run: the list is src/api/functions.ts
 * (argument schemas and results); src/main.ts exposes each one as a global (see ENTRY_POINTS.md). The
 * sidebar imports only *types* from here.
 */
export { sidebarApi, SERVER_FUNCTIONS } from './functions';
export type { ServerApi, ServerArgs, ServerFunctionName, ServerResult } from './functions';
export type { ServerApi as SidebarApi, ServerFunctionName as SidebarFunctionName } from './functions';

export type { SessionInfo, Role } from './rights';
export type { SetupState } from './setup';
export type { ConnectionView, ConnectionsView, ConnectionFieldView, LastTest } from './connect';
export type { TenantCheck, ProbeOutcome } from '../jobs/tenant-check';
export type { ConnectionKind } from './connections';
export type { ConnectionTestResult, ConnectionTester } from './connection-tests';
export { registerConnectionTester } from './connection-tests';
