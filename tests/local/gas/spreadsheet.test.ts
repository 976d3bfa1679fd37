import {
  createGasEnvironment,
  createState,
  deserializeState,
  serializeState,
  type GasEnvironment,
} from '../../../local/gas';

function env(): GasEnvironment {
  return createGasEnvironment(createState({ sheets: ['Billing', 'Clients'], timeZone: 'America/New_York' }));
}

describe('SpreadsheetApp values', () => {
  it('round-trips numbers, booleans, Dates and text; empty cells read as ""', () => {
    const { globals } = env();
    const sheet = globals.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Billing')!;
    const when = new Date('2026-10-01T12:34:56Z');
    sheet.getRange(1, 1, 2, 3).setValues([
      ['Acme', 12.5, true],
      [when, null, 'plain text'],
    ]);
    const values = sheet.getRange('A1:D2').getValues();
    expect(values).toEqual([
      ['Acme', 12.5, true, ''],
      [when, '', 'plain text', ''],
    ]);
    expect(values[1][0]).toBeInstanceOf(Date);
    expect(sheet.getLastRow()).toBe(2);
    expect(sheet.getLastColumn()).toBe(3);
    expect(sheet.getDataRange().getA1Notation()).toBe('A1:C2');
  });

  it("turns '=…' into a formula (computed on read) while \"'=…\" stays literal text", () => {
    const { globals } = env();
    const sheet = globals.SpreadsheetApp.getActiveSheet();
    sheet.getRange('A1:A2').setValues([[2], [3]]);
    sheet
      .getRange('B1:B5')
      .setValues([
        ['=A1+A2*10'],
        ['=SUM(A1:A2)'],
        ['="x"&A1'],
        ['=HYPERLINK("http://evil","x")'],
        ["'=SUM(A1:A2)"],
      ]);
    expect(sheet.getRange('B1:B5').getFormulas()).toEqual([
      ['=A1+A2*10'],
      ['=SUM(A1:A2)'],
      ['="x"&A1'],
      ['=HYPERLINK("http://evil","x")'],
      [''],
    ]);
    expect(sheet.getRange('B1:B5').getValues()).toEqual([[32], [5], ['x2'], ['#NAME?'], ['=SUM(A1:A2)']]);
    // Cross-sheet reference and a formula that cannot be parsed.
    globals.SpreadsheetApp.getActive().getSheetByName('Clients')!.getRange('C3').setValue(7);
    sheet.getRange('C1').setValue('=Clients!C3*2');
    sheet.getRange('C2').setFormula('=1+');
    expect(sheet.getRange('C1:C2').getValues()).toEqual([[14], ['#ERROR!']]);
  });

  it('converts number-, boolean- and date-looking strings like Sheets, unless the cell is plain text', () => {
    const { globals } = env();
    const sheet = globals.SpreadsheetApp.getActiveSheet();
    sheet.getRange('A1:E1').setValues([['00123', '10%', 'TRUE', '2026-10-01', '1,234.50']]);
    const [row] = sheet.getRange('A1:E1').getValues();
    expect(row.slice(0, 3)).toEqual([123, 0.1, true]);
    expect(row[3]).toEqual(new Date('2026-10-01T04:00:00Z')); // midnight in New York (EDT)
    expect(row[4]).toBe(1234.5);
    sheet.getRange('A2').setNumberFormat('@').setValue('00123');
    expect(sheet.getRange('A2').getValue()).toBe('00123');
    expect(sheet.getRange('D1').getDisplayValue()).toBe('10/1/2026');
  });

  it('returns fresh copies from getValues', () => {
    const { globals } = env();
    const range = globals.SpreadsheetApp.getActiveSheet().getRange('A1:B1');
    range.setValues([['a', 1]]);
    const copy = range.getValues();
    copy[0][0] = 'changed';
    (copy[0] as unknown[]).push('extra');
    expect(range.getValues()).toEqual([['a', 1]]);
  });

  it("throws Sheets' messages for wrong dimensions and out-of-grid ranges", () => {
    const { globals } = env();
    const sheet = globals.SpreadsheetApp.getActiveSheet();
    expect(() =>
      sheet.getRange(1, 1, 3, 2).setValues([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    ).toThrow(
      'The number of rows in the data does not match the number of rows in the range. The data has 2 but the range has 3.',
    );
    expect(() => sheet.getRange(1, 1, 1, 2).setValues([['a']])).toThrow(
      'The number of columns in the data does not match the number of columns in the range. The data has 1 but the range has 2.',
    );
    expect(() => sheet.getRange(1001, 1)).toThrow(
      'The coordinates of the range are outside the dimensions of the sheet.',
    );
    expect(() => sheet.getRange(1, 1, 0, 1)).toThrow('The number of rows in the range must be at least 1.');
  });

  it('grows the grid on appendRow and after insertRowsAfter', () => {
    const { globals } = env();
    const sheet = globals.SpreadsheetApp.getActiveSheet();
    sheet.getRange(1000, 1).setValue('last');
    sheet.appendRow(['appended', 2]);
    expect(sheet.getMaxRows()).toBe(1001);
    expect(sheet.getRange(1001, 1, 1, 2).getValues()).toEqual([['appended', 2]]);
    sheet.insertRowsAfter(sheet.getMaxRows(), 10);
    expect(sheet.getMaxRows()).toBe(1011);
    sheet.getRange(1011, 1).setValue('x');
    expect(sheet.getLastRow()).toBe(1011);
  });

  it("enforces Sheets' 50 000-character cell and 10 million-cell workbook limits", () => {
    const { globals } = env();
    const sheet = globals.SpreadsheetApp.getActiveSheet();
    expect(() => sheet.getRange('A1:B1').setValues([['ok', 'x'.repeat(50_001)]])).toThrow(
      'Your input contains more than the maximum of 50000 characters in a single cell.',
    );
    expect(sheet.getRange('A1').getValue()).toBe('');
    sheet.insertColumnsAfter(26, 74); // 1000 x 100 = 100 000 cells
    expect(() => sheet.insertRowsAfter(1000, 100_000)).toThrow(
      'This action would increase the number of cells in the workbook above the limit of 10000000 cells.',
    );
    sheet.insertRowsAfter(1000, 90_000);
    expect(sheet.getMaxRows()).toBe(91_000);
  });

  it('with strictBounds: false, writes beyond the grid grow the sheet instead of throwing', () => {
    const { globals } = createGasEnvironment(createState(), { strictBounds: false });
    const sheet = globals.SpreadsheetApp.getActiveSheet();
    sheet.getRange(1200, 28).setValue('far');
    expect([sheet.getMaxRows(), sheet.getMaxColumns()]).toEqual([1200, 28]);
    expect(sheet.getRange('AB1200').getValue()).toBe('far');
  });

  it('inserts and deletes rows, shifting cells', () => {
    const { globals } = env();
    const sheet = globals.SpreadsheetApp.getActiveSheet();
    sheet.getRange('A1:A3').setValues([['r1'], ['r2'], ['r3']]);
    sheet.insertRowsBefore(2, 2);
    expect(sheet.getRange('A1:A5').getValues().flat()).toEqual(['r1', '', '', 'r2', 'r3']);
    sheet.deleteRows(2, 2);
    expect(sheet.getRange('A1:A3').getValues().flat()).toEqual(['r1', 'r2', 'r3']);
    expect(sheet.getMaxRows()).toBe(1000);
  });

  it('stores data validation, checkboxes and list dropdowns as data', () => {
    const { globals, state } = env();
    const app = globals.SpreadsheetApp;
    const sheet = app.getActiveSheet();
    sheet.getRange('A1:A3').insertCheckboxes();
    expect(sheet.getRange('A1:A3').getValues()).toEqual([[false], [false], [false]]);
    sheet.getRange('A2').check();
    expect(sheet.getRange('A2').isChecked()).toBe(true);
    expect(sheet.getRange('A1:A3').isChecked()).toBeNull();
    const list = app
      .newDataValidation()
      .requireValueInList(['Approve', 'Hold'], true)
      .setAllowInvalid(false)
      .setHelpText('Pick one')
      .build();
    sheet.getRange('B1:B2').setDataValidation(list);
    const rules = sheet.getRange('A1:B1').getDataValidations();
    expect(rules[0][0]?.getCriteriaType()).toBe(app.DataValidationCriteria.CHECKBOX);
    expect(rules[0][1]?.getCriteriaType()).toBe('VALUE_IN_LIST');
    expect(rules[0][1]?.getCriteriaValues()).toEqual([['Approve', 'Hold'], true]);
    expect(rules[0][1]?.getAllowInvalid()).toBe(false);
    expect(rules[0][1]?.getHelpText()).toBe('Pick one');
    const lookup = app.getActive().getSheetByName('Clients')!.getRange('A1:A10');
    sheet.getRange('C1').setDataValidation(app.newDataValidation().requireValueInRange(lookup).build());
    const [rangeArg] = sheet.getRange('C1').getDataValidation()!.getCriteriaValues() as [
      { getA1Notation(): string },
    ];
    expect(rangeArg.getA1Notation()).toBe('A1:A10');
    // Persisted as plain data that survives JSON.
    const reloaded = deserializeState(serializeState(state));
    expect(reloaded.spreadsheets[0].sheets[0].rows[0]?.[1]?.dv).toEqual({
      criteria: 'VALUE_IN_LIST',
      values: [['Approve', 'Hold'], true],
      allowInvalid: false,
      helpText: 'Pick one',
    });
  });

  it('stores conditional format rules, notes, formats, frozen rows, protections', () => {
    const { globals } = env();
    const app = globals.SpreadsheetApp;
    const sheet = app.getActiveSheet();
    const rule = app
      .newConditionalFormatRule()
      .whenFormulaSatisfied('=$D2<>$E2')
      .setBackground('#fde68a')
      .setRanges([sheet.getRange('A2:F100')])
      .build();
    sheet.setConditionalFormatRules([rule]);
    const [back] = sheet.getConditionalFormatRules();
    expect(back.getBooleanCondition()?.getCriteriaType()).toBe('CUSTOM_FORMULA');
    expect(back.getBooleanCondition()?.getCriteriaValues()).toEqual(['=$D2<>$E2']);
    expect(back.getBooleanCondition()?.getBackground()).toBe('#fde68a');
    expect(back.getRanges().map((r) => r.getA1Notation())).toEqual(['A2:F100']);
    sheet.insertRowsBefore(1, 1);
    expect(sheet.getConditionalFormatRules()[0].getRanges()[0].getA1Notation()).toBe('A3:F101');

    sheet
      .getRange('A1')
      .setNote('from the source')
      .setNumberFormat('0.00')
      .setValue(3)
      .setBackground('#eee')
      .setFontWeight('bold');
    expect(sheet.getRange('A1').getNotes()).toEqual([['from the source']]);
    expect(sheet.getRange('A1').getDisplayValues()).toEqual([['3.00']]);
    expect(sheet.getRange('A1').getBackground()).toBe('#eee');
    expect(sheet.getRange('A1').getFontWeight()).toBe('bold');
    sheet.setFrozenRows(1);
    expect(sheet.getFrozenRows()).toBe(1);
    const p = sheet.protect().setDescription('BillGrid ledger').setWarningOnly(true);
    expect(sheet.getProtections(app.ProtectionType.SHEET).map((x) => x.getDescription())).toEqual([
      'BillGrid ledger',
    ]);
    p.remove();
    expect(sheet.getProtections('SHEET')).toHaveLength(0);
  });

  it('manages sheets: insert with index, rename, hide, delete, active sheet, A1 with sheet name', () => {
    const { globals } = env();
    const ss = globals.SpreadsheetApp.getActiveSpreadsheet();
    const tab = ss.insertSheet('Billing 2026-10', 0);
    expect(ss.getSheets().map((s) => s.getName())).toEqual(['Billing 2026-10', 'Billing', 'Clients']);
    expect(ss.getActiveSheet().getName()).toBe('Billing 2026-10');
    expect(() => ss.insertSheet('Billing')).toThrow(
      'A sheet with the name "Billing" already exists. Please enter another name.',
    );
    ss.getRange("'Billing 2026-10'!B2").setValue('hello');
    expect(tab.getRange('B2').getValue()).toBe('hello');
    tab.hideSheet();
    expect(tab.isSheetHidden()).toBe(true);
    ss.setActiveSheet(ss.getSheetByName('Clients')!);
    expect(ss.getActiveSheet().getName()).toBe('Clients');
    ss.deleteSheet(tab);
    expect(ss.getSheetByName('Billing 2026-10')).toBeNull();
    expect(ss.getSpreadsheetTimeZone()).toBe('America/New_York');
    expect(ss.getOwner()?.getEmail()).toBe('owner@example.com');
  });

  it('records the UI: menus, alerts (answering OK), sidebar, toasts', () => {
    const { globals, state } = env();
    const ui = globals.SpreadsheetApp.getUi();
    ui.createAddonMenu().addItem('Open BillGrid', 'openSidebar').addSeparator().addToUi();
    expect(ui.alert('Pushed 3 lines')).toBe(ui.Button.OK);
    state.ui.alertAnswers.push('NO');
    expect(ui.alert('Push?', 'Really push?', ui.ButtonSet.YES_NO)).toBe('NO');
    ui.showSidebar(globals.HtmlService.createHtmlOutput('<p>hi</p>').setTitle('BillGrid'));
    globals.SpreadsheetApp.getActive().toast('Done', 'BillGrid', 5);
    expect(state.ui.menus).toEqual([
      {
        caption: 'Add-on',
        addon: true,
        items: [
          { kind: 'item', caption: 'Open BillGrid', functionName: 'openSidebar' },
          { kind: 'separator' },
        ],
      },
    ]);
    expect(state.ui.alerts.map((a) => a.prompt)).toEqual(['Pushed 3 lines', 'Really push?']);
    expect(state.ui.sidebar).toMatchObject({ title: 'BillGrid', html: '<p>hi</p>' });
    expect(state.ui.toasts[0]).toMatchObject({ message: 'Done', title: 'BillGrid' });
  });

  it('refuses getUi() in a time-driven trigger, whose active sheet is always the first, as Apps Script does', () => {
    const state = createState({ sheets: ['Clients', 'Billing'] });
    createGasEnvironment(state).globals.SpreadsheetApp.getActive().getSheetByName('Billing')!.activate();
    expect(createGasEnvironment(state).globals.SpreadsheetApp.getActiveSheet().getName()).toBe('Billing');
    const e = createGasEnvironment(state, { kind: 'trigger' });
    expect(() => e.globals.SpreadsheetApp.getUi()).toThrow(
      'Cannot call SpreadsheetApp.getUi() from this context.',
    );
    expect(e.globals.SpreadsheetApp.getActiveSheet().getName()).toBe('Clients');
  });
});

describe('Sheet column visibility', () => {
  it('hides and shows columns, and the state survives a save/load', () => {
    const e = env();
    const sheet = e.globals.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Billing')!;
    sheet.hideColumns(26, 3);
    sheet.hideColumns(2);
    expect([1, 2, 25, 26, 27, 28, 29].map((c) => sheet.isColumnHiddenByUser(c))).toEqual([
      false,
      true,
      false,
      true,
      true,
      true,
      false,
    ]);
    sheet.showColumns(27);
    expect(sheet.isColumnHiddenByUser(27)).toBe(false);
    const copy = createGasEnvironment(deserializeState(serializeState(e.runtime.state)));
    const again = copy.globals.SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Billing')!;
    expect([2, 26, 27, 28].map((c) => again.isColumnHiddenByUser(c))).toEqual([true, true, false, true]);
  });
});
