/**
 * Vendor files through the BUILT bundle (dist/Code.js) in the emulator, as a person runs them from the
 * sidebar: two exports with different layouts are previewed and imported (one with the profile BillGrid
 * suggests from its header, one with a profile the person set), each becomes its own integration, the
 * month is pulled and pushed, and a second push sends nothing. A re-import of an edited file updates the
 * changed row in place, marks the row gone from the file "Removed at source", adds the new one, and the
 * push after it sends only that.
 */
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { DICKER_PROFILE, sampleBytes } from '../../../../local/sandbox/csv/profiles';
import { bundleMonth, type BundleMonth } from '../support/bundle-month';

const SHERWEB = 'sherweb-2026-10.csv';
const DICKER = 'dicker-data-2026-10.csv';
const base64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');

interface Preview {
  profile: { id: string; name: string; columns: Record<string, string> } & Record<string, unknown>;
  remembered: boolean;
  fileError?: string;
  sample: Array<{ customer: string; sku: string; quantity: number; total: number }>;
  failures: Array<{ row: number; message: string }>;
  counts: { rows: number; ok: number; failed: number };
}
interface Saved {
  integration: string;
  name: string;
  counts: { rows: number; ok: number; failed: number };
}

interface Pushed {
  steps: number;
  applied: number;
  unchanged: number;
  failed: number;
}

/**
 * A push that sends nothing. Its plan may still list steps that are all found done when applied: the
 * quantity services of products BillGrid auto-created are planned again on every push (the lead's stop-27
 * note, "auto-created products", for every newer source; a core fix is under way), so `steps` is not 0.
 */
function expectNothingSent(p: Pushed): void {
  expect([p.applied, p.failed, p.unchanged]).toEqual([0, 0, p.steps]);
}

/** The month tab as header → value records. */
function records(m: BundleMonth): Array<Record<string, unknown>> {
  const [head, ...rows] = m.grid(DEMO_MONTH);
  return rows
    .filter((r) => r.some((v) => v !== ''))
    .map((r) => Object.fromEntries(head.map((h, i) => [String(h), r[i] ?? ''])));
}

describe.each(['autotask', 'halo'] as const)('two vendor files through the built bundle → %s', (psa) => {
  let m: BundleMonth;
  beforeAll(async () => {
    m = await bundleMonth([], psa);
  });
  afterAll(() => m.stop());

  it('imports both layouts with their profiles, pushes them, and a second push sends nothing', async () => {
    const file = { name: SHERWEB, base64: base64(sampleBytes(SHERWEB)) };
    const seen = m.call('previewFileImport', { file, month: DEMO_MONTH }) as Preview;
    expect(seen.fileError).toBeUndefined();
    expect(seen.remembered).toBe(false);
    // Suggested from the header: the columns a person would pick.
    expect(seen.profile.columns).toMatchObject({
      customer: 'Customer Name',
      customerId: 'Customer ID',
      recordId: 'Subscription ID',
      sku: 'SKU',
      quantity: 'Quantity',
      unitCost: 'Unit Cost',
      unitPrice: 'Unit Price',
      currency: 'Currency',
      periodStart: 'Period Start',
      periodEnd: 'Period End',
      chargeType: 'Charge Type',
    });
    expect(seen.counts).toEqual({ rows: 10, ok: 10, failed: 0 });
    expect(seen.sample[0]).toMatchObject({ customer: 'Acme Dental Group', quantity: 12, total: 72 });
    const sherweb = { ...seen.profile, id: 'sherweb', name: 'Sherweb' };
    const saved = m.call('importFile', { file, month: DEMO_MONTH, profile: sherweb }) as Saved;
    expect(saved).toMatchObject({ integration: 'file-import-sherweb', name: 'Sherweb' });

    const dicker = { name: DICKER, base64: base64(sampleBytes(DICKER)) };
    const dd = m.call('previewFileImport', { file: dicker, month: DEMO_MONTH, profile: DICKER_PROFILE });
    expect((dd as Preview).counts).toEqual({ rows: 7, ok: 7, failed: 0 });
    m.call('importFile', { file: dicker, month: DEMO_MONTH, profile: DICKER_PROFILE });

    // Next time, the profile is recognised from the header.
    const again = m.call('previewFileImport', { file, month: DEMO_MONTH }) as Preview;
    expect([again.remembered, again.profile.id]).toEqual([true, 'sherweb']);

    // Each profile is its own integration, with its own clients.
    const integrations = m.call('listIntegrations') as Array<{ id: string; name: string; enabled: boolean }>;
    expect(integrations.filter((i) => i.id.startsWith('file-import-'))).toEqual([
      { id: 'file-import-dicker-data', name: 'Dicker Data', connected: true, enabled: true },
      { id: 'file-import-sherweb', name: 'Sherweb', connected: true, enabled: true },
    ]);
    m.connect(psa === 'halo' ? { invoiceBehaviour: 'new' } : {});
    const clients = m.call('listClients') as { rows: Array<{ sourceName: string; customerName: string }> };
    expect(clients.rows.filter((r) => r.sourceName === 'Dicker Data').map((r) => r.customerName)).toContain(
      'Juniper Schools Trust',
    );
    expect(clients.rows.filter((r) => r.sourceName === 'Sherweb').map((r) => r.customerName)).toEqual(
      expect.arrayContaining(['Acme Dental Group', 'Westgate Retail']),
    );

    const { pulled, pushed } = m.pullApprovePush(DEMO_MONTH);
    expect(pulled.problems).toEqual([]);
    expect(pulled.lines).toBe(17);
    expect(pushed.failed).toBe(0);
    expect(pushed.finished).toBe(true);
    expect(pushed.applied).toBeGreaterThan(0);
    const rows = records(m);
    expect(rows.filter((r) => r.Source === 'file-import-sherweb')).toHaveLength(10);
    expect(rows.filter((r) => r.Source === 'file-import-dicker-data')).toHaveLength(7);
    // Formula-looking text from the file lands as text.
    expect(rows.some((r) => r.Description === '=HYPERLINK("http://example.invalid","Open")')).toBe(true);

    await m.sb.admin(psa).clearRequests();
    expectNothingSent(m.call('pushBillingMonth', DEMO_MONTH) as Pushed);
    expect(await m.psaMutations()).toEqual([]);
  });

  it('a re-import of an edited file updates, removes and adds rows; the push after it sends only that', async () => {
    const text = Buffer.from(sampleBytes(SHERWEB)).toString('utf8');
    const edited = text
      .replace(
        'Microsoft 365 Business Basic (monthly),12,5.40,6.00,72.00',
        'Microsoft 365 Business Basic (monthly),14,5.40,6.00,84.00',
      )
      .replace(/\r?\nWestgate Retail,[^\r\n]*/, '')
      .concat(
        'Kestrel Aviation,SW-10120,sub-7f3a-0010,CFQ7TTC0LH18,Microsoft 365 Business Basic,New tenant,5,5.40,6.00,30.00,USD,2026-10-01,2026-10-31,Recurring\r\n',
      );
    expect(edited).not.toBe(text);
    const before = records(m).filter((r) => r.Source === 'file-import-sherweb');
    const profiles = m.call('listImportProfiles') as Array<{ integration: string; profile: unknown }>;
    const profile = profiles.find((p) => p.integration === 'file-import-sherweb')!.profile;
    const file = { name: 'sherweb-2026-10 (corrected).csv', base64: base64(edited) };
    const saved = m.call('importFile', { file, month: DEMO_MONTH, profile }) as Saved;
    expect(saved.counts).toEqual({ rows: 10, ok: 10, failed: 0 });

    const pulled = m.call('pullBillingMonth', DEMO_MONTH, 'file-import-sherweb') as { problems: string[] };
    expect(pulled.problems).toEqual([]);
    const after = records(m).filter((r) => r.Source === 'file-import-sherweb');
    // Ten kept (one of them removed at source) and one new: never a duplicate.
    expect(after).toHaveLength(11);
    const key = (r: Record<string, unknown>) => String(r['Line key']);
    const basic = before.find((r) => r.Description === 'Microsoft 365 Business Basic (monthly)')!;
    const basicNow = after.find((r) => key(r) === key(basic))!;
    expect(basicNow.Quantity).toBe(14);
    const westgate = after.find((r) => r.Customer === 'Westgate Retail')!;
    expect(String(westgate.Status)).toContain('Removed at source');
    const added = after.filter((r) => !before.some((b) => key(b) === key(r)));
    expect(added.map((r) => r.Customer)).toEqual(['Kestrel Aviation']);
    // The other file's rows were not touched by this integration's pull.
    expect(records(m).filter((r) => r.Source === 'file-import-dicker-data')).toHaveLength(7);

    m.call('approveRows', DEMO_MONTH, { approve: true });
    await m.sb.admin(psa).clearRequests();
    const pushed = m.call('pushBillingMonth', DEMO_MONTH) as { applied: number; failed: number };
    expect(pushed.failed).toBe(0);
    expect(pushed.applied).toBeGreaterThan(0);
    await m.sb.admin(psa).clearRequests();
    expectNothingSent(m.call('pushBillingMonth', DEMO_MONTH) as Pushed);
    expect(await m.psaMutations()).toEqual([]);
  });
});
