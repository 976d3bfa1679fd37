/**
 * The Clients screen's accounts view (seed 002's Organization Mapping page): PSA accounts with up to three
 * integration columns of the person's choice, each naming the customers that bill the account or "Not mapped".
 */
import {
  MAX_MODULE_COLUMNS,
  accountRows,
  defaultModuleColumns,
  toggleModuleColumn,
  type AccountMember,
} from '../../sidebar/screens/module-columns';

const member = (
  source: string,
  customerName: string,
  companyId: string | null,
  extra: Partial<AccountMember> = {},
): AccountMember => ({
  source,
  customerName,
  companyId,
  companyName: companyId ? `Company ${companyId}` : null,
  companyActive: true,
  status: 'confirmed',
  ...extra,
});

describe('accounts with module columns', () => {
  const sources = ['rmm', 'docs', 'backup', 'voice'];

  it('offers at most three columns: the first three integrations, a fourth refused until one is removed', () => {
    expect(MAX_MODULE_COLUMNS).toBe(3);
    let chosen = defaultModuleColumns(sources);
    expect(chosen).toEqual(['rmm', 'docs', 'backup']);
    expect(toggleModuleColumn(chosen, 'voice', sources)).toEqual(chosen);
    chosen = toggleModuleColumn(chosen, 'docs', sources);
    expect(chosen).toEqual(['rmm', 'backup']);
    // Columns keep the integrations' order, whatever order they were ticked in.
    chosen = toggleModuleColumn(chosen, 'voice', sources);
    expect(chosen).toEqual(['rmm', 'backup', 'voice']);
    expect(toggleModuleColumn(chosen, 'docs', sources)).toEqual(chosen);
    // An integration gone since is dropped, which frees its column; one never offered is refused.
    expect(toggleModuleColumn(chosen, 'docs', ['rmm', 'docs', 'voice'])).toEqual(['rmm', 'docs', 'voice']);
    expect(toggleModuleColumn(['rmm'], 'nope', sources)).toEqual(['rmm']);
    expect(defaultModuleColumns(['rmm', 'rmm', 'docs'])).toEqual(['rmm', 'docs']);
  });

  it('lists each account once, with the customers of each chosen integration (one-to-many), or none', () => {
    const rows = [
      member('rmm', 'Acme HQ', '1'),
      member('rmm', 'Acme North clinic', '1'),
      member('docs', 'Acme', '1'),
      member('voice', 'Acme phones', '1'),
      member('rmm', 'Blue Harbor', '2', { companyActive: false }),
      member('docs', 'Excluded Co', '3', { status: 'excluded' }),
      member('rmm', 'Unmapped', null),
    ];
    const got = accountRows(rows, ['rmm', 'docs']);
    expect(got).toEqual([
      {
        companyId: '1',
        companyName: 'Company 1',
        active: true,
        cells: [['Acme HQ', 'Acme North clinic'], ['Acme']],
      },
      { companyId: '2', companyName: 'Company 2', active: false, cells: [['Blue Harbor'], []] },
    ]);
    // Another choice of columns shows other integrations for the same accounts.
    expect(accountRows(rows, ['voice']).map((a) => a.cells)).toEqual([[['Acme phones']], [[]]]);
    // The Clients filters narrow the table as they narrow the list: only the rows given count.
    expect(
      accountRows(
        rows.filter((r) => r.source === 'docs'),
        ['rmm', 'docs'],
      ),
    ).toEqual([{ companyId: '1', companyName: 'Company 1', active: true, cells: [[], ['Acme']] }]);
  });
});
