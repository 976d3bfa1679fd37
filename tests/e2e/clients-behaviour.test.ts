/**
 * What exclude, include, unassign and assign do to the next refresh, pull and push (P20, seed 001),
 * through the BUILT bundle: an excluded client stays excluded whatever its status and after Refresh,
 * its lines are shown but never approved or pushed; include brings back its company; unassign makes
 * it a customer to match again; assign by hand is never changed by matching. A source's subaccounts are
 * listed as children of their main account, each mapped on its own. Each mapped client carries the
 * account code its PSA keeps for the company (seed 002: search by account code).
 */
import { DEMO_MONTH } from '../../local/demo/msp';
import type { PsaContractFixture } from '../../local/sandbox/contract';
import { contractFixtureOf } from '../contract/support';
import { billableDefaults, firstPsaWhere, startBundle } from './bundle-host';
import type { BundleHost, Row } from './bundle-host';

interface ClientRow {
  source: string;
  customerId: string;
  customerName: string;
  companyId: string | null;
  status: string;
  companyActive: boolean | null;
  parentId: string | null;
  parentName: string | null;
  companyCode?: string;
}
interface ClientsView {
  rows: ClientRow[];
}

describe('exclude, include, unassign and assign through the built bundle', () => {
  let b: BundleHost;
  beforeAll(async () => {
    b = await startBundle(firstPsaWhere());
    b.call('refreshClients');
    billableDefaults(b);
  });
  afterAll(() => b.sb.stop());

  const grid = () => b.rows(`Billing ${DEMO_MONTH}`);
  const clients = () => (b.call('listClients') as ClientsView).rows;
  const rowsOf = (c: ClientRow): Row[] =>
    grid().filter((r) => r.Source === c.source && r['Customer id'] === c.customerId);
  const stepsFor = (c: ClientRow): number => {
    const keys = new Set(rowsOf(c).map((r) => String(r['Line key'])));
    const dry = b.call('dryRunPush', DEMO_MONTH) as { steps: { lineKeys: string[] }[] };
    return dry.steps.filter((s) => s.lineKeys.some((k) => keys.has(k))).length;
  };

  it('an automatically matched client, excluded, stays excluded after Refresh and is never pushed', () => {
    b.call('pullBillingMonth', DEMO_MONTH);
    // An automatic match with something to push this month.
    b.call('approveRows', DEMO_MONTH, { approve: true });
    const matched = clients().find((c) => c.status === 'auto' && stepsFor(c) > 0);
    if (!matched) throw new Error('the demo has no automatically matched client with changes');
    b.call('approveRows', DEMO_MONTH, { approve: false });

    const view = b.call('excludeClient', {
      source: matched.source,
      customerId: matched.customerId,
    }) as ClientsView;
    const excluded = view.rows.find(
      (c) => c.customerId === matched.customerId && c.source === matched.source,
    );
    // The company is remembered for Include.
    expect(excluded).toMatchObject({ status: 'excluded', companyId: matched.companyId });

    b.call('refreshClients');
    expect(clients().find((c) => c.customerId === matched.customerId)?.status).toBe('excluded');

    b.call('pullBillingMonth', DEMO_MONTH);
    b.call('reconcileBillingMonth', DEMO_MONTH);
    const rows = rowsOf(matched);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r['PSA company']).toBe('');
      expect(String(r.Action)).toMatch(/is excluded \(do not invoice\)/);
    }
    b.call('approveRows', DEMO_MONTH, { approve: true });
    expect(rowsOf(matched).every((r) => r.Approved !== true)).toBe(true);
    expect(stepsFor(matched)).toBe(0);
    const pushed = b.call('pushBillingMonth', DEMO_MONTH) as { failed: number; applied: number };
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBeGreaterThan(0);
    expect(rowsOf(matched).every((r) => r['PSA reference'] === '')).toBe(true);

    // Include: back to its company (as mapped by hand); the next pull and push bill it.
    const back = (
      b.call('includeClient', { source: matched.source, customerId: matched.customerId }) as ClientsView
    ).rows.find((c) => c.customerId === matched.customerId && c.source === matched.source);
    expect(back).toMatchObject({ status: 'manual', companyId: matched.companyId });
    b.call('pullBillingMonth', DEMO_MONTH);
    b.call('approveRows', DEMO_MONTH, { approve: true });
    expect(stepsFor(matched)).toBeGreaterThan(0);
    b.call('pushBillingMonth', DEMO_MONTH);
    expect(rowsOf(matched).some((r) => String(r.Status).startsWith('Pushed'))).toBe(true);
    expect((b.call('dryRunPush', DEMO_MONTH) as { total: number }).total).toBe(0);
  });

  it('unassign makes a customer one to match again (Refresh re-matches it); assign by hand is kept', () => {
    const mapped = clients().find((c) => c.status === 'auto');
    if (!mapped) throw new Error('no automatic match left');
    b.call('unassignClient', { source: mapped.source, customerId: mapped.customerId });
    expect(clients().some((c) => c.customerId === mapped.customerId && c.source === mapped.source)).toBe(
      false,
    );
    b.call('pullBillingMonth', DEMO_MONTH);
    b.call('reconcileBillingMonth', DEMO_MONTH);
    for (const r of rowsOf(mapped)) expect(String(r.Action)).toMatch(/is not mapped to a PSA company/);

    // Unassigned is not excluded: the next Refresh matches it again at ≥ 90 %.
    b.call('refreshClients');
    expect(clients().find((c) => c.customerId === mapped.customerId)?.status).toBe('auto');

    // Assigned by hand to another company: manual, and Refresh leaves it there.
    const other = (b.call('listCompanies') as { id: string }[]).find((c) => c.id !== mapped.companyId);
    if (!other) throw new Error('one PSA company only');
    b.call('assignClient', { source: mapped.source, customerId: mapped.customerId, companyId: other.id });
    b.call('refreshClients');
    expect(clients().find((c) => c.customerId === mapped.customerId)).toMatchObject({
      status: 'manual',
      companyId: other.id,
    });
    b.call('pullBillingMonth', DEMO_MONTH);
    for (const r of rowsOf(mapped)) expect(String(r['PSA company'])).toContain(`[${other.id}]`);
  });

  it('lists subaccounts as children of their main account, each mapped on its own', () => {
    const summary = b.call('refreshClients') as {
      toMap: {
        source: string;
        customerId: string;
        customerName: string;
        parentId?: string;
        parentName?: string;
      }[];
    };
    const all = clients();
    const children = all.filter((c) => c.parentId !== null);
    if (!children.length) throw new Error('the demo has no source with subaccounts');
    for (const c of children) {
      // The parent is a customer of the same source, at the top of its family, and named.
      const parent = all.find((p) => p.source === c.source && p.customerId === c.parentId);
      if (parent) {
        expect(parent.parentId).toBeNull();
        expect(c.parentName).toBe(parent.customerName);
      } else expect(c.parentName).toBeTruthy();
    }
    // Customers still to map carry their parent too.
    for (const t of summary.toMap.filter((x) => x.parentId))
      expect(
        all.some((p) => p.source === t.source && p.customerId === t.parentId) || t.parentName,
      ).toBeTruthy();

    // The main account (a customer to map, or mapped) and one subaccount go to two different companies.
    const child = children[0];
    const parentToMap = summary.toMap.find(
      (t) => t.source === child.source && t.customerId === child.parentId,
    );
    const parentMapped = all.find((p) => p.source === child.source && p.customerId === child.parentId);
    if (!parentToMap && !parentMapped) throw new Error("the subaccount's main account is not listed");
    const companies = b.call('listCompanies') as { id: string }[];
    const [forParent, forChild] = companies.filter((c) => c.id !== child.companyId);
    if (!forParent || !forChild) throw new Error('too few PSA companies');
    const parentKey = { source: child.source, customerId: child.parentId as string };
    const parentName = parentToMap?.customerName ?? parentMapped?.customerName;
    b.call('assignClient', { ...parentKey, customerName: parentName, companyId: forParent.id });
    b.call('assignClient', { source: child.source, customerId: child.customerId, companyId: forChild.id });
    const after = clients();
    const find = (k: { source: string; customerId: string }) =>
      after.find((c) => c.source === k.source && c.customerId === k.customerId);
    expect(find(child)).toMatchObject({
      companyId: forChild.id,
      status: 'manual',
      parentId: parentKey.customerId,
    });
    expect(find(parentKey)).toMatchObject({ companyId: forParent.id, status: 'manual', parentId: null });
    // The next refresh keeps both, and the family.
    b.call('refreshClients');
    expect(find(child)?.companyId).toBe(forChild.id);
    expect(
      clients().find((c) => c.customerId === child.customerId && c.source === child.source)?.parentName,
    ).toBe(
      clients().find((c) => c.customerId === parentKey.customerId && c.source === parentKey.source)
        ?.customerName,
    );
  });

  it("carries each mapped client's PSA account code, which the Clients search looks in", async () => {
    const fx = contractFixtureOf(b.psa) as PsaContractFixture;
    const state = await b.sb.admin(b.psa).state();
    const mapped = clients().filter((c) => c.companyId !== null);
    expect(mapped.length).toBeGreaterThan(0);
    const want = mapped.map((c) => fx.accountCodeOf(state, c.companyId as string) ?? '');
    expect(want.filter((w) => w !== '').length).toBeGreaterThan(mapped.length / 2);
    expect(mapped.map((c) => c.companyCode ?? '')).toEqual(want);
  });
});
