/**
 * The tenant check's read-only Autotask probes against the sandbox: each confirmed on the demo tenant, and
 * each that can tell a difference says "differs" on a sandbox (or connection) that has it.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  CONTRACT_PERIOD,
  CONTRACT_PERIOD_DEFAULT_VARIANTS,
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  demoFixture,
  recurringContractIdOf,
  type AtState,
} from '../../../../local/sandbox/autotask/fixture';
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import type { AutotaskConfigInput } from '../../../../src/connectors/psa/autotask/config';
import { autotaskProbes } from '../../../../src/connectors/psa/autotask/probes';
import { gasHttp, isMutation } from './support';

const SERVICE_CODE = 29682801;

function run(url: string, over: Partial<AutotaskConfigInput> = {}) {
  const g = gasHttp({ 'https://webservices.autotask.net': url });
  const target = createAutotaskTarget(
    {
      username: DEMO_USER,
      secret: DEMO_SECRET,
      integrationCode: DEMO_INTEGRATION_CODE,
      materialCodeId: DEMO_MATERIAL_CODE,
      ...over,
    },
    g.reads,
    g.writes,
  );
  // The read-only probes (the write probe has its own test: price-probe.test.ts).
  return Object.fromEntries(
    autotaskProbes
      .filter((p) => !p.writes)
      .map((p) => [
        p.id,
        p.run(target, {
          credentials: { username: DEMO_USER, secret: DEMO_SECRET, integrationCode: DEMO_INTEGRATION_CODE },
          http: g.reads,
        }),
      ]),
  );
}

describe('Autotask tenant-check probes', () => {
  let demo: RunningSandboxes;
  let quarterly: RunningSandboxes;
  beforeAll(async () => {
    const f = demoFixture();
    const c = f.entities.Contracts.find((x) => x.id === recurringContractIdOf('c01'))!;
    c.contractPeriodType = CONTRACT_PERIOD.quarterly;
    [demo, quarterly] = await Promise.all([
      startSandboxes([{ kind: 'autotask' }]),
      startSandboxes([{ kind: 'autotask', fixture: f }]),
    ]);
  });
  afterAll(async () => {
    await demo.stop();
    await quarterly.stop();
  });

  it('confirms every assumption on the demo tenant, read-only', async () => {
    await demo.admin('autotask').clearRequests();
    const results = run(demo.urls.autotask);
    for (const [id, r] of Object.entries(results))
      expect([id, r.status, r.detail]).toEqual([id, 'confirmed', r.detail]);
    const log = await demo.admin('autotask').requests();
    expect(log.filter(isMutation)).toEqual([]);
    // The paging probe followed the link with POST, and read the field lists.
    expect(log.some((r) => r.method === 'POST' && /\/query\/next$/.test(r.path))).toBe(true);
    expect(log.some((r) => r.method === 'GET' && /entityInformation\/fields$/.test(r.path))).toBe(true);
  });

  it.each(
    CONTRACT_PERIOD_DEFAULT_VARIANTS.map(
      (v) =>
        [v, { monthly: /default 'Monthly'/, yearly: /default 'Yearly'/, required: /^Required/ }[v]] as const,
    ),
  )('tells which contract period default the tenant has (F9): %s', async (variant, said) => {
    const admin = demo.admin('autotask');
    const s = await admin.state<AtState>();
    await admin.setState({ ...s, variants: { contractPeriodDefault: variant } });
    try {
      const r = run(demo.urls.autotask)['autotask.contract-period-default'];
      expect(r.status).toBe('confirmed');
      expect(r.detail).toMatch(said);
    } finally {
      await admin.setState(s);
    }
  });

  it('says "differs" for a quarterly recurring-service contract and for a material code that is a Service code', () => {
    const results = run(quarterly.urls.autotask, { materialCodeId: SERVICE_CODE });
    expect(results['autotask.contract-periods']).toMatchObject({ status: 'differs' });
    expect(results['autotask.contract-periods'].detail).toMatch(
      /1 active recurring-service contract.*\(Quarterly\)/,
    );
    expect(results['autotask.code-use-types']).toMatchObject({ status: 'differs' });
    expect(results['autotask.code-use-types'].detail).toMatch(
      /material code for charges 'Recurring Services' has use type 5, not 4/,
    );
    expect(results['autotask.post-paging'].status).toBe('confirmed');
  });

  it('says "differs" when a POSTed next page is refused and when a field is shorter than BillGrid writes', async () => {
    const admin = demo.admin('autotask');
    await admin.faults([
      {
        match: { method: 'POST', pathIncludes: '/query/next' },
        times: 20,
        status: 405,
        body: { Message: "The requested resource does not support http method 'POST'." },
      },
      {
        match: { method: 'GET', pathIncludes: 'Contracts/entityInformation/fields' },
        times: 5,
        status: 200,
        body: { fields: [{ name: 'contractName', dataType: 'string', length: 50 }] },
      },
    ]);
    try {
      const results = run(demo.urls.autotask);
      expect(results['autotask.post-paging']).toMatchObject({ status: 'differs' });
      expect(results['autotask.post-paging'].detail).toMatch(/POSTed with the same body, answered .*405/);
      expect(results['autotask.field-limits']).toMatchObject({ status: 'differs' });
      expect(results['autotask.field-limits'].detail).toMatch(/Contracts\.contractName 50 < 100/);
    } finally {
      await admin.clearFaults();
    }
  });
});
