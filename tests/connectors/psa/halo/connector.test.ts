/**
 * The real Halo connector over the real RetryingHttpClient and the emulator's synchronous HTTP, against
 * the stateful Halo sandbox (on a worker thread).
 */
import {
  startSandboxes,
  type LoggedRequest,
  type RunningSandboxes,
} from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS, demoFixture } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { DEMO_CLIENTS } from '../../../../local/demo/msp';
import {
  createHaloTarget,
  policy,
  type HaloConfigInput,
  type HaloTarget,
} from '../../../../src/connectors/psa/halo';
import type { StepOutcome } from '../../../../src/core/psa';
import { TENANT_URL, testHttp, type TestHttp } from './support/http';
import { CODES, approved, divergence, fullMonth, runSteps, stepsOf } from './support/scenario';

const IN_PSA = DEMO_CLIENTS.filter((c) => c.psaName !== null).length;
const isMutation = (r: LoggedRequest) => r.method !== 'GET' && r.path.toLowerCase().startsWith('/api/');

describe('HaloPSA connector (integration)', () => {
  let sb: RunningSandboxes;
  let config: HaloConfigInput;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
    config = { baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS };
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('halo').reset());

  const admin = () => sb.admin('halo');
  const state = () => admin().state<HaloState>();
  const log = () => admin().requests();
  const patchState = async (patch: Partial<HaloState>) => admin().setState({ ...(await state()), ...patch });
  const http = () => testHttp(policy, sb.urls.halo);
  const make = (over: Partial<HaloConfigInput> = {}, t: TestHttp = http()): HaloTarget =>
    createHaloTarget({ ...config, ...over }, t.http, { now: t.now, integrationName: 'Pax8' });

  describe('connection', () => {
    it('tests the connection in plain words', () => {
      expect(make().testConnection()).toEqual({
        ok: true,
        message: `Connected to HaloPSA at northwind.halopsa.com: ${IN_PSA} clients`,
      });
    });

    it('says when the client ID / secret are wrong, without repeating the secret', async () => {
      const secret = 'wrong-secret-5f1e2d';
      const r = make({ clientSecret: secret }).testConnection();
      expect(r).toEqual({ ok: false, message: 'HaloPSA rejected the client ID / client secret (401)' });
      const sent = (await log()).find((q) => q.path === '/auth/token')!;
      expect(sent.query).toBe('tenant=northwind');
      expect(sent.body).toContain('grant_type=client_credentials');
      expect(sent.body).toContain('scope=all');
    });

    it('says when nothing answers at the address', () => {
      const r = make({ baseUrl: 'http://127.0.0.1:9' }).testConnection();
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/^Could not reach HaloPSA at 127\.0\.0\.1:9/);
    });

    it('rejects an unusable config before sending anything', () => {
      const t = http();
      expect(() => createHaloTarget({ ...config, baseUrl: 'ftp://x' }, t.http)).toThrow(
        'HaloPSA address must be a web address such as https://yourcompany.halopsa.com',
      );
      expect(() => createHaloTarget({ ...config, clientSecret: '' }, t.http)).toThrow(
        'HaloPSA client secret is missing',
      );
    });

    it('caches the token, refreshes it once on a 401, and again when it expires', async () => {
      const t = http();
      const target = make({}, t);
      target.listCompanies();
      target.listCompanies();
      expect((await log()).filter((q) => q.path === '/auth/token')).toHaveLength(1);
      await patchState({ tokens: {} }); // revoked on Halo's side
      expect(target.listCompanies()).toHaveLength(IN_PSA);
      const afterRevoke = await log();
      expect(afterRevoke.filter((q) => q.path === '/auth/token')).toHaveLength(2);
      expect(afterRevoke.filter((q) => q.status === 401)).toHaveLength(1);
      t.advance(3600 * 1000); // past expiry on our clock: refreshed before sending, no 401
      target.listCompanies();
      const end = await log();
      expect(end.filter((q) => q.path === '/auth/token')).toHaveLength(3);
      expect(end.filter((q) => q.status === 401)).toHaveLength(1);
    });

    it('retries a 429 after the Retry-After Halo sent', async () => {
      const t = http();
      await admin().faults([
        { match: { method: 'GET', pathPrefix: '/api/Client' }, status: 429, retryAfter: 7 },
      ]);
      expect(make({}, t).listCompanies()).toHaveLength(IN_PSA);
      expect(t.sleeps).toEqual([7000]);
    });
  });

  describe('reads', () => {
    it('pages clients with the fewest requests, adapting to the page size Halo serves', async () => {
      make({ pageSize: 10 }).listCompanies();
      let gets = (await log()).filter((q) => q.path === '/api/Client');
      expect(gets).toHaveLength(Math.ceil(IN_PSA / 10));
      await admin().clearRequests();
      await patchState({ maxPageSize: 8 });
      const all = make().listCompanies();
      expect(new Set(all.map((c) => c.id)).size).toBe(IN_PSA);
      gets = (await log()).filter((q) => q.path === '/api/Client');
      expect(gets).toHaveLength(Math.ceil(IN_PSA / 8));
      expect(gets[0].query).toContain('pageinate=true');
      expect(gets[0].query).toContain('page_size=1000');
    });

    it('reports a malformed client with its id instead of dropping it silently', async () => {
      const s = await state();
      s.clients[0] = { ...s.clients[0], name: undefined as unknown as string };
      await admin().setState(s);
      const target = make();
      expect(target.listCompanies()).toHaveLength(IN_PSA - 1);
      expect(target.problems).toEqual([
        { what: 'reading clients', recordId: '101', reason: 'name: name is missing' },
      ]);
    });

    it('lists items, codes for the dropdowns, and each client’s latest and recurring invoices', () => {
      const target = make();
      const products = target.listProducts();
      expect(products.find((p) => p.code === 'MS-365-BP')).toMatchObject({
        id: '1',
        unitPrice: 22,
        unitCost: 18.7,
      });
      const codes = target.listCodes();
      expect(codes.incomeAccounts.map((c) => c.id)).toEqual(['200', '210']);
      expect(codes.expenseAccounts.map((c) => c.id)).toEqual(['310', '320']);
      expect(codes.taxCodes.map((c) => c.name)).toEqual(['Sales Tax 8%', 'GST 10%', 'Tax Exempt']);
      expect(codes.itemCodes).toHaveLength(demoFixture().items.length);
      const contracts = target.listContracts(['101', '102', '104']);
      expect(contracts.map((c) => `${c.companyId} ${c.kind} ${c.id}`).sort()).toEqual([
        '101 invoice invoice:1002',
        '101 recurring-invoice recurring:-90',
        '102 recurring-invoice recurring:-91',
      ]);
    });
  });

  describe('latest invoice per client', () => {
    const clients = ['101', '103', '105', '107', '108', '112'];
    // The newest invoice that can take charges, under each rule: newer credit notes (105), voided (108)
    // and paid (103) invoices are passed over; 112's only unposted invoice was already sent, so it has one
    // only under 'unpaid'.
    const newest = [
      '101 1002 unsent+unpaid',
      '103 1004 unsent+unpaid',
      '105 1006 unsent+unpaid',
      '107 1008 unsent+unpaid',
      '108 1010 unsent+unpaid',
      '112 1012 unpaid',
    ];
    const latest = (target: HaloTarget) =>
      target
        .listContracts(clients)
        .filter((c) => c.kind === 'invoice')
        .map((c) => `${c.companyId} ${c.id.replace('invoice:', '')} ${c.latestUnder?.join('+')}`)
        .sort();
    const invoiceGets = async () => (await log()).filter((q) => q.path === '/api/Invoice');

    it('reads the clients’ invoice list once when it fits a page', async () => {
      expect(latest(make())).toEqual(newest);
      expect(await invoiceGets()).toHaveLength(1);
    });

    it('pages the list when that is fewer requests than one per client left', async () => {
      await patchState({ maxPageSize: 3 });
      expect(latest(make())).toEqual(newest);
      // 15 invoices, 3 a page; page 1 holds only invoices that cannot take charges: the 4 remaining
      // pages rather than one read for each of the 6 clients.
      expect(await invoiceGets()).toHaveLength(5);
    });

    it('reads the newest invoices of each client left when its history is long', async () => {
      await patchState({ maxPageSize: 2 });
      expect(latest(make())).toEqual(newest);
      // Page 1 holds a voided invoice and a credit note; 8 pages left, so one read for each of the 6
      // clients, each asking for its few newest (the newest may not take charges).
      const gets = await invoiceGets();
      expect(gets).toHaveLength(1 + 6);
      expect(gets.slice(1).every((q) => new URLSearchParams(q.query).get('page_size') === '5')).toBe(true);
    });
  });

  describe('product lifecycle', () => {
    const products = [
      { sku: 'MS-365-BP', name: 'Microsoft 365 Business Premium', unitPrice: 22, unitCost: 18.7 },
      { sku: 'MS-TEAMS-ESS', name: 'Microsoft Teams Essentials', unitPrice: 4, unitCost: 3.4 },
      { sku: 'twilio-usage', name: 'Voice & SMS usage', unitPrice: 1, unitCost: 0.5 },
    ];

    it('manual: blocks the push with the unreconciled products, sending nothing', async () => {
      const target = make();
      const r = target.ensureItems(products, {
        mode: 'manual',
        integrationName: 'Pax8',
        codes: CODES,
        mapped: { 'MS-365-BP': '1', 'twilio-usage': '999' },
      });
      expect(r).toEqual({
        ok: false,
        unreconciled: [products[1], products[2]],
        message:
          'Push blocked: 2 products are not reconciled to HaloPSA items: Microsoft Teams Essentials (MS-TEAMS-ESS), ' +
          'Voice & SMS usage (twilio-usage). Map them on the Products tab.',
      });
      expect((await log()).filter(isMutation)).toEqual([]);
      const ok = target.ensureItems(products, {
        mode: 'manual',
        integrationName: 'Pax8',
        codes: CODES,
        mapped: { 'MS-365-BP': '1', 'MS-TEAMS-ESS': '2', 'twilio-usage': '5' },
      });
      expect(ok).toEqual({
        ok: true,
        itemIds: { 'MS-365-BP': '1', 'MS-TEAMS-ESS': '2', 'twilio-usage': '5' },
        created: [],
        groupId: null,
      });
    });

    it('manual: pushes lines on the items mapped by hand', async () => {
      const lines = [
        approved('101', 'recurring:-90', 'MS-TEAMS-ESS', 'Microsoft Teams Essentials', 2, 4, 3.4, '2'),
        approved('103', 'latest', 'MS-365-BP', 'Microsoft 365 Business Premium', 1, 22, 18.7, '1'),
      ];
      const out = runSteps(make(), stepsOf(lines));
      expect(out.map((o) => o.status)).toEqual(['applied', 'applied']);
      expect(divergence(await state(), lines, null)).toEqual([]);
    });

    it('default item: every line uses the default item code and no item is created', async () => {
      const target = make();
      const r = target.ensureItems(products, {
        mode: 'default-item',
        integrationName: 'Pax8',
        codes: { ...CODES, itemCode: '6' },
        mapped: {},
      });
      expect(r).toEqual({
        ok: true,
        itemIds: { 'MS-365-BP': '6', 'MS-TEAMS-ESS': '6', 'twilio-usage': '6' },
        created: [],
        groupId: null,
      });
      const lines = products.map((p) =>
        approved('108', 'latest', p.sku, p.name, 1, p.unitPrice, p.unitCost, '6'),
      );
      expect(runSteps(target, stepsOf(lines)).every((o) => o.status === 'applied')).toBe(true);
      expect(divergence(await state(), lines, null)).toEqual([]);
      expect(
        target.ensureItems(products, {
          mode: 'default-item',
          integrationName: 'Pax8',
          codes: CODES,
          mapped: {},
        }),
      ).toMatchObject({ ok: false, message: 'Choose the default item code in the settings before pushing' });
    });

    it('auto-create: creates missing items once in BillGrid_<integration> with the default codes', async () => {
      const target = make();
      const r = target.ensureItems(products, {
        mode: 'auto-create',
        integrationName: 'Pax8',
        codes: CODES,
        mapped: {},
      });
      const s = await state();
      const group = s.assetGroups.find((g) => g.name === 'BillGrid_Pax8')!;
      // Created as an item group ("Use for Items"; Generic.showasitem).
      expect(group.showasitem).toBe(true);
      const teams = s.items.find((i) => i.supplier_part_code === 'MS-TEAMS-ESS')!;
      expect(teams).toMatchObject({
        name: 'Microsoft Teams Essentials',
        assetgroup_id: group.id,
        nominalcode: '200',
        purchasenominalcode: '310',
        taxcode: 1,
        baseprice: 4,
        costprice: 3.4,
      });
      // Existing items matched by SKU (1) and by exact name (5), used unmodified.
      expect(r).toEqual({
        ok: true,
        itemIds: { 'MS-365-BP': '1', 'MS-TEAMS-ESS': String(teams.id), 'twilio-usage': '5' },
        created: ['MS-TEAMS-ESS'],
        groupId: String(group.id),
      });
      await admin().clearRequests();
      expect(
        make().ensureItems(products, {
          mode: 'auto-create',
          integrationName: 'Pax8',
          codes: CODES,
          mapped: {},
        }),
      ).toEqual({ ...r, created: [], groupId: null });
      expect((await log()).filter(isMutation)).toEqual([]);
      expect(divergence(await state(), [], 'BillGrid_Pax8').filter((p) => !p.includes('unexpected'))).toEqual(
        [],
      );
    });

    it('auto-create: an item Halo’s distributor sync keyed by externalreference or third_party_id is used, not doubled', async () => {
      // Items as Halo's own distributor integrations leave them: no supplier part code, the SKU in
      // externalreference (Teams) or third_party_id (Defender); a name that matches neither product.
      const s = await state();
      const synced = (
        id: number,
        name: string,
        key: 'externalreference' | 'third_party_id',
        sku: string,
      ) => ({
        ...s.items[0],
        id,
        name,
        description: name,
        supplier_part_code: '',
        internalreference: '',
        [key]: sku,
      });
      s.items.push(
        synced(901, 'Teams Essentials (synced)', 'externalreference', 'ms-teams-ess'),
        synced(902, 'Defender for Business (synced)', 'third_party_id', 'MS-DEF-BIZ'),
      );
      await admin().setState(s);
      const wanted = [
        products[1],
        { sku: 'MS-DEF-BIZ', name: 'Microsoft Defender for Business', unitPrice: 3, unitCost: 2.55 },
      ];
      const target = make();
      expect(target.findProducts(wanted).get('MS-DEF-BIZ')).toMatchObject({ id: '902', code: 'MS-DEF-BIZ' });
      await admin().clearRequests();
      expect(
        target.ensureItems(wanted, {
          mode: 'auto-create',
          integrationName: 'Pax8',
          codes: CODES,
          mapped: {},
        }),
      ).toEqual({
        ok: true,
        itemIds: { 'MS-TEAMS-ESS': '901', 'MS-DEF-BIZ': '902' },
        created: [],
        groupId: null,
      });
      expect((await log()).filter(isMutation)).toEqual([]);
      // The sandbox keeps the declared fields it was given.
      expect((await state()).items.find((i) => i.id === 902)?.third_party_id).toBe('MS-DEF-BIZ');
    });
  });

  describe('invoice behaviours', () => {
    it('new, latest and recurring: the invoices equal the approved month, and a second push changes nothing', async () => {
      const lines = fullMonth();
      const first = runSteps(make(), stepsOf(lines));
      expect(first.filter((o) => o.status !== 'applied')).toEqual([]);
      expect(divergence(await state(), lines, 'BillGrid_Pax8')).toEqual([]);

      await admin().clearRequests();
      const again = runSteps(make(), stepsOf(lines));
      expect(again.map((o) => o.status)).toEqual(lines.map(() => 'unchanged'));
      const sent = await log();
      expect(sent.filter(isMutation)).toEqual([]);
      // Step by step (apply): one token, the item catalogue once, the client list once (every client's tax
      // code), one invoice list per client on 'latest'/'new' (101, 103, 105, 108) and one read per recurring
      // invoice: no re-read when nothing changes.
      expect(sent.map((q) => `${q.method} ${q.path}`).sort()).toEqual(
        [
          'GET /api/authinfo',
          'POST /auth/token',
          'GET /api/Item',
          'GET /api/Client',
          ...Array.from({ length: 4 }, () => 'GET /api/Invoice'),
          'GET /api/RecurringInvoice/-90',
          'GET /api/RecurringInvoice/-91',
          'GET /api/RecurringInvoice/-93',
        ].sort(),
      );
    });

    it('new invoices: one per month for a client, one per order id', async () => {
      const lines = fullMonth().filter((l) => l.container.startsWith('new:'));
      runSteps(make(), stepsOf(lines));
      const mine = (await state()).invoices.filter((i) => i.reference.startsWith('BillGrid '));
      expect(mine.map((i) => `${i.client_id} ${i.reference} ${i.lines.length}`).sort()).toEqual([
        '101 BillGrid new:month:2026-10 2',
        '103 BillGrid new:order:SO-5501 1',
        '103 BillGrid new:order:SO-5502 1',
      ]);
    });

    it('updates a changed line in place instead of adding another', async () => {
      const lines = fullMonth();
      runSteps(make(), stepsOf(lines));
      const changed = lines.map((l, i) =>
        i === 0 || i === 6 ? { ...l, quantity: l.quantity + 5, unitPrice: 9.99 } : l,
      );
      const out = runSteps(make(), stepsOf(changed));
      expect(out.map((o) => o.status)).toEqual(
        changed.map((_, i) => (i === 0 || i === 6 ? 'applied' : 'unchanged')),
      );
      expect(out[0].status === 'applied' && out[0].message).toMatch(/^Updated on the invoice INV-/);
      expect(divergence(await state(), changed, 'BillGrid_Pax8')).toEqual([]);
    });

    it('reads back the month’s BillGrid lines for reconciliation with few requests', async () => {
      const lines = fullMonth();
      runSteps(make(), stepsOf(lines));
      await admin().clearRequests();
      const target = make();
      const now = target.readBilling({
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
        companyIds: ['101', '102', '103', '105', '107', '108'],
        contractIds: [...new Set(lines.map((l) => l.container))],
        lineKeys: lines.map((l) => l.key),
      });
      expect(now.charges.map((c) => `${c.ref.lineKey} ${c.ref.container} ${c.quantity}`).sort()).toEqual(
        lines.map((l) => `${l.key} ${l.container} ${l.quantity}`).sort(),
      );
      const gets = (await log()).filter((q) => q.path.startsWith('/api/'));
      // The client list (bill-to clients), one invoice list for all six clients (client_ids, with lines)
      // and one recurring-invoice list.
      expect(gets.map((q) => `${q.method} ${q.path}`)).toEqual([
        'GET /api/authinfo',
        'GET /api/Client',
        'GET /api/Invoice',
        'GET /api/RecurringInvoice',
      ]);
      for (const q of gets.filter((g) => g.path !== '/api/Client' && g.path !== '/api/authinfo')) {
        expect(new URLSearchParams(q.query).get('client_ids')).toBe('101,102,103,105,107,108');
        expect(new URLSearchParams(q.query).get('includelines')).toBe('true');
      }
    });

    it('reports a chosen invoice Halo no longer has, and still reads the others', async () => {
      const target = make();
      const now = target.readBilling({
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
        companyIds: ['101'],
        contractIds: ['recurring:-90', 'recurring:-404'],
        lineKeys: [],
      });
      expect(now.charges).toEqual([]);
      expect(target.problems).toEqual([
        {
          what: 'reading recurring invoice -404',
          recordId: '-404',
          reason: 'HaloPSA no longer has this invoice',
        },
      ]);
    });

    it('fails a step readably when the latest invoice is posted, and never throws for a PSA 4xx', async () => {
      const s = await state();
      s.invoices.filter((i) => i.client_id === 108).forEach((i) => (i.posted = true));
      await admin().setState(s);
      const [out] = runSteps(
        make(),
        stepsOf([approved('108', 'latest', 'MS-EXO-P1', 'Exchange Online (Plan 1)', 1, 4, 3.4, '3')]),
      );
      expect(out).toEqual({
        status: 'failed',
        retryable: false,
        message:
          'Client 108 has no open invoice in HaloPSA to add charges to (the newest, invoice INV-1014, is posted); create one in HaloPSA, or set “When no invoice qualifies” to a new invoice (Defaults or the client’s settings)',
      });
    });
  });

  describe('crash after any single mutating request', () => {
    const lines = fullMonth();
    const count = async (): Promise<number> => {
      await admin().reset();
      runSteps(make(), stepsOf(lines));
      return (await log()).filter(isMutation).length;
    };

    const dropped = (o: StepOutcome) =>
      o.status === 'failed' && o.retryable && /did not answer a change request/.test(o.message);

    /**
     * The dropped request's step fails (retryable), except an item or item group create: that one is
     * settled by reading the list again (it landed) before anything else is sent, so no step fails.
     */
    const expectedDrop = async (i: number): Promise<boolean[]> => {
      const sent = await log();
      const cut = sent.filter(isMutation)[i];
      if (!/^\/api\/(Item|AssetGroup)$/.test(cut.path)) return [true];
      const next = sent.slice(sent.indexOf(cut) + 1).find((q) => q.path === cut.path);
      expect({ request: i, next: next && `${next.method} ${next.path}` }).toEqual({
        request: i,
        next: `GET ${cut.path}`,
      });
      return [];
    };

    it('a re-run after the process died leaves no duplicate line, invoice or item', async () => {
      const total = await count();
      expect(total).toBeGreaterThanOrEqual(lines.length);
      expect((await log()).filter(isMutation).every((q) => q.method === 'POST')).toBe(true);
      for (let i = 0; i < total; i++) {
        await admin().reset();
        // Halo acts on the i-th mutating request, the connection drops, and the run dies right there.
        await admin().faults(mutationFault(i));
        const target = make();
        const steps = stepsOf(lines);
        const first: StepOutcome[] = [];
        for (const step of steps) {
          first.push(target.apply(step));
          if (first[first.length - 1].status === 'failed') break;
        }
        expect(first.filter((o) => o.status === 'failed').map(dropped)).toEqual(await expectedDrop(i));
        const rerun = runSteps(make(), stepsOf(lines));
        expect(rerun.filter((o) => o.status === 'failed')).toEqual([]);
        expect({ request: i, problems: divergence(await state(), lines, 'BillGrid_Pax8') }).toEqual({
          request: i,
          problems: [],
        });
      }
    });

    it('a run that goes on after a dropped change request is finished by the next run', async () => {
      const total = await count();
      for (let i = 0; i < total; i++) {
        await admin().reset();
        await admin().faults(mutationFault(i));
        const first = runSteps(make(), stepsOf(lines));
        // The request is never sent twice: the step says so and the next run finishes it.
        expect(first.filter((o) => o.status === 'failed').map(dropped)).toEqual(await expectedDrop(i));
        const rerun = runSteps(make(), stepsOf(lines));
        expect(rerun.filter((o) => o.status === 'failed')).toEqual([]);
        expect({ request: i, problems: divergence(await state(), lines, 'BillGrid_Pax8') }).toEqual({
          request: i,
          problems: [],
        });
      }
    });

    it('folds what an interrupted run may have doubled: an empty second invoice, a second line', async () => {
      const lines2 = fullMonth();
      runSteps(make(), stepsOf(lines2));
      const s = await state();
      const mine = s.invoices.find((i) => i.reference === 'BillGrid new:month:2026-10')!;
      // An empty copy of the new invoice with a higher id, and a second copy of a line on the recurring invoice.
      s.invoices.push({ ...mine, id: 1999, invoicenumber: 'INV-1999', lines: [] });
      const rec = s.recurringInvoices.find((i) => i.id === -90)!;
      const line = rec.lines.find((l) => l.comment_1 === lines2[6].key)!;
      rec.lines.push({ ...line, id: 7999 });
      await admin().setState(s);
      const again = runSteps(make(), stepsOf(lines2));
      expect(again[6]).toMatchObject({
        status: 'applied',
        message: 'Updated (duplicate removed) on the recurring invoice -90',
      });
      const after = await state();
      expect(
        after.recurringInvoices.find((i) => i.id === -90)!.lines.filter((l) => l.comment_1 === lines2[6].key),
      ).toHaveLength(1);
      expect(after.invoices.find((i) => i.id === 1999)).toBeUndefined();
      expect(divergence(after, lines2, 'BillGrid_Pax8')).toEqual([]);
    });
  });
});

/** The i-th POST to /api/ (every mutation of a normal push is a POST) is handled, then its connection dropped. */
function mutationFault(i: number) {
  return [{ match: { method: 'POST', pathPrefix: '/api/' }, after: i, times: 1, dropAfterHandling: true }];
}
