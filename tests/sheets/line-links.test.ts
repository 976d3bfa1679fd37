/**
 * Seed 004's per-line links: a PSA company, contract or service/item picked in a grid row is remembered
 * for later months (Clients / Contracts / Products tabs at the seed's levels), the next month's rows are
 * filled with it and resolve to it; disagreeing or bad picks are refused with their reason.
 */
import type { PsaContract } from '../../src/core/psa';
import { defaultBillingSettings } from '../../src/core/settings';
import { mappingTargetResolver } from '../../src/core/targets';
import { CONTRACT_PSA } from '../../src/core/testing/capabilities';
import { readGrid, writeMonth } from '../../src/sheets/grid';
import { rememberLineLinks } from '../../src/sheets/line-links';
import { writeLookups } from '../../src/sheets/lookups';
import { readMappings, writeMappings } from '../../src/sheets/mappings';
import { CODES, COMPANIES, CONTRACTS, MAPPINGS, PRODUCTS, keyed, raw } from './fixtures';
import { sheetEnv } from './emulator';
import { cell, month, rowOfKey, type } from './helpers';

const K3: PsaContract = {
  id: 'K3',
  companyId: '100',
  name: 'Subscriptions',
  kind: 'recurring-service',
  startDate: '2026-01-01',
  endDate: null,
};
const LABEL = {
  k1: 'Managed services (Acme Ltd) [K1]',
  k2: 'Cloud (Globex Corporation) [K2]',
  k3: 'Subscriptions (Acme Ltd) [K3]',
};

/** October's and November's lines of three subscriptions of one customer. */
function lines(m: '2026-10' | '2026-11') {
  const end = m === '2026-10' ? '2026-10-31' : '2026-11-30';
  const at = { periodStart: `${m}-01`, periodEnd: end, effectiveDate: `${m}-01` };
  return keyed([
    raw({ ...at, subscriptionId: 'sub-1' }),
    raw({ ...at, subscriptionId: 'sub-2' }),
    raw({ ...at, subscriptionId: 'sub-3', sku: 'MS-365-E3', chargeType: 'usage' }),
  ]);
}

function setUp() {
  const e = sheetEnv();
  writeLookups(e.ss, COMPANIES, PRODUCTS, [...CONTRACTS, K3], CODES);
  writeMappings(e.ss, MAPPINGS);
  return e;
}

test("a line's contract and service edited in the grid are remembered, filled and used in later months", () => {
  const e = setUp();
  try {
    const [a, b, c] = lines('2026-10');
    writeMonth(e.ss, '2026-10', [a, b, c]);
    const oct = month(e.ss);
    expect(cell(oct, rowOfKey(oct, a.key), 'PSA contract')).toBe(LABEL.k1);
    expect(cell(oct, rowOfKey(oct, c.key), 'PSA service/item')).toBe('');
    type(oct, rowOfKey(oct, a.key), 'PSA contract', LABEL.k3);
    type(oct, rowOfKey(oct, c.key), 'PSA service/item', 'Microsoft 365 E3 [P2]');

    const r = rememberLineLinks(e.ss, '2026-10');
    expect(r.refused).toEqual([]);
    expect(r.remembered).toEqual(
      [
        { row: rowOfKey(oct, a.key), key: a.key, links: ['contract'] },
        { row: rowOfKey(oct, c.key), key: c.key, links: ['service'] },
      ].sort((x, y) => x.row - y.row),
    );
    expect(r.written).toEqual({ clients: 0, contracts: 1, products: 1 });
    const maps = readMappings(e.ss).mappings;
    expect(maps.contracts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ customerId: 'cust-1', subscriptionId: 'sub-1', contractId: 'K3' }),
        expect.objectContaining({ customerId: 'cust-1', subscriptionId: '', contractId: 'K1' }),
      ]),
    );
    expect(maps.products).toContainEqual({
      source: 'market',
      sku: 'MS-365-E3',
      productId: 'P2',
      status: 'manual',
    });
    // Asking again changes nothing more.
    expect(rememberLineLinks(e.ss, '2026-10').written).toEqual({ clients: 0, contracts: 0, products: 0 });

    // November: the pull fills the same links; they are the mapping's now, not overrides of the row.
    const [a2, b2, c2] = lines('2026-11');
    writeMonth(e.ss, '2026-11', [a2, b2, c2]);
    const nov = month(e.ss, '2026-11');
    expect(cell(nov, rowOfKey(nov, a2.key), 'PSA contract')).toBe(LABEL.k3);
    expect(cell(nov, rowOfKey(nov, b2.key), 'PSA contract')).toBe(LABEL.k1);
    expect(cell(nov, rowOfKey(nov, c2.key), 'PSA service/item')).toBe('Microsoft 365 E3 [P2]');
    expect(readGrid(e.ss, '2026-11').rows.every((row) => row.overridden.length === 0)).toBe(true);
    const resolver = mappingTargetResolver(readMappings(e.ss).mappings, defaultBillingSettings());
    expect(resolver.resolve(a2, CONTRACT_PSA)).toMatchObject({ ok: true, ref: { contractId: 'K3' } });
    expect(resolver.resolve(b2, CONTRACT_PSA)).toMatchObject({ ok: true, ref: { contractId: 'K1' } });
    expect(resolver.resolve(c2, CONTRACT_PSA)).toMatchObject({ ok: true, productId: 'P2' });
  } finally {
    e.close();
  }
});

describe('what is not remembered (nothing of it is written)', () => {
  /** October's grid with the given cells typed, then remembered. */
  function remember(edits: (rows: number[], type: (row: number, header: string, v: string) => void) => void) {
    const e = setUp();
    try {
      const ls = lines('2026-10');
      writeMonth(e.ss, '2026-10', ls);
      const oct = month(e.ss);
      const rows = ls.map((l) => rowOfKey(oct, l.key));
      edits(rows, (row, header, v) => type(oct, row, header, v));
      const before = readMappings(e.ss).mappings;
      const r = rememberLineLinks(e.ss, '2026-10');
      expect(r.remembered).toEqual([]);
      expect(r.written).toEqual({ clients: 0, contracts: 0, products: 0 });
      expect(readMappings(e.ss).mappings).toEqual(before);
      const status = rows.map((row) => String(cell(oct, row, 'Status')));
      return { rows, refused: new Map(r.refused.map((x) => [x.row, x.message])), status };
    } finally {
      e.close();
    }
  }

  it("a service picked on one row while another row of the SKU keeps the mapping's", () => {
    const { rows, refused } = remember(([a], t) => t(a, 'PSA service/item', 'Microsoft 365 E3 [P2]'));
    const [a, b] = rows;
    expect([...refused]).toEqual([
      [
        a,
        `rows ${[a, b].sort((x, y) => x - y).join(', ')} name different PSA services/items for product 'MS-365-BP', ` +
          'which has one: pick the same on each to remember it',
      ],
    ]);
  });

  it("one row moving the customer to another company while its other rows keep the mapping's", () => {
    const { rows, refused } = remember(([a], t) => {
      t(a, 'PSA company', 'Globex Corporation [200]');
      t(a, 'PSA contract', LABEL.k2);
    });
    expect([...refused.keys()]).toEqual([rows[0]]);
    expect(refused.get(rows[0])).toBe(
      `rows ${rows
        .slice()
        .sort((x, y) => x - y)
        .join(', ')} name different PSA companies for customer 'Acme Ltd', which has one: ` +
        'pick the same on each to remember it',
    );
  });

  it('a company that the customer’s other contract links are not of', () => {
    const { rows, refused } = remember((rs, t) => {
      for (const r of rs) t(r, 'PSA company', 'Globex Corporation [200]');
      t(rs[0], 'PSA contract', LABEL.k2);
      t(rs[1], 'PSA contract', LABEL.k2);
      t(rs[2], 'PSA contract', LABEL.k2);
    });
    // Every row moves (the contract of each subscription too), but the default link stays Acme's K1.
    for (const r of rows)
      expect(refused.get(r)).toMatch(
        /^customer 'Acme Ltd' has contract links of another PSA company \(its default\): pick this line's PSA contract/,
      );
  });

  it('a cell the PSA does not have: the reason is in Status', () => {
    const { rows, refused, status } = remember(([, , c], t) => t(c, 'PSA contract', 'Gone [K9]'));
    expect(refused.size).toBe(0);
    expect(status[2]).toBe(
      "⚠ PSA contract 'Gone [K9]' is not in the PSA's contract list; pick one from the dropdown",
    );
    expect(rows).toHaveLength(3);
  });

  it("a contract of another company than the row's", () => {
    const { status } = remember(([a], t) => t(a, 'PSA contract', LABEL.k2));
    expect(status[0]).toBe(
      `⚠ PSA contract '${LABEL.k2}' belongs to another PSA company than 'Acme Ltd [100]'`,
    );
  });
});
