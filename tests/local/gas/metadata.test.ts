/**
 * Developer metadata on sheets in the emulator, as Sheets keeps it: on the sheet whatever its name or
 * position, found across the spreadsheet by key and value, gone with the sheet, removable, and capped at
 * 30,000 characters per sheet.
 */
import { createGasEnvironment, createState } from '../../../local/gas';

const env = () => createGasEnvironment(createState({ sheets: ['One', 'Two'], timeZone: 'America/New_York' }));

describe('developer metadata on sheets', () => {
  it('stays on a renamed sheet and is found by key and value across the spreadsheet', () => {
    const ss = env().globals.SpreadsheetApp.getActiveSpreadsheet();
    const one = ss.getSheetByName('One')!;
    const two = ss.getSheetByName('Two')!;
    one.addDeveloperMetadata('billgrid.month', '2026-10');
    two.addDeveloperMetadata('billgrid.month', '2026-11');
    two.addDeveloperMetadata('other', 'x');
    one.setName('October, checked');

    const found = ss.createDeveloperMetadataFinder().withKey('billgrid.month').find();
    expect(found.map((m) => [m.getLocation().getSheet()!.getName(), m.getValue()])).toEqual([
      ['October, checked', '2026-10'],
      ['Two', '2026-11'],
    ]);
    const nov = ss.createDeveloperMetadataFinder().withKey('billgrid.month').withValue('2026-11').find();
    expect(nov.map((m) => m.getLocation().getSheet()!.getSheetId())).toEqual([two.getSheetId()]);
    expect(two.getDeveloperMetadata().map((m) => m.getKey())).toEqual(['billgrid.month', 'other']);
  });

  it('goes with a deleted sheet, and remove() takes one item off', () => {
    const ss = env().globals.SpreadsheetApp.getActiveSpreadsheet();
    const one = ss.getSheetByName('One')!;
    one.addDeveloperMetadata('k', 'a');
    const two = ss.getSheetByName('Two')!;
    two.addDeveloperMetadata('k', 'b');
    two.addDeveloperMetadata('k2', 'c');
    ss.deleteSheet(one);
    expect(
      ss
        .createDeveloperMetadataFinder()
        .withKey('k')
        .find()
        .map((m) => m.getValue()),
    ).toEqual(['b']);
    two.getDeveloperMetadata()[0].remove();
    expect(two.getDeveloperMetadata().map((m) => m.getKey())).toEqual(['k2']);
  });

  it('refuses more than 30,000 characters of metadata on one sheet', () => {
    const one = env().globals.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('One')!;
    one.addDeveloperMetadata('a', 'x'.repeat(29_000));
    expect(() => one.addDeveloperMetadata('b', 'y'.repeat(1_000))).toThrow(/30000 characters/);
  });
});
