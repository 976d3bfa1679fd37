import type { Mappings } from '../../src/core/mapping';
import { readLookups, writeLookups } from '../../src/sheets/lookups';
import { readMappings, writeMappings } from '../../src/sheets/mappings';
import { CODES, COMPANIES, CONTRACTS, PRODUCTS } from './fixtures';
import { sheetEnv } from './emulator';
import type { SheetEnv } from './emulator';
import { colOf, tab } from './helpers';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
  writeLookups(e.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
});
afterEach(() => e.close());

const byKey = <T extends { source: string }>(list: T[], key: (t: T) => string) =>
  [...list].sort((a, b) => (key(a) < key(b) ? -1 : 1));
const sorted = (m: Mappings): Mappings => ({
  clients: byKey(m.clients, (c) => c.source + c.customerId),
  products: byKey(m.products, (p) => p.source + p.sku),
  contracts: byKey(m.contracts, (c) => c.source + c.customerId + c.subscriptionId),
});

const SIDEBAR: Mappings = {
  clients: [
    {
      source: 'market',
      customerId: 'c-1',
      customerName: 'Acme Ltd',
      companyId: '100',
      status: 'auto',
      score: 96,
    },
    {
      source: 'market',
      customerId: 'c-2',
      customerName: '=Globex',
      companyId: '200',
      status: 'confirmed',
      score: null,
      overrides: { invoiceBehaviour: 'new', modifiers: { dropZero: true } },
    },
    {
      source: 'usage',
      customerId: 'AC9',
      customerName: 'Old account',
      companyId: null,
      status: 'excluded',
      score: null,
    },
  ],
  products: [
    { source: 'market', sku: 'MS-365-BP', productId: 'P1', status: 'manual' },
    { source: 'market', sku: '+SMS', productId: 'new:+SMS', status: 'auto' },
  ],
  contracts: [
    { source: 'market', customerId: 'c-1', subscriptionId: '', contractId: 'K1', contractServiceId: null },
    {
      source: 'market',
      customerId: 'c-2',
      subscriptionId: 'sub-7',
      contractId: 'K2',
      contractServiceId: 'CS-3',
    },
  ],
};

describe('mapping tabs', () => {
  test('what the sidebar writes is read back the same', () => {
    writeMappings(e.ss, SIDEBAR);
    const read = readMappings(e.ss);
    expect(read.problems).toEqual([]);
    expect(sorted(read.mappings)).toEqual(sorted(SIDEBAR));
    // People see names, not just ids.
    const clients = tab(e.ss, 'Clients');
    expect(clients.getRange(3, colOf(clients, 'PSA company')).getValue()).toBe('Acme Ltd [100]');
    expect(clients.getRange(2, colOf(clients, 'Customer name')).getFormula()).toBe('');
    expect(clients.getRange(2, colOf(clients, 'Customer name')).getValue()).toBe('=Globex');
  });

  test('what a person types (bare ids, no status, spaces) is read like what the sidebar writes', () => {
    const clients = e.ss.insertSheet('Clients');
    clients.getRange(1, 1, 1, 4).setValues([['Source', 'Customer id', 'PSA company', 'Customer name']]);
    // Typed: Sheets turns 4711 and 200 into numbers.
    clients.getRange(2, 1, 1, 4).setValues([['market ', '4711', '200', 'Typed Ltd']]);
    const typed = readMappings(e.ss);
    expect(typed.problems).toEqual([]);

    const e2 = sheetEnv();
    try {
      writeLookups(e2.ss, COMPANIES, PRODUCTS, CONTRACTS, CODES);
      writeMappings(e2.ss, {
        clients: [
          {
            source: 'market',
            customerId: '4711',
            customerName: 'Typed Ltd',
            companyId: '200',
            status: 'manual',
            score: null,
          },
        ],
      });
      expect(readMappings(e2.ss).mappings).toEqual(typed.mappings);
    } finally {
      e2.close();
      // Put the first environment's globals back for afterEach.
      e.close();
      e = sheetEnv();
    }
  });

  test('bad rows are reported by tab and row and left out; stale PSA references are reported', () => {
    writeMappings(e.ss, SIDEBAR);
    const clients = tab(e.ss, 'Clients');
    clients.getRange(5, 1, 4, 5).setValues([
      ['market', 'c-3', 'Gone Co', 'Vanished [999]', 'manual'],
      ['market', 'c-4', 'Maybe Co', '100', 'maybe'],
      ['market', 'c-5', 'Nobody', '', ''],
      ['market', 'c-1', 'Acme again', '200', 'manual'],
    ]);
    clients.getRange(9, colOf(clients, 'Overrides')).setValue('{not json');
    clients.getRange(9, 1, 1, 4).setValues([['market', 'c-6', 'Json Co', '100']]);
    const contracts = tab(e.ss, 'Contracts');
    contracts.getRange(4, 1, 1, 4).setValues([['market', 'c-1', 'sub-9', 'K2']]);

    const read = readMappings(e.ss);
    expect(read.problems).toEqual([
      {
        tab: 'Clients',
        rowNumber: 5,
        kind: 'stale',
        message:
          "Clients row 5: PSA company 'Vanished [999]' no longer exists in the PSA (not in _PSA Companies); map the customer again",
      },
      {
        tab: 'Clients',
        rowNumber: 6,
        kind: 'invalid',
        message: expect.stringMatching(
          /^Clients row 6: Client status 'maybe' is not one of auto, confirmed, manual, excluded/,
        ),
      },
      {
        tab: 'Clients',
        rowNumber: 7,
        kind: 'invalid',
        message: expect.stringMatching(
          /^Clients row 7: A client mapping needs a PSA company unless the client is excluded/,
        ),
      },
      {
        tab: 'Clients',
        rowNumber: 8,
        kind: 'duplicate',
        message: 'Clients row 8: market customer c-1 is already mapped on row 3; row 3 is used',
      },
      {
        tab: 'Clients',
        rowNumber: 9,
        kind: 'invalid',
        message: `Clients row 9: Overrides '{not json' is not valid JSON (e.g. {"invoiceBehaviour":"new"})`,
      },
      {
        tab: 'Contracts',
        rowNumber: 4,
        kind: 'stale',
        message:
          "Contracts row 4: PSA contract 'K2' belongs to another PSA company than the one customer c-1 is mapped to",
      },
    ]);
    expect(read.mappings.clients.map((c) => c.customerId)).toEqual(['c-2', 'c-1', 'AC9', 'c-3']);
  });

  test('upsert keeps rows and columns people added; replace blanks mappings no longer wanted', () => {
    writeMappings(e.ss, SIDEBAR);
    const clients = tab(e.ss, 'Clients');
    clients.insertColumnsAfter(clients.getMaxColumns(), 1);
    const extra = clients.getLastColumn() + 1;
    clients.getRange(1, extra).setValue('Account manager');
    clients.getRange(3, extra).setValue('Jo'); // on c-1's row
    clients.getRange(5, 1, 1, 4).setValues([['market', 'c-8', 'Hand Made', '100']]);

    writeMappings(e.ss, {
      clients: [
        { ...SIDEBAR.clients[1], companyId: '100', status: 'manual' },
        { ...SIDEBAR.clients[0], customerId: 'c-9' },
      ],
    });
    let read = readMappings(e.ss);
    expect(read.mappings.clients.map((c) => [c.customerId, c.companyId])).toEqual([
      ['c-2', '100'],
      ['c-1', '100'],
      ['AC9', null],
      ['c-8', '100'],
      ['c-9', '100'],
    ]);
    expect(clients.getRange(3, extra).getValue()).toBe('Jo');

    writeMappings(e.ss, { clients: [SIDEBAR.clients[1]] }, { mode: 'replace' });
    read = readMappings(e.ss);
    expect(read.mappings.clients).toEqual([SIDEBAR.clients[1]]);
    expect(clients.getRange(3, extra).getValue()).toBe('Jo');
  });

  test('lookup tabs round-trip and are hidden', () => {
    const lookups = readLookups(e.ss);
    const ids = <T extends { id: string }>(l: T[]) => [...l].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(
      lookups && { ...lookups, companies: ids(lookups.companies), contracts: ids(lookups.contracts) },
    ).toEqual({
      companies: COMPANIES,
      products: PRODUCTS,
      contracts: CONTRACTS,
      codes: CODES,
    });
    expect(tab(e.ss, '_PSA Companies').isSheetHidden()).toBe(true);
    // A shorter list later leaves no stale rows behind.
    writeLookups(e.ss, COMPANIES.slice(0, 1), PRODUCTS, CONTRACTS, CODES);
    expect(readLookups(e.ss)?.companies).toEqual(COMPANIES.slice(0, 1));
  });

  test("a PSA account's code round-trips; a companies tab from before the Code column reads without codes", () => {
    const coded = [{ ...COMPANIES[0], code: 'ACME-01' }, ...COMPANIES.slice(1)];
    writeLookups(e.ss, coded, PRODUCTS, CONTRACTS, CODES);
    const acme = () => readLookups(e.ss)?.companies.find((c) => c.id === '100');
    expect(acme()).toEqual(coded[0]);
    // The tab as an earlier version wrote it: no Code header.
    const companies = tab(e.ss, '_PSA Companies');
    companies.getRange(1, colOf(companies, 'Code')).setValue('');
    expect(acme()).toEqual(COMPANIES[0]);
    expect(readLookups(e.ss)?.companies).toHaveLength(COMPANIES.length);
  });
});
