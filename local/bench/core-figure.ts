/**
 * The core-only figure: runs local/bench/core.ts (100,000 lines through line keys, modifiers, client
 * matching, reconciliation and the push plan, three runs) in a fresh Node process and reads its summary.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface CoreFigure {
  lines: number;
  /** Modifiers + matching + reconciliation, ms: first (cold) run, best wall, best CPU. */
  required: { firstMs: number; bestWallMs: number; bestCpuMs: number };
  /** Every stage (also line keys, mapping index, push plan). */
  allStages: { firstMs: number; bestWallMs: number; bestCpuMs: number };
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
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'core.ts')], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '..', '..'),
  });
  const lines = Number(/lines (\d+)/.exec(out)?.[1] ?? 0);
  return {
    lines,
    required: row(out, 'modifiers+matching+reconcile'),
    allStages: row(out, 'all stages'),
    output: out.trim(),
  };
}
