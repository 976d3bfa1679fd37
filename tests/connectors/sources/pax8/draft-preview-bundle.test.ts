/**
 * A month pulled before Pax8 issues its invoice, through the BUILT bundle: Pax8's draft items show as
 * "Preview" rows that are never approved or pushed; once the invoice is issued, a re-pull turns each
 * preview row into the invoiced charge in place (with the invoice's values where the draft differed),
 * and the month then pushes each charge once.
 */
import { setClock } from '../../../../local/gas';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import type { Pax8Fixture } from '../../../../local/sandbox/pax8/fixture';
import { billableDefaults, startBundle, type BundleHost, type Row } from '../../../e2e/bundle-host';

const TAB = `Billing ${DEMO_MONTH}`;
const isMutation = (r: { method: string; path: string }): boolean =>
  r.method !== 'GET' && !/\/query(\/count)?$/i.test(r.path) && !/\/(oauth\/|auth\/)token$/i.test(r.path);
const isPreview = (r: Row): boolean => String(r.Status).startsWith('Preview: ');
const pax8Rows = (b: BundleHost): Row[] => b.rows(TAB).filter((r) => r.Source === 'pax8');

describe('Pax8 draft items before the invoice is issued, through the built bundle', () => {
  let b: BundleHost;
  let fixture: Pax8Fixture;
  /** The invoice item whose draft said one seat more than the issued invoice. */
  let changed: Pax8Fixture['items'][number];

  beforeAll(async () => {
    b = await startBundle('autotask');
    b.call('refreshClients');
    billableDefaults(b);
    fixture = await b.sb.admin('pax8').state<Pax8Fixture>();
    const month = fixture.invoices.filter((i) => i.invoiceDate.startsWith(DEMO_MONTH)).map((i) => i.id);
    changed = fixture.items.find(
      (i) =>
        month.includes(i.invoiceId) && i.type === 'subscription' && i.term === 'Monthly' && i.quantity > 1,
    )!;
    // Two days into the month: the invoice dated the 1st is not issued before the 5th.
    await b.sb.admin('pax8').setState({
      ...fixture,
      today: `${DEMO_MONTH}-02`,
      draftChanges: {
        [changed.id]: { quantity: changed.quantity + 1, total: (changed.quantity + 1) * changed.price },
      },
    });
    setClock(b.host.state, Date.parse(`${DEMO_MONTH}-02T09:00:00Z`));
  });
  afterAll(() => b.sb.stop());

  it('shows previews that are never pushed, then turns them into the invoiced charges', async () => {
    const first = b.call('pullBillingMonth', DEMO_MONTH) as { problems: string[]; unbillable: number };
    const previews = pax8Rows(b).filter(isPreview);
    // Every draft item but usage in arrears (drafts leave it out) and items Pax8 bills itself.
    const month = fixture.invoices
      .filter((i) => i.invoiceDate.startsWith(DEMO_MONTH) && i.status !== 'Void')
      .map((i) => i.id);
    const companies = new Map(fixture.companies.map((c) => [c.id, c]));
    const expected = fixture.items.filter(
      (i) =>
        month.includes(i.invoiceId) &&
        i.term !== 'Arrears' &&
        !i.billedByPax8 &&
        !companies.get(i.companyId)?.billOnBehalfOfEnabled &&
        i.type !== 'payment-credit',
    );
    expect(previews.length).toBe(expected.length);
    expect(pax8Rows(b).length).toBe(previews.length);
    expect(first.problems.join('\n')).toMatch(/no invoice dated .* yet.*shown as previews/);
    for (const r of previews) expect(String(r.Status)).toMatch(/draft items, not billable/);
    const draftRow = previews.find(
      (r) => r.Subscription === changed.subscriptionId && r['Product/SKU'] === changed.sku,
    );
    expect(draftRow?.Quantity).toBe(changed.quantity + 1);

    // Nothing of a preview is approved or pushed, by bulk approval or by a tick.
    b.call('approveRows', DEMO_MONTH, { approve: true });
    for (const r of pax8Rows(b)) expect(r.Approved).not.toBe(true);
    await b.sb.admin('autotask').clearRequests();
    b.call('pushBillingMonth', DEMO_MONTH);
    for (const r of pax8Rows(b)) expect(String(r.Status)).not.toMatch(/^Pushed/);

    // The 6th: Pax8 has issued the invoice. The same rows become the invoiced charges, in place.
    const position = b.rows(TAB).findIndex((r) => r['Line key'] === draftRow?.['Line key']);
    expect(position).toBeGreaterThanOrEqual(0);
    await b.sb.admin('pax8').setState({
      ...(await b.sb.admin('pax8').state<Pax8Fixture>()),
      today: `${DEMO_MONTH}-06`,
    });
    setClock(b.host.state, Date.parse(`${DEMO_MONTH}-06T09:00:00Z`));
    b.call('pullBillingMonth', DEMO_MONTH);
    const after = pax8Rows(b);
    expect(after.filter(isPreview)).toEqual([]);
    const removed = after.filter((r) => String(r.Status).startsWith('Removed at source'));
    expect(removed).toEqual([]);
    const healed = after.find((r) => r['Record id'] === changed.id);
    expect(healed?.Quantity).toBe(changed.quantity);
    expect(b.rows(TAB).findIndex((r) => r['Record id'] === changed.id)).toBe(position);
    // Usage in arrears had no draft: it arrives as new rows.
    expect(after.some((r) => r['Charge type'] === 'arrears')).toBe(true);
    expect(new Set(after.map((r) => r['Line key'])).size).toBe(after.length);

    b.call('approveRows', DEMO_MONTH, { approve: true });
    const pushed = b.call('pushBillingMonth', DEMO_MONTH) as { applied: number; failed: number };
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBeGreaterThan(0);
    await b.sb.admin('autotask').clearRequests();
    const again = b.call('pushBillingMonth', DEMO_MONTH) as { steps: number };
    expect(again.steps).toBe(0);
    expect((await b.sb.admin('autotask').requests()).filter(isMutation)).toEqual([]);
  });
});
