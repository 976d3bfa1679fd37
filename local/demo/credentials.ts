/**
 * The credentials the demo sandboxes accept, as a person would type them into the sidebar's Connect
 * screen (field names as in src/api/connections.ts). Read from the sandboxes' own demo fixtures.
 */
import {
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
} from '../sandbox/autotask/fixture';
import { DEMO_CREDENTIALS as HALO } from '../sandbox/halo/fixture';
import { demoFixture as pax8Fixture } from '../sandbox/pax8/fixture';
import { demoFixture as twilioFixture } from '../sandbox/twilio/fixture';

export const DEMO_HALO_TENANT_URL = 'https://northwind.halopsa.com';

export function demoCredentials(): Record<'twilio' | 'pax8' | 'autotask' | 'halo', Record<string, string>> {
  const twilio = twilioFixture().main;
  const pax8 = pax8Fixture().clients[0];
  return {
    twilio: { accountSid: twilio.sid, authToken: twilio.authToken },
    pax8: { clientId: pax8.clientId, clientSecret: pax8.clientSecret },
    autotask: {
      username: DEMO_USER,
      secret: DEMO_SECRET,
      integrationCode: DEMO_INTEGRATION_CODE,
      materialCodeId: String(DEMO_MATERIAL_CODE),
    },
    halo: { tenantUrl: DEMO_HALO_TENANT_URL, clientId: HALO.clientId, clientSecret: HALO.clientSecret },
  };
}
