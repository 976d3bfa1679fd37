/**
 * The registered descriptor: its form fields are its schema's, its factory builds a working target from stored
 * text, and what the target must remember across executions (lines it added, tenant facts, the hour's call
 * counts) goes through the platform's durable values, surviving a new target in a later execution.
 */
import { z } from 'zod';
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_USER, demoFixture } from '../../../../local/sandbox/kaseya-bms/fixture';
import { descriptor } from '../../../../src/connectors/psa/kaseya-bms/descriptor';
import { psaConnector } from '../../../../src/connectors/registry';
import type { ConnectorDeps, DurableValue } from '../../../../src/connectors/descriptor';
import { createGasEnvironment, createState } from '../../../../local/gas';
import { RetryingHttpClient } from '../../../../src/platform/http';
import type { KaseyaBmsTarget } from '../../../../src/connectors/psa/kaseya-bms';
import type { PushStep } from '../../../../src/core/psa';
import { BMS_HOST, isMutation, memoryTokenStore } from './support';

/** Document properties stand-in: JSON text per key, parsed with the reader's schema. */
function textStore() {
  const texts = new Map<string, string>();
  const value = (key: string): DurableValue => ({
    read: <T>(schema: z.ZodType<T>): T | null => {
      const t = texts.get(key);
      return t === undefined ? null : schema.parse(JSON.parse(t));
    },
    write: (v) => void texts.set(key, JSON.stringify(v)),
  });
  return { texts, value };
}

describe('Kaseya BMS descriptor', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'kaseya-bms', fixture: demoFixture({ lineRead: 'none' }) },
      { kind: 'kaseya-bms', name: 'put-line', fixture: demoFixture({ lineUpdate: 'put-line' }) },
      { kind: 'kaseya-bms', name: 'no-update', fixture: demoFixture({ lineUpdate: 'none' }) },
    ]);
  });
  afterAll(() => sb.stop());

  const depsFor = (
    stores: Map<string, ReturnType<typeof memoryTokenStore>>,
    durable?: ReturnType<typeof textStore>,
    name = 'kaseya-bms',
  ) => {
    const env = createGasEnvironment(createState(), { urlMap: { [BMS_HOST]: sb.urls[name] } });
    const { UrlFetchApp } = env.globals;
    const deps: ConnectorDeps = {
      http: (policy) =>
        new RetryingHttpClient(policy, {
          fetchAll: (reqs) =>
            UrlFetchApp.fetchAll(reqs) as unknown as GoogleAppsScript.URL_Fetch.HTTPResponse[],
          sleep: () => undefined,
          random: () => 0.5,
          now: () => Date.now(),
        }),
      tokenStore: (k) => {
        if (!stores.has(k)) stores.set(k, memoryTokenStore());
        return stores.get(k);
      },
      ...(durable ? { durable: durable.value } : {}),
    };
    return deps;
  };
  const creds = () =>
    descriptor.credentials.parse({
      userName: DEMO_USER.UserName,
      password: DEMO_USER.Password,
      tenant: DEMO_USER.Tenant,
    });

  it('is the registry entry; lists the schema fields, the password secret, https prefixes only', () => {
    expect(psaConnector('kaseya-bms')).toBe(descriptor);
    const shape = (descriptor.credentials as unknown as z.ZodObject).shape;
    expect(descriptor.fields.map((f) => f.name).sort()).toEqual(Object.keys(shape).sort());
    expect(descriptor.fields.filter((f) => f.exposure === 'secret').map((f) => f.name)).toEqual(['password']);
    for (const p of descriptor.urlPrefixes) expect(p).toMatch(/^https:\/\/[a-z.]+\/$/);
    expect(descriptor.capabilities).toEqual({
      quantityTargets: true,
      chargeContainer: 'contract',
      addsZeroQuantities: false,
      chargesRefused: expect.stringMatching(/^Kaseya BMS's API has no way to add a usage or one-off charge/),
    });
  });

  it('refuses an API address that is not a Kaseya host, without echoing it', () => {
    const r = descriptor.credentials.safeParse({ ...creds(), apiHost: 'https://evil.example.com' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toContain('evil');
  });

  it('builds a target from stored credentials with the platform deps, tokens kept per login', () => {
    const stores = new Map<string, ReturnType<typeof memoryTokenStore>>();
    const target = descriptor.create(creds(), depsFor(stores));
    expect(target.listCompanies()).toHaveLength(demoFixture().accounts.length);
    expect([...stores.keys()].sort()).toEqual([
      'kaseya-bms.northwindit.billing@northwind.example',
      'kaseya-bms.northwindit.billing@northwind.example.refresh',
    ]);
  });

  it('keeps its line record, tenant facts and call counts in durable values a later execution reads', async () => {
    const durable = textStore();
    const stores = new Map<string, ReturnType<typeof memoryTokenStore>>();
    const first = descriptor.create(creds(), depsFor(stores, durable)) as KaseyaBmsTarget;
    // c07's contract (8007) has no service yet, and this tenant cannot read lines: BillGrid adds one and records it.
    const step: PushStep = {
      idempotencyKey: 'q-8007-502-2',
      operation: 'set-quantity',
      ref: { kind: 'quantity', companyId: '7007', contractId: '8007', productId: '502' },
      lineKeys: ['k-8007-502'],
      before: null,
      after: {
        quantity: 2,
        unitPrice: 45,
        unitCost: 8,
        effectiveDate: '2026-10-01',
        description: 'Managed Server',
        productName: 'Managed Server',
        sku: '',
      },
    };
    const out = first.apply(step);
    expect(out.status).toBe('applied');
    expect([...durable.texts.keys()].sort()).toEqual([
      'calls.northwindit',
      'facts.northwindit',
      'lines.northwindit',
    ]);
    expect(JSON.parse(durable.texts.get('lines.northwindit')!)).toMatchObject({
      '8007/502': { units: 2, state: 'saved' },
    });
    // A later execution: a new target on the same durable values sees its own line and sends nothing.
    await sb.admin('kaseya-bms').clearRequests();
    const second = descriptor.create(creds(), depsFor(stores, durable)) as KaseyaBmsTarget;
    expect(second.apply(step).status).toBe('unchanged');
    expect((await sb.admin('kaseya-bms').requests()).filter(isMutation)).toEqual([]);
  });

  it.each([
    ['put-line', 'confirmed'],
    ['no-update', 'differs'],
  ])(
    'the line-update probe is a write probe; on a named test account it tells the %s tenant apart (%s) and changes nothing',
    async (name, status) => {
      const probe = descriptor.probes.find((p) => p.id === 'kaseya-bms.contract-line-update');
      expect(probe?.writes).toContain('changes nothing');
      const deps = depsFor(new Map(), undefined, name);
      const target = descriptor.create(creds(), deps);
      const billing = (st: unknown) => {
        const { accounts, contracts, lines, services } = st as Record<string, unknown>;
        return { accounts, contracts, lines, services };
      };
      const before = billing(await sb.admin(name).state());
      const r = probe!.run(target, {
        credentials: creds(),
        http: deps.http(descriptor.http.reads),
        testCompanyId: '7001',
      });
      expect(r.status).toBe(status);
      expect(billing(await sb.admin(name).state())).toEqual(before);
      const puts = (await sb.admin(name).requests()).filter((q) => q.method === 'PUT');
      expect(puts.map((q) => q.path)).toEqual(['/v2/finance/contracts/recurringservices/8001/services/0']);
    },
  );
});
