import type { BillingLine } from '../../src/core/billing-line';
import type { Mappings } from '../../src/core/mapping';
import { applyModifiers } from '../../src/core/modifiers';
import type { PsaBillingState, QuantityTargetRef } from '../../src/core/psa';
import { reconcile } from '../../src/core/reconcile';
import type { ReconcileAction } from '../../src/core/reconcile';
import { defaultBillingSettings } from '../../src/core/settings';
import type { BillingSettings, EffectiveSettings } from '../../src/core/settings';
import { mappingTargetResolver, withDisabledIntegrations, type ContractFacts } from '../../src/core/targets';
import { CONTRACT_PSA, INVOICE_PSA } from '../../src/core/testing/capabilities';
import type { PsaCapabilities } from '../../src/core/targets';
import { keyed, raw } from './fixtures';

const mappings = (): Mappings => ({
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
      customerId: 'cust-x',
      customerName: 'Gone',
      companyId: null,
      status: 'excluded',
      score: null,
    },
  ],
  products: [{ source: 'market', sku: 'MS-365-BP', productId: 'P1', status: 'manual' }],
  contracts: [{ source: 'market', customerId: 'cust-1', subscriptionId: '', contractId: 'K1' }],
});

const empty = (): PsaBillingState => ({ quantities: [], charges: [] });

function run(
  lines: BillingLine[],
  opts: {
    state?: PsaBillingState;
    caps?: PsaCapabilities;
    settings?: Partial<EffectiveSettings>;
    maps?: Mappings;
    currency?: 'USD' | 'EUR' | null;
    contractKinds?: ReadonlyMap<string, 'recurring-service' | 'fixed-price'> | readonly ContractFacts[];
  } = {},
) {
  const base = defaultBillingSettings();
  const settings: BillingSettings = { ...base, global: { ...base.global, ...opts.settings } };
  return reconcile({
    lines,
    state: opts.state ?? empty(),
    resolver: mappingTargetResolver(opts.maps ?? mappings(), settings, opts.contractKinds),
    capabilities: opts.caps ?? CONTRACT_PSA,
    psaCurrency: opts.currency === undefined ? 'USD' : opts.currency,
  });
}

const only = (r: { actions: ReconcileAction[] }): ReconcileAction => {
  expect(r.actions).toHaveLength(1);
  return r.actions[0];
};

describe('reconcile on a PSA with contract-service quantities', () => {
  it('sums recurring lines for the same contract service and proposes creating it', () => {
    const lines = keyed([
      raw({ subscriptionId: 's1', quantity: 3 }),
      raw({ subscriptionId: 's2', quantity: 4 }),
    ]);
    const a = only(run(lines));
    expect(a).toMatchObject({
      action: 'create',
      ref: { kind: 'quantity', companyId: 'CO1', contractId: 'K1', productId: 'P1' },
      lineKeys: lines.map((l) => l.key).sort(),
      before: null,
      after: { quantity: 7, unitPrice: 22, unitCost: 18, sku: 'MS-365-BP', productId: 'P1' },
      message: 'Create contract service with quantity 7',
    });
  });

  it('proposes a quantity change with before and after, and none when equal', () => {
    const lines = keyed([raw({ quantity: 12 })]);
    const ref = { kind: 'quantity' as const, companyId: 'CO1', contractId: 'K1', productId: 'P1' };
    const state = {
      quantities: [{ ref, psaId: 'CS9', quantity: 10, unitPrice: 22, unitCost: 18 }],
      charges: [],
    };
    expect(only(run(lines, { state }))).toMatchObject({
      action: 'set-quantity',
      psaId: 'CS9',
      before: { quantity: 10, unitPrice: 22, unitCost: 18 },
      after: { quantity: 12 },
      message: 'Set quantity 10 → 12 (difference 2)',
    });
    const same = { ...state, quantities: [{ ...state.quantities[0], quantity: 12, unitPrice: 22.001 }] };
    expect(only(run(lines, { state: same })).action).toBe('none');
  });

  it('shows a cost-only difference without planning it where the PSA cannot change a service cost', () => {
    const lines = keyed([raw({ quantity: 12 })]);
    const ref = { kind: 'quantity' as const, companyId: 'CO1', contractId: 'K1', productId: 'P1' };
    const state = {
      quantities: [{ ref, psaId: 'CS9', quantity: 12, unitPrice: 22, unitCost: 15 }],
      charges: [],
    };
    expect(only(run(lines, { state })).action).toBe('set-quantity');
    const kept = only(run(lines, { state, caps: { ...CONTRACT_PSA, quantityCostSettable: false } }));
    expect(kept.action).toBe('none');
    expect(kept.message).toMatch(/unit cost 15 differs from 18/);
    // A quantity or price change is still planned there.
    const moved = { ...state, quantities: [{ ...state.quantities[0], quantity: 10 }] };
    expect(
      only(run(lines, { state: moved, caps: { ...CONTRACT_PSA, quantityCostSettable: false } })).action,
    ).toBe('set-quantity');
  });

  it('on a PSA that adds no record for 0 units, a wanted 0 with no contract service is already as wanted', () => {
    const lines = keyed([raw({ quantity: 0 })]);
    expect(only(run(lines)).action).toBe('create');
    const none = only(run(lines, { caps: { ...CONTRACT_PSA, addsZeroQuantities: false } }));
    expect(none.action).toBe('none');
    expect(none.message).toMatch(/Nothing to bill/);
    // Any other quantity is still created there.
    expect(
      only(run(keyed([raw({ quantity: 1 })]), { caps: { ...CONTRACT_PSA, addsZeroQuantities: false } }))
        .action,
    ).toBe('create');
  });

  it('treats usage, arrears, one-off and pro-rata lines as charges on the contract keyed by line key', () => {
    const lines = keyed(
      (['usage', 'arrears', 'one-off', 'pro-rata'] as const).map((chargeType) =>
        raw({ chargeType, subscriptionId: chargeType }),
      ),
    );
    const r = run(lines);
    expect(r.actions.map((a) => a.action)).toEqual(['add-charge', 'add-charge', 'add-charge', 'add-charge']);
    for (const a of r.actions) {
      expect(a.ref).toEqual({ kind: 'charge', companyId: 'CO1', container: 'K1', lineKey: a.lineKeys[0] });
    }
  });

  it('on a PSA that takes no charges, holds each charge with its reason; quantities still go', () => {
    const why = 'This PSA takes no charges: bill it by hand';
    const caps = { ...CONTRACT_PSA, chargesRefused: why };
    const lines = keyed([
      raw({ chargeType: 'usage', subscriptionId: 'usage' }),
      raw({ chargeType: 'one-off', subscriptionId: 'one-off' }),
      raw({ quantity: 7 }),
    ]);
    const r = run(lines, { caps });
    const held = r.actions.filter((a) => a.action === 'blocked');
    expect(held.map((a) => [a.reason, a.message, a.ref?.kind])).toEqual([
      ['charges-refused', why, 'charge'],
      ['charges-refused', why, 'charge'],
    ]);
    expect(r.actions.filter((a) => a.action !== 'blocked').map((a) => a.action)).toEqual(['create']);
  });

  it('bills a recurring line mapped to a fixed-price contract (annual seats) as a charge, not a service', () => {
    const lines = keyed([raw({ quantity: 25, cycle: 'annual' })]);
    const a = only(run(lines, { contractKinds: new Map([['K1', 'fixed-price']]) }));
    expect(a.action).toBe('add-charge');
    expect(a.ref).toEqual({ kind: 'charge', companyId: 'CO1', container: 'K1', lineKey: lines[0].key });
    expect(only(run(lines, { contractKinds: new Map([['K1', 'recurring-service']]) })).ref?.kind).toBe(
      'quantity',
    );
  });

  describe('annual subscriptions on the fixed-price contract', () => {
    const contracts: ContractFacts[] = [
      { id: 'K1', companyId: 'CO1', kind: 'recurring-service' },
      { id: 'F1', companyId: 'CO1', kind: 'fixed-price', endDate: '2027-09-30' },
      { id: 'F9', companyId: 'CO9', kind: 'fixed-price' },
    ];
    const annual = () => keyed([raw({ quantity: 25, cycle: 'annual' })]);

    it('routes an annual line to the client’s fixed-price contract as a charge; monthly lines stay', () => {
      const [l] = annual();
      expect(only(run([l], { contractKinds: contracts })).ref).toEqual({
        kind: 'charge',
        companyId: 'CO1',
        container: 'F1',
        lineKey: l.key,
      });
      const monthly = keyed([raw({ quantity: 25 })]);
      expect(only(run(monthly, { contractKinds: contracts })).ref).toMatchObject({
        kind: 'quantity',
        contractId: 'K1',
      });
    });

    it('keeps the default contract when the rule is off, the company has none, or two, or it ended', () => {
      const lines = annual();
      const onK1 = (r: ReturnType<typeof run>) => expect(only(r).ref).toMatchObject({ contractId: 'K1' });
      onK1(run(lines, { contractKinds: contracts, settings: { annualToFixedPrice: false } }));
      onK1(run(lines, { contractKinds: contracts.filter((c) => c.id !== 'F1') }));
      onK1(
        run(lines, { contractKinds: [...contracts, { id: 'F2', companyId: 'CO1', kind: 'fixed-price' }] }),
      );
      onK1(
        run(lines, {
          contractKinds: contracts.map((c) => (c.id === 'F1' ? { ...c, endDate: '2026-09-30' } : c)),
        }),
      );
    });

    it('keeps a subscription linked to a contract of its own (per-subscription link)', () => {
      const maps = mappings();
      maps.contracts.push({
        source: 'market',
        customerId: 'cust-1',
        subscriptionId: 'sub-1',
        contractId: 'K2',
      });
      const r = run(annual(), {
        contractKinds: [...contracts, { id: 'K2', companyId: 'CO1', kind: 'recurring-service' }],
        maps,
      });
      expect(only(r).ref).toMatchObject({ kind: 'quantity', contractId: 'K2' });
    });
  });

  it('proposes updating a charge whose values differ', () => {
    const [l] = keyed([raw({ chargeType: 'usage', quantity: 5 })]);
    const ref = { kind: 'charge' as const, companyId: 'CO1', container: 'K1', lineKey: l.key };
    const state = {
      quantities: [],
      charges: [
        { ref, psaId: 'CH1', quantity: 4, unitPrice: 22, unitCost: 18, description: 'x', date: '2026-10-01' },
      ],
    };
    expect(only(run([l], { state }))).toMatchObject({
      action: 'update-charge',
      psaId: 'CH1',
      before: { quantity: 4 },
      after: { quantity: 5 },
      message: 'Update charge: 4 × 22 → 5 × 22',
    });
  });

  it('leaves a contract service as it is while another charge it sums cannot be read, and blocks nothing else', () => {
    const lines = keyed([
      raw({ subscriptionId: 's1', quantity: 3 }),
      raw({ subscriptionId: 's3', quantity: 1, chargeType: 'one-off', cycle: 'one-time' }),
    ]);
    const base = defaultBillingSettings();
    const r = reconcile({
      lines,
      state: empty(),
      resolver: mappingTargetResolver(mappings(), base),
      capabilities: CONTRACT_PSA,
      psaCurrency: 'USD',
      held: [
        {
          source: 'market',
          customerId: 'cust-1',
          sku: 'MS-365-BP',
          message: "Row 4: Cannot be billed: Quantity 'ten' is not a number",
        },
        { source: 'market', customerId: 'cust-2', sku: 'OTHER', message: 'Row 5 needs fixing' },
      ],
    });
    const seats = r.byLine.get(lines[0].key);
    expect(seats).toMatchObject({ action: 'blocked', reason: 'invalid-value' });
    expect(seats?.message).toContain("Row 4: Cannot be billed: Quantity 'ten' is not a number");
    // A one-off charge of the same product is its own charge: not concerned.
    expect(r.byLine.get(lines[1].key)?.action).toBe('add-charge');
    const without = run(lines);
    expect(without.byLine.get(lines[0].key)?.action).toBe('create');
  });

  it('blocks a contract service whose lines disagree on the unit price', () => {
    const lines = keyed([
      raw({ subscriptionId: 'a', unitPrice: 22 }),
      raw({ subscriptionId: 'b', unitPrice: 25 }),
    ]);
    expect(only(run(lines))).toMatchObject({
      action: 'blocked',
      reason: 'invalid-value',
      lineKeys: lines.map((l) => l.key).sort(),
      message:
        'Lines for this contract service have different unit prices/costs (22/18, 25/18); map them to separate services',
    });
  });

  it('blocks the whole contract service when one of its lines is in another currency', () => {
    const lines = keyed([raw({ subscriptionId: 'a' }), raw({ subscriptionId: 'b', currency: 'EUR' })]);
    expect(only(run(lines))).toMatchObject({
      action: 'blocked',
      reason: 'currency',
      message: expect.stringMatching(/^Currency EUR differs from the PSA's USD for this client/),
    });
  });
});

describe('reconcile on an invoice-only PSA', () => {
  it("appends every line, recurring included, to the client's latest invoice by default", () => {
    const lines = keyed([raw(), raw({ chargeType: 'usage' })]);
    const r = run(lines, { caps: INVOICE_PSA });
    expect(
      r.actions.map((a) => [a.action, a.ref?.kind, a.ref && 'container' in a.ref ? a.ref.container : null]),
    ).toEqual([
      ['append-invoice-line', 'charge', 'latest'],
      ['append-invoice-line', 'charge', 'latest'],
    ]);
  });

  it('uses the target invoice for the recurring behaviour, and a new invoice per order for new', () => {
    const [l] = keyed([raw({ orderId: 'ORD-7' })]);
    const rec = only(
      run([l], {
        caps: INVOICE_PSA,
        settings: { invoiceBehaviour: 'recurring', targetInvoiceId: 'RI-4' },
      }),
    );
    expect(rec.ref).toMatchObject({ container: 'RI-4' });
    const fresh = only(run([l], { caps: INVOICE_PSA, settings: { invoiceBehaviour: 'new' } }));
    expect(fresh.ref).toMatchObject({ container: 'new:order:ORD-7' });
  });

  it('keeps recurring seats on the chosen recurring invoice as a quantity, where the PSA can (recurringInvoiceQuantities)', () => {
    const lines = keyed([
      raw({ quantity: 6 }),
      raw({ subscriptionId: 'sub-2', quantity: 4 }),
      raw({ chargeType: 'usage' }),
    ]);
    const caps: PsaCapabilities = { ...INVOICE_PSA, recurringInvoiceQuantities: true };
    const recurring = { invoiceBehaviour: 'recurring', targetInvoiceId: 'RI-4' } as const;
    const r = run(lines, { caps, settings: recurring });
    const seats = r.actions.find((a) => a.ref?.kind === 'quantity');
    // Both subscriptions' seats summed on one line of the product; the usage stays a charge on the invoice.
    expect(seats).toMatchObject({
      action: 'create',
      ref: { kind: 'quantity', companyId: 'CO1', contractId: 'RI-4', productId: 'P1' },
      after: { quantity: 10 },
    });
    expect(r.actions.filter((a) => a.ref?.kind === 'charge').map((a) => a.ref)).toEqual([
      expect.objectContaining({ container: 'RI-4' }),
    ]);
    // A line already 10 there: nothing to do; 12 wanted: the quantity is set.
    const state: PsaBillingState = {
      quantities: [
        { ref: seats?.ref as QuantityTargetRef, psaId: '77', quantity: 10, unitPrice: 22, unitCost: 18 },
      ],
      charges: [],
    };
    expect(run(lines.slice(0, 2), { caps, settings: recurring, state }).actions.map((a) => a.action)).toEqual(
      ['none'],
    );
    // Another invoice behaviour, or a PSA without the capability: every line is a charge, as before.
    expect(
      run(lines, { caps, settings: { invoiceBehaviour: 'latest' } }).actions.map((a) => a.ref?.kind),
    ).toEqual(['charge', 'charge', 'charge']);
    expect(run(lines, { caps: INVOICE_PSA, settings: recurring }).actions.map((a) => a.ref?.kind)).toEqual([
      'charge',
      'charge',
      'charge',
    ]);
  });

  it('blocks the recurring behaviour without a target invoice', () => {
    const [l] = keyed([raw()]);
    expect(only(run([l], { caps: INVOICE_PSA, settings: { invoiceBehaviour: 'recurring' } }))).toMatchObject({
      action: 'blocked',
      reason: 'no-target-invoice',
      message: "Customer 'Acme Ltd' (cust-1) bills to a recurring invoice but none is chosen for the client",
    });
  });
});

describe('blocked lines', () => {
  it.each([
    [
      'unmapped client',
      raw({ customerId: 'nobody', customerName: 'Nobody Inc' }),
      {},
      'unmapped-client',
      "Customer 'Nobody Inc' (nobody) is not mapped to a PSA company",
    ],
    [
      'excluded client',
      raw({ customerId: 'cust-x', customerName: 'Gone' }),
      {},
      'excluded-client',
      "Customer 'Gone' (cust-x) is excluded (do not invoice)",
    ],
    [
      'manual lifecycle with an unmapped product',
      raw({ sku: 'NEW-SKU' }),
      {},
      'manual-product',
      "Product 'NEW-SKU' is not mapped; map it by hand before pushing (product mode: manual)",
    ],
    [
      'default-item lifecycle without a default item code',
      raw({ sku: 'NEW-SKU' }),
      { productLifecycle: 'default-item' as const },
      'unmapped-product',
      "Product 'NEW-SKU' is not mapped and no default item code is set",
    ],
    [
      'another currency',
      raw({ chargeType: 'usage', currency: 'EUR' }),
      {},
      'currency',
      "Currency EUR differs from the PSA's USD for this client; the PSA would bill the amount as USD (set the client's PSA currency in Defaults if it is billed in EUR)",
    ],
  ])('%s', (_n, r, settings, reason, message) => {
    const [l] = keyed([r]);
    expect(only(run([l], { settings }))).toMatchObject({
      action: 'blocked',
      reason,
      message,
      lineKeys: [l.key],
    });
  });

  it('blocks a line whose values are not usable numbers (a grid edit that skipped parsing)', () => {
    const [l] = keyed([raw({ chargeType: 'usage' })]);
    expect(only(run([{ ...l, quantity: Number.NaN }]))).toMatchObject({
      action: 'blocked',
      reason: 'invalid-value',
      message: "Quantity 'NaN' is not a usable number",
    });
    expect(only(run([{ ...l, unitPrice: Number.POSITIVE_INFINITY }])).message).toBe(
      "Unit price 'Infinity' is not a usable number",
    );
  });

  it('blocks a contract service whose summed quantity is negative', () => {
    const lines = keyed([
      raw({ subscriptionId: 'a', quantity: 2 }),
      raw({ subscriptionId: 'b', quantity: -5 }),
    ]);
    expect(only(run(lines))).toMatchObject({
      reason: 'invalid-value',
      message: 'Total quantity -3 cannot be negative',
    });
  });

  it('blocks a line with no contract mapped', () => {
    const maps = { ...mappings(), contracts: [] };
    const [l] = keyed([raw()]);
    expect(only(run([l], { maps }))).toMatchObject({
      reason: 'unmapped-contract',
      message: 'No PSA contract is mapped for subscription sub-1',
    });
  });

  it('blocks lines dropped by a modifier, with the modifier’s message', () => {
    const lines = keyed([raw({ chargeType: 'pro-rata', quantity: -1, total: -22 })]);
    const mods = applyModifiers(lines, () => ({
      ...defaultBillingSettings().global,
      modifiers: { dropAzure: false, collapseAzure: false, dropFavourableProRata: true, dropZero: false },
    }));
    const r = reconcile({
      lines: mods.lines,
      dropped: mods.dropped,
      state: empty(),
      resolver: mappingTargetResolver(mappings(), defaultBillingSettings()),
      capabilities: CONTRACT_PSA,
      psaCurrency: 'USD',
    });
    expect(only(r)).toMatchObject({
      action: 'blocked',
      reason: 'dropped',
      message: 'Dropped: favourable pro-rata -22.00 USD (Drop favourable pro-rata is on)',
    });
  });

  it('blocks a repeated line key instead of billing it twice', () => {
    const [l] = keyed([raw({ chargeType: 'usage' })]);
    const r = run([l, l]);
    expect(r.actions.map((a) => a.action)).toEqual(['add-charge', 'blocked']);
    expect(r.actions[1].message).toBe(`Line key ${l.key} appears twice; re-pull the month`);
  });
});

describe('product lifecycle', () => {
  it('maps unmapped products to the default item code', () => {
    const [l] = keyed([raw({ sku: 'NEW-SKU', chargeType: 'usage' })]);
    const settings = {
      productLifecycle: 'default-item' as const,
      codes: { incomeAccount: null, expenseAccount: null, taxCode: null, itemCode: 'ITEM-1' },
    };
    expect(only(run([l], { settings })).after?.productId).toBe('ITEM-1');
  });

  it('asks the connector to find or create the product in auto-create mode, with the default codes', () => {
    const [l] = keyed([raw({ sku: 'NEW-SKU' })]);
    const codes = { incomeAccount: '4000', expenseAccount: '5000', taxCode: 'GST', itemCode: null };
    const a = only(run([l], { settings: { productLifecycle: 'auto-create', codes } }));
    expect(a.ref).toMatchObject({ kind: 'quantity', productId: 'new:NEW-SKU' });
    expect(a.codes).toEqual(codes);
  });

  it('always uses an existing product mapping whatever the mode', () => {
    const [l] = keyed([raw()]);
    expect(only(run([l], { settings: { productLifecycle: 'auto-create' } })).ref).toMatchObject({
      productId: 'P1',
    });
  });
});

describe('byLine', () => {
  it('points every line at its action', () => {
    const lines = keyed([
      raw({ subscriptionId: 'a' }),
      raw({ subscriptionId: 'b' }),
      raw({ customerId: 'nobody' }),
    ]);
    const r = run(lines);
    expect(r.byLine.get(lines[0].key)).toBe(r.byLine.get(lines[1].key));
    expect(r.byLine.get(lines[2].key)?.reason).toBe('unmapped-client');
  });
});

describe('sync stopped on a contract mapping (seed 002)', () => {
  const stoppedMaps = (): Mappings => {
    const m = mappings();
    m.contracts.push({
      source: 'market',
      customerId: 'cust-1',
      subscriptionId: 'sub-1',
      contractId: 'K1',
      syncStopped: true,
    });
    return m;
  };
  const existing = (quantity: number): PsaBillingState => ({
    quantities: [
      {
        ref: { kind: 'quantity', companyId: 'CO1', contractId: 'K1', productId: 'P1' },
        psaId: 'CS1',
        quantity,
        unitPrice: 22,
        unitCost: 18,
      },
    ],
    charges: [],
  });

  it('holds the stopped subscription and keeps the PSA quantity in view', () => {
    const [l] = keyed([raw({ subscriptionId: 'sub-1', quantity: 12 })]);
    const r = run([l], { maps: stoppedMaps(), state: existing(10) });
    const a = r.byLine.get(l.key) as ReconcileAction;
    expect(a).toMatchObject({ action: 'blocked', reason: 'sync-stopped', psaId: 'CS1' });
    expect(a.before?.quantity).toBe(10);
    expect(a.message).toMatch(/Sync stopped for subscription sub-1/);
  });

  it('a line of another subscription on the same contract service cannot change its quantity', () => {
    const lines = keyed([
      raw({ subscriptionId: 'sub-1', quantity: 12 }),
      raw({ subscriptionId: 'sub-2', quantity: 3 }),
    ]);
    const r = run(lines, { maps: stoppedMaps(), state: existing(10) });
    expect(r.actions.every((a) => a.action === 'blocked' && a.reason === 'sync-stopped')).toBe(true);
    // Resumed (the flag off): both lines sum into one quantity change again.
    const resumed = stoppedMaps();
    resumed.contracts[1].syncStopped = false;
    const again = run(lines, { maps: resumed, state: existing(10) });
    expect(again.actions).toEqual([expect.objectContaining({ action: 'set-quantity' })]);
    expect(again.actions[0].after?.quantity).toBe(15);
  });

  it('a charge of a stopped subscription is held; other subscriptions go on', () => {
    const lines = keyed([
      raw({ subscriptionId: 'sub-1', chargeType: 'usage', sku: 'MS-365-BP' }),
      raw({ subscriptionId: 'sub-2', chargeType: 'usage', sku: 'MS-365-BP' }),
    ]);
    const r = run(lines, { maps: stoppedMaps() });
    expect(r.byLine.get(lines[0].key)?.reason).toBe('sync-stopped');
    expect(r.byLine.get(lines[1].key)?.action).toBe('add-charge');
  });
});

describe('a disabled integration: its lines are held, nothing of them lost', () => {
  // The same contract service reached from two integrations; 'usage' is disabled.
  const twoSources = (): Mappings => {
    const m = mappings();
    m.clients.push({ ...m.clients[0], source: 'usage' });
    m.products.push({ ...m.products[0], source: 'usage' });
    m.contracts.push({ ...m.contracts[0], source: 'usage' });
    return m;
  };
  const state: PsaBillingState = {
    quantities: [
      {
        ref: { kind: 'quantity', companyId: 'CO1', contractId: 'K1', productId: 'P1' },
        psaId: 'CS1',
        quantity: 10,
        unitPrice: 22,
        unitCost: 18,
      },
    ],
    charges: [],
  };
  const runWith = (lines: BillingLine[], disabled: ReadonlyMap<string, string>) => {
    const base = defaultBillingSettings();
    return reconcile({
      lines,
      state,
      resolver: withDisabledIntegrations(mappingTargetResolver(twoSources(), base), disabled),
      capabilities: CONTRACT_PSA,
      psaCurrency: 'USD',
    });
  };
  const off = new Map([['usage', 'Usage Co']]);

  it('holds its lines, naming it; a contract service it shares keeps its quantity; enabled, both sum again', () => {
    const lines = keyed([
      raw({ subscriptionId: 'sub-1', quantity: 12 }),
      raw({ source: 'usage', subscriptionId: 'sub-2', quantity: 3 }),
      raw({ source: 'usage', subscriptionId: 'sub-3', chargeType: 'usage', quantity: 1 }),
    ]);
    const r = runWith(lines, off);
    const own = r.byLine.get(lines[1].key) as ReconcileAction;
    expect(own).toMatchObject({ action: 'blocked', reason: 'integration-disabled', psaId: 'CS1' });
    expect(own.message).toBe("Integration 'Usage Co' is disabled on Connect: enable it to push these rows");
    expect(own.before?.quantity).toBe(10);
    expect(r.byLine.get(lines[2].key)).toMatchObject({ action: 'blocked', reason: 'integration-disabled' });
    // The enabled integration's line on the same service would otherwise set it to 12, losing the 3.
    const other = r.byLine.get(lines[0].key) as ReconcileAction;
    expect(other).toMatchObject({ action: 'blocked', reason: 'integration-disabled' });
    expect(other.message).toMatch(/Another line on this contract service is held \(Integration 'Usage Co'/);
    expect(r.actions.some((a) => a.action !== 'blocked')).toBe(false);

    const again = runWith(lines, new Map());
    expect(again.byLine.get(lines[0].key)).toMatchObject({ action: 'set-quantity', after: { quantity: 15 } });
    expect(again.byLine.get(lines[2].key)?.action).toBe('add-charge');
  });
});

describe('arrears mode (P32): usage lands on the billing period the setting says', () => {
  const usage = () =>
    keyed([
      raw({
        chargeType: 'usage',
        cycle: 'usage',
        subscriptionId: '',
        effectiveDate: '2026-10-31',
        quantity: 1,
        unitPrice: 5,
        unitCost: 4,
        total: 5,
      }),
    ]);
  it('dates the charge in the month consumed (most recent) or the next month (next)', () => {
    const [l] = usage();
    const recent = run([l], { settings: { arrearsMode: 'most-recent' } });
    expect(recent.byLine.get(l.key)?.after?.effectiveDate).toBe('2026-10-31');
    const next = run([l], { settings: { arrearsMode: 'next' } });
    expect(next.byLine.get(l.key)?.after?.effectiveDate).toBe('2026-11-01');
  });
  it('puts the line on a new invoice of that month', () => {
    const [l] = usage();
    const container = (mode: 'most-recent' | 'next') => {
      const a = run([l], { caps: INVOICE_PSA, settings: { arrearsMode: mode, invoiceBehaviour: 'new' } });
      const ref = a.byLine.get(l.key)?.ref;
      return ref?.kind === 'charge' ? ref.container : null;
    };
    expect(container('most-recent')).toBe('new:month:2026-10');
    expect(container('next')).toBe('new:month:2026-11');
  });
  describe('the setting changed after a push: the one charge moves, never a second one', () => {
    const DATED: PsaCapabilities = { ...CONTRACT_PSA, chargeDatesKept: true };
    const pushed = (lineKey: string, date: string, invoiced?: boolean): PsaBillingState => ({
      quantities: [],
      charges: [
        {
          ref: { kind: 'charge', companyId: 'CO1', container: 'K1', lineKey },
          psaId: 'CH1',
          quantity: 1,
          unitPrice: 5,
          unitCost: 4,
          description: 'x',
          date,
          ...(invoiced === undefined ? {} : { invoiced }),
        },
      ],
    });
    it('moves the existing charge onto the new billing date where the PSA keeps charge dates', () => {
      const [l] = usage();
      const state = pushed(l.key, '2026-10-31');
      const moved = only(run([l], { state, caps: DATED, settings: { arrearsMode: 'next' } }));
      expect(moved).toMatchObject({
        action: 'update-charge',
        psaId: 'CH1',
        after: { quantity: 1, unitPrice: 5, effectiveDate: '2026-11-01' },
        message: 'Move charge: 1 × 5 from 2026-10-31 to 2026-11-01',
      });
      // Back again: moved back; on the date it has: nothing.
      const back = pushed(l.key, '2026-11-01');
      expect(
        only(run([l], { state: back, caps: DATED, settings: { arrearsMode: 'most-recent' } })),
      ).toMatchObject({ action: 'update-charge', after: { effectiveDate: '2026-10-31' } });
      expect(only(run([l], { state: back, caps: DATED, settings: { arrearsMode: 'next' } }))).toMatchObject({
        action: 'none',
        message: 'Already in the PSA',
      });
    });
    it('says both when the amount and the date changed', () => {
      const [l] = usage();
      const state = pushed(l.key, '2026-10-31');
      state.charges[0].quantity = 2;
      expect(only(run([l], { state, caps: DATED, settings: { arrearsMode: 'next' } })).message).toBe(
        'Update charge: 2 × 5 → 1 × 5, dated 2026-10-31 → 2026-11-01',
      );
    });
    it('leaves an invoiced charge where it was billed (never billed twice)', () => {
      const [l] = usage();
      const state = pushed(l.key, '2026-10-31', true);
      expect(only(run([l], { state, caps: DATED, settings: { arrearsMode: 'next' } }))).toMatchObject({
        action: 'none',
        psaId: 'CH1',
        message:
          'Already in the PSA, invoiced on 2026-10-31 (now due on 2026-11-01): left where it was billed',
      });
    });
    it("does not compare dates where a charge's date is its container's (it would never settle)", () => {
      const [l] = usage();
      const state = pushed(l.key, '2026-10-31');
      expect(only(run([l], { state, settings: { arrearsMode: 'next' } }))).toMatchObject({
        action: 'none',
        message: 'Already in the PSA',
      });
    });
  });
});

describe('the PSA currency from the settings (P-money: never billed in the wrong currency)', () => {
  const eur = raw({ chargeType: 'usage', currency: 'EUR' });
  it('refuses a line in another currency than the one the defaults set', () => {
    const [l] = keyed([eur]);
    expect(only(run([l], { currency: null, settings: { psaCurrency: 'USD' } }))).toMatchObject({
      action: 'blocked',
      reason: 'currency',
    });
  });
  it('takes the line when nothing is set, or when the settings name its currency', () => {
    const [l] = keyed([eur]);
    for (const psaCurrency of [null, 'EUR'] as const)
      expect(only(run([l], { currency: null, settings: { psaCurrency } })).action).not.toBe('blocked');
  });
});
