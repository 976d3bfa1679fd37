/**
 * What a source gives the browser walk of a month (tests/browser/month-flow.test.ts), by convention:
 * tests/connectors/sources/<id>/walk-hooks.ts exporting `hooks`. After the demo month, the walk connects
 * each sandboxed source with walk hooks, pulls its month alone from the Month screen and checks the grid
 * with the hooks, so a source's walk needs no line in the browser tests and names no vendor there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sandboxedConnectors } from '../../local/sandbox/registry';

/** One grid row of the source, as pulled: its sheet row, a cell by header, the PSA contract's column. */
export interface WalkedLine {
  row: number;
  get(header: string): string;
  contractCol: number;
}

export interface SourceWalkHooks {
  /** What the source's demo month must show in the grid once pulled alone (expect() inside). */
  checkMonth(lines: WalkedLine[]): void;
  /**
   * The walk gives one of this source's subscriptions its own contract from the Contracts screen and
   * links another line of that customer to it in the grid (seed 004's per-subscription contracts).
   */
  ownContracts?: boolean;
}

const SOURCE_TESTS = path.resolve(__dirname, '..', 'connectors', 'sources');

/** Sandboxed sources with walk hooks, in the registry's order. */
export function walkedSources(): { id: string; hooks: SourceWalkHooks }[] {
  return sandboxedConnectors('source').flatMap(({ id }) => {
    const file = path.join(SOURCE_TESTS, id, 'walk-hooks.ts');
    if (!fs.existsSync(file)) return [];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- hooks load by convention
    return [{ id, hooks: (require(file) as { hooks: SourceWalkHooks }).hooks }];
  });
}
