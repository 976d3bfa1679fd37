import { customerIdOf, orderLineToLine, serialText } from '../../../../src/connectors/sources/ingram';
import type { LineContext } from '../../../../src/connectors/sources/ingram/mapping';

const CTX: LineContext = {
  orderNumber: '20-ABCDE',
  date: '2026-10-03',
  customerName: 'Blue  Harbor Logistics inc ',
  purchaseOrder: 'PO-1',
  currency: 'USD',
  markupPercent: 0,
};
const LINE = {
  ingramOrderLineNumber: '001',
  vendorPartNumber: 'VP-1',
  ingramPartNumber: 'IM-1',
  partDescription: 'Dock',
  unitPrice: 172.15,
  extendedPrice: 344.3,
  quantityOrdered: 2,
};

describe('Ingram line mapping', () => {
  it('adds the markup to the cost and keeps the vendor part number as SKU', () => {
    const r = orderLineToLine(LINE, { ...CTX, markupPercent: 20 });
    expect(r.ok && r.line).toMatchObject({
      sku: 'VP-1',
      unitCost: 172.15,
      unitPrice: 206.58,
      total: 413.16,
      customerId: 'BLUE HARBOR LOGISTICS INC',
      orderId: '20-ABCDE',
      recordId: '20-ABCDE/001',
      periodStart: '2026-10-03',
      periodEnd: '2026-10-03',
      cycle: 'one-time',
      chargeType: 'one-off',
    });
  });

  it('refuses a line whose extended price is not quantity × unit price (a hidden discount), naming both', () => {
    const r = orderLineToLine({ ...LINE, extendedPrice: 300 }, CTX);
    expect(r).toEqual({
      ok: false,
      message: 'extended price 300 is not quantity 2 × unit price 172.15; not billed until it is checked',
    });
  });

  it('falls back to the Ingram part number and refuses a line with neither', () => {
    const r = orderLineToLine({ ...LINE, vendorPartNumber: '' }, CTX);
    expect(r.ok && r.line.sku).toBe('IM-1');
    const none = orderLineToLine({ ...LINE, vendorPartNumber: null, ingramPartNumber: null }, CTX);
    expect(none).toEqual({ ok: false, message: 'Product/SKU is missing' });
  });

  it('subscription lines take their term and dates', () => {
    const r = orderLineToLine(
      {
        ...LINE,
        serviceContractInfo: {
          subscriptions: {
            subscriptionId: 'SUB-1',
            subscriptionTerm: '1 Year',
            subcriptionStartDate: '2026-10-03',
            subcriptionEndDate: '2027-10-02',
          },
        },
      },
      CTX,
    );
    expect(r.ok && r.line).toMatchObject({
      subscriptionId: 'SUB-1',
      cycle: 'annual',
      periodStart: '2026-10-03',
      periodEnd: '2027-10-02',
    });
  });

  it('lists serial numbers, at most fifty', () => {
    expect(serialText([' A1 ', '', 'B2'])).toBe('S/N A1, B2');
    const many = Array.from({ length: 53 }, (_, i) => `S${i}`);
    expect(serialText(many)).toMatch(/^S\/N S0, .*S49 \(\+3 more\)$/);
    expect(customerIdOf('  acme\tdental ')).toBe('ACME DENTAL');
  });
});
