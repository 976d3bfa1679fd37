/**
 * The core-only figure: runs local/bench/core.ts (100,000 lines through line keys, modifiers, client
 * matching, reconciliation and the push plan, three runs) in a fresh Node process and reads its summary,
 * bundled first as `npm run bench:core` bundles it (and as the add-on's code is bundled for Apps Script):
 * run through tsx, module by module, all stages took about 200 ms more.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { buildSync } from 'esbuild';

export interface CoreFigure {
  lines: number;
  /** Modifiers + matching + reconciliation, ms: first (cold) run, best wall, best CPU. */
  required: { firstMs: number; bestWallMs: number; bestCpuMs: number };
  /** Every stage (also line keys, mapping index, push plan): what #23 holds under 1 s. */
  allStages: { firstMs: number; bestWallMs: number; bestCpuMs: number };
  /** Matching 5,000 customers against 5,000 companies, measured apart (#23: under 1 s). */
  matching5k: { firstMs: number; bestWallMs: number; bestCpuMs: number };
  output: string;
}

const row = (out: string, label: string) => {
  const m = new RegExp(
    `^${label.replace(/[+]/g, '\\+')}\\s+([\\d.]+) ms\\s+([\\d.]+) ms\\s+([\\d.]+) ms`,
    'm',
  ).exec(out);
  if (!m) throw new Error(`core bench printed no '${label}' row:\n${out}`);
  return { firstMs: Number(m[1]), bestWallMs: Number(m[2]), bestCpuMs: Number(m[3]) };
};

export function coreFigure(): CoreFigure {
  const root = path.resolve(__dirname, '..', '..');
  const outfile = path.join(root, 'bench-results', 'core-bench.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'core.ts')],
    bundle: true,
    platform: 'node',
    logLevel: 'warning',
    outfile,
  });
  const out = execFileSync(process.execPath, [outfile], { encoding: 'utf8', cwd: root });
  const lines = Number(/lines (\d+)/.exec(out)?.[1] ?? 0);
  return {
    lines,
    required: row(out, 'modifiers+matching+reconcile'),
    allStages: row(out, 'all stages'),
    matching5k: row(out, 'matching 5000 × 5000'),
    output: out.trim(),
  };
}
