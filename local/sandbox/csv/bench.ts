/**
 * The vendor file import's bench hooks (local/sandbox/bench.ts `ImportBench`), run by `npm run bench`: a
 * generated file of 50,000 rows (`--tiny`: 500; BILLGRID_CSV_ROWS to change) through the BUILT bundle in
 * the emulator, as the sidebar does it: preview, import (the file kept in its hidden tab), then a pull of
 * that integration into the month's grid. For each execution: Sheets calls, cells written, modelled time
 * (local/gas/LATENCY.md) and whether it fits Apps Script's 6 minutes. No PSA is connected: the pull's
 * comparison with a PSA is the month bench's business.
 *
 * Alone: `npx tsx local/sandbox/csv/bench.ts` (after `npm run build`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LATENCY, LocalHost, type ExecutionResult } from '../../gas';
import { IMPORT_CONNECTOR_ID } from '../../../src/connectors/sources/csv/import';
import type { ImportBench, ImportBenchRun, ImportBenchStep } from '../bench';
import { BULK_PROFILE, bulkCsv } from './bulk';

const bundlePath = path.resolve(__dirname, '..', '..', '..', 'dist', 'Code.js');
const MONTH = '2026-10';

function stepOf(step: string, r: ExecutionResult): ImportBenchStep {
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
export function benchImport(rows: number, code = fs.readFileSync(bundlePath, 'utf8')): ImportBenchRun {
  const runtime = GasRuntime.create({ owner: 'owner@example.com' });
  const host = new LocalHost(runtime, code, { check: false });
  const run = (fn: string, ...args: unknown[]) =>
    host.run(fn, args, { kind: 'sidebar', user: 'owner@example.com' });
  const text = bulkCsv(rows);
  const file = { name: 'bulk-2026-10.csv', base64: Buffer.from(text, 'utf8').toString('base64') };
  const steps = [
    stepOf('preview', run('previewFileImport', { file, month: MONTH, profile: BULK_PROFILE })),
    stepOf('import', run('importFile', { file, month: MONTH, profile: BULK_PROFILE })),
    stepOf('pull', run('pullBillingMonth', MONTH, `${IMPORT_CONNECTOR_ID}-${BULK_PROFILE.id}`)),
  ];
  return {
    title: `Vendor file import (CSV, ${BULK_PROFILE.name} profile)`,
    rows,
    megabytes: Number((Buffer.byteLength(text) / 1e6).toFixed(1)),
    steps,
  };
}

export const bench: ImportBench = {
  kind: 'import',
  importId: IMPORT_CONNECTOR_ID,
  run: ({ rows, code }) => benchImport(Number(process.env.BILLGRID_CSV_ROWS ?? rows), code),
};

if (require.main === module) {
  const r = benchImport(Number(process.env.BILLGRID_CSV_ROWS ?? 50_000));
  console.log(JSON.stringify(r, null, 2));
  process.exit(r.steps.every((s) => s.fits) ? 0 : 1);
}
