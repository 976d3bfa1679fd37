/** The Kaseya BMS sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { DEMO_USER, demoFixture, type BmsFixture } from './fixture';

export const sandbox: SandboxModule<BmsFixture> = {
  id: 'kaseya-bms',
  demoFixture: () => demoFixture(),
  demoCredentials: () => ({
    // The US data centre's real host; the emulator routes it to the sandbox.
    apiHost: 'https://api.bms.kaseya.com',
    userName: DEMO_USER.UserName,
    password: DEMO_USER.Password,
    tenant: DEMO_USER.Tenant,
  }),
};
