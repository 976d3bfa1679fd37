/** The Kaseya BMS sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { DEMO_USER, accountIdOf, demoFixture, type BmsFixture } from './fixture';

export const sandbox: SandboxModule<BmsFixture> = {
  id: 'kaseya-bms',
  demoFixture: () => demoFixture(),
  // Acme Dental's account (c01): its first contract is where the line-update probe asks about line 0.
  testCompanyId: String(accountIdOf('c01')),
  // Seed 002: IT Complete modules count the units BMS bills (`npm start -- --psa kaseya-bms`).
  demoMonthSources: ['datto-rmm', 'it-glue'],
  demoCredentials: () => ({
    // The US data centre's real host; the emulator routes it to the sandbox.
    apiHost: 'https://api.bms.kaseya.com',
    userName: DEMO_USER.UserName,
    password: DEMO_USER.Password,
    tenant: DEMO_USER.Tenant,
  }),
};
