/**
 * The target-invoice picker (seed 001, issue #16 item 8) through the BUILT bundle, on the first sandboxed
 * PSA that keeps charges on invoices: Clients shows each mapped client's latest open invoice and its
 * recurring invoices (read at Refresh), offers the picker because the connected target lists invoices
 * (discovered, never by name), `listInvoiceChoices` reads the PSA's choices for an editor only, and the
 * chosen one is saved as the client's target invoice.
 */
import { DEMO_SOURCES, billableDefaults, firstPsaWhere, startBundle } from './bundle-host';
import type { BundleHost } from './bundle-host';

interface ClientRow {
  source: string;
  customerId: string;
  companyId: string | null;
  status: string;
  lastInvoice: string | null;
  lastInvoiceNone?: string | null;
  recurringInvoices: string[];
  canPickInvoice: boolean;
  overrides: { targetInvoiceId?: string | null };
}
interface Settings {
  global: Record<string, unknown>;
  sources: Record<string, Record<string, unknown>>;
  clients: Record<string, unknown>;
}
interface Choice {
  id: string;
  kind: 'invoice' | 'recurring-invoice';
  psaId: string;
  number: string;
  amount: number | null;
}

describe('the invoice picker through the built bundle', () => {
  let b: BundleHost;
  beforeAll(async () => {
    // One source is enough for clients to map; fewer sandboxes keep the test short.
    b = await startBundle(
      firstPsaWhere((d) => d.capabilities.chargeContainer === 'invoice'),
      DEMO_SOURCES.slice(0, 1),
    );
    b.call('refreshClients');
    billableDefaults(b);
  }, 120_000);
  afterAll(() => b.sb.stop());

  const rows = () => (b.call('listClients') as { rows: ClientRow[] }).rows;

  it('shows the latest open and recurring invoices, lists the choices for editors, saves one', () => {
    const mapped = rows().filter((r) => r.companyId !== null && r.status !== 'excluded');
    expect(mapped.length).toBeGreaterThan(0);
    expect(mapped.every((r) => r.canPickInvoice)).toBe(true);
    const withRecurring = mapped.find((r) => r.recurringInvoices.length > 0 && r.lastInvoice !== null);
    if (!withRecurring) throw new Error('the demo PSA has no client with an open and a recurring invoice');
    const key = { source: withRecurring.source, customerId: withRecurring.customerId };

    const view = b.call('listInvoiceChoices', key) as { choices: Choice[] };
    const recurring = view.choices.filter((c) => c.kind === 'recurring-invoice');
    const open = view.choices.filter((c) => c.kind === 'invoice');
    expect(recurring.length).toBe(withRecurring.recurringInvoices.length);
    expect(open.length).toBeGreaterThan(0);
    expect(recurring.every((c) => typeof c.amount === 'number')).toBe(true);

    const saved = b.call('saveClientOverrides', {
      ...key,
      overrides: { invoiceBehaviour: 'recurring', targetInvoiceId: recurring[0].id },
    }) as { rows: ClientRow[] };
    const after = saved.rows.find((r) => r.customerId === key.customerId && r.source === key.source);
    expect(after?.overrides.targetInvoiceId).toBe(recurring[0].id);
  });

  it('shows the latest invoice under the client’s own rule (global → integration → client), or that none qualifies and what a push then does', () => {
    const settings = () => (b.call('getDefaults') as { settings: Settings }).settings;
    const save = (global: Record<string, unknown>, sources: Settings['sources'] = {}) => {
      const s = settings();
      b.call('saveDefaults', { ...s, global: { ...s.global, ...global }, sources });
    };
    const mapped = () => rows().filter((r) => r.companyId !== null && r.status !== 'excluded');
    // Charges on the latest invoice; the default rule (not sent) against the broader one (sent, unpaid).
    save({ invoiceBehaviour: 'latest', latestInvoice: 'unsent', noLatestInvoice: 'hold' });
    const unsent = mapped();
    save({ latestInvoice: 'unpaid' });
    const unpaid = mapped();
    // A client whose newest invoice was sent: none qualifies under 'unsent', that invoice under 'unpaid'.
    const i = unsent.findIndex((r, k) => r.lastInvoice === null && unpaid[k].lastInvoice !== null);
    if (i < 0) throw new Error('the demo PSA has no client whose only open invoice was sent');
    expect(unsent[i].lastInvoiceNone).toMatch(/^none qualifies — its charges are held/);
    expect(unpaid[i].lastInvoiceNone ?? null).toBeNull();
    const row = unpaid[i];
    const key = { source: row.source, customerId: row.customerId };
    const now = () =>
      mapped().find((r) => r.source === key.source && r.customerId === key.customerId) as ClientRow;
    // The integration's rule wins over the global one, and its fallback is what the row says happens.
    save({}, { [key.source]: { latestInvoice: 'unsent', noLatestInvoice: 'new' } });
    expect(now().lastInvoice).toBeNull();
    expect(now().lastInvoiceNone).toMatch(
      /^none qualifies — its charges go on a new invoice for their month/,
    );
    // The client's own rule wins over the integration's.
    b.call('saveClientOverrides', { ...key, overrides: { latestInvoice: 'unpaid' } });
    expect(now().lastInvoice).toBe(row.lastInvoice);
    expect(now().lastInvoiceNone ?? null).toBeNull();
    // Billed on a chosen or a new invoice: no latest invoice is needed, so none is said to be missing.
    b.call('saveClientOverrides', {
      ...key,
      overrides: { invoiceBehaviour: 'new', latestInvoice: 'unsent' },
    });
    expect(now().lastInvoiceNone ?? null).toBeNull();
  });

  it('refuses a customer with no PSA company', () => {
    const unmapped = { source: b.sources[0], customerId: 'no-such-customer' };
    const r = b.run('listInvoiceChoices', [unmapped]);
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/not in the Clients tab/);
  });
});
