/**
 * Default-item mode's codes on Autotask through the BUILT bundle (#15 F2 and item 6): Defaults offers a
 * default item for charges from Material codes only, and a code for new services from Service codes only
 * (each list of one use type); a code of the wrong kind is refused when saved, with what it is. One saved
 * before the check is said on the Defaults screen and holds the charges that would take it before the push
 * (nothing is sent for them) instead of failing at Autotask; once codes of the right kind are chosen, the
 * month pushes (charges on the chosen Material code, recurring lines on the default service) and a second
 * push sends nothing.
 */
import { DEMO_MONTH } from '../../../../local/demo/msp';
import type { AtState } from '../../../../local/sandbox/autotask/fixture';
import type { DefaultsView } from '../../../../src/api/jobs';
import { startBundle, type BundleHost } from '../../../e2e/bundle-host';
import { isMutation } from './support';

describe('Autotask default codes in Defaults: one use type per list, the wrong kind refused (bundle)', () => {
  let b: BundleHost;
  const TAB = `Billing ${DEMO_MONTH}`;
  beforeAll(async () => {
    b = await startBundle('autotask');
    b.call('refreshClients');
  });
  afterAll(() => b.sb.stop());

  it('lists Material codes for charges and Service codes for new services; refuses, says and holds a wrong one; pushes once right', async () => {
    const d = b.call('getDefaults') as DefaultsView;
    expect(d.codes.itemCodes.length).toBeGreaterThan(0);
    expect(d.codes.itemCodes.every((c) => c.name.endsWith('(material code)'))).toBe(true);
    const serviceCodes = d.codes.serviceCodes ?? [];
    expect(serviceCodes.length).toBeGreaterThan(0);
    expect(serviceCodes.every((c) => c.name.endsWith('(service code)'))).toBe(true);
    const [material, service, defaultService] = [d.codes.itemCodes[0], serviceCodes[0], d.codes.services[0]];
    const defaults = (codes: Record<string, string>) => ({
      ...d.settings,
      global: {
        ...d.settings.global,
        productLifecycle: 'default-item',
        codes: { ...d.settings.global.codes, ...codes },
      },
    });

    // A Service code as the default item for charges, or a Material code for new services: refused, said why.
    const wrongItem = b.run('saveDefaults', [
      defaults({ itemCode: service.id, defaultService: defaultService.id }),
    ]);
    expect(wrongItem.ok).toBe(false);
    const itemProblem = `The default item for charges (${service.id}) is a code for services, which charges cannot take: choose a code for charges in Defaults`;
    expect(wrongItem.error?.message).toBe(`Default codes: ${itemProblem}`);
    const wrongService = b.run('saveDefaults', [defaults({ serviceCode: material.id })]);
    expect(wrongService.error?.message).toMatch(/code for new services \(\d+\) is a code for charges/);

    // The same Service code saved before the check (settings as an earlier version stored them).
    b.host.state.properties.document['bg.settings'] = JSON.stringify(
      defaults({ itemCode: service.id, defaultService: defaultService.id }),
    );
    expect((b.call('getDefaults') as DefaultsView).codeProblems).toEqual([itemProblem]);
    b.call('pullBillingMonth', DEMO_MONTH);
    const held = () => b.rows(TAB).filter((r) => String(r.Action).includes(itemProblem));
    const heldKeys = held().map((r) => String(r['Line key']));
    expect(heldKeys.length).toBeGreaterThan(0);
    b.call('approveRows', DEMO_MONTH, { approve: true });
    const admin = b.sb.admin('autotask');
    await admin.clearRequests();
    b.call('pushBillingMonth', DEMO_MONTH);
    const sent = (await admin.requests()).filter(isMutation);
    expect(sent.length).toBeGreaterThan(0); // the rest of the month went
    expect(sent.filter((r) => r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);
    expect(sent.filter((r) => heldKeys.some((k) => r.body.includes(k)))).toEqual([]);

    // Codes of the right kind: the held rows push, each charge on the chosen Material code.
    const fixed = b.call(
      'saveDefaults',
      defaults({ itemCode: material.id, serviceCode: service.id, defaultService: defaultService.id }),
    ) as DefaultsView;
    expect(fixed.codeProblems).toEqual([]);
    b.call('approveRows', DEMO_MONTH, { approve: true });
    b.call('pushBillingMonth', DEMO_MONTH);
    const state = await admin.state<AtState>();
    for (const key of heldKeys) {
      const charges = state.entities.ContractCharges.filter((c) => String(c.name).includes(key));
      expect([key, charges.map((c) => c.billingCodeID)]).toEqual([key, [Number(material.id)]]);
    }
    const rows = b.rows(TAB).filter((r) => heldKeys.includes(String(r['Line key'])));
    for (const r of rows) expect(String(r.Status)).toMatch(/^Pushed/);
    await admin.clearRequests();
    expect((b.call('pushBillingMonth', DEMO_MONTH) as { applied: number }).applied).toBe(0);
    expect((await admin.requests()).filter(isMutation)).toEqual([]);
  });
});
