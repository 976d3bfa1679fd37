/**
 * F5 write probe (price-probe.ts) against the sandbox under each adjustmentPrice variant, on the demo's test
 * company: it tells which behaviour the tenant has, confirms the documented price path, and puts the price
 * back in every case. When the price cannot be put back it says which service and which price to set.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import {
  ADJUSTMENT_PRICE_VARIANTS,
  DEMO_INTEGRATION_CODE,
  DEMO_MATERIAL_CODE,
  DEMO_SECRET,
  DEMO_USER,
  companyIdOf,
  demoFixture,
  type AtState,
} from '../../../../local/sandbox/autotask/fixture';
import { createAutotaskTarget } from '../../../../src/connectors/psa/autotask';
import { probeAdjustmentPrice } from '../../../../src/connectors/psa/autotask/price-probe';
import { gasHttp, isMutation } from './support';

const company = String(companyIdOf('c01'));
const TODAY = '2026-11-15';
const prices = (s: AtState) => ({
  units: s.entities.ContractServiceUnits.map((r) => [r.id, r.price]),
  services: s.entities.ContractServices.map((r) => [r.id, r.adjustedPrice]),
});

describe.each(ADJUSTMENT_PRICE_VARIANTS)('Autotask price write probe (F5), variant %s', (variant) => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([
      { kind: 'autotask', fixture: { ...demoFixture(), variants: { adjustmentPrice: variant } } },
    ]);
  });
  afterAll(() => sb.stop());
  beforeEach(async () => {
    await sb.admin('autotask').setState({ ...demoFixture(), variants: { adjustmentPrice: variant } });
    await sb.admin('autotask').clearFaults();
    await sb.admin('autotask').clearRequests();
  });

  const probe = (testCompanyId?: string) => {
    const g = gasHttp({ 'https://webservices.autotask.net': sb.urls.autotask });
    const target = createAutotaskTarget(
      {
        username: DEMO_USER,
        secret: DEMO_SECRET,
        integrationCode: DEMO_INTEGRATION_CODE,
        materialCodeId: DEMO_MATERIAL_CODE,
      },
      g.reads,
      g.writes,
    );
    return probeAdjustmentPrice(
      target,
      {
        credentials: { username: DEMO_USER, secret: DEMO_SECRET, integrationCode: DEMO_INTEGRATION_CODE },
        http: g.reads,
        ...(testCompanyId ? { testCompanyId } : {}),
      },
      TODAY,
    );
  };

  it('names the behaviour, confirms PATCH adjustedPrice, and puts every price back', async () => {
    const before = await sb.admin('autotask').state<AtState>();
    const r = probe(company);
    expect(r.status).toBe('confirmed');
    expect(r.detail).toContain(`(${variant})`);
    const after = await sb.admin('autotask').state<AtState>();
    expect(prices(after)).toEqual(prices(before));
    const sent = (await sb.admin('autotask').requests()).filter(isMutation);
    // Kept: the 0-unit adjustment where Autotask accepts one (it cannot be deleted), and nothing else.
    const kept =
      after.entities.ContractServiceAdjustments.length - before.entities.ContractServiceAdjustments.length;
    expect(kept).toBe(variant === 'reject-zero' ? 0 : 1);
    for (const a of after.entities.ContractServiceAdjustments.slice(
      before.entities.ContractServiceAdjustments.length,
    ))
      expect(a.unitChange).toBe(0);
    expect(after.entities.ContractServiceUnits).toHaveLength(before.entities.ContractServiceUnits.length);
    // Changed, the 0-unit adjustment (refused or kept), changed back: an adjustment re-prices from its date on only.
    expect(sent.map((x) => x.method)).toEqual(['PATCH', 'POST', 'PATCH']);
  });

  it('without a test company: runs nothing', async () => {
    expect(probe().status).toBe('unchecked');
    expect((await sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
  });

  it('the price cannot be put back: says which service and which price to set by hand', async () => {
    // Every PATCH after the first is refused: the price cannot be put back (even where the adjustment re-priced
    // from its date, the periods before it keep the probe's price).
    await sb.admin('autotask').faults([
      {
        match: { method: 'PATCH', pathIncludes: '/Services' },
        after: 1,
        times: 5,
        status: 500,
        body: { errors: ['Internal error'] },
      },
    ]);
    const before = await sb.admin('autotask').state<AtState>();
    const r = probe(company);
    expect(r.status).toBe('differs');
    expect(r.detail).toMatch(
      /could not put the price back: set the price of contract service \d+ \(service \d+\) on contract \d+ to [\d.]+ in Autotask/,
    );
    // It is not back (the fault refused it): what the message says is what a person must do.
    expect(prices(await sb.admin('autotask').state<AtState>())).not.toEqual(prices(before));
  });
});
