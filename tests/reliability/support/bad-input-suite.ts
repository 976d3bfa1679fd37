/**
 * Bad-input corpus: bad sheet edits, bad vendor records and bad PSA answers, each against the built
 * bundle in the emulator with the demo sandboxes. Every row of the table asserts the exact human
 * message the person sees (the row's Status cell, the pull's problems, or the error shown) and that
 * nothing wrong reached the PSA: no change request that names the spoiled row's line key, contract or
 * client (from the PSA sandbox's request log), while the good rows around it are still pushed.
 * Each PSA with bad-input hooks runs it from tests/connectors/psa/<id>/bad-inputs.test.ts (its hooks
 * say which shared cases apply, its own bad answers, and what a change request for a row names); the bad
 * records and answers of the sources the bench pulls come from tests/connectors/sources/<id>/bad-input-hooks.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionResult } from '../../../local/gas';
import { sourceName } from '../../../src/connectors/registry';
import { BENCH_SOURCES, startBench, type Bench, type Victim } from './bad-input-bench';
import type { MangleRule } from './mangler';
import { MONTH, TAB, gridRows, idOf, type GridRow } from './month';

export { idOf, type Bench, type GridRow };

export type Rec = Record<string, unknown>;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface BadCase {
  kind: string;
  /** Which approved row the case spoils (default: the charge row). */
  victim?: Victim;
  arrange?: (b: Bench, v: GridRow) => unknown;
  /** What the person does next (default: push). */
  act?: (b: Bench) => ExecutionResult | Promise<ExecutionResult>;
  /** The spoiled row's Status cell. */
  status?: RegExp;
  /** The error the person is shown (the execution fails with it). */
  error?: RegExp;
  /** One of the pull's problems. */
  problem?: RegExp;
  /** The other approved rows are pushed as usual (default: unless the whole push or pull failed). */
  othersPushed?: boolean;
  /** No change request reached the PSA at all (default: when the push failed before any row's Status). */
  nothingSent?: boolean;
  /** The row itself is fine and its change is sent (the PSA's answer is the bad input); `then` checks it landed once. */
  sends?: boolean;
  /** More checks (e.g. a second push, the Ledger). */
  then?: (b: Bench, v: GridRow, out: ExecutionResult) => void | Promise<void>;
}

/** The row's Status now: found by its vendor record id, since a case may move rows or edit the key. */
export const statusOf = (b: Bench, row: number | GridRow): string => {
  const rows = gridRows(b.m.runtime.state);
  const found =
    typeof row === 'number'
      ? rows.find((r) => r.rowNumber === row)
      : (rows.find((r) => r.rowNumber === row.rowNumber && r['Record id'] === row['Record id']) ??
        rows.find((r) => r['Record id'] === row['Record id']));
  return String(found?.Status ?? '');
};

/**
 * After the bad answer, a plain push finishes the month with one PSA record per approved row (`lines`:
 * how many records the PSA holds for a line key; a seat-count row has one of its own only when
 * `quantityHasLine`).
 */
export const pushAgainLandsOnce = async (
  b: Bench,
  lines: (b: Bench, key: unknown) => Promise<number>,
  quantityHasLine = false,
): Promise<void> => {
  for (const kind of Object.keys(b.proxies)) await b.spoil(kind, []);
  await b.m.sb.admin(b.psa).clearFaults();
  const again = b.push();
  expect(again.error).toBeNull();
  for (const r of Object.values(b.rows)) {
    expect(statusOf(b, r)).toMatch(/^(Pushed|Up to date): /);
    if (quantityHasLine || r !== b.rows.quantity) expect(await lines(b, r['Line key'])).toBe(1);
  }
};

/** Rows below the header are at sheet row n; a copied row is appended at the bottom. */
const appendCopy = (b: Bench, v: GridRow): number => {
  let at = 0;
  b.m.edit((g) => {
    const sheet = g.SpreadsheetApp.getActive().getSheetByName(TAB);
    if (!sheet) throw new Error('no tab');
    const values = sheet.getRange(v.rowNumber, 1, 1, sheet.getLastColumn()).getValues()[0];
    sheet.appendRow(values);
    at = sheet.getLastRow();
  });
  return at;
};

const sheetOp = (b: Bench, fn: (ss: GoogleAppsScript.Spreadsheet.Spreadsheet) => void) =>
  b.m.edit((g) => fn(g.SpreadsheetApp.getActive() as unknown as GoogleAppsScript.Spreadsheet.Spreadsheet));

const setProperty = (b: Bench, key: string, value: string) =>
  b.m.edit((g) => g.PropertiesService.getDocumentProperties().setProperty(key, value));

// ------------------------------------------------------------------------------------------- the corpus

export const SHEET_EDITS: BadCase[] = [
  {
    kind: 'quantity typed as a word',
    arrange: (b, v) => b.set(v.rowNumber, 'Quantity', 'ten'),
    status: /^⚠ Quantity 'ten' is not a number$/,
  },
  {
    kind: 'HTML in the quantity',
    arrange: (b, v) => b.set(v.rowNumber, 'Quantity', '<b>5</b>'),
    status: /^⚠ Quantity '<b>5<\/b>' is not a number$/,
  },
  {
    kind: 'formula that divides by zero in the unit price',
    arrange: (b, v) => b.set(v.rowNumber, 'Unit price', '=1/0'),
    status: /^⚠ Unit price '#DIV\/0!' is not a number$/,
  },
  {
    kind: 'formula with an unknown function in the unit cost',
    arrange: (b, v) => b.set(v.rowNumber, 'Unit cost', '=PRICEOF(A2)'),
    status: /^⚠ Unit cost '#NAME\?' is not a number$/,
  },
  {
    kind: 'unit cost deleted',
    arrange: (b, v) => b.set(v.rowNumber, 'Unit cost', ''),
    status: /^⚠ Unit cost is missing$/,
  },
  {
    kind: 'total typed as text',
    arrange: (b, v) => b.set(v.rowNumber, 'Total', 'abc'),
    status: /^⚠ Total 'abc' is not a number$/,
  },
  {
    kind: 'quantity 1e308 on a charge',
    arrange: (b, v) => b.set(v.rowNumber, 'Quantity', 1e308),
    status: /^Not pushed: Quantity 1e\+308 is too large to bill \(more than 1,000,000,000\); check the cell$/,
  },
  {
    kind: 'quantity 1e308 on a seat count',
    victim: 'quantity',
    arrange: (b, v) => b.set(v.rowNumber, 'Quantity', 1e308),
    status: /^Not pushed: Quantity 1e\+308 is too large to bill \(more than 1,000,000,000\); check the cell$/,
  },
  {
    kind: 'unit price of a billion and one',
    arrange: (b, v) => b.set(v.rowNumber, 'Unit price', 1_000_000_001),
    status:
      /^Not pushed: Unit price 1000000001 is too large to bill \(more than 1,000,000,000\); check the cell$/,
  },
  {
    kind: 'negative seats',
    victim: 'quantity',
    arrange: (b, v) => b.set(v.rowNumber, 'Quantity', -3),
    status: /^⚠ Quantity -3 cannot be negative for a recurring charge$/,
  },
  {
    kind: 'negative usage',
    arrange: (b, v) => b.set(v.rowNumber, 'Quantity', -1),
    status: /^⚠ Quantity -1 cannot be negative for a (arrears|usage|recurring) charge$/,
  },
  {
    kind: 'fractional seats',
    victim: 'quantity',
    arrange: (b, v) => b.set(v.rowNumber, 'Quantity', 2.5),
    status:
      /^Failed: Autotask keeps whole units on a contract service; 2\.5 is not a whole, non-negative number$/,
  },
  {
    kind: 'unknown currency',
    arrange: (b, v) => b.set(v.rowNumber, 'Currency', 'XYZ'),
    status: /^⚠ Currency 'XYZ' is not supported \(USD, EUR/,
  },
  {
    kind: 'currency deleted',
    arrange: (b, v) => b.set(v.rowNumber, 'Currency', ''),
    status: /^⚠ Currency is missing$/,
  },
  {
    kind: 'period start in day/month/year form',
    arrange: (b, v) => b.set(v.rowNumber, 'Period start', '31/10/2026'),
    status: /^⚠ Period start '31\/10\/2026' is not a date in yyyy-mm-dd form$/,
  },
  {
    kind: 'period start that is not a real day',
    arrange: (b, v) => b.set(v.rowNumber, 'Period start', "'2026-02-30"),
    status: /^⚠ Period start '2026-02-30' is not a real date$/,
  },
  {
    kind: 'period end before period start',
    arrange: (b, v) => b.set(v.rowNumber, 'Period end', "'2026-01-01"),
    status: /^⚠ Period end 2026-01-01 is before period start 2026-\d\d-01$/,
  },
  {
    kind: 'effective date in words',
    arrange: (b, v) => b.set(v.rowNumber, 'Effective date', 'next Tuesday'),
    status: /^⚠ Effective date 'next Tuesday' is not a date in yyyy-mm-dd form$/,
  },
  {
    kind: 'unknown billing cycle',
    arrange: (b, v) => b.set(v.rowNumber, 'Cycle', 'fortnightly'),
    status: /^⚠ Billing cycle 'fortnightly' is not one of monthly, annual, one-time, usage$/,
  },
  {
    kind: 'unknown charge type',
    arrange: (b, v) => b.set(v.rowNumber, 'Charge type', 'bogus'),
    status: /^⚠ Charge type 'bogus' is not one of recurring, pro-rata, arrears, usage, one-off$/,
  },
  {
    kind: 'line key deleted',
    arrange: (b, v) => b.set(v.rowNumber, 'Line key', ''),
    status:
      /^⚠ Line key is missing: a row typed by hand cannot be pushed; add the charge at the source and pull again$/,
  },
  {
    kind: 'line key edited into something else',
    arrange: (b, v) => b.set(v.rowNumber, 'Line key', 'BG-XYZ'),
    status: /^⚠ Line key 'BG-XYZ' is not a BillGrid line key \(BG- and 16 hex digits\); undo the edit$/,
  },
  {
    kind: 'line key copied from another row (duplicated key)',
    arrange: (b, v) => b.set(v.rowNumber, 'Line key', String(b.rows.good['Line key'])),
    status: /^⚠ Line key BG-[0-9a-f]{16} also appears on row \d+; delete the copied row$/,
    othersPushed: false,
    then: (b) =>
      expect(statusOf(b, b.rows.good.rowNumber)).toMatch(
        /^⚠ Line key .* also appears on row \d+; delete the copied row$/,
      ),
  },
  {
    kind: 'whole row copied to the bottom (duplicated row)',
    arrange: (b, v) => void appendCopy(b, v),
    status: /^⚠ Line key BG-[0-9a-f]{16} also appears on row \d+; delete the copied row$/,
    then: (b) => {
      const last = gridRows(b.m.runtime.state).at(-1) as GridRow;
      expect(String(last.Status)).toMatch(/also appears on row \d+; delete the copied row$/);
    },
  },
  {
    kind: 'product/SKU edited',
    arrange: (b, v) => b.set(v.rowNumber, 'Product/SKU', 'SOMETHING-ELSE'),
    status:
      /^⚠ Line key BG-[0-9a-f]{16} does not match this row's source, customer id, subscription, product\/SKU, charge type and period: one of them \(or the key\) was edited; undo the edit or pull the month again$/,
  },
  {
    kind: 'customer id edited',
    arrange: (b, v) => b.set(v.rowNumber, 'Customer id', 'someone-else'),
    status: /^⚠ Line key .* does not match this row's source, customer id/,
  },
  {
    kind: 'source renamed',
    arrange: (b, v) => b.set(v.rowNumber, 'Source', 'ebay'),
    status: /^⚠ Line key .* does not match this row's source/,
  },
  {
    kind: 'Approved typed as "yes"',
    arrange: (b, v) => b.set(v.rowNumber, 'Approved', 'yes'),
    status: /^⚠ Approved must be a checkbox \(TRUE\/FALSE\)$/,
  },
  {
    kind: 'Approved typed as a number',
    arrange: (b, v) => b.set(v.rowNumber, 'Approved', 7),
    status: /^⚠ Approved must be a checkbox \(TRUE\/FALSE\)$/,
  },
  {
    kind: 'PSA company that does not exist',
    arrange: (b, v) => b.set(v.rowNumber, 'PSA company', 'Nobody Inc [999999]'),
    status:
      /^⚠ PSA company 'Nobody Inc \[999999\]' is not in the PSA's company list; pick one from the dropdown$/,
  },
  {
    kind: "PSA contract of another client's company",
    arrange: (b, v) => b.set(v.rowNumber, 'PSA contract', String(b.rows.good['PSA contract'])),
    status: /^⚠ PSA contract '.*' belongs to another PSA company than '.*'$/,
  },
  {
    kind: 'PSA service/item that does not exist',
    arrange: (b, v) => b.set(v.rowNumber, 'PSA service/item', 'Mystery [424242]'),
    status:
      /^⚠ PSA service\/item 'Mystery \[424242\]' is not in the PSA's product list; pick one from the dropdown$/,
  },
];

export const TAB_EDITS: BadCase[] = [
  {
    // The month's tab is found by its developer-metadata mark, not its name: a rename changes nothing and
    // the month pushes as usual (its rows' statuses are checked in tests/e2e/renamed-tab.test.ts, since
    // this bench reads them by the tab's old name).
    kind: 'Billing tab renamed',
    arrange: (b) => sheetOp(b, (ss) => ss.getSheetByName(TAB)?.setName('Billing October')),
    sends: true,
    othersPushed: false,
  },
  {
    kind: 'Billing tab deleted',
    arrange: (b) =>
      sheetOp(b, (ss) => ss.deleteSheet(ss.getSheetByName(TAB) as GoogleAppsScript.Spreadsheet.Sheet)),
    error: new RegExp(
      `^No tab holds billing month ${MONTH} \\(none is marked as it or named '${TAB}'\\); pull ${MONTH} to create it$`,
    ),
  },
  {
    kind: 'required column renamed',
    arrange: (b) => b.set(1, 'Quantity', 'Qty'),
    error: new RegExp(`^Tab '${TAB}' has no 'Quantity' column; restore the header in row 1$`),
  },
  {
    kind: 'two Approved columns',
    arrange: (b) => b.set(1, 'Note', 'Approved'),
    error: new RegExp(
      `^Tab '${TAB}' has two 'Approved' columns \\([A-Z]+ and [A-Z]+\\); rename or delete one$`,
    ),
  },
  {
    kind: 'header row cleared',
    arrange: (b) => sheetOp(b, (ss) => ss.getSheetByName(TAB)?.getRange('1:1').clearContent()),
    error: new RegExp(`^Tab '${TAB}' has no 'Line key', 'Source', .* columns; restore the headers in row 1$`),
  },
  {
    kind: 'empty Billing tab',
    arrange: (b) => sheetOp(b, (ss) => ss.getSheetByName(TAB)?.clearContents()),
    error: new RegExp(`^Tab '${TAB}' has no 'Line key', .* columns; restore the headers in row 1$`),
  },
  {
    kind: 'extra header row pasted under the header',
    arrange: (b) =>
      sheetOp(b, (ss) => {
        const sheet = ss.getSheetByName(TAB) as GoogleAppsScript.Spreadsheet.Sheet;
        sheet.insertRowAfter(1);
        sheet
          .getRange(2, 1, 1, sheet.getLastColumn())
          .setValues(sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues());
      }),
    act: (b) => b.push(),
    then: (b) =>
      expect(statusOf(b, 2)).toMatch(
        /^⚠ Line key 'Line key' is not a BillGrid line key \(BG- and 16 hex digits\); undo the edit$/,
      ),
    othersPushed: true,
    status: /^Pushed: /,
  },
  {
    kind: 'Clients tab deleted',
    arrange: (b) =>
      sheetOp(b, (ss) => ss.deleteSheet(ss.getSheetByName('Clients') as GoogleAppsScript.Spreadsheet.Sheet)),
    status: /^Not pushed: Customer '.+' \(.+\) is not mapped to a PSA company$/,
    othersPushed: false,
    nothingSent: true,
  },
  {
    // The Ledger's chain (docs/SECURITY.md) sees the rows gone: nothing is pushed until an admin
    // acknowledges; then a new Ledger is started.
    kind: 'Ledger tab deleted (refused until acknowledged, then a new one is started)',
    arrange: (b) => {
      b.push();
      sheetOp(b, (ss) => ss.deleteSheet(ss.getSheetByName('Ledger') as GoogleAppsScript.Spreadsheet.Sheet));
      b.set(b.rows.charge.rowNumber, 'Quantity', Number(b.rows.charge.Quantity) + 1);
    },
    error:
      /^The Ledger's last \d+ rows were deleted by hand \(from row 2; BillGrid wrote \d+\)\. BillGrid does not push until an owner or admin/,
    othersPushed: false,
    then: (b, v) => {
      expect(b.m.run('acknowledgeLedgerChange', []).error).toBeNull();
      expect(b.push().error).toBeNull();
      expect(statusOf(b, v)).toMatch(/^Pushed: /);
      const ledger = gridRows(b.m.runtime.state, 'Ledger');
      expect(ledger.map((e) => String(e['Line key']))).toContain(String(v['Line key']));
      expect(ledger.map((e) => e.Operation)).toContain('acknowledge');
    },
  },
  {
    // Checked before the push starts (the Ledger is read for its chain): nothing is sent that could not
    // be recorded.
    kind: "Ledger's Result column renamed",
    arrange: (b) => {
      b.push();
      b.set(1, 'Result', 'Outcome', 'Ledger');
      b.set(b.rows.charge.rowNumber, 'Quantity', Number(b.rows.charge.Quantity) + 1);
    },
    error: /^Tab 'Ledger' has no 'Result' column; restore the header in row 1$/,
    othersPushed: false,
    then: (b) => {
      const props = b.m.runtime.state.properties.document;
      expect(Object.keys(props).some((k) => k.startsWith('bg.journal.'))).toBe(false);
      // With the header restored, the push goes through.
      b.set(1, 'Outcome', 'Result', 'Ledger');
      expect(b.push().error).toBeNull();
      expect(statusOf(b, b.rows.charge.rowNumber)).toMatch(/^Pushed: /);
    },
  },
];

export const ARGUMENTS: BadCase[] = [
  {
    kind: 'month 2026-13',
    act: (b) => b.m.run('pushBillingMonth', ['2026-13']),
    error: /^Billing month: Billing month must look like 2026-10 \(year-month\)$/,
  },
  {
    kind: 'month given as a number',
    act: (b) => b.m.run('pushBillingMonth', [202610]),
    error: /^Billing month: Billing month must be text like 2026-10$/,
  },
  {
    kind: 'approval filter with "yes"',
    act: (b) => b.m.run('approveRows', [MONTH, { approve: 'yes' }]),
    error: /^Approval filter: Approve must be true or false$/,
  },
  {
    kind: 'defaults with a switch typed as text',
    act: (b) => {
      const d = b.m.call('getDefaults') as { settings: { global: { modifiers: Rec } & Rec } & Rec };
      const global = {
        ...d.settings.global,
        modifiers: { ...d.settings.global.modifiers, dropAzure: 'yes' },
      };
      return b.m.run('saveDefaults', [{ ...d.settings, global }]);
    },
    error: /^Defaults: .*Drop Azure lines must be on or off$/,
  },
  {
    kind: 'defaults with a broken Azure name pattern',
    act: (b) => {
      const d = b.m.call('getDefaults') as { settings: { global: { azureRule: Rec } & Rec } & Rec };
      const azureRule = { ...d.settings.global.azureRule, namePatterns: ['(['] };
      return b.m.run('saveDefaults', [{ ...d.settings, global: { ...d.settings.global, azureRule } }]);
    },
    error: /^Defaults: .*Azure name pattern '\(\[' is not a valid pattern$/,
  },
  {
    kind: 'settings property damaged',
    arrange: (b) => setProperty(b, 'bg.settings', '{"global": tru'),
    error: /Open Defaults in the sidebar and save them again\.$/,
  },
  {
    kind: 'journal entry damaged',
    arrange: (b) => setProperty(b, 'bg.journal.deadbeefdeadbeef:0000000000000000', '{not json'),
    status: /^Pushed: /,
    then: (b) => {
      const ledger = gridRows(b.m.runtime.state, 'Ledger');
      expect(
        ledger.some(
          (e) => e.Result === 'failed' && /damaged|could not be read|not valid/i.test(String(e.Message)),
        ),
      ).toBe(true);
    },
  },
];

/** What a source gives the bad-input suite (tests/connectors/sources/<id>/bad-input-hooks.ts). */
export interface SourceBadInputHooks {
  /** Bad records and bad answers of this source's API (each case pulls). */
  records: readonly BadCase[];
  /** Spoils every list this source serves (for the case where every source fails at once). */
  everyList: MangleRule[];
}

const SOURCE_TESTS = path.resolve(__dirname, '..', '..', 'connectors', 'sources');

/** A source's bad-input hooks, found by convention; every source the bench pulls has them. */
export function sourceHooksOf(id: string): SourceBadInputHooks {
  const file = path.join(SOURCE_TESTS, id, 'bad-input-hooks.ts');
  if (!fs.existsSync(file)) throw new Error(`the bad-input bench pulls '${id}', which has no ${file}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- hooks load by convention
  return (require(file) as { hooks: SourceBadInputHooks }).hooks;
}

/** The bench's sources' bad records and answers, and every source answering garbage at once. */
export const VENDOR_RECORDS: BadCase[] = [
  ...BENCH_SOURCES.flatMap((id) => sourceHooksOf(id).records),
  {
    kind: 'both sources answer garbage to every list',
    arrange: async (b) => {
      for (const id of BENCH_SOURCES) await b.spoil(id, sourceHooksOf(id).everyList);
    },
    act: (b) => b.pull(),
    error: new RegExp(
      `^Nothing was pulled: ${BENCH_SOURCES.map((id) => `${escape(sourceName(id))}: .+`).join('; ')}`,
    ),
    then: (b) =>
      expect(gridRows(b.m.runtime.state).filter((r) => /^Removed/.test(String(r.Status)))).toEqual([]),
  },
];

// ------------------------------------------------------------------------------------------- the runner

/** The cases every PSA shares (the sheet, the tabs, the server functions' arguments, the sources' records). */
export const SHARED_CASES: readonly BadCase[] = [
  ...SHEET_EDITS,
  ...TAB_EDITS,
  ...ARGUMENTS,
  ...VENDOR_RECORDS,
];

/** What a PSA gives the bad-input suite (tests/connectors/psa/<id>/bad-input-hooks.ts). */
export interface PsaBadInputHooks {
  /**
   * The shared cases this PSA runs: all of them for one PSA per shape (the sheet- and source-side cases
   * do not depend on the PSA), those its own shape makes different (seat counts, contracts) for the others.
   */
  shared: readonly BadCase[];
  /** Bad answers of this PSA's API. */
  answers: readonly BadCase[];
  /** What a change request for the spoiled row would name besides its line key (its contract or client). */
  names(v: GridRow): string[];
}

export function badInputSuite(psa: string, hooks: PsaBadInputHooks): void {
  const cases = [...hooks.shared, ...hooks.answers];
  describe(`bad inputs (${psa})`, () => {
    let b: Bench;
    beforeAll(async () => {
      b = await startBench(psa);
    }, 120_000);
    afterAll(async () => {
      await b?.stop();
    });

    it.each(cases.map((c) => [c.kind, c] as const))('%s', async (_, c) => {
      await b.reset();
      const v = b.rows[c.victim ?? 'charge'];
      await c.arrange?.(b, v);
      await b.m.sb.admin(psa).clearRequests();
      const out = await (c.act ?? ((x: Bench) => x.push()))(b);
      if (c.error) {
        expect(out.error?.message).toMatch(c.error);
      } else {
        expect(out.error).toBeNull();
      }
      if (c.problem) {
        const problems = (out.result as { problems: string[] }).problems;
        expect(problems.find((p) => c.problem?.test(p)) ?? problems).toMatch(c.problem);
      }
      if (c.status) expect(statusOf(b, v)).toMatch(c.status);
      // Nothing reached the PSA for the spoiled row; the good rows went as usual.
      const mutations = await b.mutations();
      const names = [String(v['Line key']), ...hooks.names(v)];
      const rowFine = /^(Pushed|Up to date): /.test(statusOf(b, v));
      if (!c.sends && !rowFine) {
        for (const r of mutations)
          for (const n of names) expect(`${r.method} ${r.path} ${r.body}`).not.toContain(n);
      }
      if (c.nothingSent ?? ((!!c.error && !c.status) || !!c.problem)) expect(mutations).toEqual([]);
      if (c.othersPushed ?? (!c.error && !c.problem)) {
        for (const [name, row] of Object.entries(b.rows).filter(([k]) => k !== (c.victim ?? 'charge'))) {
          expect([name, statusOf(b, row)]).toEqual([name, expect.stringMatching(/^(Pushed|Up to date): /)]);
        }
      }
      await c.then?.(b, v, out);
    });
  });
}
