import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createState, GasHost, TIME_LIMIT_MESSAGE } from '../../../local/gas';
import { EDIT_BUNDLE, TINY_BUNDLE } from './fixtures/bundles';

const bundle = { code: TINY_BUNDLE, filename: 'Code.js' };

describe('GasHost: one worker thread per execution, state on the host', () => {
  let host: GasHost;
  beforeEach(() => {
    host = new GasHost({ state: createState({ sheets: ['Billing'] }) });
  });
  afterEach(() => host.close());

  it('runs a function in a worker against the host state and reports stats', async () => {
    const r = await host.run(bundle, 'writeCell', ['B2', '=2*21']);
    expect(r.error).toBeNull();
    expect(r.result).toBe(42);
    expect(host.state.spreadsheets[0].sheets[0].rows[1]?.[1]).toEqual({ f: '=2*21' });
    expect(r.stats.calls).toMatchObject({
      'SpreadsheetApp.Range.setValue': 1,
      'SpreadsheetApp.Range.getValue': 1,
    });
    expect(r.stats.modelledMs).toBeGreaterThan(0);
    const types = await host.run(bundle, 'realmTypes');
    expect(types.result).toMatchObject({
      arrayInstance: true,
      dateInstance: true,
      errorInstance: true,
      typeofProcess: 'undefined',
    });
  });

  it('two executions holding the document lock ~300 ms never overlap', async () => {
    const [a, b] = await Promise.all([
      host.run(bundle, 'holdLock', [300]),
      host.run(bundle, 'holdLock', [300]),
    ]);
    expect(a.error).toBeNull();
    expect(b.error).toBeNull();
    const spans = [a.result, b.result] as Array<{ enter: number; exit: number }>;
    spans.sort((x, y) => x.enter - y.enter);
    expect(spans[0].exit - spans[0].enter).toBeGreaterThanOrEqual(300);
    expect(spans[1].enter).toBeGreaterThanOrEqual(spans[0].exit);
  });

  it('tryLock(0) in a second execution returns false while the first holds the lock', async () => {
    const first = host.run(bundle, 'holdUntilReleased', [10_000]);
    const key = `document:${host.state.activeSpreadsheetId}`;
    const deadline = Date.now() + 5000;
    while (host.runtime.locks.holder(key) === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(host.runtime.locks.holder(key)).toBeDefined();
    const second = await host.run(bundle, 'tryLockNow');
    expect(second.error).toBeNull();
    expect(second.result).toBe(false);
    host.state.properties.script.release = 'yes';
    const held = await first;
    expect(held.error).toBeNull();
    expect(held.result).toBeLessThan(10_000);
    expect((await host.run(bundle, 'tryLockNow')).result).toBe(true);
  });

  it('serves UrlFetchApp from the host without blocking it (the server runs on the host thread)', async () => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, host: req.headers['x-forwarded-host'] ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    host.runtime.mapUrls({ 'https://api.vendor.example': url });
    try {
      const r = await host.run(bundle, 'fetchJson', ['https://api.vendor.example/2010-04-01/Accounts.json']);
      expect(r.error).toBeNull();
      expect(r.result).toEqual({
        code: 200,
        body: { path: '/2010-04-01/Accounts.json', host: 'api.vendor.example' },
      });
      expect(r.stats.http.fetchCalls).toBe(1);
    } finally {
      server.close();
    }
  });

  it("stops an execution whose modelled time passes 6 minutes with Apps Script's error", async () => {
    const r = await host.run(bundle, 'sleepForever');
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ name: 'Exception', message: TIME_LIMIT_MESSAGE });
    expect(r.stats.modelledMs).toBeGreaterThan(360_000);
    // The limit cannot be caught: the execution ends there, as on Google.
    const swallowed = await host.run(bundle, 'swallowTimeout');
    expect(swallowed.result).toBeUndefined();
    expect(swallowed.error?.message).toBe(TIME_LIMIT_MESSAGE);
  });

  it('records sidebars from templates and returns logs', async () => {
    const r = await host.run(bundle, 'template', ['Ann']);
    expect(r.result).toBe('<p>Hello Ann</p>');
    expect(host.state.ui.sidebar).toMatchObject({ title: 'T', html: '<p>Hello Ann</p>' });
    const logs = await host.run(bundle, 'logSomething');
    expect(logs.logs.map((l) => `${l.level}:${l.message}`)).toEqual(['log:hello log', 'Logger:from Logger']);
  });

  it('saves and loads its state', async () => {
    await host.run(bundle, 'writeCell', ['A1', 'saved']);
    host.state.properties.script.token = 'abc';
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gas-')), 'state.json');
    host.save(file);
    const loaded = GasHost.load(file);
    try {
      expect(loaded.state).toEqual(JSON.parse(JSON.stringify(host.state)));
      const r = await loaded.run(bundle, 'writeCell', ['A2', 'again']);
      expect(r.result).toBe('again');
      expect(loaded.state.spreadsheets[0].sheets[0].rows[0]?.[0]).toEqual({ v: 'saved' });
      expect(loaded.state.properties.script.token).toBe('abc');
    } finally {
      await loaded.close();
    }
  });

  it('reports a missing function like Apps Script', async () => {
    const r = await host.run(bundle, 'nope');
    expect(r.error?.message).toBe('Script function not found: nope');
  });
});

describe('GasHost triggers', () => {
  it('fires a due one-off trigger as its own trigger execution in a worker', async () => {
    const host = new GasHost({ state: createState({ now: Date.parse('2026-10-01T00:00:00Z') }) });
    try {
      const code = `
        function setup() { ScriptApp.newTrigger('continueJob').timeBased().after(5 * 60 * 1000).create(); }
        function continueJob(e) {
          var ui = 'available';
          try { SpreadsheetApp.getUi(); } catch (err) { ui = err.message; }
          PropertiesService.getScriptProperties().setProperty('ran', JSON.stringify({ uid: e.triggerUid, ui: ui }));
        }`;
      const src = { code, filename: 'Code.js' };
      expect((await host.run(src, 'setup')).error).toBeNull();
      expect(await host.fireDueTriggers(src, Date.parse('2026-10-01T00:04:59Z'))).toHaveLength(0);
      const [r] = await host.fireDueTriggers(src, Date.parse('2026-10-01T00:05:00Z'));
      expect(r.error).toBeNull();
      expect(JSON.parse(host.state.properties.script.ran)).toEqual({
        uid: host.state.triggers[0].id,
        ui: 'Cannot call SpreadsheetApp.getUi() from this context.',
      });
    } finally {
      await host.close();
    }
  });
});

describe('GasHost document events', () => {
  it('passes an onEdit event whose range is a live object in the worker', async () => {
    const host = new GasHost({ state: createState({ sheets: ['Billing'] }) });
    try {
      const src = { code: EDIT_BUNDLE, filename: 'Code.js' };
      const [r] = await host.edit(src, { sheet: 'Billing', a1: 'B2', value: 'Approve' });
      expect(r.error).toBeNull();
      expect(host.inProcess().globals.SpreadsheetApp.getActiveSheet().getRange('B2:C2').getValues()).toEqual([
        ['Approve', 'Billing|B2|Approve||LIMITED'],
      ]);
    } finally {
      await host.close();
    }
  });
});
