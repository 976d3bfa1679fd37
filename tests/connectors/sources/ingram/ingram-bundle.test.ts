/**
 * An Ingram Micro month through the BUILT bundle (dist/Code.js) in the emulator, as a person runs it from
 * the sidebar: the demo client with three orders in the month gets three new HaloPSA invoices (one per
 * order, "new invoice" behaviour) and three Autotask charges; a second push sends nothing.
 */
import type { HaloState } from '../../../../local/sandbox/halo/server';
import { DEMO_MONTH } from '../../../../local/demo/msp';
import { bundleMonth, type BundleMonth } from '../support/bundle-month';

const BLUE = 'Blue Harbor Logistics';

type AutotaskState = { entities: { ContractCharges: Array<Record<string, unknown>> } };

describe.each(['halo', 'autotask'] as const)('an Ingram Micro month through the built bundle → %s', (psa) => {
  let m: BundleMonth;
  beforeAll(async () => {
    m = await bundleMonth(['ingram'], psa);
  });
  afterAll(() => m.stop());

  it("each of a client's three orders becomes its own invoice or charge; a second push sends nothing", async () => {
    m.connect(psa === 'halo' ? { invoiceBehaviour: 'new' } : {});
    const before = await m.sb.admin(psa).state<HaloState & AutotaskState>();
    const { pulled, pushed } = m.pullApprovePush(DEMO_MONTH);
    expect(pulled.problems).toEqual([]);
    expect(pushed.failed).toBe(0);
    expect(pushed.finished).toBe(true);
    expect(pushed.applied).toBeGreaterThan(0);

    // The grid's Blue Harbor lines name three orders.
    const rows = m.grid(DEMO_MONTH);
    const blue = rows.filter((r) => r.some((c) => String(c).toUpperCase().includes(BLUE.toUpperCase())));
    const orders = new Set(blue.flatMap((r) => r.map(String).filter((c) => /^20-[0-9A-F]{5}$/i.test(c))));
    expect(orders.size).toBe(3);

    const after = await m.sb.admin(psa).state<HaloState & AutotaskState>();
    if (psa === 'halo') {
      const created = after.invoices.filter((i) => !before.invoices.some((b) => b.id === i.id));
      const mine = created.filter((i) =>
        i.lines.some((l) => [...orders].some((o) => String(l.item_longdescription).includes(o))),
      );
      const blueInvoices = mine.filter((i) =>
        i.lines.every((l) => [...orders].some((o) => String(l.item_longdescription).includes(o))),
      );
      expect(blueInvoices).toHaveLength(3);
      // One order per invoice.
      for (const inv of blueInvoices) {
        const named = [...orders].filter((o) =>
          inv.lines.some((l) => String(l.item_longdescription).includes(o)),
        );
        expect(named).toHaveLength(1);
      }
    } else {
      const charges = after.entities.ContractCharges.filter(
        (c) =>
          !before.entities.ContractCharges.some((b) => b.id === c.id) &&
          [...orders].some((o) => String(c.description).includes(o)),
      );
      const perOrder = [...orders].map(
        (o) => charges.filter((c) => String(c.description).includes(o)).length,
      );
      expect(perOrder.every((n) => n >= 1)).toBe(true);
      expect(charges.length).toBe(blue.length);
    }

    await m.sb.admin(psa).clearRequests();
    const again = m.call('pushBillingMonth', DEMO_MONTH) as { applied: number; steps: number };
    expect([again.applied, again.steps]).toEqual([0, 0]);
    expect(await m.psaMutations()).toEqual([]);
  });
});
