import {
  MAPPING_INCOMPLETE,
  MappingIndex,
  lineSettingsResolver,
  mappingGapsOf,
  parseClientMapping,
  parseContractMapping,
  parseProductMapping,
} from '../../src/core/mapping';
import type { ClientMappingStatus } from '../../src/core/mapping';
import { defaultBillingSettings } from '../../src/core/settings';

describe('mapping rows', () => {
  it('parse a valid client mapping with per-client overrides', () => {
    const row = {
      source: 'market',
      customerId: 'c1',
      customerName: 'Acme',
      companyId: 'CO1',
      status: 'confirmed',
      score: null,
      overrides: { modifiers: { dropZero: true }, invoiceBehaviour: 'recurring', targetInvoiceId: 'RI-1' },
    };
    expect(parseClientMapping(row)).toEqual({ ok: true, mapping: row });
  });

  it.each([
    [
      { status: 'maybe' },
      "Client status 'maybe' is not one of auto, confirmed, manual, excluded (at status)",
    ],
    [
      { companyId: null },
      'A client mapping needs a PSA company unless the client is excluded (at companyId)',
    ],
    [{ customerId: ' ' }, 'Customer id is missing (at customerId)'],
    [
      { overrides: { productLifecycle: 'sometimes' } },
      "Product lifecycle mode 'sometimes' is not one of manual, default-item, auto-create (at overrides.productLifecycle)",
    ],
  ])('reject a bad client mapping %p', (over, message) => {
    const row = {
      source: 'market',
      customerId: 'c1',
      customerName: '',
      companyId: 'CO1',
      status: 'manual',
      score: null,
      ...over,
    };
    expect(parseClientMapping(row)).toEqual({ ok: false, message });
  });

  it('allow an excluded client without a company', () => {
    expect(
      parseClientMapping({
        source: 'market',
        customerId: 'c1',
        customerName: '',
        companyId: null,
        status: 'excluded',
        score: null,
      }).ok,
    ).toBe(true);
  });

  it('reject product and contract rows without their PSA side', () => {
    expect(parseProductMapping({ source: 'market', sku: 'A', productId: '', status: 'manual' })).toEqual({
      ok: false,
      message: 'PSA product is missing (at productId)',
    });
    expect(
      parseContractMapping({ source: 'market', customerId: 'c1', subscriptionId: 's', contractId: '' }),
    ).toEqual({
      ok: false,
      message: 'PSA contract is missing (at contractId)',
    });
  });
});

describe('MappingIndex', () => {
  const index = new MappingIndex({
    clients: [
      {
        source: 'market',
        customerId: 'c1',
        customerName: '',
        companyId: 'CO1',
        status: 'manual',
        score: null,
        overrides: { arrearsMode: 'next' },
      },
    ],
    products: [{ source: 'market', sku: 'A', productId: 'P1', status: 'manual' }],
    contracts: [
      { source: 'market', customerId: 'c1', subscriptionId: '', contractId: 'K-default' },
      { source: 'market', customerId: 'c1', subscriptionId: 's9', contractId: 'K-s9' },
    ],
  });

  it('keys everything by source as well', () => {
    expect(index.client('market', 'c1')?.companyId).toBe('CO1');
    expect(index.client('usage', 'c1')).toBeUndefined();
    expect(index.product('market', 'A')?.productId).toBe('P1');
    expect(index.product('usage', 'A')).toBeUndefined();
  });

  it("uses a subscription's own contract, else the customer's default", () => {
    expect(index.contract('market', 'c1', 's9')?.contractId).toBe('K-s9');
    expect(index.contract('market', 'c1', 'other')?.contractId).toBe('K-default');
    expect(index.contract('market', 'c2', 's9')).toBeUndefined();
  });

  it('resolves settings per line through the client mapping overrides', () => {
    const settingsFor = lineSettingsResolver(defaultBillingSettings(), index);
    expect(settingsFor({ source: 'market', customerId: 'c1' }).arrearsMode).toBe('next');
    expect(settingsFor({ source: 'market', customerId: 'c2' }).arrearsMode).toBe('most-recent');
    expect(settingsFor({ source: 'market', customerId: 'c1' }).arrearsMode).toBe('next');
  });
});

describe('"Mapping Settings Incomplete" (seed 002)', () => {
  const client = (
    customerId: string,
    companyId: string | null,
    status: ClientMappingStatus = 'confirmed',
  ) => ({
    source: 'rmm',
    customerId,
    customerName: customerId,
    companyId,
    status,
    score: null,
  });
  const line = (key: string, customerId: string, subscriptionId = '') => ({
    key,
    source: 'rmm',
    customerId,
    subscriptionId,
    customerName: `Site ${customerId}`,
  });
  const psa = {
    contracts: [
      { id: 'K1', companyId: 'A' },
      { id: 'K2', companyId: 'B' },
      { id: 'K3', companyId: '' },
    ],
    companies: [
      { id: 'A', name: 'Acme' },
      { id: 'B', name: 'Blue Harbor' },
    ],
  };
  const contracts = [
    { source: 'rmm', customerId: 'ok', subscriptionId: '', contractId: 'K1' },
    { source: 'rmm', customerId: 'moved', subscriptionId: '', contractId: 'K1' },
    { source: 'rmm', customerId: 'gone', subscriptionId: '', contractId: 'K2' },
    { source: 'rmm', customerId: 'off', subscriptionId: 'sub', contractId: 'K2' },
    { source: 'rmm', customerId: 'unknown', subscriptionId: '', contractId: 'K3' },
  ];
  it('names each service whose customer is not mapped to its contract company, and only those', () => {
    let asked = 0;
    const gaps = mappingGapsOf(
      [
        line('1', 'ok'),
        line('2', 'moved'),
        line('3', 'moved'),
        line('4', 'gone'),
        line('5', 'off', 'sub'),
        line('6', 'unknown'),
        line('7', 'nolink'),
      ],
      {
        clients: [
          client('ok', 'A'),
          client('moved', 'B'),
          client('off', 'B', 'excluded'),
          client('unknown', 'A'),
          client('nolink', 'A'),
        ],
        products: [],
        contracts,
      },
      psa,
      (s) => {
        asked++;
        return s === 'rmm' ? 'The RMM' : s;
      },
    );
    const tail =
      'so this contract service gets no units from it and keeps what it has. Map it on Clients (or stop the sync and bill it by hand)';
    expect(Object.fromEntries(gaps)).toEqual({
      '2': `${MAPPING_INCOMPLETE}: Site moved (The RMM) is mapped to Blue Harbor, not to Acme whose contract this is, ${tail}`,
      '3': `${MAPPING_INCOMPLETE}: Site moved (The RMM) is mapped to Blue Harbor, not to Acme whose contract this is, ${tail}`,
      '4': `${MAPPING_INCOMPLETE}: Site gone (The RMM) is not mapped to a PSA company, ${tail}`,
      '5': `${MAPPING_INCOMPLETE}: Site off (The RMM) is excluded (not invoiced), ${tail}`,
    });
    // A service is judged once, whatever its number of lines.
    expect(asked).toBe(3);
  });
});
