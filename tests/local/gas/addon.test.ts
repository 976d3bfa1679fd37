/**
 * The emulator's add-on context (local/gas/addon.ts, spreadsheet/guard.ts): one project serving two
 * documents, add-on trigger rules, protected ranges. Each test fails on the emulator before #24.
 */
import {
  createGasEnvironment,
  createState,
  GasRuntime,
  LocalHost,
  type GasOptions,
} from '../../../local/gas';
import {
  ADDON_HOURLY_TRIGGER,
  ADDON_ONE_CLOCK_TRIGGER,
  ADDON_TEST_DEPLOYMENT_TRIGGER,
} from '../../../local/gas/addon';
import { PROTECTED_MESSAGE } from '../../../local/gas/spreadsheet/guard';
import { newSheetState, type GasState } from '../../../local/gas/state';
import { applyEdit } from '../../../local/gas/events';

const OWNER = 'owner@example.com';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const DOC_A = '1DocA';
const DOC_B = '1DocB';

/** Two spreadsheets, both owned by OWNER and editable by Alice and Bob. */
function twoDocuments(): GasState {
  const state = createState({ spreadsheetId: DOC_A, now: Date.parse('2026-11-01T00:00:00Z') });
  state.spreadsheets[0].editors = [OWNER, ALICE, BOB];
  state.spreadsheets.push({
    ...state.spreadsheets[0],
    id: DOC_B,
    name: 'Second',
    sheets: [newSheetState(0, 'Sheet1')],
  });
  return state;
}

const runtime = (options: GasOptions = {}) =>
  new GasRuntime(twoDocuments(), { deployment: 'addon', ...options });

describe('add-on context: properties and the active document per execution', () => {
  it('document properties belong to the document, script properties to the project, user properties to the user', () => {
    const rt = runtime();
    const inA = createGasEnvironment(rt, { user: ALICE, document: DOC_A }).globals;
    inA.PropertiesService.getDocumentProperties().setProperty('k', 'a');
    inA.PropertiesService.getScriptProperties().setProperty('shared', '1');
    inA.PropertiesService.getUserProperties().setProperty('mine', 'alice');
    const inB = createGasEnvironment(rt, { user: ALICE, document: DOC_B }).globals;
    expect(inB.PropertiesService.getDocumentProperties().getProperty('k')).toBeNull();
    expect(inB.PropertiesService.getScriptProperties().getProperty('shared')).toBe('1');
    expect(inB.PropertiesService.getUserProperties().getProperty('mine')).toBe('alice');
    inB.PropertiesService.getDocumentProperties().setProperty('k', 'b');
    const bobInA = createGasEnvironment(rt, { user: BOB, document: DOC_A }).globals;
    expect(bobInA.PropertiesService.getDocumentProperties().getProperty('k')).toBe('a');
    expect(bobInA.PropertiesService.getUserProperties().getProperty('mine')).toBeNull();
    expect(rt.state.properties.documents?.[DOC_B]).toEqual({ k: 'b' });
  });

  it('getActiveSpreadsheet is the document the execution runs in', () => {
    const rt = runtime();
    const g = createGasEnvironment(rt, { document: DOC_B }).globals;
    expect(g.SpreadsheetApp.getActiveSpreadsheet().getId()).toBe(DOC_B);
    expect(createGasEnvironment(rt).globals.SpreadsheetApp.getActiveSpreadsheet().getId()).toBe(DOC_A);
  });

  it('a clock trigger runs in the document it was created in, as its creator', () => {
    const rt = runtime({ user: BOB });
    const host = new LocalHost(
      rt,
      `function schedule() { ScriptApp.newTrigger('tick').timeBased().everyHours(1).create(); }
       function tick() {
         PropertiesService.getDocumentProperties().setProperty('ran', SpreadsheetApp.getActiveSpreadsheet().getId() + ' as ' + Session.getEffectiveUser().getEmail());
       }`,
    );
    expect(host.run('schedule', [], { user: ALICE, document: DOC_B }).ok).toBe(true);
    const fired = host.fireDueTriggers(Date.parse('2026-11-01T01:00:00Z'));
    expect(fired.map((r) => r.ok)).toEqual([true]);
    expect(rt.state.properties.documents?.[DOC_B]).toEqual({ ran: `${DOC_B} as ${ALICE}` });
    expect(rt.state.properties.document).toEqual({});
  });
});

describe('add-on trigger rules (editor-triggers page, "Restrictions")', () => {
  const create = (rt: GasRuntime, user: string, document: string, build: string) =>
    new LocalHost(rt, `function f() { ${build}; }`).run('f', [], { user, document });
  const hourly = "ScriptApp.newTrigger('tick').timeBased().everyHours(1).create()";
  const once = "ScriptApp.newTrigger('tick').timeBased().after(60000).create()";

  it('one clock trigger per user per document', () => {
    const rt = runtime();
    expect(create(rt, ALICE, DOC_A, hourly).ok).toBe(true);
    expect(create(rt, ALICE, DOC_A, once).error?.message).toBe(ADDON_ONE_CLOCK_TRIGGER);
    expect(create(rt, BOB, DOC_A, hourly).ok).toBe(true); // another user: their own
    expect(create(rt, ALICE, DOC_B, hourly).ok).toBe(true); // another document
    expect(rt.state.triggers).toHaveLength(3);
  });

  it('none more often than hourly', () => {
    const rt = runtime();
    const r = create(rt, ALICE, DOC_A, "ScriptApp.newTrigger('tick').timeBased().everyMinutes(30).create()");
    expect(r.error?.message).toBe(ADDON_HOURLY_TRIGGER);
  });

  it('no installable triggers in a test deployment', () => {
    const rt = runtime({ testDeployment: true });
    expect(create(rt, ALICE, DOC_A, hourly).error?.message).toBe(ADDON_TEST_DEPLOYMENT_TRIGGER);
  });

  it('a bound script keeps its 20-per-user limit only', () => {
    const rt = new GasRuntime(twoDocuments());
    expect(create(rt, ALICE, DOC_A, hourly).ok).toBe(true);
    expect(create(rt, ALICE, DOC_A, once).ok).toBe(true);
    expect(
      create(rt, ALICE, DOC_A, "ScriptApp.newTrigger('t').timeBased().everyMinutes(5).create()").ok,
    ).toBe(true);
  });

  it("getUserTriggers(spreadsheet) lists only that document's clock triggers", () => {
    const rt = runtime();
    create(rt, ALICE, DOC_A, hourly);
    create(rt, ALICE, DOC_B, hourly);
    const r = new LocalHost(
      rt,
      'function f() { return ScriptApp.getUserTriggers(SpreadsheetApp.getActive()).length + "/" + ScriptApp.getProjectTriggers().length; }',
    ).run('f', [], { user: ALICE, document: DOC_B });
    expect(r.result).toBe('1/2');
  });
});

describe('protected ranges refuse writes from users not on the protection', () => {
  function protectedLedger(rt: GasRuntime, warningOnly = false) {
    const g = createGasEnvironment(rt, { user: OWNER }).globals;
    const sheet = g.SpreadsheetApp.getActive().insertSheet('Ledger');
    const p = sheet.protect().setWarningOnly(warningOnly);
    if (!warningOnly) {
      p.removeEditors(p.getEditors().map((u) => u.getEmail()));
      p.addEditor(ALICE);
    }
    return p;
  }
  const write = (rt: GasRuntime, user: string, a1 = 'A1') =>
    new LocalHost(
      rt,
      `function w() { SpreadsheetApp.getActive().getSheetByName('Ledger').getRange('${a1}').setValue('x'); }`,
    ).run('w', [], { user });

  it("a new protection starts with the spreadsheet's editors", () => {
    const rt = new GasRuntime(twoDocuments());
    const g = createGasEnvironment(rt, { user: ALICE }).globals;
    const p = g.SpreadsheetApp.getActive().getSheets()[0].protect();
    expect(p.getEditors().map((u) => u.getEmail())).toEqual([OWNER, ALICE, BOB]);
  });

  it("refuses a script running as a user not on the protection, with Sheets' message", () => {
    const rt = new GasRuntime(twoDocuments());
    protectedLedger(rt);
    expect(write(rt, BOB).error?.message).toBe(PROTECTED_MESSAGE);
    expect(write(rt, ALICE).ok).toBe(true);
    expect(write(rt, OWNER).ok).toBe(true); // the owner always can
    const deleteAsBob = new LocalHost(
      rt,
      "function d() { SpreadsheetApp.getActive().getSheetByName('Ledger').deleteRows(1, 1); }",
    ).run('d', [], { user: BOB });
    expect(deleteAsBob.error?.message).toBe(PROTECTED_MESSAGE);
  });

  it('refuses a person typing into it too', () => {
    const rt = new GasRuntime(twoDocuments());
    protectedLedger(rt);
    expect(() => applyEdit(rt, { sheet: 'Ledger', a1: 'B3', value: 'edited', user: BOB })).toThrow(
      PROTECTED_MESSAGE,
    );
    expect(applyEdit(rt, { sheet: 'Ledger', a1: 'B3', value: 'edited', user: ALICE })).toBe('');
  });

  const script = (rt: GasRuntime, user: string, body: string) =>
    new LocalHost(
      rt,
      `function s() { const sh = SpreadsheetApp.getActive().getSheetByName('Ledger'); ${body} }`,
    ).run('s', [], { user });

  it("refuses changing a protected sheet's structure (rows, columns, name, freeze, the tab itself)", () => {
    const rt = new GasRuntime(twoDocuments());
    protectedLedger(rt);
    for (const body of [
      'sh.insertRowsAfter(sh.getMaxRows(), 5);',
      'sh.insertRowsBefore(2, 1);',
      'sh.insertColumnsAfter(1, 1);',
      "sh.appendRow(['x']);",
      "sh.setName('Ledger');",
      'sh.setFrozenRows(2);',
      'SpreadsheetApp.getActive().deleteSheet(sh);',
    ]) {
      expect([body, script(rt, BOB, body).error?.message]).toEqual([body, PROTECTED_MESSAGE]);
      expect([body, script(rt, ALICE, body).ok]).toEqual([body, true]);
    }
  });

  it('only someone on a protection may change it; neither the owner nor the current user can be removed', () => {
    const rt = new GasRuntime(twoDocuments());
    protectedLedger(rt);
    const editors = 'sh.getProtections(SpreadsheetApp.ProtectionType.SHEET)[0]';
    for (const body of [
      `${editors}.addEditor('${BOB}');`,
      `${editors}.removeEditors(['${ALICE}']);`,
      `${editors}.setWarningOnly(true);`,
      `${editors}.remove();`,
    ]) {
      expect([body, script(rt, BOB, body).error?.message]).toEqual([body, PROTECTED_MESSAGE]);
    }
    const names = (user: string) =>
      script(
        rt,
        user,
        `return ${editors}.getEditors().map((u) => u.getEmail()).join(',') + '/' + ${editors}.canEdit();`,
      ).result;
    expect(names(BOB)).toBe(`${OWNER},${ALICE}/false`);
    // Alice removes everyone, herself included: she stays, as the owner does.
    script(rt, ALICE, `${editors}.removeEditors(${editors}.getEditors());`);
    expect(names(ALICE)).toBe(`${OWNER},${ALICE}/true`);
    expect(script(rt, ALICE, `${editors}.addEditor('${BOB}');`).ok).toBe(true);
    expect(names(BOB)).toBe(`${OWNER},${ALICE},${BOB}/true`);
  });

  it('a warning-only protection never refuses', () => {
    const rt = new GasRuntime(twoDocuments());
    protectedLedger(rt, true);
    expect(write(rt, BOB).ok).toBe(true);
  });
});
