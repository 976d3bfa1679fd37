import { withContractStartChecks, type ContractStartFacts } from '../../src/core/contract-start';
import type { Mappings } from '../../src/core/mapping';
import type { PsaCapabilities } from '../../src/core/psa';
import { reconcile } from '../../src/core/reconcile';
import { defaultBillingSettings } from '../../src/core/settings';
import { mappingTargetResolver } from '../../src/core/targets';
import { CONTRACT_PSA } from '../../src/core/testing/capabilities';
import { keyed, raw } from './fixtures';

const CHECKED: PsaCapabilities = { ...CONTRACT_PSA, contractStartChecks: true };

const mappings: Mappings = {
  clients: [
    {
      source: 'market',
      customerId: 'cust-1',
      customerName: 'Acme',
      companyId: 'CO1',
      status: 'confirmed',
      score: null,
    },
    {
      source: 'market',
      customerId: 'cust-2',
      customerName: 'Beta',
      companyId: 'CO2',
      status: 'confirmed',
      score: null,
    },
  ],
  products: [{ source: 'market', sku: 'MS-365-BP', productId: 'P1', status: 'manual' }],
  contracts: [
    { source: 'market', customerId: 'cust-1', subscriptionId: '', contractId: 'K1' },
    { source: 'market', customerId: 'cust-2', subscriptionId: '', contractId: 'K2' },
  ],
};

const contract = (over: Partial<ContractStartFacts>): ContractStartFacts => ({
  id: 'K1',
  name: 'Acme - Managed Services',
  kind: 'recurring-service',
  startDate: '2026-01-01',
  ...over,
});

function check(contracts: ContractStartFacts[], lines = month(), caps = CHECKED) {
  const base = mappingTargetResolver(mappings, defaultBillingSettings());
  const checked = withContractStartChecks(base, lines, contracts, caps);
  const r = reconcile({
    lines,
    state: { quantities: [], charges: [] },
    resolver: checked.resolver,
    capabilities: caps,
    psaCurrency: 'USD',
  });
  return { ...checked, reconciliation: r, lines };
}

/** Acme: seats from the 1st and usage from the 10th; Beta: seats from the 1st. */
const month = () =>
  keyed([
    raw({ subscriptionId: 's1', quantity: 3 }),
    raw({
      subscriptionId: 'u1',
      chargeType: 'usage',
      cycle: 'usage',
      periodStart: '2026-10-10',
      quantity: 2,
    }),
    raw({ customerId: 'cust-2', subscriptionId: 's2', quantity: 4 }),
  ]);

describe('contract start checks before the push', () => {
  it('passes contracts that start on the 1st, on or before the first usage', () => {
    const r = check([contract({}), contract({ id: 'K2', name: 'Beta', startDate: '2026-10-01' })]);
    expect(r.problems).toEqual([]);
    expect(r.reconciliation.actions.filter((a) => a.action === 'blocked')).toEqual([]);
  });

  it('refuses every row of a contract starting after its first usage, with the fix; other contracts go on', () => {
    const r = check([contract({ startDate: '2026-10-05' }), contract({ id: 'K2', name: 'Beta' })]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ contractId: 'K1', firstUsage: '2026-10-01', lineCount: 2 });
    expect(r.problems[0].message).toBe(
      "Contract 'Acme - Managed Services': Contract starts 2026-10-05, after the first usage on 2026-10-01; that usage cannot be billed on it; " +
        'Contract starts 2026-10-05, not on the 1st of a month; the PSA will prorate its first invoice. ' +
        'Fix: set its start date to 2026-10-01 in the PSA (or link another contract), then refresh clients',
    );
    const [acme1, acme2, beta] = r.lines.map((l) => r.reconciliation.byLine.get(l.key));
    for (const a of [acme1, acme2]) {
      expect(a).toMatchObject({
        action: 'blocked',
        reason: 'contract-start',
        message: r.problems[0].message,
      });
    }
    expect(beta?.action).toBe('create');
  });

  it('refuses a recurring contract not on the 1st even when it started long ago; a fixed-price one only when late', () => {
    expect(check([contract({ startDate: '2025-03-15' })]).problems[0].message).toMatch(
      /not on the 1st of a month.*Fix: set its start date to 2025-03-01/,
    );
    // A fixed-price contract holds charges: a mid-month start is fine, a start after the usage is not.
    const usage = keyed([raw({ chargeType: 'usage', cycle: 'usage', periodStart: '2026-10-10' })]);
    expect(check([contract({ kind: 'fixed-price', startDate: '2026-09-15' })], usage).problems).toEqual([]);
    expect(check([contract({ kind: 'fixed-price', startDate: '2026-10-15' })], usage).problems).toHaveLength(
      1,
    );
  });

  it('leaves PSAs without the check, and contracts it does not know, alone', () => {
    expect(check([contract({ startDate: '2026-10-05' })], month(), CONTRACT_PSA).problems).toEqual([]);
    expect(check([]).problems).toEqual([]);
  });
});
