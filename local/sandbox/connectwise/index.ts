/** The ConnectWise PSA sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import {
  DEMO_CLIENT_ID,
  DEMO_COMPANY_ID,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  DEMO_SITE,
  demoFixture,
  type CwState,
} from './fixture';

export const sandbox: SandboxModule<CwState> = {
  id: 'connectwise',
  demoFixture: () => demoFixture(),
  demoCredentials: () => ({
    site: DEMO_SITE,
    companyId: DEMO_COMPANY_ID,
    publicKey: DEMO_PUBLIC_KEY,
    privateKey: DEMO_PRIVATE_KEY,
    clientId: DEMO_CLIENT_ID,
  }),
};
