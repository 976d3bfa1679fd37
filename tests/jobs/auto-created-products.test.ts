/**
 * Products BillGrid auto-creates in the PSA: the push after the one that created them plans nothing, also
 * when the execution that created a product died before anything else was recorded. The PSA here names
 * contract services by its own product id (as every real PSA's state does) and finds a SKU's product the
 * way its apply() does; before product mappings were recorded for such products, every later push planned
 * the step again (found done when applied).
 */
import type { RawBillingLine } from '../../src/core/billing-line';
import type {
  CreatesProducts,
  PsaBillingState,
  PsaProduct,
  PsaReadScope,
  PsaTarget,
  PushStep,
  StepOutcome,
} from '../../src/core/psa';
import { defaultBillingSettings } from '../../src/core/settings';
import type { BillingSettings } from '../../src/core/settings';
import type { BillingSource } from '../../src/core/source';
import { isAutoCreateProduct } from '../../src/core/targets';
import type { ConnectedPsa } from '../../src/jobs/connections';
import { Journal } from '../../src/jobs/ledger';
import type { JournalStore } from '../../src/jobs/ledger';
import { pullMonth, pushMonth } from '../../src/jobs/month';
import { setApprovals } from '../../src/sheets/approve';
import { readLookups, writeLookups } from '../../src/sheets/lookups';
import { readMappings, writeMappings } from '../../src/sheets/mappings';
import { readGrid } from '../../src/sheets/grid';
import { sheetEnv, type SheetEnv } from '../sheets/emulator';

const MONTH = '2026-10';
const SOURCE = 'acme-cloud';

const line = (sku: string, quantity: number, customerId = 'c1'): RawBillingLine => ({
  source: SOURCE,
  customerId,
  customerName: `Customer ${customerId}`,
  subscriptionId: `${customerId}-${sku}`,
  sku,
  productName: `Product ${sku}`,
  description: `Product ${sku}`,
  periodStart: '2026-10-01',
  periodEnd: '2026-10-31',
  cycle: 'monthly',
  chargeType: 'recurring',
  quantity,
  unitCost: 5,
  unitPrice: 8,
  total: quantity * 8,
  currency: 'USD',
  effectiveDate: '2026-10-01',
  orderId: '',
});

/** A PSA with a product catalogue and contract services keyed by (contract, product id). */
class CataloguePsa implements PsaTarget, CreatesProducts {
  readonly id = 'memory-psa';
  readonly displayName = 'Memory PSA';
  readonly capabilities = { quantityTargets: true, chargeContainer: 'contract' as const };
  products: PsaProduct[] = [{ id: '1', name: 'Existing', code: 'OLD-SKU', unitPrice: 1, unitCost: 1 }];
  services = new Map<string, { psaId: string; quantity: number; unitPrice: number; unitCost: number }>();
  creates = 0;
  /**
   * 'die': the next product create lands, then the execution dies before BillGrid records anything (the
   * journal write after the request throws). 'lose': it lands, and the contract service request fails.
   */
  afterCreate: 'die' | 'lose' | null = null;
  killed = false;

  testConnection() {
    return { ok: true, message: 'ok' };
  }
  listCompanies() {
    return [{ id: 'co1', name: 'Customer c1', active: true }];
  }
  listProducts() {
    return this.products;
  }
  listContracts() {
    return [];
  }
  listCodes() {
    return { incomeAccounts: [], expenseAccounts: [], taxCodes: [], itemCodes: [] };
  }
  private bySku(sku: string): PsaProduct | undefined {
    return this.products.find((p) => p.code.toLowerCase() === sku.toLowerCase());
  }
  findProducts(wanted: readonly { sku: string; name: string }[]): Map<string, PsaProduct> {
    const out = new Map<string, PsaProduct>();
    for (const w of wanted) {
      const p = this.bySku(w.sku);
      if (p) out.set(w.sku, p);
    }
    return out;
  }
  readBilling(scope: PsaReadScope): PsaBillingState {
    const quantities = [...this.services]
      .map(([k, v]) => ({ k: k.split('|'), v }))
      .filter(({ k }) => scope.contractIds.includes(k[0]))
      .map(({ k, v }) => ({
        ref: { kind: 'quantity' as const, companyId: 'co1', contractId: k[0], productId: k[1] },
        ...v,
      }));
    return { quantities, charges: [] };
  }
  apply(step: PushStep): StepOutcome {
    if (step.ref.kind !== 'quantity') throw new Error('charges are not used here');
    let productId = step.ref.productId;
    if (isAutoCreateProduct(productId)) {
      const sku = productId.slice('new:'.length);
      let p = this.bySku(sku);
      if (!p) {
        p = {
          id: String(100 + this.products.length),
          name: step.after.productName,
          code: sku,
          unitPrice: 8,
          unitCost: 5,
        };
        this.products.push(p);
        this.creates++;
        const what = this.afterCreate;
        this.afterCreate = null;
        if (what === 'die') this.killed = true;
        if (what === 'lose') throw new Error('connection reset');
      }
      productId = p.id;
    }
    const k = `${step.ref.contractId}|${productId}`;
    const cur = this.services.get(k);
    const v = {
      quantity: step.after.quantity,
      unitPrice: step.after.unitPrice,
      unitCost: step.after.unitCost,
    };
    if (cur && cur.quantity === v.quantity && cur.unitPrice === v.unitPrice)
      return { status: 'unchanged', psaId: cur.psaId, message: 'already so' };
    const psaId = cur?.psaId ?? `cs-${this.services.size + 1}`;
    this.services.set(k, { psaId, ...v });
    return { status: 'applied', psaId, message: 'set' };
  }
}

/** Not an Error a step would catch as a failed request: the whole execution stops here. */
class ExecutionKilled {}

function memoryJournal(psa: CataloguePsa): Journal {
  const m = new Map<string, string>();
  const store: JournalStore = {
    putAll: (e) => {
      if (psa.killed) {
        psa.killed = false;
        throw new ExecutionKilled();
      }
      Object.entries(e).forEach(([k, v]) => m.set(k, v));
    },
    all: () => Object.fromEntries(m),
    removeAll: (keys) => keys.forEach((k) => m.delete(k)),
  };
  return new Journal(store);
}

describe('products BillGrid auto-creates get a product mapping', () => {
  let env: SheetEnv;
  let psa: CataloguePsa;
  let connected: ConnectedPsa;
  let settings: BillingSettings;
  let journal: Journal;
  let lines: RawBillingLine[];
  const source: BillingSource = {
    id: SOURCE,
    displayName: 'Acme Cloud',
    listCustomers: () => [],
    pullPeriod: () => ({ lines, problems: [] }),
  };
  const push = () =>
    pushMonth(env.ss, MONTH, connected, settings, {
      runId: 'R1',
      user: 'owner@example.com',
      journal,
      hasTime: () => true,
    }).summary;

  beforeEach(() => {
    env = sheetEnv();
    psa = new CataloguePsa();
    connected = { kind: psa.id, target: psa, capabilities: psa.capabilities };
    const d = defaultBillingSettings();
    settings = { ...d, global: { ...d.global, productLifecycle: 'auto-create' } };
    journal = memoryJournal(psa);
    lines = [line('NEW-SKU', 3), line('OLD-SKU', 2), line('ZED-SKU', 4)];
    writeLookups(
      env.ss,
      psa.listCompanies(),
      psa.products,
      [
        {
          id: 'k1',
          companyId: 'co1',
          name: 'Recurring',
          kind: 'recurring-service',
          startDate: '2026-01-01',
          endDate: null,
        },
      ],
      psa.listCodes(),
    );
    writeMappings(env.ss, {
      clients: [
        {
          source: SOURCE,
          customerId: 'c1',
          customerName: 'Customer c1',
          companyId: 'co1',
          status: 'confirmed',
          score: null,
        },
      ],
      contracts: [{ source: SOURCE, customerId: 'c1', subscriptionId: '', contractId: 'k1' }],
    });
    pullMonth(env.ss, MONTH, [source], settings);
    const keys = new Set(readGrid(env.ss, MONTH).rows.map((r) => r.key));
    setApprovals(env.ss, MONTH, keys, true);
  });
  afterEach(() => env.close());

  it('the push after the one that created them plans nothing, and the Products tab names them', () => {
    const first = push();
    expect(first).toMatchObject({ steps: 3, applied: 3, failed: 0, finished: true });
    expect(psa.creates).toBe(2);
    const second = push();
    expect(second).toMatchObject({ steps: 0, applied: 0, unchanged: 0 });

    const mapped = readMappings(env.ss)
      .mappings.products.map((m) => [m.sku, m.productId])
      .sort();
    const ids = (sku: string) => psa.products.find((p) => p.code === sku)?.id;
    expect(mapped).toEqual([
      ['NEW-SKU', ids('NEW-SKU')],
      ['OLD-SKU', '1'],
      ['ZED-SKU', ids('ZED-SKU')],
    ]);
    // Listed with the PSA's products, so the mapping shows a name and is not reported as gone.
    expect(
      readLookups(env.ss)
        ?.products.map((p) => p.code)
        .sort(),
    ).toEqual(['NEW-SKU', 'OLD-SKU', 'ZED-SKU']);
    expect(readMappings(env.ss).problems).toEqual([]);
  });

  it('an execution that died right after the PSA created a product: the next push creates nothing twice and plans nothing', () => {
    psa.afterCreate = 'die';
    expect(() => push()).toThrow(ExecutionKilled);
    // The batch's requests all landed (two products, three services); that execution recorded nothing.
    expect(psa.creates).toBe(2);
    expect(psa.services.size).toBe(3);
    expect(readMappings(env.ss).mappings.products.some((m) => m.sku === 'NEW-SKU')).toBe(false);

    expect(push()).toMatchObject({ steps: 0, applied: 0, unchanged: 0, failed: 0 });
    expect(psa.creates).toBe(2);
    expect(
      readMappings(env.ss)
        .mappings.products.map((m) => m.sku)
        .sort(),
    ).toEqual(['NEW-SKU', 'OLD-SKU', 'ZED-SKU']);
  });

  it('a product created whose contract service request then failed: the next push adds the service to it', () => {
    psa.afterCreate = 'lose';
    expect(push()).toMatchObject({ failed: 1 });
    const resumed = push();
    expect(resumed).toMatchObject({ steps: 1, applied: 1, failed: 0 });
    expect(psa.creates).toBe(2);
    expect(psa.products.filter((p) => p.code === 'NEW-SKU')).toHaveLength(1);
    expect(push()).toMatchObject({ steps: 0 });
  });

  it('a later month with a changed quantity sets it on the service the first push created', () => {
    push();
    lines = [line('NEW-SKU', 7), line('OLD-SKU', 2), line('ZED-SKU', 4)];
    pullMonth(env.ss, MONTH, [source], settings);
    setApprovals(env.ss, MONTH, new Set(readGrid(env.ss, MONTH).rows.map((r) => r.key)), true);
    const again = push();
    expect(again).toMatchObject({ steps: 1, applied: 1 });
    expect(psa.products.filter((p) => p.code === 'NEW-SKU')).toHaveLength(1);
    expect(psa.services.size).toBe(3);
    expect(push()).toMatchObject({ steps: 0 });
  });
});
