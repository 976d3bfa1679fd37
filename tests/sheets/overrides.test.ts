import { defaultBillingSettings } from '../../src/core/settings';
import { mappingTargetResolver } from '../../src/core/targets';
import { CONTRACT_PSA, INVOICE_PSA } from '../../src/core/testing/capabilities';
import { readGrid, writeMonth } from '../../src/sheets/grid';
import { writeLookups } from '../../src/sheets/lookups';
import { writeMappings } from '../../src/sheets/mappings';
import { rowMappingOverrides, withRowOverrides } from '../../src/sheets/overrides';
import { CODES, COMPANIES, CONTRACTS, MAPPINGS, PRODUCTS, keyed, raw } from './fixtures';
import { sheetEnv } from './emulator';
import { month, rowOfKey, type } from './helpers';

test('a PSA company/contract/item picked in a row overrides the mapping tabs for that line only', () => {
  const e = sheetEnv();
  try {
    writeLookups(e.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
    writeMappings(e.ss, MAPPINGS);
    const [a, b, c] = keyed([
      raw(),
      raw({ subscriptionId: 'b' }),
      raw({ subscriptionId: 'c', chargeType: 'usage' }),
    ]);
    writeMonth(e.ss, '2026-10', [a, b, c]);
    const sheet = month(e.ss);
    type(sheet, rowOfKey(sheet, a.key), 'PSA company', 'Globex Corporation [200]');
    type(sheet, rowOfKey(sheet, a.key), 'PSA contract', 'Cloud (Globex Corporation) [K2]');
    type(sheet, rowOfKey(sheet, c.key), 'PSA service/item', 'P2');

    const grid = readGrid(e.ss, '2026-10');
    const overrides = rowMappingOverrides(grid.rows);
    expect(overrides).toEqual(
      new Map([
        [a.key, { companyId: '200', contractId: 'K2' }],
        [c.key, { productId: 'P2' }],
      ]),
    );
    const resolver = withRowOverrides(mappingTargetResolver(MAPPINGS, defaultBillingSettings()), overrides);
    const ref = (line: typeof a, caps = CONTRACT_PSA) => {
      const r = resolver.resolve(line, caps);
      return r.ok ? r.ref : r.message;
    };
    expect(ref(a)).toEqual({ kind: 'quantity', companyId: '200', contractId: 'K2', productId: 'P1' });
    expect(ref(b)).toEqual({ kind: 'quantity', companyId: '100', contractId: 'K1', productId: 'P1' });
    expect(ref(c)).toEqual({ kind: 'charge', companyId: '100', container: 'K1', lineKey: c.key });
    expect(resolver.resolve(c, CONTRACT_PSA)).toMatchObject({ ok: true, productId: 'P2' });
    expect(ref(a, INVOICE_PSA)).toEqual({
      kind: 'charge',
      companyId: '200',
      container: 'latest',
      lineKey: a.key,
    });
  } finally {
    e.close();
  }
});
