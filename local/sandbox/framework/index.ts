export { Sandbox, parseJsonBody } from './sandbox';
export type { Fault, Handler, LoggedRequest, SandboxRequest, SandboxResponse } from './sandbox';
export { startSandboxes, SandboxAdmin } from './host';
export type { RunningSandboxes } from './host';
export type { SandboxSpec } from './registry';
