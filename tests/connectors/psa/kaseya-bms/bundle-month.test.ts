/**
 * A Kaseya month through the BUILT bundle (dist/Code.js) in the emulator: Datto RMM and IT Glue counted,
 * Kaseya BMS billed. Connect all three, refresh (BMS's KaseyaOne organisation mappings imported as confirmed
 * client mappings), map the module SKUs to BMS services, pull, review, approve, push; a second push sends no
 * mutating request; with one contract service's sync stopped, the nightly sync leaves it untouched and
 * pushes exactly the other device-count change made in the Datto RMM sandbox; resumed, it pushes exactly
 * that service's change, then nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GasRuntime, LocalHost, setClock } from '../../../../local/gas';
import type { ExecutionResult } from '../../../../local/gas';
import { demoCredentials } from '../../../../local/sandbox/registry';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { urlMapFor } from '../../../../local/workbench/vendors';
import type { DattoState } from '../../../../local/sandbox/datto-rmm/server';
import type { BmsState } from '../../../../local/sandbox/kaseya-bms/server';
import { SERVICE, accountIdOf } from '../../../../local/sandbox/kaseya-bms/fixture';
import { isMutation } from './support';

const bundlePath = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'Code.js');
const KINDS = ['datto-rmm', 'it-glue', 'kaseya-bms'] as const;
const OWNER = 'owner@example.com';

/** The sheet's rows of a tab by header (values as stored). */
function tabRows(host: LocalHost, tab: string): Array<Record<string, unknown>> {
  const sheet = host.state.spreadsheets[0].sheets.find((s) => s.name === tab);
  if (!sheet) return [];
  const cell = (c: { v?: unknown } | null | undefined): unknown => (c == null ? '' : (c.v ?? ''));
  const header = (sheet.rows[0] ?? []).map((c) => String(cell(c)));
  return sheet.rows.slice(1).map((r) => Object.fromEntries(header.map((h, k) => [h, cell(r?.[k])])));
}

describe('a Kaseya month through the built bundle (Datto RMM + IT Glue → Kaseya BMS)', () => {
  let sb: RunningSandboxes;
  let host: LocalHost;
  const call = (fn: string, ...args: unknown[]): unknown => {
    const r: ExecutionResult = host.run(fn, args, { kind: 'sidebar', user: OWNER });
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  const bmsLines = async () => (await sb.admin('kaseya-bms').state<BmsState>()).lines;

  beforeAll(async () => {
    sb = await startSandboxes(KINDS.map((kind) => ({ kind })));
    const runtime = GasRuntime.create({ owner: OWNER }, { urlMap: urlMapFor(sb.urls) });
    host = new LocalHost(runtime, fs.readFileSync(bundlePath, 'utf8'));
    // Late in the demo month, so the nightly sync works on it.
    setClock(host.state, Date.parse('2026-10-28T12:00:00Z'));
  });
  afterAll(() => sb.stop());

  it('connects, imports the BMS mappings, pushes the month once, then only a device-count change; a stopped service is left alone', async () => {
    const creds = demoCredentials([...KINDS]);
    for (const kind of KINDS) call('saveConnection', kind, creds[kind]);
    const tested = call('testConnection', 'kaseya-bms') as { ok: boolean; message: string };
    expect(tested).toMatchObject({ ok: true });

    const refreshed = call('refreshClients') as { problems: string[]; kept: number };
    expect(refreshed.problems).toEqual([]);
    // BMS's organisation mappings are confirmed client mappings: Acme's two Datto sites (HQ and its
    // sub-organisation) → one account, Blue Harbor's site, and Cedar & Pine's IT Glue organisation.
    const clients = tabRows(host, 'Clients');
    const confirmed = (source: string, id: string) =>
      clients.find((r) => Object.values(r).includes(id) && Object.values(r).includes(source));
    for (const [source, id] of [
      ['datto-rmm', 'site-acme-hq'],
      ['datto-rmm', 'site-acme-north'],
      ['datto-rmm', 'site-blueharbor'],
      ['it-glue', '3300412'],
    ])
      expect(JSON.stringify(confirmed(source, id))).toMatch(/confirmed/i);
    // Clients nests the North clinic under Acme's HQ (BMS's organisations and sub-organisations).
    const listed = call('listClients') as {
      rows: {
        source: string;
        customerId: string;
        companyId: string | null;
        companyCode: string | null;
        parentId: string | null;
        parentName: string | null;
      }[];
    };
    expect(
      listed.rows
        .filter((r) => r.source === 'datto-rmm' && r.customerId.startsWith('site-acme'))
        .map((r) => [r.customerId, r.parentId, r.parentName]),
    ).toEqual([
      ['site-acme-hq', null, null],
      ['site-acme-north', 'site-acme-hq', 'Acme Dental - HQ'],
    ]);
    // Each mapped client carries its BMS account code (Clients searches by it, as BMS's mapping page filters).
    const accounts = (await sb.admin('kaseya-bms').state<BmsState>()).accounts;
    const mappedRows = listed.rows.filter((r) => r.companyId !== null);
    expect(mappedRows.length).toBeGreaterThan(3);
    for (const r of mappedRows) {
      const code = accounts.find((a) => String(a.Id) === r.companyId)?.AccountCode;
      expect(code).toBeTruthy();
      expect([r.customerId, r.companyCode]).toEqual([r.customerId, code]);
    }

    // The module SKUs are BMS catalogue services (a person's product mapping).
    const services: Record<string, [string, number]> = {
      'DATTO-RMM-WORKSTATIONS': ['datto-rmm', SERVICE.rmmWorkstation],
      'DATTO-RMM-SERVERS': ['datto-rmm', SERVICE.rmmServer],
      'DATTO-RMM-NETWORK-DEVICES': ['datto-rmm', SERVICE.rmmNetwork],
      'IT-GLUE-MANAGED-WORKSTATION': ['it-glue', SERVICE.itGlue],
    };
    for (const [sku, [source, id]] of Object.entries(services))
      call('assignProduct', { source, sku, productId: String(id) });

    // Automatic runs need a product mode other than "by hand"; every module SKU here is mapped anyway.
    const d = call('getDefaults') as {
      settings: { global: Record<string, unknown> } & Record<string, unknown>;
    };
    call('saveDefaults', {
      ...d.settings,
      global: { ...d.settings.global, productLifecycle: 'auto-create' },
    });

    const pulled = call('pullBillingMonth', DEMO_MONTH) as { lines: number; problems: string[] };
    expect(pulled.problems).toEqual([]);
    expect(pulled.lines).toBe(6 * 3 + 3);
    const review = call('reviewBillingMonth', DEMO_MONTH) as { byAction: Record<string, number> };
    expect(review.byAction['set-quantity'] ?? 0).toBeGreaterThan(0);
    call('approveRows', DEMO_MONTH, { approve: true });

    await sb.admin('kaseya-bms').clearRequests();
    const pushed = call('pushBillingMonth', DEMO_MONTH) as {
      applied: number;
      failed: number;
      finished: boolean;
    };
    const failures = JSON.stringify(host.state.spreadsheets[0].sheets).match(/Failed: [^"]*/g) ?? [];
    expect([...new Set(failures)]).toEqual([]);
    expect(pushed).toMatchObject({ failed: 0, finished: true });
    expect(pushed.applied).toBeGreaterThan(0);
    const lines = await bmsLines();
    const units = (contract: number, service: number) =>
      lines.filter((l) => l.ContractId === contract && l.ServiceId === service).map((l) => l.Units);
    // Acme: HQ 22 + North 6 workstations on the one existing line (no second line), 2 + 1 servers.
    expect(units(8001, SERVICE.rmmWorkstation)).toEqual([28]);
    expect(units(8001, SERVICE.rmmServer)).toEqual([3]);
    expect(units(8003, SERVICE.rmmWorkstation)).toEqual([38]);
    // Cedar & Pine: IT Glue's 55 managed workstations (archived ones not counted).
    expect(units(8004, SERVICE.itGlue)).toEqual([55]);
    console.log(
      `Kaseya month ${DEMO_MONTH}: ${pulled.lines} lines, ${JSON.stringify(review.byAction)}, ${pushed.applied} applied, ` +
        `${(await sb.admin('kaseya-bms').requests()).filter(isMutation).length} mutating requests`,
    );

    // A second push sends no mutating request.
    await sb.admin('kaseya-bms').clearRequests();
    const again = call('pushBillingMonth', DEMO_MONTH) as { applied: number };
    expect(again.applied).toBe(0);
    expect((await sb.admin('kaseya-bms').requests()).filter(isMutation)).toEqual([]);

    // A new schedule offers BMS's own nightly sync at midnight (seed 002); this test syncs at 02:00.
    expect((call('getSchedule') as { suggested: { nightlyHour: number | null } }).suggested.nightlyHour).toBe(
      0,
    );
    // The nightly sync (02:00 New York time).
    call('saveSchedule', { dayOfMonth: 2, hour: 6, pullFirst: true, nightlyHour: 2 });
    type Last = { lastRun: { outcome: string; message: string; trigger: string } };
    const changed = (s: Last) => Number(/: (\d+) changed/.exec(s.lastRun.message)?.[1]);
    const mutations = async () => (await sb.admin('kaseya-bms').requests()).filter(isMutation);
    const unitsNow = async (contract: number, service: number) =>
      (await bmsLines()).filter((l) => l.ContractId === contract && l.ServiceId === service);
    const enrol = async (site: string, n: number, from: number) => {
      const d = await sb.admin('datto-rmm').state<DattoState>();
      const model = d.devices.find((x) => x.siteUid === site && x.deviceClass === 'device')!;
      for (let i = 0; i < n; i++)
        d.devices.push({ ...model, id: from + i, uid: `dev-new-${from + i}`, hostname: `NEW-${from + i}` });
      await sb.admin('datto-rmm').setState(d);
    };

    // Stop on one service: Blue Harbor's workstations go back to manual billing; its other services and
    // every other account keep syncing.
    const service = {
      source: 'datto-rmm',
      customerId: 'site-blueharbor',
      subscriptionId: 'site-blueharbor:workstations',
      month: DEMO_MONTH,
    };
    type SyncView = {
      rows: Array<{ customerId: string; subscriptionId: string; stopped: boolean; nextSync: string | null }>;
    };
    const mine = (v: SyncView) => v.rows.filter((r) => r.customerId === 'site-blueharbor');
    const view = call('stopServiceSync', service) as SyncView;
    expect(mine(view).find((r) => r.subscriptionId === service.subscriptionId)).toMatchObject({
      stopped: true,
      nextSync: null,
    });
    // Blue Harbor's servers and network devices are contract services of their own, still synced.
    const others = mine(view).filter((r) => !r.stopped);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((r) => r.nextSync !== null)).toBe(true);

    // During the day two workstations are enrolled at Blue Harbor and one at Acme's north clinic.
    await enrol('site-blueharbor', 2, 99_000);
    await enrol('site-acme-north', 1, 99_100);
    const stoppedLine = await unitsNow(8003, SERVICE.rmmWorkstation);
    await sb.admin('kaseya-bms').clearRequests();
    host.fireDueTriggers(Date.parse('2026-10-29T06:59:00Z'));
    let s = call('getSchedule') as Last;
    expect(s.lastRun).toMatchObject({ outcome: 'finished', trigger: 'nightly' });
    // Only Acme's workstations follow Datto RMM (28 → 29); Blue Harbor's stopped service is untouched.
    expect(changed(s)).toBe(1);
    expect(await mutations()).toHaveLength(1);
    expect((await unitsNow(8001, SERVICE.rmmWorkstation)).map((l) => l.Units)).toEqual([29]);
    expect(await unitsNow(8003, SERVICE.rmmWorkstation)).toEqual(stoppedLine);
    expect(stoppedLine.map((l) => l.Units)).toEqual([38]);
    const held = tabRows(host, `Billing ${DEMO_MONTH}`).find(
      (r) => r.Subscription === service.subscriptionId,
    );
    expect(`${String(held?.Action)} ${String(held?.Status)}`).toMatch(/Sync stopped/);

    // Resumed: the next night pushes exactly Blue Harbor's device-count change (38 → 40), then nothing.
    call('resumeServiceSync', service);
    await sb.admin('kaseya-bms').clearRequests();
    host.fireDueTriggers(Date.parse('2026-10-30T06:59:00Z'));
    s = call('getSchedule') as Last;
    expect(s.lastRun).toMatchObject({ outcome: 'finished', trigger: 'nightly' });
    expect(changed(s)).toBe(1);
    expect(await mutations()).toHaveLength(1);
    expect((await unitsNow(8003, SERVICE.rmmWorkstation)).map((l) => l.Units)).toEqual([40]);

    // The night after: nothing changed, nothing sent.
    await sb.admin('kaseya-bms').clearRequests();
    host.fireDueTriggers(Date.parse('2026-10-31T06:59:00Z'));
    s = call('getSchedule') as Last;
    expect(s.lastRun).toMatchObject({ outcome: 'finished', trigger: 'nightly' });
    expect(changed(s)).toBe(0);
    expect(await mutations()).toEqual([]);
  }, 180_000);

  // Continues from the month above (pushed, Blue Harbor at 40 workstations on its own contract 8003).
  it('holds a customer mapped to one account whose contract belongs to another: Status and Review say why, never approved or pushed', async () => {
    // Someone lowers Blue Harbor's workstations in BMS: the month now has a change to push on contract 8003.
    const st = await sb.admin('kaseya-bms').state<BmsState>();
    const bhLine = st.lines.find((l) => l.ContractId === 8003 && l.ServiceId === SERVICE.rmmWorkstation)!;
    bhLine.Units = 35;
    await sb.admin('kaseya-bms').setState(st);

    // A person maps Blue Harbor's Datto site to Acme Dental's account on the Clients tab; its contract
    // services stay linked to Blue Harbor's contract.
    const clients = host.state.spreadsheets[0].sheets.find((x) => x.name === 'Clients')!;
    const head = (clients.rows[0] ?? []).map((c) => String(c?.v ?? ''));
    const row = clients.rows.find((r) => r?.[head.indexOf('Customer id')]?.v === 'site-blueharbor')!;
    const company = row[head.indexOf('PSA company')] as { v?: unknown };
    const own = company.v;
    company.v = String(accountIdOf('c01'));

    // Compare again (reads BMS now; Review and approval may answer from reads a few minutes old).
    call('reconcileBillingMonth', DEMO_MONTH);
    const grid = () => tabRows(host, `Billing ${DEMO_MONTH}`);
    const harbor = () => grid().filter((r) => r['Customer id'] === 'site-blueharbor');
    type Review = { wrongCompany?: Array<{ row: number; message: string }> };
    const review = call('reviewBillingMonth', DEMO_MONTH) as Review;
    // Both accounts and the fix, in Review and in each row's Status.
    const why =
      /Customer 'Blue Harbor Logistics' \(site-blueharbor\) is mapped to PSA company 'Acme Dental Group', but contract 'Managed Services Blue Harbor Logistics' belongs to 'Blue Harbor Logistics': pushing would bill 'Blue Harbor Logistics'\. Fix: /;
    expect(review.wrongCompany?.length).toBe(harbor().length);
    for (const r of review.wrongCompany ?? []) expect(r.message).toMatch(why);
    for (const r of harbor()) expect(String(r.Status)).toMatch(new RegExp(`^⚠ Held: ${why.source}`));

    // Never approved, not even in bulk after un-approving everything; never pushed.
    call('approveRows', DEMO_MONTH, { approve: false });
    call('approveRows', DEMO_MONTH, { approve: true });
    expect(harbor().map((r) => r.Approved)).toEqual(harbor().map(() => false));
    await sb.admin('kaseya-bms').clearRequests();
    call('pushBillingMonth', DEMO_MONTH);
    const sent = (await sb.admin('kaseya-bms').requests()).filter(isMutation);
    expect(sent).toEqual([]);
    expect((await bmsLines()).find((l) => l.Id === bhLine.Id)?.Units).toBe(35);
    for (const r of harbor()) expect(String(r.Status)).toMatch(new RegExp(`^⚠ Held: ${why.source}`));

    // Mapped back: the hold and its Status go, and the push brings the contract back to the month's 40.
    company.v = own;
    call('reconcileBillingMonth', DEMO_MONTH);
    expect((call('reviewBillingMonth', DEMO_MONTH) as Review).wrongCompany).toEqual([]);
    expect(harbor().filter((r) => String(r.Status).startsWith('⚠ Held'))).toEqual([]);
    call('approveRows', DEMO_MONTH, { approve: true });
    call('pushBillingMonth', DEMO_MONTH);
    expect((await bmsLines()).find((l) => l.Id === bhLine.Id)?.Units).toBe(40);
  }, 60_000);

  // Continues from the month above (every service as the month says).
  it("a push held back by the hour's limit continues the next hour from what it read and wrote: it reads again only the contracts it still writes", async () => {
    // Someone lowers a service by hand in BMS on each of three contracts; compare again and approve.
    const changed: Array<[number, number]> = [
      [8001, SERVICE.rmmWorkstation],
      [8003, SERVICE.rmmWorkstation],
      [8004, SERVICE.itGlue],
    ];
    const st = await sb.admin('kaseya-bms').state<BmsState>();
    const wanted = changed.map(([c, svc]) => {
      const line = st.lines.find((l) => l.ContractId === c && l.ServiceId === svc)!;
      line.Units -= 1;
      return line.Units + 1;
    });
    await sb.admin('kaseya-bms').setState(st);
    setClock(host.state, Date.parse('2026-10-31T14:20:00Z'));
    call('reconcileBillingMonth', DEMO_MONTH);
    call('approveRows', DEMO_MONTH, { approve: true });
    // Earlier work this hour left room for one more change of a service line (Kaseya's limit per endpoint).
    const hour = Math.floor(Date.parse('2026-10-31T14:30:00Z') / 3_600_000);
    host.state.properties.document['billgrid.connector.kaseya-bms.calls.northwindit'] = JSON.stringify({
      hour,
      counts: { 'PUT /v2/finance/contracts/recurringservices/{id}/services/{id}': 1499 },
    });
    const contractReads = async () =>
      (await sb.admin('kaseya-bms').requests())
        .filter((r) => r.method === 'GET' && /^\/v2\/finance\/contracts\/\d+$/.test(r.path))
        .map((r) => r.path);
    await sb.admin('kaseya-bms').clearRequests();
    const first = call('pushBillingMonth', DEMO_MONTH) as { applied: number; finished: boolean };
    expect(first).toMatchObject({ applied: 1, finished: false });
    // The push compared every contract of the month once.
    const compared = await contractReads();
    expect(compared.length).toBeGreaterThan(changed.length);
    expect(new Set(compared).size).toBe(compared.length);
    // The next hour: the continuation plans from what the push read and wrote, and reads only the two
    // contracts it still writes, each right before its write.
    await sb.admin('kaseya-bms').clearRequests();
    host.fireDueTriggers(Date.parse('2026-10-31T15:01:00Z'));
    const lines = await bmsLines();
    expect(
      changed.map(([c, svc]) =>
        lines.filter((l) => l.ContractId === c && l.ServiceId === svc).map((l) => l.Units),
      ),
    ).toEqual(wanted.map((u) => [u]));
    const mutations = (await sb.admin('kaseya-bms').requests()).filter(isMutation);
    expect(mutations).toHaveLength(2);
    const writtenNow = mutations.map((m) => /recurringservices\/(\d+)\//.exec(m.path)?.[1]).sort();
    expect((await contractReads()).sort()).toEqual(writtenNow.map((c) => `/v2/finance/contracts/${c}`));
    expect((call('getSchedule') as { lastRun: { outcome: string } }).lastRun.outcome).toBe('finished');
  }, 60_000);

  // Continues from the month above (every service as the month says, the rows approved).
  it('"Sync now" on one contract service pushes exactly its approved quantity, journalled, in the Ledger, with its last sync; again sends nothing; a stopped service or an incomplete mapping is refused with the reason', async () => {
    setClock(host.state, Date.parse('2026-10-31T16:10:00Z'));
    type SyncRow = { customerId: string; subscriptionId: string; lastSync: string | null };
    type Synced = {
      sync: { applied: number; unchanged: number; failed: number; finished: boolean };
      view: { rows: SyncRow[] };
    };
    const harbor = {
      source: 'datto-rmm',
      customerId: 'site-blueharbor',
      subscriptionId: 'site-blueharbor:workstations',
      month: DEMO_MONTH,
    };
    const north = {
      ...harbor,
      customerId: 'site-acme-north',
      subscriptionId: 'site-acme-north:workstations',
    };
    const lineOf = async (contract: number) =>
      (await bmsLines()).find((l) => l.ContractId === contract && l.ServiceId === SERVICE.rmmWorkstation)!;
    const monthUnits = { 8001: (await lineOf(8001)).Units, 8003: (await lineOf(8003)).Units };
    // Someone lowers both services by hand in BMS; the month is compared again and approved.
    const st = await sb.admin('kaseya-bms').state<BmsState>();
    for (const l of st.lines)
      if ([8001, 8003].includes(l.ContractId) && l.ServiceId === SERVICE.rmmWorkstation) l.Units -= 3;
    await sb.admin('kaseya-bms').setState(st);
    call('reconcileBillingMonth', DEMO_MONTH);
    call('approveRows', DEMO_MONTH, { approve: true });
    const ledgerRows = () => tabRows(host, 'Ledger').length;
    const ledgerBefore = ledgerRows();
    const lastSyncOf = (v: { rows: SyncRow[] }, s: typeof harbor) =>
      v.rows.find((r) => r.customerId === s.customerId && r.subscriptionId === s.subscriptionId)?.lastSync;
    const lastBefore = lastSyncOf(call('listServiceSync', DEMO_MONTH) as Synced['view'], harbor);
    const mutations = async () => (await sb.admin('kaseya-bms').requests()).filter(isMutation);

    // Sync now on Blue Harbor's workstations: exactly that contract service, nothing else.
    await sb.admin('kaseya-bms').clearRequests();
    const done = call('syncServiceNow', harbor) as Synced;
    expect(done.sync).toMatchObject({ applied: 1, failed: 0, finished: true });
    const sent = await mutations();
    expect(sent).toHaveLength(1);
    expect(sent[0].path).toMatch(/recurringservices\/8003\//);
    expect((await lineOf(8003)).Units).toBe(monthUnits[8003]);
    expect((await lineOf(8001)).Units).toBe(monthUnits[8001] - 3);
    // In the Ledger (one step), its row's Status and Last sync updated; the schedule's run says what it was.
    expect(ledgerRows()).toBe(ledgerBefore + 1);
    expect(JSON.stringify(tabRows(host, 'Ledger').at(-1))).toContain('8003');
    const lastAfter = lastSyncOf(done.view, harbor);
    expect(lastAfter).toEqual(expect.any(String));
    expect(lastAfter).not.toEqual(lastBefore);
    expect((call('getSchedule') as { lastRun: { message: string } }).lastRun.message).toMatch(
      /^Sync now of subscription site-blueharbor:workstations: 2026-10: 1 changed/,
    );

    // Again: nothing to send.
    await sb.admin('kaseya-bms').clearRequests();
    const again = call('syncServiceNow', harbor) as Synced;
    expect(again.sync).toMatchObject({ applied: 0, failed: 0 });
    expect(await mutations()).toEqual([]);
    expect(ledgerRows()).toBe(ledgerBefore + 1);

    // Acme's north clinic is summed with HQ into one BMS service: its sync pushes the whole quantity.
    await sb.admin('kaseya-bms').clearRequests();
    expect((call('syncServiceNow', north) as Synced).sync).toMatchObject({ applied: 1, failed: 0 });
    expect(await mutations()).toHaveLength(1);
    expect((await lineOf(8001)).Units).toBe(monthUnits[8001]);

    // Stopped (billed by hand): refused with the reason, nothing sent.
    call('stopServiceSync', harbor);
    const s2 = await sb.admin('kaseya-bms').state<BmsState>();
    s2.lines.find((l) => l.ContractId === 8003 && l.ServiceId === SERVICE.rmmWorkstation)!.Units -= 2;
    await sb.admin('kaseya-bms').setState(s2);
    await sb.admin('kaseya-bms').clearRequests();
    expect(() => call('syncServiceNow', harbor)).toThrow(/Sync is stopped for .*: nothing was sent/);
    expect(await mutations()).toEqual([]);
    call('resumeServiceSync', harbor);

    // A mapping incomplete for the service (its customer mapped to another account): refused, nothing sent.
    const clients = host.state.spreadsheets[0].sheets.find((x) => x.name === 'Clients')!;
    const head = (clients.rows[0] ?? []).map((c) => String(c?.v ?? ''));
    const row = clients.rows.find((r) => r?.[head.indexOf('Customer id')]?.v === 'site-blueharbor')!;
    const company = row[head.indexOf('PSA company')] as { v?: unknown };
    const own = company.v;
    company.v = String(accountIdOf('c01'));
    expect(() => call('syncServiceNow', harbor)).toThrow(
      /^syncServiceNow failed: Mapping Settings Incomplete/,
    );
    expect(await mutations()).toEqual([]);
    company.v = own;
    expect((await lineOf(8003)).Units).toBe(monthUnits[8003] - 2);
  }, 60_000);

  // Continues from the month above (Blue Harbor's workstations 2 below the month, its sync resumed).
  it('"Sync now" held back by the hour\'s limit continues the next hour with that service only', async () => {
    setClock(host.state, Date.parse('2026-10-31T17:10:00Z'));
    const harbor = {
      source: 'datto-rmm',
      customerId: 'site-blueharbor',
      subscriptionId: 'site-blueharbor:workstations',
      month: DEMO_MONTH,
    };
    const lineOf = async (contract: number) =>
      (await bmsLines()).find((l) => l.ContractId === contract && l.ServiceId === SERVICE.rmmWorkstation)!;
    // Acme's workstations are lowered by hand too; both are approved.
    const st = await sb.admin('kaseya-bms').state<BmsState>();
    const acme = st.lines.find((l) => l.ContractId === 8001 && l.ServiceId === SERVICE.rmmWorkstation)!;
    acme.Units -= 1;
    await sb.admin('kaseya-bms').setState(st);
    call('reconcileBillingMonth', DEMO_MONTH);
    call('approveRows', DEMO_MONTH, { approve: true });
    // This hour's contract reads are used up: the sync cannot compare now.
    const hour = Math.floor(Date.parse('2026-10-31T17:10:00Z') / 3_600_000);
    host.state.properties.document['billgrid.connector.kaseya-bms.calls.northwindit'] = JSON.stringify({
      hour,
      counts: { 'GET /v2/finance/contracts/{id}': 1500 },
    });
    await sb.admin('kaseya-bms').clearRequests();
    const first = call('syncServiceNow', harbor) as { sync: { applied: number; continuing: boolean } };
    expect(first.sync).toMatchObject({ applied: 0, continuing: true });
    expect((await sb.admin('kaseya-bms').requests()).filter(isMutation)).toEqual([]);
    // The next hour the continuation syncs Blue Harbor's workstations only; Acme's change waits for a push.
    host.fireDueTriggers(Date.parse('2026-10-31T18:01:00Z'));
    const sent = (await sb.admin('kaseya-bms').requests()).filter(isMutation);
    expect(sent).toHaveLength(1);
    expect(sent[0].path).toMatch(/recurringservices\/8003\//);
    expect((await lineOf(8001)).Units).toBe(acme.Units);
    const last = (call('getSchedule') as { lastRun: { outcome: string; message: string } }).lastRun;
    expect(last).toMatchObject({ outcome: 'finished' });
    expect(last.message).toMatch(
      /^Sync now of subscription site-blueharbor:workstations: 2026-10: 1 changed/,
    );
  }, 60_000);
});
