/**
 * onOpen runs only for people who may edit the spreadsheet (issue #25): "onOpen(e) runs when a user opens a
 * spreadsheet … that the user has permission to edit"; triggers "don't run if a file is opened in read-only
 * (view or comment) mode" (guides/triggers). The old emulator ran onOpen for anyone who opened it.
 */
import { createState, GasHost, GasRuntime, LocalHost } from '../../../local/gas';

const BUNDLE = `
  function onOpen() {
    SpreadsheetApp.getUi().createAddonMenu().addItem('Open', 'open').addToUi();
    PropertiesService.getDocumentProperties().setProperty('openedBy', Session.getActiveUser().getEmail());
  }`;

const state = () => {
  const s = createState({ owner: 'owner@example.com' });
  s.spreadsheets[0].editors = ['owner@example.com', 'editor@example.com'];
  return s;
};

describe('onOpen and viewers', () => {
  it('LocalHost: runs for an editor, not for a viewer', () => {
    const host = new LocalHost(new GasRuntime(state()), BUNDLE);
    expect(host.open('viewer@example.com')).toEqual([]);
    expect(host.state.properties.document.openedBy).toBeUndefined();
    expect(host.state.ui.menus).toEqual([]);
    const [r] = host.open('editor@example.com');
    expect(r.error).toBeNull();
    expect(host.state.properties.document.openedBy).toBe('editor@example.com');
  });

  it('GasHost: the same', async () => {
    const host = new GasHost({ state: state() });
    const src = { code: BUNDLE, filename: 'Code.js' };
    try {
      expect(await host.open(src, 'viewer@example.com')).toEqual([]);
      expect(host.state.ui.menus).toEqual([]);
      const [r] = await host.open(src, 'owner@example.com');
      expect(r.error).toBeNull();
      expect(host.state.ui.menus).toHaveLength(1);
    } finally {
      await host.close();
    }
  });

  it('LocalHost: runs for someone who edits through a group or the domain, whom getEditors() does not list', () => {
    const s = state();
    s.spreadsheets[0].groupEditors = { 'billing@partner.example': ['gina@partner.example'] };
    s.spreadsheets[0].domainEditors = 'example.com';
    const host = new LocalHost(
      new GasRuntime(s),
      `${BUNDLE}
      function editors() { return SpreadsheetApp.getActiveSpreadsheet().getEditors().map((u) => u.getEmail()); }`,
    );
    for (const user of ['gina@partner.example', 'dora@example.com']) {
      const [r] = host.open(user);
      expect(r.error).toBeNull();
      expect(host.state.properties.document.openedBy).toBe(user);
    }
    expect(host.open('vic@partner.example')).toEqual([]);
    expect(host.run('editors', [], { user: 'gina@partner.example' }).result).toEqual([
      'owner@example.com',
      'editor@example.com',
    ]);
  });
});
