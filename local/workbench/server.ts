/**
 * The workbench: sandboxes seeded with the demo MSP, the emulator running dist/Code.js one execution
 * per action, and a local web page showing the workbook, the add-on menu, the real sidebar and a run log.
 * The web server runs on this (the host) thread, which never executes the bundle (see ARCHITECTURE.md).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { startSandboxes, type RunningSandboxes } from '../sandbox/framework';
import { clockNow, type ExecutionStats } from '../gas';
import { createWorkbenchHost, type ExecOutcome, type WorkbenchHost } from './host';
import type { RunLogEntry, RunReply, WorkbookSnapshot } from './protocol';
import { bundlePage, injectShim } from './assets';
import { activeSpreadsheet, sheetView, tabsOf } from './snapshot';
import { urlMapFor, WORKBENCH_SANDBOXES } from './vendors';
import { demoCredentials } from './demo-credentials';
import { demoCredentials as sandboxCredentials, demoMonthFor, demoSeeds } from '../sandbox/registry';
import type { DemoSeed } from '../sandbox/module';
import { canEdit } from '../gas/access';

const ROOT = path.resolve(__dirname, '..', '..');
const MAX_BODY = 2 * 1024 * 1024;
const RUN_LOG_LIMIT = 200;
const ADDON_NAME = 'BillGrid';
/** How the run log names what started an execution. */
const KIND_LABELS: Record<string, string> = {
  menu: 'menu',
  sidebar: 'sidebar',
  'simple-trigger': 'simple trigger',
  trigger: 'time trigger',
  direct: 'user edit',
};

export const DEMO_USERS = [
  { email: 'owner@northwind.example', label: 'owner@northwind.example (spreadsheet owner)' },
  { email: 'alex@northwind.example', label: 'alex@northwind.example (editor)' },
  { email: 'viewer@northwind.example', label: 'viewer@northwind.example (can only view)' },
];

export interface WorkbenchOptions {
  /** 0 = any free port. */
  port?: number;
  stateDir: string;
  /** Forget the saved workbook and sandbox states. */
  reset?: boolean;
  /** Folder with Code.js, sidebar.html, appsscript.json. */
  distDir?: string;
  /** Which sandboxes to start (default: every vendor sandbox that exists). */
  sandboxes?: string[];
  /**
   * The demo MSP's data in a new workbook (npm start): each sandbox folder's demo seed (a connected demo
   * account, sample vendor files imported) runs once as the owner, when the workbook is created.
   */
  demo?: boolean;
  /**
   * `npm start -- --psa <id>`: the demo month of that PSA: only its sandbox and its month's sources'
   * (local/sandbox/registry.ts demoMonthFor) start, and a new demo workbook has all of them connected with
   * their demo credentials, instead of the other connectors' demo seeds.
   */
  psa?: string;
  log?: (message: string) => void;
}

export interface Workbench {
  url: string;
  host: WorkbenchHost;
  sandboxUrls: Record<string, string>;
  stop(): Promise<void>;
}

function serviceTotals(stats: ExecutionStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(stats.calls)) {
    const service = key.split('.')[0];
    out[service] = (out[service] ?? 0) + n;
  }
  return out;
}

async function startAvailableSandboxes(
  kinds: string[],
  log: (m: string) => void,
): Promise<RunningSandboxes[]> {
  const present = kinds.filter((k) => fs.existsSync(path.join(ROOT, 'local', 'sandbox', k, 'server.ts')));
  // One worker per sandbox: a sandbox that fails to start must not take the others down.
  const started = await Promise.all(
    present.map(async (kind) => {
      try {
        return await startSandboxes([{ kind }]);
      } catch (e) {
        log(`Sandbox ${kind} did not start: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      }
    }),
  );
  return started.filter((s): s is RunningSandboxes => s !== null);
}

/** A demo workbook with a PSA's month connected: the PSA and its month's sources, with demo credentials. */
function connectedMonth(month: { psa: string; sources: string[] }): DemoSeed {
  const kinds = [...month.sources, month.psa];
  const creds = sandboxCredentials(kinds);
  return {
    label: `${kinds.join(', ')} connected (the demo month of --psa ${month.psa})`,
    calls: () => kinds.map((kind) => ({ fn: 'saveConnection', args: [kind, creds[kind]] })),
  };
}

const runSchema = z.object({
  fn: z.string().regex(/^[A-Za-z_$][\w$]*$/),
  args: z.array(z.unknown()).default([]),
});
const menuSchema = z.object({ functionName: z.string().regex(/^[A-Za-z_$][\w$]*$/) });
const editSchema = z.object({
  sheetId: z.number().int(),
  row: z.number().int().min(1),
  col: z.number().int().min(1),
  value: z.union([z.string().max(50_000), z.boolean(), z.number()]),
});
const activateSchema = z.object({ sheetId: z.number().int() });
const userSchema = z.object({ email: z.string().email() });

export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const log = options.log ?? ((m: string) => console.log(m));
  const stateDir = path.resolve(options.stateDir);
  const distDir = path.resolve(options.distDir ?? path.join(ROOT, 'dist'));
  if (!fs.existsSync(path.join(distDir, 'Code.js'))) {
    throw new Error(`No bundle at ${distDir}/Code.js: run "npm run build" first.`);
  }
  fs.mkdirSync(stateDir, { recursive: true });
  const workbookFile = path.join(stateDir, 'workbook.json');
  const runLogFile = path.join(stateDir, 'runlog.json');
  const sandboxFile = (kind: string) => path.join(stateDir, `sandbox-${kind}.json`);
  if (options.reset) {
    for (const f of fs.readdirSync(stateDir)) {
      if (f === 'workbook.json' || f === 'runlog.json' || /^sandbox-[\w-]+\.json$/.test(f))
        fs.rmSync(path.join(stateDir, f));
    }
  }

  const month = options.psa ? demoMonthFor(options.psa) : null;
  const kinds = options.sandboxes ?? (month ? [month.psa, ...month.sources] : WORKBENCH_SANDBOXES);
  const running = await startAvailableSandboxes(kinds, log);
  const sandboxUrls: Record<string, string> = Object.assign({}, ...running.map((r) => r.urls));
  const adminOf = (kind: string) => running.find((r) => r.urls[kind])?.admin(kind);
  for (const kind of Object.keys(sandboxUrls)) {
    const file = sandboxFile(kind);
    if (fs.existsSync(file)) await adminOf(kind)?.setState(JSON.parse(fs.readFileSync(file, 'utf8')));
  }

  const credentials = await demoCredentials(Object.keys(sandboxUrls));
  const newWorkbook = !fs.existsSync(workbookFile);
  const host = await createWorkbenchHost({
    stateFile: workbookFile,
    distDir,
    urlMap: urlMapFor(sandboxUrls),
    owner: DEMO_USERS[0].email,
    editors: [DEMO_USERS[0].email, DEMO_USERS[1].email],
  });

  let user = DEMO_USERS[0].email;
  let version = 1;
  let runSeq = 0;
  let runLog: RunLogEntry[] = [];
  try {
    if (fs.existsSync(runLogFile)) runLog = JSON.parse(fs.readFileSync(runLogFile, 'utf8')) as RunLogEntry[];
    runSeq = runLog.reduce((m, e) => Math.max(m, e.id), 0);
  } catch {
    runLog = [];
  }

  let savingSandboxes: Promise<void> = Promise.resolve();
  const saveSandboxes = () => {
    savingSandboxes = savingSandboxes.then(async () => {
      for (const kind of Object.keys(sandboxUrls)) {
        try {
          const state = await adminOf(kind)?.state();
          if (state !== undefined) fs.writeFileSync(sandboxFile(kind), JSON.stringify(state));
        } catch (e) {
          log(`Could not save the ${kind} sandbox: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    });
    return savingSandboxes;
  };

  let sandboxTimer: NodeJS.Timeout | null = null;
  const persist = () => {
    host.save();
    fs.writeFileSync(runLogFile, JSON.stringify(runLog));
    // Sandbox states can be large: save them once things settle.
    if (sandboxTimer) clearTimeout(sandboxTimer);
    sandboxTimer = setTimeout(() => {
      sandboxTimer = null;
      void saveSandboxes();
    }, 500);
  };

  const record = (outcome: ExecOutcome): RunReply => {
    runSeq += 1;
    runLog.push({
      id: runSeq,
      at: Date.now(),
      fn: outcome.fn,
      kind: KIND_LABELS[outcome.kind] ?? outcome.kind,
      user,
      ok: outcome.ok,
      error: outcome.ok ? null : (outcome.error?.message ?? 'failed'),
      modelledMs: outcome.stats.modelledMs,
      wallMs: outcome.stats.wallMs,
      services: serviceTotals(outcome.stats),
      calls: outcome.stats.calls,
      cellsRead: outcome.stats.cellsRead,
      cellsWritten: outcome.stats.cellsWritten,
      httpRequests: outcome.stats.httpRequests,
      logs: outcome.logs.slice(-20),
    });
    if (runLog.length > RUN_LOG_LIMIT) runLog = runLog.slice(-RUN_LOG_LIMIT);
    version += 1;
    persist();
    return outcome.ok ? { ok: true, value: outcome.value } : { ok: false, error: outcome.error };
  };

  /**
   * Google runs none of the spreadsheet's scripts for someone who can only view it (local/gas/access.ts):
   * a sidebar left open in front of them (their access was just reduced) reaches no server function.
   * The wording is the workbench's own; what Google answers then is not documented.
   */
  const viewOnly = () => ({
    ok: false,
    error: {
      name: 'Error',
      message: `${user} can only view this spreadsheet, so Google runs none of its scripts for them (workbench).`,
    },
  });

  const execute = async (fn: string, args: unknown[], kind: 'menu' | 'sidebar') =>
    record(await host.run(fn, args, { kind, user }));

  if (options.demo && newWorkbook) {
    // One execution per call, shown in the run log like the sidebar's; a seed that fails is logged, the
    // workbench still starts. The workbook opens on the sheet it had (a seed may add tabs).
    const opened = activeSpreadsheet(host.state()).activeSheetId;
    for (const seed of month ? [connectedMonth(month)] : demoSeeds()) {
      for (const c of seed.calls()) {
        const reply = await execute(c.fn, c.args, 'sidebar');
        if (!reply.ok) log(`Demo data: ${seed.label}: ${c.fn} failed: ${reply.error?.message ?? ''}`);
      }
      log(`Demo data: ${seed.label}`);
    }
    host.activateSheet(opened);
    host.save();
  }

  const snapshot = (): WorkbookSnapshot => {
    const state = host.state();
    const ss = activeSpreadsheet(state);
    const ui = state.ui;
    return {
      version,
      title: ss.name,
      user,
      users: DEMO_USERS,
      tabs: tabsOf(ss),
      activeSheetId: ss.activeSheetId,
      sheet: sheetView(ss, ss.activeSheetId),
      // Sheets lists an add-on's menu under Extensions by the add-on's name. onOpen never runs for someone
      // who can only view the spreadsheet, so they see no menu of the script's.
      menus: canEdit(state, user) ? ui.menus.map((m) => (m.addon ? { ...m, caption: ADDON_NAME } : m)) : [],
      sidebar: ui.sidebar ? { at: ui.sidebar.at, title: ui.sidebar.title } : null,
      dialog: lastDialog(ui.dialogs),
      alerts: ui.alerts
        .slice(-20)
        .map((a) => ({ at: a.at, title: a.title, prompt: a.prompt, answer: a.answer })),
      toasts: ui.toasts.slice(-20),
      runLog: runLog.slice(-50),
      sandboxes: sandboxUrls,
      triggers: state.triggers.map((t) => ({
        handler: t.handler,
        eventType: t.eventType,
        nextRunAt: t.nextRunAt,
      })),
      now: clockNow(state),
    };
  };

  let cachedState: { key: string; body: WorkbookSnapshot } | null = null;
  /** Everything the snapshot depends on besides the emulator state, which changes only with `version`. */
  const viewKey = () => `${version}\u0000${user}`;

  const assets = await bundlePage();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const message = e instanceof z.ZodError ? 'Bad request' : e instanceof Error ? e.message : String(e);
      if (!res.headersSent)
        send(res, e instanceof z.ZodError ? 400 : 500, { ok: false, error: { name: 'Error', message } });
    });
  });

  const send = (res: http.ServerResponse, status: number, body: unknown, type = 'application/json') => {
    const text = type === 'application/json' ? JSON.stringify(body) : String(body);
    res.writeHead(status, {
      'Content-Type': `${type}; charset=utf-8`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(text);
  };

  const readJson = (req: http.IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new Error('Request too large'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => {
        try {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(text ? (JSON.parse(text) as unknown) : {});
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
      req.on('error', reject);
    });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://workbench');
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
        return send(res, 200, assets.page, 'text/html');
      case 'GET /api/version':
        return send(res, 200, { version });
      case 'GET /api/state': {
        // One snapshot per state version: a big month tab takes a moment to draw into JSON.
        const view = viewKey();
        if (cachedState?.key !== view) cachedState = { key: view, body: snapshot() };
        return send(res, 200, cachedState.body);
      }
      case 'GET /api/demo-credentials':
        // Only when the page's "Sandbox credentials" panel is opened; never part of the state.
        return send(res, 200, { credentials });
      case 'GET /sidebar': {
        const sidebar = host.state().ui.sidebar;
        if (!sidebar) return send(res, 404, 'No sidebar is open.', 'text/plain');
        return send(res, 200, injectShim(sidebar.html, assets.shim, '/api/sidebar-run'), 'text/html');
      }
      case 'GET /dialog': {
        // The last dialog the script showed, with the same google.script shim as the sidebar.
        const dialog = host.state().ui.dialogs.at(-1);
        if (!dialog) return send(res, 404, 'No dialog is open.', 'text/plain');
        return send(res, 200, injectShim(dialog.html, assets.shim, '/api/sidebar-run'), 'text/html');
      }
      case 'POST /api/open': {
        // Opening the spreadsheet runs the onOpen simple trigger, which builds the add-on menu.
        const opened = await host.open(user);
        return send(res, 200, opened ? record(opened) : { ok: true });
      }
      case 'POST /api/menu': {
        const { functionName } = menuSchema.parse(await readJson(req));
        if (!canEdit(host.state(), user)) return send(res, 200, viewOnly());
        return send(res, 200, await execute(functionName, [], 'menu'));
      }
      case 'POST /api/sidebar-run': {
        const { fn, args } = runSchema.parse(await readJson(req));
        if (!canEdit(host.state(), user)) return send(res, 200, viewOnly());
        return send(res, 200, await execute(fn, args, 'sidebar'));
      }
      case 'POST /api/edit': {
        const edit = editSchema.parse(await readJson(req));
        const outcomes = await host.editCell(edit.sheetId, edit.row, edit.col, edit.value, user);
        const replies = outcomes.map(record);
        return send(res, 200, replies.find((r) => !r.ok) ?? replies[0]);
      }
      case 'POST /api/triggers/fire-next': {
        // Moves the emulator clock to the next time-driven trigger and runs every trigger then due.
        const outcomes = await host.fireNextTriggers();
        return send(res, 200, { ok: true, fired: outcomes.map(record).length });
      }
      case 'POST /api/activate': {
        const { sheetId } = activateSchema.parse(await readJson(req));
        host.activateSheet(sheetId);
        version += 1;
        host.save();
        return send(res, 200, { ok: true });
      }
      case 'POST /api/user': {
        const { email } = userSchema.parse(await readJson(req));
        if (!DEMO_USERS.some((u) => u.email === email)) return send(res, 400, { ok: false });
        user = email;
        version += 1;
        return send(res, 200, { ok: true });
      }
      default:
        return send(res, 404, { ok: false, error: { name: 'Error', message: `No route ${route}` } });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    host,
    sandboxUrls,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (sandboxTimer) clearTimeout(sandboxTimer);
      host.save();
      fs.writeFileSync(runLogFile, JSON.stringify(runLog));
      await saveSandboxes();
      await host.close();
      await Promise.all(running.map((r) => r.stop()));
    },
  };
}

function lastDialog(
  dialogs: ReadonlyArray<{ at: number; title: string; width: number; height: number }>,
): WorkbookSnapshot['dialog'] {
  const d = dialogs.at(-1);
  return d ? { at: d.at, title: d.title, width: d.width, height: d.height } : null;
}
