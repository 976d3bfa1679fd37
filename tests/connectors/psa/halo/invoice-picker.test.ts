/**
 * The invoice picker (core's ListsInvoices) against the Halo sandbox: a client's invoices that can still
 * take charges (never posted, credited, voided, sent or paid ones) and its recurring invoices with what a
 * period bills and the next period; each choice's id is a container the push understands.
 */
import { startSandboxes, type RunningSandboxes } from '../../../../local/sandbox/framework';
import { DEMO_CREDENTIALS, clientIdOf } from '../../../../local/sandbox/halo/fixture';
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { createHaloTarget, parseContainer, policy } from '../../../../src/connectors/psa/halo';
import { listsInvoices } from '../../../../src/core/psa';
import { TENANT_URL, testHttp } from './support/http';
import { isOpenInvoice } from './support/scenario';

describe('HaloPSA invoice picker', () => {
  let sb: RunningSandboxes;
  beforeAll(async () => {
    sb = await startSandboxes([{ kind: 'halo' }]);
  });
  afterAll(() => sb.stop());

  const target = () => {
    const t = testHttp(policy, sb.urls.halo);
    return createHaloTarget({ baseUrl: TENANT_URL, tenant: 'northwind', ...DEMO_CREDENTIALS }, t.http, {
      now: t.now,
    });
  };

  it.each(['c01', 'c03', 'c05', 'c08', 'c12'])('%s: open invoices and recurring invoices only', async (d) => {
    const state = await sb.admin('halo').state<HaloState>();
    const cid = clientIdOf(d);
    const t = target();
    expect(listsInvoices(t)).toBe(true);
    await sb.admin('halo').clearRequests();
    const choices = t.listInvoices(String(cid));
    // Two requests whatever the client's history (page 1 of each list).
    const reads = (await sb.admin('halo').requests()).filter(
      (r) => r.path.startsWith('/api/Invoice') || r.path.startsWith('/api/RecurringInvoice'),
    );
    expect(reads).toHaveLength(2);

    const open = state.invoices.filter((i) => i.client_id === cid && isOpenInvoice(i));
    const invoices = choices.filter((c) => c.kind === 'invoice');
    expect(invoices.map((c) => c.psaId).sort()).toEqual(open.map((i) => String(i.id)).sort());
    for (const c of invoices) {
      const rec = open.find((i) => String(i.id) === c.psaId);
      expect(c).toMatchObject({ number: rec?.invoicenumber, date: rec?.invoice_date?.slice(0, 10) });
      expect(parseContainer(c.id)).toEqual({ kind: 'invoice', id: Number(c.psaId) });
    }

    const templates = state.recurringInvoices.filter((r) => r.client_id === cid);
    const recurring = choices.filter((c) => c.kind === 'recurring-invoice');
    expect(recurring.map((c) => c.psaId)).toEqual(templates.map((r) => String(r.id)));
    for (const c of recurring) {
      const rec = templates.find((r) => String(r.id) === c.psaId);
      // In cents, from the sandbox's own lines: what one generated invoice would bill now.
      const cents = (rec?.lines ?? [])
        .filter((l) => !l.isinactive)
        .reduce((n, l) => n + Math.round(Number(l.qty_order) * Number(l.unit_price) * 100), 0);
      expect(Math.round((c.amount ?? NaN) * 100)).toBe(cents);
      expect(c.nextPeriod).toBe(String(rec?.nextcreationdate).slice(0, 10));
      expect(c.name).toBe(rec?.reference);
      expect(parseContainer(c.id)).toEqual({ kind: 'recurring', id: Number(c.psaId) });
    }
  });
});
