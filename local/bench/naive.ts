/**
 * The naive baseline: the same month written the way hand-made billing scripts often are — one
 * getRange().setValue() per cell, and the approvals read back one cell at a time — run in the emulator
 * on `lines` rows of 25 columns. Measured at a slice and extrapolated linearly (it is linear by
 * construction); the result says so.
 */
import { GasRuntime, LocalHost } from '../gas';

const NAIVE_BUNDLE = `
function naiveMonth(lines) {
  var sheet = SpreadsheetApp.getActiveSpreadsheet().insertSheet('Naive');
  for (var r = 0; r < lines; r++) {
    for (var c = 0; c < 25; c++) sheet.getRange(r + 2, c + 1).setValue(c === 10 ? r % 13 : 'v' + r + '-' + c);
  }
  var approved = 0;
  for (var r2 = 0; r2 < lines; r2++) if (sheet.getRange(r2 + 2, 22).getValue() !== '') approved++;
  return approved;
}
`;

export function naiveBaseline(lines: number) {
  const host = new LocalHost(GasRuntime.create(), NAIVE_BUNDLE);
  const r = host.run('naiveMonth', [lines], { limitMs: 24 * 60 * 60 * 1000 });
  const calls = Object.entries(r.stats.calls)
    .filter(([k]) => k.startsWith('SpreadsheetApp'))
    .reduce((n, [, v]) => n + v, 0);
  const per = (n: number) => Math.round((n / lines) * 20_000);
  return {
    measuredLines: lines,
    sheetsCalls: calls,
    modelledS: Math.round(r.stats.modelledMs / 1000),
    extrapolatedTo20000: { sheetsCalls: per(calls), modelledS: per(r.stats.modelledMs / 1000) },
    note: 'measured on the slice, extrapolated linearly to 20,000 lines (HTTP not included: one request per line would add 20,000 requests)',
  };
}
