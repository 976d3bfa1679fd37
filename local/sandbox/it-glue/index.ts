/** The IT Glue sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { DEMO_ITG_KEY, demoFixture, type ItgFixture } from './fixture';

export const sandbox: SandboxModule<ItgFixture> = {
  id: 'it-glue',
  demoFixture: () => demoFixture(),
  demoCredentials: () => ({
    apiUrl: 'https://api.itglue.com',
    apiKey: DEMO_ITG_KEY,
    // The demo BMS catalogue's documentation service price (local/sandbox/kaseya-bms/fixture.ts).
    billingTypes: 'Managed Workstation = 2 / 0.5',
  }),
};
