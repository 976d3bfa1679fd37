import { parseWith } from '../../src/core/parse';
import {
  psaBillingStateSchema,
  psaContractSchema,
  psaProductSchema,
  pushStepSchema,
} from '../../src/core/psa-schemas';

describe('PSA schemas', () => {
  it('accept what connectors produce', () => {
    const state = {
      quantities: [
        {
          ref: { kind: 'quantity', companyId: 'C', contractId: 'K', productId: 'P' },
          psaId: null,
          quantity: 3,
          unitPrice: 1,
          unitCost: 1,
        },
      ],
      charges: [
        {
          ref: { kind: 'charge', companyId: 'C', container: 'K', lineKey: 'BG-0123456789abcdef' },
          psaId: '77',
          quantity: 1,
          unitPrice: 2,
          unitCost: 1,
          description: 'x',
          date: '2026-10-01',
        },
      ],
    };
    expect(parseWith(psaBillingStateSchema, state)).toEqual({ ok: true, value: state });
  });

  it.each([
    [
      psaProductSchema,
      { id: 'P', name: 'n', code: 'c', unitPrice: 'ten', unitCost: null },
      "Unit price 'ten' is not a number (at unitPrice)",
    ],
    [
      psaContractSchema,
      { id: 'K', companyId: 'C', name: 'n', kind: 'retainer', startDate: '2026-10-01', endDate: null },
      "Contract kind 'retainer' is not one of recurring-service, fixed-price, recurring-invoice, invoice (at kind)",
    ],
    [
      psaContractSchema,
      { id: 'K', companyId: 'C', name: 'n', kind: 'invoice', startDate: '2026-02-30', endDate: null },
      "Contract start '2026-02-30' is not a real date (at startDate)",
    ],
    [
      pushStepSchema,
      {
        idempotencyKey: 'k',
        operation: 'add-charge',
        ref: { kind: 'charge', companyId: 'C', container: '', lineKey: 'BG-1' },
        lineKeys: [],
        before: null,
        after: {
          quantity: 1,
          unitPrice: 1,
          unitCost: 1,
          effectiveDate: '2026-10-01',
          description: '',
          productName: '',
          sku: '',
        },
      },
      'Contract or invoice is missing (at ref.container)',
    ],
  ])('reject bad values readably (%#)', (schema, input, message) => {
    expect(parseWith(schema as typeof psaProductSchema, input)).toEqual({ ok: false, message });
  });
});
