/**
 * `npm start -- --psa kaseya-bms` (issue #19 item 5): the workbench's command line, run as npm start runs it
 * (tsx local/workbench/start.ts, on the built dist/), starts a Kaseya month: only the BMS, Datto RMM and IT
 * Glue sandboxes, and a new demo workbook with the three connected (BMS answering a connection test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoMonthFor } from '../../../../local/sandbox/registry';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const KINDS = ['datto-rmm', 'it-glue', 'kaseya-bms'];

describe('npm start -- --psa kaseya-bms', () => {
  let child: ChildProcess | null = null;
  let stateDir: string;

  beforeAll(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billgrid-start-psa-'));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  /** Starts the command line and resolves with the workbench URL it prints. */
  const start = (args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
      const p = spawn(tsx, [path.join(ROOT, 'local', 'workbench', 'start.ts'), ...args], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = p;
      let out = '';
      const onData = (b: Buffer) => {
        out += b.toString();
        const url = /BillGrid workbench: (http:\/\/\S+)/.exec(out)?.[1];
        if (url) resolve(url);
      };
      p.stdout?.on('data', onData);
      p.stderr?.on('data', onData);
      p.once('exit', (code) => reject(new Error(`start.ts exited (${code}) before serving:\n${out}`)));
    });

  const run = async (url: string, fn: string, ...args: unknown[]): Promise<unknown> => {
    const r = await fetch(`${url.replace(/\/$/, '')}/api/sidebar-run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fn, args }),
    });
    const reply = (await r.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
    if (!reply.ok) throw new Error(`${fn}: ${reply.error?.message}`);
    return reply.value;
  };

  it('starts only the Kaseya sandboxes, with BMS, Datto RMM and IT Glue connected in the new demo workbook', async () => {
    const url = await start([
      '--psa',
      'kaseya-bms',
      '--port',
      '0',
      '--reset',
      '--state-dir',
      stateDir,
      '--dist',
      path.join(ROOT, 'dist'),
    ]);
    const state = (await (await fetch(`${url.replace(/\/$/, '')}/api/state`)).json()) as {
      sandboxes: Record<string, string>;
    };
    expect(Object.keys(state.sandboxes).sort()).toEqual(KINDS);
    const view = (await run(url, 'getConnections')) as {
      connections: Array<{ kind: string; configured: boolean }>;
    };
    expect(
      view.connections
        .filter((c) => c.configured)
        .map((c) => c.kind)
        .sort(),
    ).toEqual(KINDS);
    expect(await run(url, 'testConnection', 'kaseya-bms')).toMatchObject({ ok: true });
  }, 60_000);

  it('refuses a PSA it does not know, naming the choices', () => {
    // start.ts checks --psa with this before starting anything.
    expect(() => demoMonthFor('no-such-psa')).toThrow(/^--psa takes one of .*kaseya-bms/);
    expect(demoMonthFor('kaseya-bms')).toEqual({ psa: 'kaseya-bms', sources: ['datto-rmm', 'it-glue'] });
  });
});
