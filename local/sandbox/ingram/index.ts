/** The Ingram Micro Xvantage sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { DEMO_CLIENT, DEMO_CUSTOMER_NUMBER, demoFixture, type IngramFixture } from './fixture';

export const sandbox: SandboxModule<IngramFixture> = {
  id: 'ingram',
  demoFixture,
  demoCredentials: () => ({ ...DEMO_CLIENT, customerNumber: DEMO_CUSTOMER_NUMBER, countryCode: 'US' }),
};
