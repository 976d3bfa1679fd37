/** The Autotask sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import {
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  companyIdOf,
  demoFixture,
  type AtState,
} from './fixture';

export const sandbox: SandboxModule<AtState> = {
  id: 'autotask',
  demoFixture,
  // The company the tenant check's write probes may touch (they change nothing on it).
  testCompanyId: String(companyIdOf('c01')),
  demoCredentials: () => ({
    username: DEMO_USER,
    secret: DEMO_SECRET,
    integrationCode: DEMO_INTEGRATION_CODE,
    // The demo companies' account manager (ownerResourceID in the fixture): lets Connect create companies.
    ownerResourceId: '29682885',
    materialCodeId: String(DEMO_MATERIAL_CODE),
  }),
};
