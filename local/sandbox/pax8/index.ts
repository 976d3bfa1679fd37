/** The Pax8 sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { demoFixture, type Pax8Fixture } from './fixture';

export const sandbox: SandboxModule<Pax8Fixture> = {
  id: 'pax8',
  demoFixture,
  demoCredentials: () => {
    const c = demoFixture().clients[0];
    return { clientId: c.clientId, clientSecret: c.clientSecret };
  },
};
