/** Parent and child customers: what refresh records, how it reads back, and how the sidebar orders them. */
import { parentsOf, readSourceParents, writeSourceParents } from '../../src/sheets/source-parents';
import { SOURCE_PARENTS_TAB } from '../../src/sheets/tabs';
import { inFamilies } from '../../sidebar/screens/families';
import { sheetEnv } from './emulator';
import type { SheetEnv } from './emulator';

let e: SheetEnv;
beforeEach(() => {
  e = sheetEnv();
});
afterEach(() => e.close());

const customers = [
  { source: 'calls', id: 'main', name: 'Northwind (main)' },
  { source: 'calls', id: 'sub-b', name: 'Bravo', parentId: 'main' },
  { source: 'calls', id: 'sub-a', name: 'Alpha', parentId: 'main' },
  // The main account names itself as its owner: not a child.
  { source: 'calls', id: 'self', name: 'Self', parentId: 'self' },
  // A parent the source did not list is still named, by its id.
  { source: 'calls', id: 'orphan', name: 'Orphan', parentId: 'gone' },
  // Same ids in another source are another family.
  { source: 'market', id: 'sub-a', name: 'Market Alpha' },
];

describe('source parents', () => {
  it('records only children, names each parent, and reads them back', () => {
    const parents = parentsOf(customers);
    expect([...parents.keys()].sort()).toEqual(['calls\u0000orphan', 'calls\u0000sub-a', 'calls\u0000sub-b']);
    expect(parents.get('calls\u0000sub-a')).toEqual({ parentId: 'main', parentName: 'Northwind (main)' });
    expect(parents.get('calls\u0000orphan')).toEqual({ parentId: 'gone', parentName: 'gone' });

    writeSourceParents(e.ss, parents);
    expect(e.ss.getSheetByName(SOURCE_PARENTS_TAB)?.isSheetHidden()).toBe(true);
    expect(readSourceParents(e.ss)).toEqual(parents);

    // A later refresh with fewer children leaves no stale row behind.
    writeSourceParents(e.ss, parentsOf(customers.slice(0, 2)));
    expect([...readSourceParents(e.ss).keys()]).toEqual(['calls\u0000sub-b']);
  });

  it('costs a spreadsheet with no hierarchy one look-up and no tab', () => {
    const { calls } = e.count(() => writeSourceParents(e.ss, new Map()));
    expect(calls).toBe(1);
    expect(e.ss.getSheetByName(SOURCE_PARENTS_TAB)).toBeNull();
    expect(readSourceParents(e.ss).size).toBe(0);
  });
});

describe('families in the sidebar', () => {
  const item = (customerId: string, parentId: string | null = null, source = 'calls') => ({
    source,
    customerId,
    parentId,
  });

  it('puts each child right after its parent, keeps other order, and never loses an item', () => {
    const items = [
      item('sub-b', 'main'),
      item('zeta'),
      item('main'),
      item('sub-a', 'main'),
      item('orphan', 'gone'),
      item('sub-a', null, 'market'),
    ];
    const out = inFamilies(items).map((o) => `${o.child ? '  ' : ''}${o.item.source}/${o.item.customerId}`);
    expect(out).toEqual([
      'calls/zeta',
      'calls/main',
      '  calls/sub-b',
      '  calls/sub-a',
      'calls/orphan',
      'market/sub-a',
    ]);
  });

  it('keeps every item once in a deeper tree', () => {
    const items = [item('a'), item('b', 'a'), item('c', 'b')];
    const out = inFamilies(items);
    expect(out.map((o) => o.item.customerId).sort()).toEqual(['a', 'b', 'c']);
    expect(out.filter((o) => o.child).length).toBe(2);
  });
});
