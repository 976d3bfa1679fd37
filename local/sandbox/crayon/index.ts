/** The Crayon Cloud-iQ sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { CRAYON_CLIENT, CRAYON_USER, demoFixture, type CrayonFixture } from './fixture';

export const sandbox: SandboxModule<CrayonFixture> = {
  id: 'crayon',
  demoFixture: () => demoFixture(),
  demoCredentials: () => ({ ...CRAYON_CLIENT, ...CRAYON_USER }),
};
