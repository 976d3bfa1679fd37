/**
 * Contract start checks through the BUILT bundle (run `npm run build` first): a linked Autotask contract that
 * starts mid-month, after the month's first usage, is listed in Review with the fix, and the push refuses its
 * rows with that message instead of sending adjustments Autotask would refuse or prorate. Once the contract
 * starts on the 1st (fixed in Autotask, clients refreshed), the rows push.
 */
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { recurringContractIdOf } from '../../../../local/sandbox/autotask/fixture';
import { isMutation } from '../../sources/support/bundle-month';
import { billableDefaults, startBundle, type BundleHost } from '../../../e2e/bundle-host';

type Entity = Record<string, unknown>;
type AutotaskState = { entities: Record<string, Entity[]> };

describe('contract start checks before an Autotask push (bundle)', () => {
  let b: BundleHost;
  const contractId = recurringContractIdOf('c01');
  const setStart = async (date: string) => {
    const s = await b.sb.admin('autotask').state<AutotaskState>();
    for (const c of s.entities.Contracts) if (c.id === contractId) c.startDate = `${date}T00:00:00Z`;
    await b.sb.admin('autotask').setState(s);
  };
  const onContract = () =>
    b.rows(`Billing ${DEMO_MONTH}`).filter((r) => String(r['PSA contract']).endsWith(`[${contractId}]`));

  const tickOnContract = () => {
    const g = b.sheet(`Billing ${DEMO_MONTH}`);
    const head = (g.rows[0] ?? []).map((c) => c?.v);
    const [approved, contract] = [head.indexOf('Approved'), head.indexOf('PSA contract')];
    for (const r of g.rows.slice(1)) {
      const cell = r?.[approved];
      if (cell && String(r?.[contract]?.v).endsWith(`[${contractId}]`)) cell.v = true;
    }
  };

  beforeAll(async () => {
    b = await startBundle('autotask');
  });
  afterAll(() => b.sb.stop());

  it('lists the contract in Review with the fix, refuses its rows at push, pushes them once fixed', async () => {
    await setStart('2026-10-15');
    b.call('refreshClients');
    billableDefaults(b);
    b.call('pullBillingMonth', DEMO_MONTH);

    const review = b.call('reviewBillingMonth', DEMO_MONTH) as {
      contractStarts: { contract: string; startDate: string; rows: number; message: string }[];
    };
    expect(review.contractStarts).toHaveLength(1);
    const [problem] = review.contractStarts;
    expect(problem.startDate).toBe('2026-10-15');
    // Acme's first usage is September's, billed in arrears: the fix is a start on that month's 1st.
    expect(problem.message).toMatch(/after the first usage on 2026-09-01/);
    expect(problem.message).toMatch(/not on the 1st of a month/);
    expect(problem.message).toMatch(/Fix: set its start date to 2026-09-01 in the PSA/);
    expect(problem.rows).toBe(onContract().length);
    expect(problem.rows).toBeGreaterThan(0);

    // Rows of a disabled integration are held, never pushed: they are not counted, and a contract only they
    // reach is not listed.
    const source = String(onContract()[0].Source);
    b.call('setIntegrationEnabled', source, false);
    const others = onContract().filter((r) => r.Source !== source).length;
    expect(others).toBeLessThan(problem.rows);
    const withOff = (b.call('reviewBillingMonth', DEMO_MONTH) as typeof review).contractStarts;
    expect(withOff.map((p) => p.rows)).toEqual(others ? [others] : []);
    b.call('setIntegrationEnabled', source, true);
    expect((b.call('reviewBillingMonth', DEMO_MONTH) as typeof review).contractStarts).toEqual([problem]);

    // Bulk approval leaves them; ticked by hand anyway, the push refuses them and says why.
    b.call('approveRows', DEMO_MONTH, { approve: true });
    expect(onContract().every((r) => r.Approved !== true)).toBe(true);
    tickOnContract();
    await b.sb.admin('autotask').clearRequests();
    b.call('pushBillingMonth', DEMO_MONTH);
    for (const r of onContract()) expect(String(r.Status)).toContain(problem.message);
    const sent = (await b.sb.admin('autotask').requests()).filter(isMutation);
    expect(sent.length).toBeGreaterThan(0); // other clients' rows went
    expect(sent.filter((r) => JSON.stringify(r.body ?? '').includes(String(contractId)))).toEqual([]);

    await setStart('2026-01-01');
    b.call('refreshClients');
    expect((b.call('reviewBillingMonth', DEMO_MONTH) as typeof review).contractStarts).toEqual([]);
    b.call('approveRows', DEMO_MONTH, { approve: true });
    b.call('pushBillingMonth', DEMO_MONTH);
    for (const r of onContract()) expect(String(r.Status)).toMatch(/^Pushed|^Up to date/);
    expect(onContract().some((r) => String(r.Status).startsWith('Pushed'))).toBe(true);
  });
});
