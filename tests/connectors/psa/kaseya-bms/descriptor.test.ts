/** The descriptor: its form fields are its schema's, its factory builds a working target from stored text. */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_USER, demoFixture } from '../../../../local/sandbox/kaseya-bms/fixture';
import { kaseyaBmsDescriptor } from '../../../../src/connectors/psa/kaseya-bms/descriptor';
import { createGasEnvironment, createState } from '../../../../local/gas';
import { RetryingHttpClient } from '../../../../src/platform/http';
import { BMS_HOST, memoryTokenStore } from './support';

describe('Kaseya BMS descriptor', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'kaseya-bms' }]);
  });
  afterAll(() => sb.stop());

  it('lists the schema fields, secrets marked, https prefixes only', () => {
    const shape = Object.keys(kaseyaBmsDescriptor.credentials.shape).sort();
    expect(kaseyaBmsDescriptor.fields.map((f) => f.name).sort()).toEqual(shape);
    expect(kaseyaBmsDescriptor.fields.filter((f) => f.exposure === 'secret').map((f) => f.name)).toEqual([
      'password',
    ]);
    for (const f of kaseyaBmsDescriptor.fields)
      expect(Boolean('optional' in f && f.optional)).toBe(
        kaseyaBmsDescriptor.credentials.shape[f.name as 'tenant'].safeParse(undefined).success,
      );
    for (const p of kaseyaBmsDescriptor.urlPrefixes) expect(p).toMatch(/^https:\/\/[a-z.]+\/$/);
  });

  it('builds a target from stored credentials with the platform deps, tokens kept per login', () => {
    const env = createGasEnvironment(createState(), { urlMap: { [BMS_HOST]: sb.urls['kaseya-bms'] } });
    const { UrlFetchApp } = env.globals;
    const stores = new Map<string, ReturnType<typeof memoryTokenStore>>();
    const deps = {
      http: (policy: { apiName: string }) =>
        new RetryingHttpClient(policy, {
          fetchAll: (reqs) =>
            UrlFetchApp.fetchAll(reqs) as unknown as GoogleAppsScript.URL_Fetch.HTTPResponse[],
          sleep: () => undefined,
          random: () => 0.5,
          now: () => Date.now(),
        }),
      tokenStore: (k: string) => {
        if (!stores.has(k)) stores.set(k, memoryTokenStore());
        return stores.get(k);
      },
    };
    const creds = kaseyaBmsDescriptor.credentials.parse({
      userName: DEMO_USER.UserName,
      password: DEMO_USER.Password,
      tenant: DEMO_USER.Tenant,
    });
    const target = kaseyaBmsDescriptor.create(creds, deps);
    expect(target.listCompanies()).toHaveLength(demoFixture().accounts.length);
    expect([...stores.keys()].sort()).toEqual([
      'kaseya-bms.northwindit.billing@northwind.example',
      'kaseya-bms.northwindit.billing@northwind.example.refresh',
    ]);
    expect(stores.get('kaseya-bms.northwindit.billing@northwind.example')?.value()).toMatchObject({
      token: expect.stringMatching(/^bms-at-/),
    });
  });
});
