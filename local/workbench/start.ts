/**
 * npm start -- [--port 8400] [--reset] [--state-dir .workbench] [--dist dist] [--psa <id>]
 * Serves the BillGrid workbench on 127.0.0.1 and keeps its state in .workbench/ between runs. A new
 * workbook (the first start, or --reset) starts with the demo MSP's data: each sandbox folder's demo seed
 * (local/sandbox/<folder>/demo-seed.ts), e.g. a connected demo account and sample vendor files imported.
 * --psa <id> runs that PSA's demo month instead: its sandbox and its month's sources' only, all connected in
 * a new workbook (use with --reset, or a --state-dir of its own, to switch an existing workbench).
 */
import path from 'node:path';
import { startWorkbench } from './server';
import { demoMonthFor } from '../sandbox/registry';

interface Args {
  port: number;
  reset: boolean;
  stateDir: string;
  distDir: string;
  psa?: string;
}

function parseArgs(argv: string[]): Args {
  const root = path.resolve(__dirname, '..', '..');
  const out: Args = {
    port: 8400,
    reset: false,
    stateDir: path.join(root, '.workbench'),
    distDir: path.join(root, 'dist'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--reset') out.reset = true;
    else if (flag === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error('--port takes a port number (0-65535).');
      out.port = port;
    } else if (flag === '--state-dir') out.stateDir = path.resolve(value() ?? '.workbench');
    else if (flag === '--dist') out.distDir = path.resolve(value() ?? 'dist');
    else if (flag === '--psa') {
      const psa = value();
      if (!psa) throw new Error('--psa takes a PSA connector id.');
      demoMonthFor(psa); // throws with the choices
      out.psa = psa;
    } else if (flag === '--help' || flag === '-h') {
      console.log(
        'Usage: npm start -- [--port 8400] [--reset] [--state-dir .workbench] [--dist dist] [--psa <id>]',
      );
      process.exit(0);
    } else throw new Error(`Unknown option ${arg} (try --help).`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const wb = await startWorkbench({ ...args, demo: true, log: (m) => console.log(m) });
  const sandboxes = Object.entries(wb.sandboxUrls)
    .map(([k, u]) => `${k} ${u}`)
    .join(', ');
  console.log(`Sandboxes: ${sandboxes || 'none'}`);
  console.log(`State: ${args.stateDir}${args.reset ? ' (reset)' : ''}`);
  console.log(`BillGrid workbench: ${wb.url}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('Saving and stopping…');
    wb.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
