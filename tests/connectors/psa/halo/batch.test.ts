/**
 * HaloTarget.applyAll against the stateful Halo sandbox: a batch of steps is grouped by invoice (one
 * fresh read and ONE write per invoice, whatever the number of lines), each step keeps its own outcome,
 * an invoice that fails fails only its own steps, and an interrupted batch is finished by the next run
 * without a duplicate.
 */
import {
  startSandboxes,
  type LoggedRequest,
  type RunningSandboxes,
} from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import {
  createHaloTarget,
  policy,
  type HaloConfigInput,
  type HaloTarget,
} from '../../../../src/connectors/psa/halo';
import { HttpTransportError, type HttpClient } from '../../../../src/core/http';
import type { StepOutcome } from '../../../../src/core/psa';
import { TENANT_URL, testHttp, type TestHttp } from './support/http';
import { approved, bgLines, divergence, fullMonth, stepsOf, type Approved } from './support/scenario';

const isMutation = (r: LoggedRequest) => r.method !== 'GET' && r.path.startsWith('/api/');
/** "POST /api/Invoice", "GET /api/Invoice/:id": one request, its id left out. */
const route = (r: LoggedRequest) => `${r.method} ${r.path.replace(/\/-?\d+$/, '/:id')}`;
const tally = (rs: LoggedRequest[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of rs) out[route(r)] = (out[route(r)] ?? 0) + 1;
  return out;
};
const statuses = (out: StepOutcome[]) => out.map((o) => o.status);

/** Existing items (no auto-create): id, SKU, name, price, cost. */
const ITEMS = [
  ['1', 'MS-365-BP', 'Microsoft 365 Business Premium', 22, 18.7],
  ['2', 'MS-365-BS', 'Microsoft 365 Business Standard', 12.5, 10.63],
  ['3', 'MS-EXO-P1', 'Exchange Online (Plan 1)', 4, 3.4],
  ['6', 'DIST-GEN', 'Distributor charges (general)', 1, 0.5],
] as const;

/** `n` lines on each of six invoices: four clients' latest invoices and two recurring invoices. */
function spread(n: number): Approved[] {
  const containers: [string, string][] = [
    ['101', 'latest'],
    ['103', 'latest'],
    ['105', 'latest'],
    ['108', 'latest'],
    ['101', 'recurring:-90'],
    ['102', 'recurring:-91'],
  ];
  return containers.flatMap(([client, container]) =>
    Array.from({ length: n }, (_, i) => {
      const [id, sku, name, price, cost] = ITEMS[i % ITEMS.length];
      return approved(client, container, sku, name, i + 1, price, cost, id);
    }),
  );
}

describe('HaloPSA applyAll: one read and one write per invoice', () => {
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
  const make = (t: TestHttp = testHttp(policy, sb.urls.halo), http: HttpClient = t.http): HaloTarget =>
    createHaloTarget(config, http, { now: t.now, integrationName: 'Pax8' });

  describe('request counts', () => {
    it('N invoices changed: N writes and the same few reads whether they carry 2 or 12 lines each', async () => {
      const totals: number[] = [];
      for (const perInvoice of [2, 12]) {
        await admin().reset();
        const lines = spread(perInvoice);
        const out = make().applyAll(stepsOf(lines));
        expect(statuses(out)).toEqual(lines.map(() => 'applied'));
        expect(divergence(await state(), lines, null)).toEqual([]);
        const sent = await log();
        expect(tally(sent)).toEqual({
          'POST /auth/token': 1,
          'GET /api/Item': 1,
          // Every client's tax code in one list, not GET /Client/{id} per client.
          'GET /api/Client': 1,
          // The four clients on 'latest' in one list (client_ids), read in this batch, so it is the fresh
          // copy the writes start from; one GET compares the list view with the detail view once.
          'GET /api/Invoice': 1,
          'GET /api/Invoice/:id': 1,
          // The two recurring invoices in one list (client_ids), the same comparison once.
          'GET /api/RecurringInvoice': 1,
          'GET /api/RecurringInvoice/:id': 1,
          // Sign-in discovery, once per run.
          'GET /api/authinfo': 1,
          'POST /api/Invoice': 4,
          'POST /api/RecurringInvoice': 2,
        });
        const clientList = sent.find((q) => route(q) === 'GET /api/Invoice')!;
        expect(new URLSearchParams(clientList.query).get('client_ids')).toBe('101,103,105,108');
        totals.push(sent.length);
      }
      expect(totals[1]).toBe(totals[0]);
    });

    it('auto-creates the batch’s items in one request and each new invoice once', async () => {
      const lines = fullMonth();
      const out = make().applyAll(stepsOf(lines));
      expect(statuses(out)).toEqual(lines.map(() => 'applied'));
      expect(divergence(await state(), lines, 'BillGrid_Pax8')).toEqual([]);
      const sent = await log();
      const writes = tally(sent.filter(isMutation));
      expect(writes).toEqual({
        'POST /api/AssetGroup': 1,
        'POST /api/Item': 1,
        // 3 new invoices created with their lines, 105's and 108's latest written, 3 recurring.
        'POST /api/Invoice': 3 + 2,
        'POST /api/RecurringInvoice': 3,
      });
      const itemPost = sent.find((q) => route(q) === 'POST /api/Item')!;
      expect((JSON.parse(itemPost.body) as unknown[]).length).toBe(2); // MS-TEAMS-ESS, MS-DEF-BIZ
      // A new invoice is not read before it is created; the two latest invoices come from the batch's list
      // (one GET compares the list view with the detail view).
      expect(tally(sent)['GET /api/Invoice/:id']).toBe(1);
      const created = sent
        .filter((q) => route(q) === 'POST /api/Invoice')
        .map((q) => JSON.parse(q.body) as { id?: number; lines?: unknown[] }[]);
      expect(
        created
          .filter((b) => b[0].id === undefined)
          .map((b) => b[0].lines?.length)
          .sort(),
      ).toEqual([1, 1, 2]);
    });

    it('a second push sends no write, and after readBilling no invoice read either', async () => {
      const lines = fullMonth();
      make().applyAll(stepsOf(lines));
      await admin().clearRequests();

      const again = make().applyAll(stepsOf(lines));
      expect(statuses(again)).toEqual(lines.map(() => 'unchanged'));
      expect((await log()).filter(isMutation)).toEqual([]);

      await admin().clearRequests();
      const target = make();
      target.readBilling({
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
        companyIds: [...new Set(lines.map((l) => l.companyId))],
        contractIds: [...new Set(lines.map((l) => l.container))],
        lineKeys: lines.map((l) => l.key),
      });
      const afterRead = (await log()).length;
      expect(statuses(target.applyAll(stepsOf(lines)))).toEqual(lines.map(() => 'unchanged'));
      const pushed = (await log()).slice(afterRead);
      // The run's copies from readBilling show every line as approved, and readBilling read the client
      // list: only the catalogue.
      expect(tally(pushed)).toEqual({ 'GET /api/Item': 1 });
    });
  });

  describe('grouping', () => {
    it('several steps on one invoice: one write, each step its own line id', async () => {
      const lines = spread(3).filter((l) => l.container === 'latest' && l.companyId === '101');
      const out = make().applyAll(stepsOf(lines));
      const inv = (await state()).invoices.find((i) => i.id === 1002)!;
      expect(out).toEqual(
        lines.map((l) => ({
          status: 'applied',
          psaId: String(inv.lines.find((x) => x.comment_1 === l.key)!.id),
          message: 'Added on the invoice INV-1002',
        })),
      );
      expect(tally((await log()).filter(isMutation))).toEqual({ 'POST /api/Invoice': 1 });
    });

    it('an invoice that fails fails only its own steps; the rest of the batch is applied', async () => {
      const s = await state();
      s.invoices.filter((i) => i.client_id === 108).forEach((i) => (i.posted = true));
      await admin().setState(s);
      // The recurring invoice's write answers 500 (Halo may have acted: it is not sent again).
      await admin().faults([
        { match: { method: 'POST', pathPrefix: '/api/RecurringInvoice' }, times: 1, status: 500 },
      ]);
      const lines = [
        ...spread(2).filter((l) => l.container !== 'recurring:-91'),
        // Client 101's line on client 103's invoice: refused alone.
        approved('101', 'invoice:1004', 'MS-EXO-P1', 'Exchange Online (Plan 1)', 1, 4, 3.4, '3'),
        approved('103', 'invoice:1004', 'MS-EXO-P1', 'Exchange Online (Plan 1)', 2, 4, 3.4, '3'),
      ];
      const out = make().applyAll(stepsOf(lines));
      const expected = lines.map((l, i): Partial<StepOutcome> => {
        if (l.companyId === '108')
          return {
            status: 'failed',
            retryable: false,
            message:
              'Client 108 has no open invoice in HaloPSA to add charges to (the newest, invoice INV-1014, is posted); create one in HaloPSA, or set “When no invoice qualifies” to a new invoice (Defaults or the client’s settings)',
          };
        if (l.container === 'recurring:-90')
          return {
            status: 'failed',
            retryable: true,
            message: 'HaloPSA had a server error (500) while changing the lines of the recurring invoice -90',
          };
        if (i === lines.length - 2)
          return {
            status: 'failed',
            retryable: false,
            message: 'Invoice 1004 belongs to another HaloPSA client (Blue Harbor Logistics)',
          };
        return { status: 'applied' };
      });
      out.forEach((o, i) => expect(o).toMatchObject(expected[i]));
      const posts = (await log()).filter((q) => route(q) === 'POST /api/RecurringInvoice');
      // Answered 500: sent once, never replayed.
      expect(posts.map((q) => q.status)).toEqual([500]);

      // The next push writes only what is still missing.
      await admin().clearRequests();
      const again = make().applyAll(stepsOf(lines));
      const failedFirst = out.map((o) => o.status === 'failed' && o.retryable);
      again.forEach((o, i) => {
        if (failedFirst[i]) expect(o.status).toBe('applied');
        else expect(o.status).toBe(out[i].status === 'applied' ? 'unchanged' : 'failed');
      });
      expect(tally((await log()).filter(isMutation))).toEqual({ 'POST /api/RecurringInvoice': 1 });
    });

    it('a line BillGrid cannot read is never billed again; the invoice’s other steps still apply', async () => {
      const [a, b] = spread(2).filter((l) => l.container === 'latest' && l.companyId === '101');
      const s = await state();
      const inv = s.invoices.find((i) => i.id === 1002)!;
      // Halo keeps it; BillGrid cannot read it (an item id that is not a number).
      inv.lines.push({ ...inv.lines[0], id: 7777, comment_1: a.key, _itemid: 'legacy' as unknown as number });
      await admin().setState(s);
      const out = make().applyAll(stepsOf([a, b]));
      expect(out[0]).toEqual({
        status: 'failed',
        retryable: false,
        message:
          'The invoice INV-1002 already has a line for this row that BillGrid cannot read (line 7777); correct or delete it in HaloPSA, then push again',
      });
      expect(out[1]).toMatchObject({ status: 'applied', message: 'Added on the invoice INV-1002' });
      const after = (await state()).invoices.find((i) => i.id === 1002)!;
      expect(after.lines.filter((l) => l.comment_1 === a.key)).toEqual([
        expect.objectContaining({ id: 7777, _itemid: 'legacy' }),
      ]);
      expect(after.lines.filter((l) => l.comment_1 === b.key)).toHaveLength(1);
    });
  });

  describe('faults', () => {
    it('retries a 429 on a write after Retry-After and applies everything', async () => {
      const t = testHttp(policy, sb.urls.halo);
      await admin().faults([
        { match: { method: 'POST', pathPrefix: '/api/Invoice' }, times: 1, status: 429, retryAfter: 2 },
      ]);
      const lines = spread(2);
      expect(statuses(make(t).applyAll(stepsOf(lines)))).toEqual(lines.map(() => 'applied'));
      expect(t.sleeps).toEqual([2000]);
      expect(tally((await log()).filter(isMutation))['POST /api/Invoice']).toBe(4 + 1);
      expect(divergence(await state(), lines, null)).toEqual([]);
    });

    it('an item group whose create answered 500 is looked up again and created once, in the same batch', async () => {
      await admin().faults([
        { match: { method: 'POST', pathPrefix: '/api/AssetGroup' }, times: 1, status: 500 },
      ]);
      const lines = fullMonth();
      expect(statuses(make().applyAll(stepsOf(lines)))).toEqual(lines.map(() => 'applied'));
      const sent = await log();
      // Not a replay: the group list is read again first (it would show a group the 500 hid).
      expect(sent.filter((q) => q.path === '/api/AssetGroup').map((q) => `${q.method} ${q.status}`)).toEqual([
        'GET 200',
        'POST 500',
        'GET 200',
        'POST 200',
        'GET 200',
      ]);
      expect(divergence(await state(), lines, 'BillGrid_Pax8')).toEqual([]);
    });

    it('after a write timed out, sends no further change in that execution; the next run finishes', async () => {
      // Seven invoices: a first round of five writes (the policy's concurrency), then two.
      const lines = [
        ...spread(1),
        approved('107', 'latest', 'MS-EXO-P1', 'Exchange Online (Plan 1)', 1, 4, 3.4, '3'),
      ];
      const t = testHttp(policy, sb.urls.halo);
      let timedOut = false;
      // The first round of line writes reaches Halo, but its answers come too late.
      const slow: HttpClient = {
        request: (r) => t.http.request(r),
        requestAll: (rs) => {
          const res = t.http.requestAll(rs);
          if (!timedOut && rs.some((r) => r.method === 'post' && /"lines"/.test(r.body ?? ''))) {
            timedOut = true;
            throw new HttpTransportError(
              `HaloPSA did not answer a change request (Timeout: ${rs[0].url}); it was not sent again — the next run re-reads and finishes it`,
            );
          }
          return res;
        },
      };
      const out = make(t, slow).applyAll(stepsOf(lines));
      expect(out.map((o) => o.status === 'failed' && o.retryable)).toEqual(lines.map(() => true));
      const messages = out.map((o) => (o.status === 'failed' ? o.message : ''));
      expect(messages.filter((m) => /Timeout/.test(m) && !/^Not sent/.test(m))).toHaveLength(5);
      expect(
        messages.filter((m) => /^Not sent: an earlier change in this run timed out/.test(m)),
      ).toHaveLength(2);
      expect((await log()).filter(isMutation)).toHaveLength(5);

      await admin().clearRequests();
      const again = make().applyAll(stepsOf(lines));
      expect(statuses(again).sort()).toEqual([...Array(2).fill('applied'), ...Array(5).fill('unchanged')]);
      expect((await log()).filter(isMutation)).toHaveLength(2);
      expect(divergence(await state(), lines, null)).toEqual([]);
    });

    describe('an interrupted batch, at every change request', () => {
      const lines = fullMonth();
      const mutations = async (): Promise<number> => {
        await admin().reset();
        make().applyAll(stepsOf(lines));
        return (await log()).filter(isMutation).length;
      };

      for (const [fault, label] of [
        ['dropAfterHandling', 'crash after Halo acted'],
        ['drop', 'connection lost before Halo acted'],
      ] as const) {
        it(`${label}: the next run finishes without a duplicate, and the one after sends nothing`, async () => {
          const total = await mutations();
          expect(total).toBe(10);
          for (let i = 0; i < total; i++) {
            await admin().reset();
            await admin().faults([
              { match: { method: 'POST', pathPrefix: '/api/' }, after: i, times: 1, [fault]: true },
            ]);
            const first = make().applyAll(stepsOf(lines));
            // Whatever was cut short says so and may be retried; nothing else failed.
            const failed = first.filter((o) => o.status === 'failed');
            expect({ request: i, failed: failed.every((o) => o.status === 'failed' && o.retryable) }).toEqual(
              {
                request: i,
                failed: true,
              },
            );
            const second = make().applyAll(stepsOf(lines));
            expect({ request: i, failed: second.filter((o) => o.status === 'failed') }).toEqual({
              request: i,
              failed: [],
            });
            expect({ request: i, problems: divergence(await state(), lines, 'BillGrid_Pax8') }).toEqual({
              request: i,
              problems: [],
            });
            await admin().clearRequests();
            expect(statuses(make().applyAll(stepsOf(lines)))).toEqual(lines.map(() => 'unchanged'));
            expect((await log()).filter(isMutation)).toEqual([]);
          }
        });
      }
    });
  });

  it('keeps every BillGrid line key once across invoices after a batch', async () => {
    const lines = [...fullMonth(), ...spread(3)];
    make().applyAll(stepsOf(lines));
    const keys = bgLines(await state()).map((x) => String(x.line.comment_1));
    expect(keys.sort()).toEqual(lines.map((l) => l.key).sort());
  });
});
