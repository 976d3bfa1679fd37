import { restBase } from '../../../../src/connectors/psa/autotask/client';
import { parseAutotaskConfig } from '../../../../src/connectors/psa/autotask/config';
import { addMonthsIso, previousMonthStart } from '../../../../src/connectors/psa/autotask/dates';
import {
  chargeName,
  decideCharge,
  decideQuantity,
  lineKeyOf,
} from '../../../../src/connectors/psa/autotask/decide';
import type { AtCharge, AtUnit } from '../../../../src/connectors/psa/autotask/schemas';
import { PsaError, type PushStep } from '../../../../src/core/psa';

const KEY = 'BG-0123456789abcdef';
const cfg = { chargeType: 1 };

const step = (over: Partial<PushStep['after']> = {}, kind: 'quantity' | 'charge' = 'charge'): PushStep => ({
  idempotencyKey: 'k',
  operation: kind === 'charge' ? 'add-charge' : 'set-quantity',
  ref:
    kind === 'charge'
      ? { kind: 'charge', companyId: '101', container: '3001', lineKey: KEY }
      : { kind: 'quantity', companyId: '101', contractId: '3001', productId: '5001' },
  lineKeys: [KEY],
  before: null,
  after: {
    quantity: 10,
    unitPrice: 2,
    unitCost: 1.5,
    effectiveDate: '2026-10-31',
    description: 'October usage',
    productName: 'Twilio voice usage',
    sku: 'TWILIO-VOICE',
    ...over,
  },
});

const row = (over: Partial<AtUnit> = {}): AtUnit => ({
  id: 1,
  contractID: 3001,
  contractServiceID: 7001,
  serviceID: 5001,
  startDate: '2026-10-01',
  endDate: '2026-10-31',
  units: 8,
  price: 2,
  cost: 1.5,
  ...over,
});

const existing = (over: Partial<AtCharge> = {}): AtCharge => ({
  id: 60010,
  contractID: 3001,
  name: `Twilio voice usage (${KEY})`,
  description: 'October usage',
  datePurchased: '2026-10-31',
  unitQuantity: 10,
  unitPrice: 2,
  unitCost: 1.5,
  billingCodeID: 29682803,
  isBilled: false,
  ...over,
});

describe('quantity decisions', () => {
  it('sends the difference from the units in force; the price goes by PATCH, not on the adjustment', () => {
    const d = decideQuantity(step({}, 'quantity'), 3001, 5001, row());
    expect(d).toMatchObject({
      kind: 'send',
      method: 'post',
      path: 'ContractServiceAdjustments',
      psaId: '7001',
      body: {
        contractID: 3001,
        serviceID: 5001,
        effectiveDate: '2026-10-31',
        unitChange: 2,
      },
    });
    expect(d.kind === 'send' && 'adjustedUnitPrice' in d.body).toBe(false);
    expect(decideQuantity(step({ quantity: 3 }, 'quantity'), 3001, 5001, row())).toMatchObject({
      body: { unitChange: -5 },
    });
  });

  it('sends nothing when units, price and cost already match (within rounding)', () => {
    expect(
      decideQuantity(step({ quantity: 8, unitPrice: 2.001 }, 'quantity'), 3001, 5001, row()),
    ).toMatchObject({
      kind: 'unchanged',
      psaId: '7001',
    });
  });

  it('changes a price by PATCH of adjustedPrice, never by a 0-unit adjustment; adds a missing service (F5)', () => {
    const r = row();
    expect(decideQuantity(step({ quantity: 8, unitPrice: 2.5 }, 'quantity'), 3001, 5001, r)).toMatchObject({
      kind: 'send',
      method: 'patch',
      path: 'Contracts/3001/Services',
      body: { id: r.contractServiceID, adjustedPrice: 2.5 },
    });
    // Units and price: the units first, alone; the step is not settled, so the target reads back and PATCHes.
    const both = decideQuantity(step({ quantity: 9, unitPrice: 2.5 }, 'quantity'), 3001, 5001, r);
    expect(both).toMatchObject({ kind: 'send', body: { unitChange: 1 }, settles: false });
    expect(both.kind === 'send' && 'adjustedUnitPrice' in both.body).toBe(false);
    // Units at the right price settle in one request.
    expect(decideQuantity(step({ quantity: 9 }, 'quantity'), 3001, 5001, r)).toMatchObject({ settles: true });
    expect(decideQuantity(step({}, 'quantity'), 3001, 5001, null)).toMatchObject({
      kind: 'send',
      psaId: null,
      body: { unitChange: 10, adjustedUnitPrice: 2 },
      settles: false,
    });
    // Adding a service with no units: never a 0-unit adjustment.
    expect(decideQuantity(step({ quantity: 0 }, 'quantity'), 3001, 5001, null)).toMatchObject({
      kind: 'send',
      method: 'post',
      path: 'Contracts/3001/Services',
      body: { serviceID: 5001 },
    });
  });

  it('refuses fractional or negative seat counts', () => {
    expect(decideQuantity(step({ quantity: 2.5 }, 'quantity'), 3001, 5001, row())).toMatchObject({
      kind: 'fail',
      retryable: false,
    });
    expect(decideQuantity(step({ quantity: -1 }, 'quantity'), 3001, 5001, row())).toMatchObject({
      kind: 'fail',
    });
  });
});

describe('charge decisions', () => {
  it('creates a charge carrying the line key in its name', () => {
    const d = decideCharge(step(), [], 29682803, cfg);
    expect(d).toEqual({
      kind: 'send',
      method: 'post',
      path: 'Contracts/3001/Charges',
      psaId: null,
      what: `the new charge 'Twilio voice usage (${KEY})'`,
      body: {
        contractID: 3001,
        name: `Twilio voice usage (${KEY})`,
        description: 'October usage',
        datePurchased: '2026-10-31',
        unitQuantity: 10,
        unitPrice: 2,
        unitCost: 1.5,
        billingCodeID: 29682803,
        chargeType: 1,
        isBillableToCompany: true,
      },
    });
    const typed = decideCharge(step(), [], 29682803, { chargeType: 2 });
    expect(typed).toMatchObject({ body: { chargeType: 2 } });
    // ContractCharges.status is read-only (F10): never sent.
    expect(typed.kind === 'send' && 'status' in typed.body).toBe(false);
  });

  it('finds an existing charge instead of creating it again', () => {
    expect(decideCharge(step(), [existing()], null, cfg)).toMatchObject({
      kind: 'unchanged',
      psaId: '60010',
    });
    expect(decideCharge(step({ quantity: 12 }), [existing()], null, cfg)).toMatchObject({
      kind: 'send',
      method: 'patch',
      path: 'Contracts/3001/Charges',
      body: { id: 60010, unitQuantity: 12 },
    });
  });

  it('keeps the oldest of duplicated charges and says so', () => {
    const d = decideCharge(step({ quantity: 11 }), [existing({ id: 60020 }), existing()], null, cfg);
    expect(d).toMatchObject({ kind: 'send', body: { id: 60010 } });
    expect(d.kind === 'send' && d.what).toMatch(/2 charges for this line/);
  });

  it('reports instead of changing a billed charge, a charge on another contract, or a missing billing code', () => {
    expect(decideCharge(step({ quantity: 12 }), [existing({ isBilled: true })], null, cfg)).toMatchObject({
      kind: 'fail',
      retryable: false,
      message: expect.stringMatching(/already invoiced charge 60010/),
    });
    expect(decideCharge(step(), [existing({ isBilled: true })], null, cfg)).toMatchObject({
      kind: 'unchanged',
    });
    expect(decideCharge(step(), [existing({ contractID: 3002 })], null, cfg)).toMatchObject({
      kind: 'fail',
      message: expect.stringMatching(/contract 3002/),
    });
    expect(decideCharge(step(), [], null, cfg)).toMatchObject({
      kind: 'fail',
      message: expect.stringMatching(/billing code/),
    });
  });
});

describe('names, keys, dates and URLs', () => {
  it('puts the key at the end of a name of at most 100 characters, and reads it back', () => {
    const long = chargeName(step({ productName: 'x'.repeat(200) }), KEY);
    expect(long).toHaveLength(100);
    expect(long.endsWith(`… (${KEY})`)).toBe(true);
    expect(lineKeyOf(long)).toBe(KEY);
    expect(lineKeyOf('Replacement dock')).toBeNull();
    expect(chargeName(step({ productName: '', sku: 'SKU-1' }), KEY)).toBe(`SKU-1 (${KEY})`);
  });

  it('computes contract dates in calendar days', () => {
    expect(previousMonthStart('2026-10-17')).toBe('2026-09-01');
    expect(previousMonthStart('2026-01-05')).toBe('2025-12-01');
    expect(addMonthsIso('2026-09-01', 36, -1)).toBe('2029-08-31');
    expect(addMonthsIso('2026-01-31', 1)).toBe('2026-02-28');
  });

  it('builds the zone REST root from zoneInformation.url', () => {
    expect(restBase('https://webservices5.autotask.net/ATServicesRest/')).toBe(
      'https://webservices5.autotask.net/ATServicesRest/V1.0/',
    );
    expect(restBase('https://webservices5.autotask.net/atservicesrest/v1.0')).toBe(
      'https://webservices5.autotask.net/atservicesrest/v1.0/',
    );
  });

  it('validates settings with messages that never echo a value', () => {
    expect(parseAutotaskConfig({ username: 'u', secret: 's', integrationCode: 'c' })).toMatchObject({
      globalHost: 'https://webservices.autotask.net',
      contractTypes: { recurringService: 7, fixedPrice: 3 },
    });
    const bad = (input: unknown) => {
      try {
        parseAutotaskConfig(input);
      } catch (e) {
        return e instanceof PsaError ? e.message : 'other';
      }
      return 'accepted';
    };
    expect(bad({ username: 'u', integrationCode: 'c' })).toBe(
      'Autotask settings: Autotask API secret is missing',
    );
    expect(bad({ username: 'u', secret: 'hunter2', integrationCode: 'c', globalHost: 'hunter2' })).toBe(
      'Autotask settings: Autotask global host must be an http(s) URL',
    );
  });
});
