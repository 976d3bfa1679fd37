/**
 * npm run bench:import — a vendor file of 50,000 rows (BILLGRID_CSV_ROWS to change) through the BUILT
 * bundle in the emulator, as the sidebar does it: preview, import (the file kept in its hidden tab), then
 * a pull of that integration into the month's grid. For each execution: Sheets calls, cells written,
 * modelled time (local/gas/LATENCY.md) and whether it fits Apps Script's 6 minutes. No PSA is connected:
 * the pull's comparison with a PSA is the month bench's business (npm run bench).
 *
 * A separate entry until the month bench (local/bench) reads per-sandbox hooks; then `benchImport` is
 * that hook.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LATENCY, LocalHost, type ExecutionResult } from '../../gas';
import { BULK_PROFILE, bulkCsv } from './bulk';

const bundlePath = path.resolve(__dirname, '..', '..', '..', 'dist', 'Code.js');
const MONTH = '2026-10';

export interface ImportStep {
  step: string;
  ok: boolean;
  sheetsCalls: number;
  cellsWritten: number;
  cellsRead: number;
  modelledMs: number;
  fits: boolean;
  wallMs: number;
  error?: string;
}

function stepOf(step: string, r: ExecutionResult): ImportStep {
  const sheetsCalls = Object.entries(r.stats.calls)
    .filter(([k]) => k.startsWith('SpreadsheetApp'))
    .reduce((n, [, c]) => n + c, 0);
  return {
    step,
    ok: r.ok,
    sheetsCalls,
    cellsWritten: r.stats.cellsWritten,
    cellsRead: r.stats.cellsRead,
    modelledMs: Math.round(r.stats.modelledMs),
    fits: r.ok && r.stats.modelledMs < LATENCY.executionLimitMs,
    wallMs: Math.round(r.stats.wallMs),
    ...(r.ok ? {} : { error: r.error?.message }),
  };
}

/** Preview, import and pull of a `rows`-row file: one execution each. */
export function benchImport(rows: number): { rows: number; megabytes: number; steps: ImportStep[] } {
  const runtime = GasRuntime.create({ owner: 'owner@example.com' });
  const host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
  const run = (fn: string, ...args: unknown[]) =>
    host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
  const text = bulkCsv(rows);
  const file = { name: 'bulk-2026-10.csv', base64: Buffer.from(text, 'utf8').toString('base64') };
  const steps = [
    stepOf('preview', run('previewFileImport', { file, month: MONTH, profile: BULK_PROFILE })),
    stepOf('import', run('importFile', { file, month: MONTH, profile: BULK_PROFILE })),
    stepOf('pull', run('pullBillingMonth', MONTH, `file-import-${BULK_PROFILE.id}`)),
  ];
  return { rows, megabytes: Number((Buffer.byteLength(text) / 1e6).toFixed(1)), steps };
}

if (require.main === module) {
  const rows = Number(process.env.BILLGRID_CSV_ROWS ?? 50_000);
  const r = benchImport(rows);
  console.log(`\nVendor file import: ${r.rows.toLocaleString('en')} rows, ${r.megabytes} MB`);
  console.log(
    '| Execution | Sheets calls | Cells written | Cells read | Modelled | Fits 6 min | Wall (this machine) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const s of r.steps)
    console.log(
      `| ${s.step} | ${s.sheetsCalls} | ${s.cellsWritten.toLocaleString('en')} | ${s.cellsRead.toLocaleString('en')} | ${(s.modelledMs / 1000).toFixed(1)} s | ${s.fits ? 'yes' : `NO${s.error ? ` (${s.error})` : ''}`} | ${(s.wallMs / 1000).toFixed(1)} s |`,
    );
  fs.mkdirSync(path.resolve(__dirname, '..', '..', '..', 'bench-results'), { recursive: true });
  fs.writeFileSync(
    path.resolve(__dirname, '..', '..', '..', 'bench-results', 'import.json'),
    JSON.stringify(r, null, 2),
  );
  process.exit(r.steps.every((s) => s.fits) ? 0 : 1);
}
