/**
 * HaloPSA bounded reads (issue #16 item 6): when the month job says which keys no push has sent
 * (`unsentKeys`), readBilling and a push's placement read the clients' OPEN invoices only
 * (`notpostedonly=true`), and every client's whole invoice history only where a line BillGrid may have
 * sent is not on them — a line on an invoice posted since must never be added a second time. Under both
 * sandbox variants of the posted filter (honoured, ignored).
 */
import {
  startSandboxes,
  type LoggedRequest,
  type RunningSandboxes,
} from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS, type HaloVariant } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { createHaloTarget, policy, type HaloTarget } from '../../../../src/connectors/psa/halo';
import type { PsaReadScope, PushStep, StepOutcome } from '../../../../src/core/psa';
import { TENANT_URL, testHttp } from './support/http';
import { approved, bgLines, divergence, fullMonth, stepsOf, type Approved } from './support/scenario';

const isMutation = (r: LoggedRequest) => r.method !== 'GET' && r.path.toLowerCase().startsWith('/api/');
const invoiceLists = (log: LoggedRequest[]) =>
  log.filter((r) => r.method === 'GET' && r.path.toLowerCase() === '/api/invoice');
const openOnly = (r: LoggedRequest) => new URLSearchParams(r.query).get('notpostedonly') === 'true';

describe('HaloPSA bounded reads', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
  });
  afterAll(() => sb.stop());
  beforeEach(() => sb.admin('halo').reset());

  const admin = () => sb.admin('halo');
  const state = () => admin().state<HaloState>();
  const patch = async (f: (s: HaloState) => void) => {
    const s = await state();
    f(s);
    await admin().setState(s);
  };
  const make = (): HaloTarget => {
    const t = testHttp(policy, sb.urls.halo);
    return createHaloTarget({ baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS }, t.http, {
      now: t.now,
      integrationName: 'Pax8',
    });
  };
  /** The steps again, each with the Halo line id the first push recorded (the row's PSA reference). */
  const recorded = (steps: PushStep[], outcomes: StepOutcome[]): PushStep[] =>
    steps.map((s, i) => {
      const o = outcomes[i];
      return o.status === 'failed' ? s : { ...s, psaId: o.psaId };
    });
  const scopeOf = (lines: Approved[], outcomes: StepOutcome[] | null, unsent: string[]): PsaReadScope => ({
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    companyIds: [...new Set(lines.map((l) => l.companyId))],
    contractIds: [...new Set(lines.map((l) => l.container))],
    lineKeys: lines.map((l) => l.key),
    knownIds: outcomes
      ? Object.fromEntries(
          lines.flatMap((l, i) => {
            const o = outcomes[i];
            return o && o.status !== 'failed' ? [[l.key, o.psaId]] : [];
          }),
        )
      : {},
    unsentKeys: unsent,
  });
  /** Every invoice holding one of BillGrid's lines is posted (the accounting sync ran). */
  const postAll = () =>
    patch((s) => {
      const ids = new Set(bgLines(s).flatMap((x) => (x.recurring ? [] : [x.invoice.id])));
      for (const inv of s.invoices) if (ids.has(inv.id)) inv.posted = true;
    });

  it('every key already sent and on open invoices: only the open invoices are read, every line found', async () => {
    const lines = fullMonth();
    const first = make().applyAll(stepsOf(lines));
    expect(first.filter((o) => o.status !== 'applied')).toEqual([]);
    await admin().clearRequests();
    const read = make().readBilling(scopeOf(lines, first, []));
    const byKey = new Map(read.charges.map((c) => [c.ref.lineKey, c.quantity]));
    expect(lines.map((l) => [l.key, byKey.get(l.key)])).toEqual(lines.map((l) => [l.key, l.quantity]));
    const lists = invoiceLists(await admin().requests());
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.filter((r) => !openOnly(r))).toEqual([]);
  });

  it('a first push (every key never sent) reads open invoices only, and bills every line once', async () => {
    const lines = fullMonth();
    const target = make();
    target.readBilling(
      scopeOf(
        lines,
        null,
        lines.map((l) => l.key),
      ),
    );
    const out = target.applyAll(stepsOf(lines));
    expect(out.filter((o) => o.status !== 'applied')).toEqual([]);
    expect(divergence(await state(), lines, 'BillGrid_Pax8')).toEqual([]);
    const lists = invoiceLists(await admin().requests());
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.filter((r) => !openOnly(r))).toEqual([]);
  });

  it('without the scope saying which keys are unsent, every invoice is read (as before)', async () => {
    const lines = fullMonth();
    const first = make().applyAll(stepsOf(lines));
    await admin().clearRequests();
    const { unsentKeys: _none, ...scope } = scopeOf(lines, first, []);
    make().readBilling(scope);
    const lists = invoiceLists(await admin().requests());
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.filter(openOnly)).toEqual([]);
  });

  it('a large tenant: the month’s few clients are read on their own, not the whole client list; billed once', async () => {
    // 300 other clients listed first, pages of 20: the whole list is 16 pages, the month's 6 clients are not
    // on page 1.
    await patch((s) => {
      const others = Array.from({ length: 300 }, (_, i) => ({
        id: 5000 + i,
        name: `Other client ${i}`,
        inactive: false,
        item_tax_code: 0,
      }));
      s.clients = [...others, ...s.clients];
      s.maxPageSize = 20;
    });
    const lines = fullMonth();
    const target = make();
    target.readBilling(
      scopeOf(
        lines,
        null,
        lines.map((l) => l.key),
      ),
    );
    const out = target.applyAll(stepsOf(lines));
    expect(out.filter((o) => o.status !== 'applied')).toEqual([]);
    expect(divergence(await state(), lines, 'BillGrid_Pax8')).toEqual([]);
    const log = await admin().requests();
    const clientReads = log.filter((r) => r.method === 'GET' && /^\/api\/client(\/|$)/i.test(r.path));
    const pages = clientReads.filter((r) => r.path.toLowerCase() === '/api/client');
    // Page 1, then each of the month's clients on its own (at most 6): fewer than the list's 16 pages.
    expect(pages).toHaveLength(1);
    expect(clientReads.length).toBeLessThanOrEqual(1 + new Set(lines.map((l) => l.companyId)).size);
  });

  /** Invoices the sandbox served in list answers (GET /Invoice), by id (an id served twice counts twice). */
  const served = (log: LoggedRequest[]) =>
    invoiceLists(log).flatMap((r) => {
      const body = JSON.parse(r.response) as { invoices?: { id: number }[] };
      return (body.invoices ?? []).map((i) => i.id);
    });
  const HISTORY = 40;
  /**
   * Every client with an invoice gets a long posted history before this month (HISTORY invoices of 3
   * lines, 2023-2025) and the tenant serves pages of 20 invoices: the whole list is many pages.
   */
  const withHistory = () =>
    patch((s) => {
      const clients = [...new Set(s.invoices.map((i) => i.client_id))];
      for (const cid of clients) {
        const like = s.invoices.find((i) => i.client_id === cid && i.lines.length) ?? s.invoices[0];
        for (let n = 0; n < HISTORY; n++) {
          const inv = s.nextId.invoice++;
          const month = String((n % 12) + 1).padStart(2, '0');
          s.invoices.push({
            ...like,
            id: inv,
            client_id: cid,
            invoicenumber: `INV-${inv}`,
            invoice_date: `${2023 + Math.floor(n / 12)}-${month}-01T00:00:00`,
            reference: '',
            posted: true,
            lines: [0, 1, 2].map(() => ({ ...like.lines[0], id: s.nextId.line++, ihid: inv, comment_1: '' })),
          });
        }
      }
      s.maxPageSize = 20;
    });

  describe.each(['honoured', 'ignored'] as const)('posted filter %s', (postedFilter) => {
    beforeEach(() => patch((s) => (s.variant = { ...s.variant, postedFilter } as HaloVariant)));

    it('lines on invoices posted since are still found: the second push sends nothing', async () => {
      const lines = fullMonth();
      const steps = stepsOf(lines);
      const first = make().applyAll(steps);
      expect(first.filter((o) => o.status !== 'applied')).toEqual([]);
      await postAll();
      await admin().clearRequests();
      const target = make();
      const read = target.readBilling(scopeOf(lines, first, []));
      const byKey = new Map(read.charges.map((c) => [c.ref.lineKey, c.quantity]));
      expect(lines.map((l) => [l.key, byKey.get(l.key)])).toEqual(lines.map((l) => [l.key, l.quantity]));
      const again = target.applyAll(recorded(steps, first));
      expect(again.map((o) => o.status)).toEqual(lines.map(() => 'unchanged'));
      const log = await admin().requests();
      expect(log.filter(isMutation)).toEqual([]);
      // The filter honoured: open invoices first, then (a sent line not on them) the whole lists.
      if (postedFilter === 'honoured') expect(invoiceLists(log).some((r) => !openOnly(r))).toBe(true);
    });

    it('a long posted history: lines on invoices posted since are found in the newest invoices, not the whole history; a second push sends nothing', async () => {
      const lines = fullMonth();
      const steps = stepsOf(lines);
      const first = make().applyAll(steps);
      expect(first.filter((o) => o.status !== 'applied')).toEqual([]);
      await postAll();
      const before = new Set((await state()).invoices.map((i) => i.id));
      await withHistory();
      const history = new Set((await state()).invoices.filter((i) => !before.has(i.id)).map((i) => i.id));
      await admin().clearRequests();
      const target = make();
      const read = target.readBilling(scopeOf(lines, first, []));
      const byKey = new Map(read.charges.map((c) => [c.ref.lineKey, c.quantity]));
      expect(lines.map((l) => [l.key, byKey.get(l.key)])).toEqual(lines.map((l) => [l.key, l.quantity]));
      const ids = served(await admin().requests());
      // Honoured: the newest page of the whole list (20 invoices) holds every line sent, the history
      // (HISTORY × clients = 240 invoices, 12 pages) is not read further. Ignored: the open list is the
      // whole list already, and nothing more is read.
      expect(ids.filter((id) => history.has(id)).length).toBeLessThanOrEqual(
        postedFilter === 'honoured' ? 20 : history.size,
      );
      if (postedFilter === 'honoured') expect(ids.length).toBeLessThan(history.size / 4);
      await admin().clearRequests();
      const again = target.applyAll(recorded(steps, first));
      expect(again.map((o) => o.status)).toEqual(lines.map(() => 'unchanged'));
      expect((await admin().requests()).filter(isMutation)).toEqual([]);
    });

    it('a tenant that ignores the list order: every line sent is still found (the read goes as far back as it must)', async () => {
      const lines = fullMonth();
      const steps = stepsOf(lines);
      const first = make().applyAll(steps);
      await postAll();
      await withHistory();
      await patch((s) => (s.variant = { ...s.variant, listOrder: 'ignored' } as HaloVariant));
      const target = make();
      const read = target.readBilling(scopeOf(lines, first, []));
      const byKey = new Map(read.charges.map((c) => [c.ref.lineKey, c.quantity]));
      expect(lines.map((l) => [l.key, byKey.get(l.key)])).toEqual(lines.map((l) => [l.key, l.quantity]));
      await admin().clearRequests();
      const again = target.applyAll(recorded(steps, first));
      expect(again.map((o) => o.status)).toEqual(lines.map(() => 'unchanged'));
      expect((await admin().requests()).filter(isMutation)).toEqual([]);
    });

    it('placing a step with a recorded line id that is on no open invoice reads the whole list: nothing added', async () => {
      const lines = fullMonth();
      const steps = stepsOf(lines);
      const first = make().applyAll(steps);
      await postAll();
      await admin().clearRequests();
      // No comparison first: placement alone must not take the open invoices for all there is.
      const again = make().applyAll(recorded(steps, first));
      expect(again.map((o) => o.status)).toEqual(lines.map(() => 'unchanged'));
      expect((await admin().requests()).filter(isMutation)).toEqual([]);
    });

    it("a month's new invoice posted since is not raised a second time for a new row", async () => {
      const lines = fullMonth();
      make().applyAll(stepsOf(lines));
      await postAll();
      const extra = approved('101', 'new:month:2026-10', 'MS-365-E3', 'Microsoft 365 E3', 2, 36, 30);
      await admin().clearRequests();
      // A fresh execution: the row was never sent, so nothing says to read more than open invoices.
      const [o] = make().applyAll(stepsOf([extra]));
      expect(o).toMatchObject({
        status: 'failed',
        retryable: false,
        message: expect.stringMatching(/posted/),
      });
      const s = await state();
      expect(s.invoices.filter((i) => i.reference === 'BillGrid new:month:2026-10')).toHaveLength(1);
      expect((await admin().requests()).filter((r) => isMutation(r) && /invoice/i.test(r.path))).toEqual([]);
    });
  });
});
