/**
 * Bad input, end to end: each kind of bad sheet edit or broken tab is made in a pulled month whose only
 * approved row is the edited one, then the built bundle pushes. The row (or the run) carries a specific,
 * human message, and not one change request reaches the PSA.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  GasRuntime,
  LocalHost,
  createGasEnvironment,
  deserializeState,
  serializeState,
} from '../../local/gas';
import type { GasGlobals } from '../../local/gas';
import { demoCredentials } from '../../local/demo/credentials';
import { DEMO_MONTH } from '../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../local/sandbox/framework';
import { urlMapFor } from '../../local/workbench/vendors';
import { DEMO_SOURCES, firstPsaWhere } from '../e2e/bundle-host';

const OWNER = 'owner@example.com';
/** A PSA that bills usage as charges on a contract (the row every case breaks is a new one). */
const PSA = firstPsaWhere((p) => p.capabilities.chargeContainer === 'contract');
const VENDORS = [...DEMO_SOURCES, PSA];
const TAB = `Billing ${DEMO_MONTH}`;
const code = fs.readFileSync(path.resolve(__dirname, '..', '..', 'dist', 'Code.js'), 'utf8');
const isMutation = (r: { method: string; path: string }): boolean =>
  r.method !== 'GET' && !/\/query(\/count|\/next)?$/i.test(r.path) && !/token$/i.test(r.path);

type Book = ReturnType<GasGlobals['SpreadsheetApp']['getActiveSpreadsheet']>;
type Sheet = NonNullable<ReturnType<Book['getSheetByName']>>;
interface Kind {
  what: string;
  /** Edits the sheet; `row` is the approved row's 1-based number, `col(header)` a column number. */
  edit: (sheet: Sheet, row: number, col: (header: string) => number, ss: Book) => void;
  /** Expected text in the row's Status cell, or in the push's error when the whole run must stop. */
  message: string | RegExp;
  where?: 'status' | 'error';
}

const set =
  (header: string, value: unknown): Kind['edit'] =>
  (sheet, row, col) =>
    sheet.getRange(row, col(header)).setValue(value);

const KINDS: Kind[] = [
  { what: 'text quantity', edit: set('Quantity', 'ten'), message: "Quantity 'ten' is not a number" },
  { what: 'quantity cleared', edit: set('Quantity', ''), message: 'Quantity is missing' },
  {
    what: 'infinite quantity',
    edit: set('Quantity', "'Infinity"),
    message: "Quantity 'Infinity' is not a number",
  },
  { what: 'text unit price', edit: set('Unit price', 'abc'), message: "Unit price 'abc' is not a number" },
  { what: 'unit price cleared', edit: set('Unit price', ''), message: 'Unit price is missing' },
  { what: 'text unit cost', edit: set('Unit cost', 'n/a'), message: "Unit cost 'n/a' is not a number" },
  { what: 'text total', edit: set('Total', 'lots'), message: "Total 'lots' is not a number" },
  { what: 'unknown currency', edit: set('Currency', 'XYZ'), message: /^⚠ Currency 'XYZ' is not supported/ },
  { what: 'currency cleared', edit: set('Currency', ''), message: 'Currency is missing' },
  {
    what: 'impossible date',
    edit: set('Period start', "'2026-02-30"),
    message: "Period start '2026-02-30' is not a real date",
  },
  {
    what: 'date in words',
    edit: set('Period end', 'end of month'),
    message: "Period end 'end of month' is not a date in yyyy-mm-dd form",
  },
  {
    what: 'period end before start',
    edit: set('Period end', "'2026-09-01"),
    message: /Period end 2026-09-01 is before period start/,
  },
  {
    what: 'effective date in words',
    edit: set('Effective date', 'soon'),
    message: "Effective date 'soon' is not a date in yyyy-mm-dd form",
  },
  {
    what: 'unknown charge type',
    edit: set('Charge type', 'monthly'),
    message: /Charge type 'monthly' is not one of/,
  },
  { what: 'unknown cycle', edit: set('Cycle', 'weekly'), message: /Billing cycle 'weekly' is not one of/ },
  { what: 'SKU cleared', edit: set('Product/SKU', ''), message: 'Product/SKU is missing' },
  { what: 'source cleared', edit: set('Source', ''), message: 'Source is missing' },
  { what: 'customer id cleared', edit: set('Customer id', ''), message: 'Customer id is missing' },
  {
    what: 'approved typed as text',
    edit: set('Approved', 'yes'),
    message: 'Approved must be a checkbox (TRUE/FALSE)',
  },
  {
    what: 'line key cleared',
    edit: set('Line key', ''),
    message: 'Line key is missing: a row typed by hand cannot be pushed',
  },
  {
    what: 'line key mangled',
    edit: set('Line key', 'BG-123'),
    message: "Line key 'BG-123' is not a BillGrid line key (BG- and 16 hex digits); undo the edit",
  },
  {
    what: 'HTML in the quantity',
    edit: set('Quantity', '<b>5</b>'),
    message: "Quantity '<b>5</b>' is not a number",
  },
  {
    what: 'formula text in the price',
    edit: set('Unit price', "'=1/0"),
    message: "Unit price '=1/0' is not a number",
  },
  {
    what: 'huge number as text',
    edit: set('Quantity', "'1e999"),
    message: 'Quantity Infinity is not a usable number',
  },
  {
    what: 'unknown PSA company picked',
    edit: set('PSA company', 'Nobody Ltd [999999]'),
    message: "PSA company 'Nobody Ltd [999999]' is not in the PSA's company list; pick one from the dropdown",
  },
  {
    what: 'duplicated row (same key twice)',
    edit: (sheet, row) => {
      const last = sheet.getLastRow();
      const values = sheet.getRange(row, 1, 1, sheet.getLastColumn()).getValues();
      sheet.getRange(last + 1, 1, 1, values[0].length).setValues(values);
    },
    message: /^⚠ Line key BG-[0-9a-f]{16} also appears on row \d+; delete the copied row$/,
  },
  {
    what: 'Quantity column deleted',
    edit: (sheet, _row, col) => sheet.getRange(1, col('Quantity')).setValue(''),
    message: /has no 'Quantity' column/,
    where: 'error',
  },
  {
    // A renamed month tab is no bad input: it is found by its mark (tests/e2e/renamed-tab.test.ts).
    what: 'month tab deleted',
    edit: (sheet, _r, _c, ss) => ss.deleteSheet(sheet),
    message: /^No tab holds billing month 2026-10 .*; pull 2026-10 to create it$/,
    where: 'error',
  },
  {
    what: 'Clients tab deleted',
    edit: (_s, _r, _c, ss) => ss.deleteSheet(ss.getSheetByName('Clients')!),
    message: /^Not pushed: Customer '.+' \(\w+\) is not mapped to a PSA company$/,
  },
  {
    what: 'Contracts tab deleted',
    edit: (_s, _r, _c, ss) => ss.deleteSheet(ss.getSheetByName('Contracts')!),
    message: /^Not pushed: No PSA contract is mapped for subscription \w+$/,
  },
];

describe(`bad input never reaches the PSA (built bundle, ${PSA})`, () => {
  let sb: RunningSandboxes;
  let runtime: GasRuntime;
  let host: LocalHost;
  let pulled: string;
  let psaInitial: unknown;
  let target = 0;

  const call = (fn: string, ...args: unknown[]) => host.run(fn, args, { kind: 'sidebar', user: OWNER });

  beforeAll(async () => {
    sb = await startSandboxes(VENDORS.map((kind) => ({ kind })));
    runtime = GasRuntime.create({ owner: OWNER }, { urlMap: urlMapFor(sb.urls) });
    host = new LocalHost(runtime, code, { check: false });
    const creds = demoCredentials();
    for (const kind of VENDORS) call('saveConnection', kind, creds[kind]);
    call('refreshClients');
    const d = call('getDefaults').result as {
      settings: { global: { codes: Record<string, unknown> } & Record<string, unknown> };
      codes: { itemCodes: { id: string }[]; serviceCodes?: { id: string }[] };
    };
    call('saveDefaults', {
      ...d.settings,
      global: {
        ...d.settings.global,
        productLifecycle: 'auto-create',
        codes: {
          ...d.settings.global.codes,
          itemCode: d.codes.itemCodes[0].id,
          serviceCode: d.codes.serviceCodes?.[0]?.id ?? null,
        },
      },
    });
    expect(call('pullBillingMonth', DEMO_MONTH).ok).toBe(true);
    // The row every case approves and breaks: a usage charge the PSA does not have yet.
    const env = createGasEnvironment(runtime);
    const sheet = env.globals.SpreadsheetApp.getActiveSpreadsheet().getSheetByName(TAB)!;
    const values = sheet.getDataRange().getValues();
    const h = values[0].map(String);
    target =
      values.findIndex(
        (r, i) =>
          i > 0 &&
          r[h.indexOf('Charge type')] === 'usage' &&
          /^Add charge/.test(String(r[h.indexOf('Action')])),
      ) + 1;
    expect(target).toBeGreaterThan(1);
    pulled = serializeState(runtime.state);
    psaInitial = await sb.admin(PSA).state();
  }, 120_000);
  afterAll(() => sb.stop());

  it('has at least 30 kinds here (with the sheet, source and PSA suites: well over 50)', () => {
    expect(KINDS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(KINDS.map((k) => [k.what, k] as const))('%s', async (_what, kind) => {
    runtime.state = deserializeState(pulled);
    await sb.admin(PSA).setState(psaInitial);
    const env = createGasEnvironment(runtime);
    const ss = env.globals.SpreadsheetApp.getActiveSpreadsheet();
    const sheet = ss.getSheetByName(TAB)!;
    const header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0].map(String);
    const col = (name: string) => header.indexOf(name) + 1;
    sheet.getRange(target, col('Approved')).setValue(true);
    kind.edit(sheet, target, col, ss);
    env.end();
    await sb.admin(PSA).clearRequests();

    const r = call('pushBillingMonth', DEMO_MONTH);
    if (kind.where === 'error') {
      expect(r.ok).toBe(false);
      expect(r.error?.message).toMatch(kind.message);
    } else {
      const check = createGasEnvironment(runtime);
      const s = check.globals.SpreadsheetApp.getActiveSpreadsheet().getSheetByName(TAB)!;
      const status = String(s.getRange(target, col('Status')).getValue());
      if (typeof kind.message === 'string') expect(status).toContain(kind.message);
      else expect(status).toMatch(kind.message);
      expect(status).not.toMatch(/^(Pushed|Up to date)/);
    }
    expect((await sb.admin(PSA).requests()).filter(isMutation)).toEqual([]);
  });
});
