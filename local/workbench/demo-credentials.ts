/**
 * The sandboxes' demo credentials, shown on the workbench page so an evaluator can fill the Connect
 * screen. They open only the local sandboxes (the fixtures derive them from the demo MSP).
 */
export interface DemoCredential {
  kind: string;
  label: string;
  fields: Array<{ label: string; value: string }>;
}

type Loader = () => Promise<DemoCredential>;

const LOADERS: Record<string, Loader> = {
  twilio: async () => {
    const f = (await import('../sandbox/twilio/fixture')).demoFixture();
    return {
      kind: 'twilio',
      label: 'Twilio',
      fields: [
        { label: 'Account SID', value: f.main.sid },
        { label: 'Auth Token', value: f.main.authToken },
      ],
    };
  },
  pax8: async () => {
    const c = (await import('../sandbox/pax8/fixture')).demoFixture().clients[0];
    return {
      kind: 'pax8',
      label: 'Pax8',
      fields: [
        { label: 'Client ID', value: c?.clientId ?? '' },
        { label: 'Client secret', value: c?.clientSecret ?? '' },
      ],
    };
  },
  autotask: async () => {
    const m = await import('../sandbox/autotask/fixture');
    return {
      kind: 'autotask',
      label: 'Autotask',
      fields: [
        { label: 'API username', value: m.DEMO_USER },
        { label: 'Secret', value: m.DEMO_SECRET },
        { label: 'Integration code', value: m.DEMO_INTEGRATION_CODE },
        // The demo companies' account manager (ownerResourceID in the sandbox's fixture).
        { label: 'Account manager for new companies', value: '29682885' },
        { label: 'Material code for charges', value: String(m.DEMO_MATERIAL_CODE) },
      ],
    };
  },
  halo: async () => {
    const m = await import('../sandbox/halo/fixture');
    const tenant = m.demoFixture().tenant ?? 'northwind';
    return {
      kind: 'halo',
      label: 'HaloPSA',
      fields: [
        { label: 'Tenant URL', value: `https://${tenant}.halopsa.com` },
        { label: 'Client ID', value: m.DEMO_CREDENTIALS.clientId },
        { label: 'Client secret', value: m.DEMO_CREDENTIALS.clientSecret },
      ],
    };
  },
};

/** Credentials of the sandboxes that are running; a fixture that cannot be read is left out. */
export async function demoCredentials(kinds: string[]): Promise<DemoCredential[]> {
  const out: DemoCredential[] = [];
  for (const kind of kinds) {
    const load = LOADERS[kind];
    if (!load) continue;
    try {
      out.push(await load());
    } catch {
      // A sandbox still in development: skip its hint.
    }
  }
  return out;
}
