/** The Twilio sandbox by convention (local/sandbox/module.ts). */
import type { SandboxModule } from '../module';
import { demoFixture, type TwilioFixture } from './fixture';

export const sandbox: SandboxModule<TwilioFixture> = {
  id: 'twilio',
  demoFixture,
  demoCredentials: () => {
    const main = demoFixture().main;
    return { accountSid: main.sid, authToken: main.authToken };
  },
};
