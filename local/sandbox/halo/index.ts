/** The HaloPSA sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { DEMO_CREDENTIALS, demoFixture, type HaloFixture } from './fixture';

export const sandbox: SandboxModule<HaloFixture> = {
  id: 'halo',
  demoFixture,
  demoCredentials: () => ({
    // A hosted tenant's real address; the emulator routes *.halopsa.com to the sandbox.
    tenantUrl: `https://${demoFixture().tenant ?? 'northwind'}.halopsa.com`,
    clientId: DEMO_CREDENTIALS.clientId,
    clientSecret: DEMO_CREDENTIALS.clientSecret,
  }),
  // Acme Dental Group: the tenant check's write probe adds and removes a draft invoice there.
  testCompanyId: '101',
};
