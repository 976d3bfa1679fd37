/**
 * HaloPSA bounded reads through the BUILT bundle (issue #16 item 6): a tenant whose clients have a long
 * posted invoice history. Review, approval and a dry run read only the clients' open invoices, as the
 * pull's comparison and a push do (the jobs pass every comparison the keys no push has sent); once the
 * month's invoices are posted, a comparison reads the whole list newest first only as far back as the
 * lines a push sent. A second push plans and sends nothing.
 */
import type { LoggedRequest } from '../../../../local/sandbox/framework';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { contract } from '../../../../local/sandbox/halo/contract';
import { DEMO_SOURCES, billableDefaults, startBundle, type BundleHost } from '../../../e2e/bundle-host';

const HISTORY = 40;
const PAGE = 20;

const invoiceLists = (log: LoggedRequest[]) =>
  log.filter((r) => r.method === 'GET' && r.path.toLowerCase() === '/api/invoice');
const openOnly = (r: LoggedRequest) => new URLSearchParams(r.query).get('notpostedonly') === 'true';
/** Invoice ids the sandbox served in list answers (an id served twice counts twice). */
const served = (log: LoggedRequest[]) =>
  invoiceLists(log).flatMap((r) =>
    ((JSON.parse(r.response) as { invoices?: { id: number }[] }).invoices ?? []).map((i) => i.id),
  );

describe('HaloPSA bounded reads through the built bundle', () => {
  let b: BundleHost;
  const admin = () => b.sb.admin('halo');
  const patch = async (f: (s: HaloState) => void) => {
    const s = await admin().state<HaloState>();
    f(s);
    await admin().setState(s);
  };
  /** Ids of the history invoices added. */
  const history = new Set<number>();

  beforeAll(async () => {
    b = await startBundle('halo', DEMO_SOURCES.slice(0, 1));
    b.call('refreshClients');
    billableDefaults(b);
    // Every client with an invoice: HISTORY posted invoices of 3 lines (2023-2025), pages of PAGE.
    await patch((s) => {
      for (const cid of [...new Set(s.invoices.map((i) => i.client_id))]) {
        const like = s.invoices.find((i) => i.client_id === cid && i.lines.length) ?? s.invoices[0];
        for (let n = 0; n < HISTORY; n++) {
          const inv = s.nextId.invoice++;
          history.add(inv);
          s.invoices.push({
            ...like,
            id: inv,
            client_id: cid,
            invoicenumber: `INV-${inv}`,
            invoice_date: `${2023 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}-01T00:00:00`,
            reference: '',
            posted: true,
            lines: [0, 1, 2].map(() => ({ ...like.lines[0], id: s.nextId.line++, ihid: inv, comment_1: '' })),
          });
        }
      }
      s.maxPageSize = PAGE;
    });
  }, 120_000);
  afterAll(() => b.sb.stop());

  it('Review, approval and a dry run read open invoices only; after posting, the newest invoices only; a second push sends nothing', async () => {
    const pulled = b.call('pullBillingMonth', DEMO_MONTH) as { lines: number };
    expect(pulled.lines).toBeGreaterThan(20);
    expect(history.size).toBeGreaterThan(5 * PAGE);

    await admin().clearRequests();
    b.call('reviewBillingMonth', DEMO_MONTH);
    b.call('approveRows', DEMO_MONTH, { approve: true });
    const dry = b.call('dryRunPush', DEMO_MONTH) as { steps: unknown[] };
    expect(dry.steps.length).toBeGreaterThan(5);
    const shown = await admin().requests();
    expect(invoiceLists(shown).length).toBeGreaterThan(0);
    expect(invoiceLists(shown).filter((r) => !openOnly(r))).toEqual([]);
    expect(served(shown).filter((id) => history.has(id))).toEqual([]);

    const pushed = b.call('pushBillingMonth', DEMO_MONTH) as { failed: number; applied: number };
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBe(dry.steps.length);

    // The accounting sync posts every invoice: the lines sent are on no open invoice now.
    await patch((s) => {
      for (const inv of s.invoices) inv.posted = true;
    });
    await admin().clearRequests();
    b.call('reviewBillingMonth', DEMO_MONTH);
    const again = b.call('pushBillingMonth', DEMO_MONTH) as { applied: number; steps: number };
    expect(again.steps).toBe(0);
    const log = await admin().requests();
    expect(log.filter((r) => contract.isMutation(r))).toEqual([]);
    // At most the page of each list (one list here) that reaches past the month into the history.
    const lists = invoiceLists(log).filter((r) => !openOnly(r)).length;
    expect(lists).toBeGreaterThan(0);
    expect(served(log).filter((id) => history.has(id)).length).toBeLessThanOrEqual(2 * PAGE);
  });
});
