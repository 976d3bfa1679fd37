import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  advanceClock,
  createGasEnvironment,
  createState,
  LATENCY,
  PROPERTY_STORE_LIMIT,
  TIME_LIMIT_MESSAGE,
  type GasState,
} from '../../../local/gas';

describe('PropertiesService', () => {
  it('stores script, document and per-user properties', () => {
    const state = createState();
    const a = createGasEnvironment(state, { user: 'ann@example.com' }).globals.PropertiesService;
    const b = createGasEnvironment(state, { user: 'bob@example.com' }).globals.PropertiesService;
    a.getScriptProperties().setProperty('tenant', 'acme').setProperties({ x: '1', y: '2' });
    a.getUserProperties().setProperty('theme', 'dark');
    a.getDocumentProperties().setProperty('period', '2026-10');
    expect(b.getScriptProperties().getProperties()).toEqual({ tenant: 'acme', x: '1', y: '2' });
    expect(b.getUserProperties().getProperty('theme')).toBeNull();
    expect(b.getDocumentProperties().getKeys()).toEqual(['period']);
    b.getScriptProperties().setProperties({ only: 'me' }, true);
    expect(a.getScriptProperties().getProperties()).toEqual({ only: 'me' });
    a.getScriptProperties().deleteProperty('only');
    expect(a.getScriptProperties().getKeys()).toEqual([]);
  });

  it('enforces the 9 KB value and 500 KB store limits without partial writes', () => {
    const props = createGasEnvironment(createState()).globals.PropertiesService.getScriptProperties();
    expect(() => props.setProperty('big', 'x'.repeat(9 * 1024 + 1))).toThrow('Argument too large: value');
    props.setProperty('ok', 'x'.repeat(9 * 1024));
    const many: Record<string, string> = {};
    for (let i = 0; i < 60; i++) many[`k${i}`] = 'y'.repeat(9000);
    expect(() => props.setProperties(many)).toThrow(
      'You have exceeded the property storage quota. Please remove some properties and try again.',
    );
    expect(props.getKeys()).toEqual(['ok']);
    expect(PROPERTY_STORE_LIMIT).toBe(500 * 1024);
  });
});

describe('CacheService', () => {
  it('expires entries on the emulator clock and refuses values over 100 KB', () => {
    const state = createState({ now: Date.parse('2026-10-01T00:00:00Z') });
    const cache = createGasEnvironment(state).globals.CacheService.getScriptCache();
    cache.put('short', 'a', 60);
    cache.putAll({ long: 'b', other: 'c' }, 3600);
    expect(cache.getAll(['short', 'long', 'missing'])).toEqual({ short: 'a', long: 'b' });
    advanceClock(state, 61_000);
    expect(cache.get('short')).toBeNull();
    expect(cache.get('long')).toBe('b');
    cache.remove('long');
    expect(cache.get('long')).toBeNull();
    expect(() => cache.put('huge', 'z'.repeat(100 * 1024 + 1))).toThrow('Argument too large: value');
  });
});

describe('counting and modelled time', () => {
  function sheetEnv(state: GasState = createState()) {
    const env = createGasEnvironment(state);
    const range = env.globals.SpreadsheetApp.getActiveSheet().getRange('A1:B5');
    return { env, range };
  }

  it('counts each call per service and method, cells read/written, and adds the documented cost', () => {
    const { env, range } = sheetEnv();
    const before = env.stats.modelledMs;
    for (let i = 0; i < 10; i++) range.getValues();
    expect(env.stats.calls['SpreadsheetApp.Range.getValues']).toBe(10);
    expect(env.stats.cellsRead).toBe(100);
    const expected = 10 * LATENCY.spreadsheetCallMs + 100 * LATENCY.cellReadMs;
    expect(env.stats.modelledMs - before).toBeCloseTo(expected, 6);
    range.setValues(Array.from({ length: 5 }, () => ['x', 1]));
    expect(env.stats.cellsWritten).toBe(10);
    env.globals.PropertiesService.getScriptProperties().getProperty('x');
    expect(env.stats.calls).toMatchObject({
      'SpreadsheetApp.getActiveSheet': 1,
      'SpreadsheetApp.Sheet.getRange': 1,
      'SpreadsheetApp.Range.setValues': 1,
      'PropertiesService.getScriptProperties': 1,
      'PropertiesService.Properties.getProperty': 1,
    });
  });

  it('gives simple triggers (onOpen) only 30 s', () => {
    const env = createGasEnvironment(createState(), { kind: 'simple-trigger' });
    env.globals.Utilities.sleep(30_001);
    expect(() => env.globals.SpreadsheetApp.getActiveSheet()).toThrow(TIME_LIMIT_MESSAGE);
  });

  it('Utilities.sleep adds its duration without really sleeping', () => {
    const env = createGasEnvironment(createState());
    const started = Date.now();
    env.globals.Utilities.sleep(120_000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(env.stats.modelledMs).toBeGreaterThanOrEqual(120_000);
    expect(env.stats.modelledMsByService.Utilities).toBeGreaterThanOrEqual(120_000);
  });

  it('throws "Exceeded maximum execution time" on the first call after 360 s of modelled time', () => {
    const { env, range } = sheetEnv();
    env.globals.Utilities.sleep(300_000);
    env.globals.Utilities.sleep(59_000);
    range.getValues(); // 359 s + one round trip: still allowed (the limit is checked before each call)
    env.globals.Utilities.sleep(1_000);
    expect(env.stats.modelledMs).toBeGreaterThan(LATENCY.executionLimitMs);
    expect(() => range.getValues()).toThrow(TIME_LIMIT_MESSAGE);
    expect(() => env.globals.PropertiesService.getScriptProperties()).toThrow(TIME_LIMIT_MESSAGE);
  });
});

describe('Utilities, Session, Logger, console, MailApp', () => {
  it('formats dates in a time zone and computes digests as signed bytes', () => {
    const { globals } = createGasEnvironment(createState());
    const d = new Date('2026-11-01T09:05:07Z');
    expect(globals.Utilities.formatDate(d, 'America/New_York', "yyyy-MM-dd'T'HH:mm:ss XXX")).toBe(
      '2026-11-01T04:05:07 -05:00',
    );
    expect(globals.Utilities.formatDate(d, 'UTC', 'MMM d, yyyy h:mm a EEE')).toBe('Nov 1, 2026 9:05 AM Sun');
    const digest = globals.Utilities.computeDigest(globals.Utilities.DigestAlgorithm.MD5, 'abc');
    expect(digest.slice(0, 4)).toEqual([-112, 1, 80, -104]); // 900150983cd2… as Java signed bytes
    expect(globals.Utilities.base64Encode('héllo')).toBe('aMOpbGxv');
    expect(globals.Utilities.newBlob(globals.Utilities.base64Decode('aMOpbGxv')).getDataAsString()).toBe(
      'héllo',
    );
    const hmac = globals.Utilities.computeHmacSha256Signature('data', 'key');
    expect(Buffer.from(hmac.map((b) => b & 0xff)).toString('hex')).toBe(
      '5031fe3d989c6d1537a013fa6e739da23463fdaec3b70137d828e36ace221bd0',
    );
    expect(globals.Utilities.getUuid()).toMatch(/^[0-9a-f-]{36}$/);
    expect(globals.Utilities.parseCsv('a,"b ""q""",c\n1,2,3')).toEqual([
      ['a', 'b "q"', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('captures Logger and console output into the execution log and records mail', () => {
    const env = createGasEnvironment(createState(), { user: 'finance@msp.test', mailQuota: 2 });
    env.globals.Logger.log('pulled %s lines', 12);
    env.globals.console.warn('slow', { ms: 5 });
    expect(env.globals.Logger.getLog()).toBe('pulled 12 lines\n');
    expect(env.logs.map((l) => `${l.level}:${l.message}`)).toEqual([
      'Logger:pulled 12 lines',
      'warn:slow { ms: 5 }',
    ]);
    expect(env.globals.Session.getActiveUser().getEmail()).toBe('finance@msp.test');
    env.globals.MailApp.sendEmail('boss@msp.test', 'Billing pushed', '3 lines');
    env.globals.MailApp.sendEmail({ to: 'x@msp.test', subject: 's', body: 'b' });
    expect(env.globals.MailApp.getRemainingDailyQuota()).toBe(0);
    expect(() => env.globals.MailApp.sendEmail('y@msp.test', 's', 'b')).toThrow(/too many times/);
    expect(env.state.mail.map((m) => m.to)).toEqual(['boss@msp.test', 'x@msp.test']);
  });
});

describe('LockService in-process', () => {
  it('excludes another execution of the same runtime: tryLock false, waitLock throws, released at end', () => {
    const first = createGasEnvironment(createState());
    const second = createGasEnvironment(first.runtime);
    const lock = first.globals.LockService.getDocumentLock();
    expect(lock.tryLock(1000)).toBe(true);
    expect(lock.hasLock()).toBe(true);
    expect(second.globals.LockService.getDocumentLock().tryLock(0)).toBe(false);
    expect(() => second.globals.LockService.getDocumentLock().waitLock(5000)).toThrow(
      'Lock timeout: another process was holding the lock for too long.',
    );
    expect(second.stats.modelledMs).toBeGreaterThanOrEqual(5000);
    // A different lock type is independent.
    expect(second.globals.LockService.getScriptLock().tryLock(0)).toBe(true);
    first.end();
    expect(second.globals.LockService.getDocumentLock().tryLock(0)).toBe(true);
  });
});

describe('ScriptApp schedules and services', () => {
  it('computes everyDays().atHour() and everyHours() firings in the script time zone', () => {
    const state = createState({ now: Date.parse('2026-10-15T16:30:00Z') });
    const env = createGasEnvironment(state, { scriptTimeZone: 'America/New_York', triggerMinute: 0 });
    env.globals.ScriptApp.newTrigger('daily').timeBased().everyDays(1).atHour(6).create();
    env.globals.ScriptApp.newTrigger('hourly').timeBased().everyHours(2).create();
    const [daily, hourly] = state.triggers;
    expect(new Date(daily.nextRunAt ?? 0).toISOString()).toBe('2026-10-16T10:00:00.000Z'); // 06:00 EDT
    expect(new Date(hourly.nextRunAt ?? 0).toISOString()).toBe('2026-10-15T18:30:00.000Z');
    const t = env.globals.ScriptApp.getProjectTriggers()[0];
    expect([t.getHandlerFunction(), t.getEventType(), t.getTriggerSource()]).toEqual([
      'daily',
      'CLOCK',
      'CLOCK',
    ]);
    expect(env.globals.ScriptApp.getOAuthToken()).toMatch(/^ya29\./);
    expect(env.globals.ScriptApp.getService().getUrl()).toMatch(
      /^https:\/\/script\.google\.com\/macros\/s\/.+\/exec$/,
    );
    expect(env.globals.ScriptApp.AuthMode.FULL).toBe('FULL');
    expect(() => env.globals.ScriptApp.newTrigger('x').timeBased().everyMinutes(7)).toThrow(/everyMinutes/);
  });

  it('reads HTML files from the bundle folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gas-html-'));
    fs.writeFileSync(path.join(dir, 'sidebar.html'), '<div id="app"></div>');
    const env = createGasEnvironment(createState(), { bundleDir: dir });
    const out = env.globals.HtmlService.createHtmlOutputFromFile('sidebar')
      .setTitle('BillGrid')
      .setWidth(320);
    expect([out.getContent(), out.getTitle(), out.getWidth()]).toEqual([
      '<div id="app"></div>',
      'BillGrid',
      320,
    ]);
    expect(() => env.globals.HtmlService.createHtmlOutputFromFile('missing')).toThrow(
      'No HTML file named missing was found.',
    );
  });
});
