/** The interworks.cloud BSS sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { IW_CLIENT, IW_USER, demoFixture, type IwFixture } from './fixture';

/** The demo MSP's own BSS host (each interworks.cloud tenant has one; the connector has no fixed prefix). */
const DEMO_HOST = 'https://bss.northwind.example';

export const sandbox: SandboxModule<IwFixture> = {
  id: 'interworks',
  demoFixture: () => demoFixture(),
  demoCredentials: () => ({ host: DEMO_HOST, ...IW_CLIENT, ...IW_USER }),
  demoOrigins: [DEMO_HOST],
};
