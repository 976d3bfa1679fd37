/**
 * Product lifecycle management on/off as its own switch (seed 000's toggle), per integration and per client:
 * off, an unmapped product is neither created nor defaulted — its line alone is held and says why — and
 * "reconcile by hand" no longer refuses automatic runs. A mapped product is used whatever the switch.
 */
import type { Mappings } from '../../src/core/mapping';
import { defaultBillingSettings, lifecycleInForce, parseBillingSettings } from '../../src/core/settings';
import type { BillingSettings, EffectiveSettings } from '../../src/core/settings';
import { mappingTargetResolver } from '../../src/core/targets';
import { CONTRACT_PSA, INVOICE_PSA } from '../../src/core/testing/capabilities';
import { refuseReason } from '../../src/jobs/run';
import { line } from './fixtures';

const mappings: Mappings = {
  clients: ['src-a', 'src-b'].map((source) => ({
    source,
    customerId: 'cust-1',
    customerName: 'Acme',
    companyId: 'CO1',
    status: 'confirmed' as const,
    score: null,
  })),
  products: [{ source: 'src-a', sku: 'MAPPED', productId: '77', status: 'confirmed' }],
  contracts: ['src-a', 'src-b'].map((source) => ({
    source,
    customerId: 'cust-1',
    subscriptionId: '',
    contractId: 'K1',
  })),
};

const settingsWith = (
  over: Partial<Omit<BillingSettings, 'global'>> & { global?: Partial<EffectiveSettings> },
): BillingSettings => {
  const base = defaultBillingSettings();
  return {
    ...base,
    ...over,
    global: {
      ...base.global,
      productLifecycle: 'auto-create',
      codes: { ...base.global.codes, itemCode: '9' },
      ...over.global,
    },
  };
};

describe('the product lifecycle switch', () => {
  const unmappedA = line({ source: 'src-a', sku: 'NEW-SKU', chargeType: 'one-off' });
  const unmappedB = line({ source: 'src-b', sku: 'NEW-SKU', chargeType: 'one-off' });
  const mappedA = line({ source: 'src-a', sku: 'MAPPED', chargeType: 'one-off' });

  it.each([CONTRACT_PSA, INVOICE_PSA])('off for one integration holds only its unmapped lines', (caps) => {
    const r = mappingTargetResolver(
      mappings,
      settingsWith({ sources: { 'src-a': { productLifecycleEnabled: false } } }),
    );
    expect(r.resolve(unmappedA, caps)).toMatchObject({
      ok: false,
      reason: 'unmapped-product',
      message: expect.stringMatching(/'NEW-SKU' is not mapped.*lifecycle management is off/),
    });
    // The same SKU from an integration with the switch on is auto-created; a mapped product is used.
    expect(r.resolve(unmappedB, caps)).toMatchObject({ ok: true, productId: 'new:NEW-SKU' });
    expect(r.resolve(mappedA, caps)).toMatchObject({ ok: true, productId: '77' });
  });

  it('a client override turns it back on (default item), and off again, under the integration', () => {
    const on = mappingTargetResolver(
      mappings,
      settingsWith({
        global: { productLifecycleEnabled: false },
        clients: { CO1: { productLifecycleEnabled: true, productLifecycle: 'default-item' } },
      }),
    );
    expect(on.resolve(unmappedA, CONTRACT_PSA)).toMatchObject({ ok: true, productId: '9' });
    const off = mappingTargetResolver(
      mappings,
      settingsWith({ clients: { CO1: { productLifecycleEnabled: false } } }),
    );
    expect(off.resolve(unmappedB, CONTRACT_PSA)).toMatchObject({ ok: false, reason: 'unmapped-product' });
  });

  it('settings saved before the switch existed read as on', () => {
    const stored = JSON.parse(JSON.stringify(defaultBillingSettings())) as {
      global: Record<string, unknown>;
    };
    delete stored.global.productLifecycleEnabled;
    const r = parseBillingSettings(stored);
    expect(r.ok && lifecycleInForce(r.settings.global)).toBe('manual');
  });

  it('"reconcile by hand" refuses automatic runs only where lifecycle management is on', () => {
    const manual = defaultBillingSettings();
    expect(manual.global.productLifecycle).toBe('manual');
    expect(refuseReason(manual, ['src-a', 'src-b'])).toMatch(/integration src-a; integration src-b/);
    const offForA: BillingSettings = { ...manual, sources: { 'src-a': { productLifecycleEnabled: false } } };
    expect(refuseReason(offForA, ['src-a', 'src-b'])).toMatch(/\(integration src-b\)/);
    const offEverywhere: BillingSettings = {
      ...manual,
      global: { ...manual.global, productLifecycleEnabled: false },
    };
    expect(refuseReason(offEverywhere, ['src-a', 'src-b'])).toBeNull();
    // A client that turns it on again in manual mode refuses; one in manual mode with it off does not.
    const clientOn: BillingSettings = {
      ...offEverywhere,
      clients: {
        CO1: { productLifecycleEnabled: true, productLifecycle: 'manual' },
        CO2: { productLifecycleEnabled: false, productLifecycle: 'manual' },
      },
    };
    expect(refuseReason(clientOn, ['src-a'])).toMatch(/1 client\(s\) with their own setting/);
  });
});
