/** The Datto RMM sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { DEMO_API_KEY, DEMO_API_SECRET, demoFixture, type DattoFixture } from './fixture';

export const sandbox: SandboxModule<DattoFixture> = {
  id: 'datto-rmm',
  demoFixture: () => demoFixture(),
  demoCredentials: () => ({
    // A real platform host; the emulator routes it to the sandbox.
    apiUrl: 'https://merlot-api.centrastage.net',
    apiKey: DEMO_API_KEY,
    apiSecret: DEMO_API_SECRET,
    // The demo BMS catalogue's prices (local/sandbox/kaseya-bms/fixture.ts), so pushes change units only.
    billingTypes: 'Workstations = 12 / 3; Servers = 45 / 8; Network devices = 6 / 1',
  }),
};
