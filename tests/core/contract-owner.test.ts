import { withContractOwnerChecks, type ContractOwnerFacts } from '../../src/core/contract-owner';
import type { Mappings } from '../../src/core/mapping';
import type { PsaBillingState } from '../../src/core/psa';
import { reconcile } from '../../src/core/reconcile';
import { defaultBillingSettings } from '../../src/core/settings';
import { mappingTargetResolver } from '../../src/core/targets';
import { CONTRACT_PSA, INVOICE_PSA } from '../../src/core/testing/capabilities';
import { keyed, raw } from './fixtures';

/** Acme (cust-1) and its second site (cust-3) share Acme's contract K1; Beta (cust-2) has K2. */
const mappings = (cust3Company = 'CO1'): Mappings => ({
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
    {
      source: 'market',
      customerId: 'cust-3',
      customerName: 'Acme North',
      companyId: cust3Company,
      status: 'confirmed',
      score: null,
    },
  ],
  products: [{ source: 'market', sku: 'MS-365-BP', productId: 'P1', status: 'manual' }],
  contracts: [
    { source: 'market', customerId: 'cust-1', subscriptionId: '', contractId: 'K1' },
    { source: 'market', customerId: 'cust-2', subscriptionId: '', contractId: 'K2' },
    { source: 'market', customerId: 'cust-3', subscriptionId: '', contractId: 'K1' },
  ],
});

const CONTRACTS: ContractOwnerFacts[] = [
  { id: 'K1', name: 'Acme - Managed Services', companyId: 'CO1' },
  { id: 'K2', name: 'Beta - Managed Services', companyId: 'CO2' },
];
const NAMES: Record<string, string> = { CO1: 'Acme Dental', CO2: 'Beta Law' };

const month = () =>
  keyed([
    raw({ subscriptionId: 's1', quantity: 3 }),
    raw({ customerId: 'cust-3', customerName: 'Acme North', subscriptionId: 's3', quantity: 2 }),
    raw({ customerId: 'cust-2', customerName: 'Beta', subscriptionId: 's2', quantity: 4 }),
  ]);

/** What the PSA holds: 4 on Acme's K1 service, 1 on Beta's K2 service. */
const STATE: PsaBillingState = {
  quantities: [
    {
      ref: { kind: 'quantity', companyId: 'CO1', contractId: 'K1', productId: 'P1' },
      psaId: 'S1',
      quantity: 4,
      unitPrice: 22,
      unitCost: 18,
    },
    {
      ref: { kind: 'quantity', companyId: 'CO2', contractId: 'K2', productId: 'P1' },
      psaId: 'S2',
      quantity: 1,
      unitPrice: 22,
      unitCost: 18,
    },
  ],
  charges: [],
};

function compare(m: Mappings, contracts = CONTRACTS) {
  const resolver = withContractOwnerChecks(
    mappingTargetResolver(m, defaultBillingSettings()),
    contracts,
    (id) => NAMES[id] ?? id,
  );
  return reconcile({
    lines: month(),
    state: STATE,
    resolver,
    capabilities: CONTRACT_PSA,
    psaCurrency: 'USD',
  });
}

describe("a line never goes to another company's contract", () => {
  it('passes lines whose contract is their company’s', () => {
    const r = compare(mappings());
    expect(r.actions.filter((a) => a.action === 'blocked')).toEqual([]);
    const [acme, north, beta] = month().map((l) => r.byLine.get(l.key));
    expect(acme).toMatchObject({ action: 'set-quantity', after: { quantity: 5 } });
    expect(north).toBe(acme);
    expect(beta).toMatchObject({ action: 'set-quantity', after: { quantity: 4 } });
  });

  it("holds a customer mapped to Beta whose contract is Acme's, naming both and the fix; Acme's service keeps its quantity", () => {
    const r = compare(mappings('CO2'));
    const [acme, north, beta] = month().map((l) => r.byLine.get(l.key));
    expect(north).toMatchObject({ action: 'blocked', reason: 'contract-company' });
    expect(north?.message).toBe(
      "Customer 'Acme North' (cust-3) is mapped to PSA company 'Beta Law', but contract 'Acme - Managed Services' " +
        "belongs to 'Acme Dental': pushing would bill 'Acme Dental'. Fix: link the customer to a contract of " +
        "'Beta Law' (Contracts), or map it to 'Acme Dental' (Clients); until then this contract service keeps its quantity",
    );
    // Acme's own line shares that contract service: held too, rather than set to Acme's 3 alone.
    expect(acme).toMatchObject({ action: 'blocked', reason: 'contract-company' });
    expect(acme?.message).toMatch(/^Another line on this contract service is held: Customer 'Acme North'/);
    // Beta's own contract is not touched by it.
    expect(beta).toMatchObject({ action: 'set-quantity', after: { quantity: 4 } });
  });

  it('leaves contracts the list does not know or whose company it does not say, and PSAs without contracts', () => {
    expect(compare(mappings('CO2'), []).actions.some((a) => a.action === 'blocked')).toBe(false);
    const unknown = CONTRACTS.map((c) => ({ ...c, companyId: '' }));
    expect(compare(mappings('CO2'), unknown).actions.some((a) => a.action === 'blocked')).toBe(false);
    const invoices = withContractOwnerChecks(
      mappingTargetResolver(mappings('CO2'), defaultBillingSettings()),
      CONTRACTS,
      (id) => id,
    );
    expect(invoices.resolve(month()[1], INVOICE_PSA).ok).toBe(true);
  });
});
