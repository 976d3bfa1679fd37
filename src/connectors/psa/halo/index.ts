/**
 * HaloPSA as a BillGrid PSA target (P11): clients, items (product lifecycle P21), invoices, recurring
 * invoices and the codes for the default-code dropdowns; charges pushed as invoice lines (P31).
 * See SOURCES.md for where each path and field was checked.
 */
import { HttpTransportError, type HttpClient } from '../../../core/http';
import {
  PsaError,
  type PsaBillingState,
  type PsaChargeNow,
  type PsaCode,
  type PsaCodeLists,
  type PsaCompany,
  type PsaContract,
  type PsaProduct,
  type PsaReadScope,
  type PsaTarget,
  type PushStep,
  type StepOutcome,
} from '../../../core/psa';
import type { DefaultCodes } from '../../../core/settings';
import { AUTO_CREATE_PRODUCT_PREFIX, isAutoCreateProduct } from '../../../core/targets';
import { HaloApi, type HaloProblem } from './api';
import { parseHaloConfig } from './config';
import { invoiceContainer, parseContainer, recurringContainer } from './containers';
import { HaloInvoices, type DesiredLine } from './invoices';
import {
  HaloItems,
  unreconciledProducts,
  type EnsureItemsResult,
  type LifecycleSettings,
  type ProductNeed,
} from './items';
import { haloClient, haloInvoice, haloTax, listEnvelope, type HaloClient } from './schemas';

export { policy, haloConfigSchema, parseHaloConfig } from './config';
export type { HaloConfig, HaloConfigInput } from './config';
export * from './containers';
export { LINE_KEY_FIELD } from './invoices';
export { itemGroupName, unreconciledProducts, describeProducts } from './items';
export type { ProductNeed, LifecycleSettings, EnsureItemsResult } from './items';
export type { HaloProblem } from './api';

/** What apply() needs beyond the step: the item for each SKU and the codes in force. */
export interface HaloPushContext {
  /** SKU → Halo item id, from ensureItems(). */
  itemIds: Record<string, string>;
  /** Default codes after global/integration overrides. */
  codes: DefaultCodes;
  /** Per-client code overrides (PSA client id → codes). */
  clientCodes?: Record<string, Partial<DefaultCodes>>;
}

export interface HaloTargetOptions {
  /** Clock for token expiry (tests). */
  now?: () => number;
  /**
   * Integration name for the item group of items created during a push when the step does not say
   * which source it came from (group 'BillGrid_<name>').
   */
  integrationName?: string;
}

const retryable = (status: number | undefined): boolean => status === 429 || (status ?? 0) >= 500;

export class HaloTarget implements PsaTarget {
  readonly id = 'halo';
  readonly displayName = 'HaloPSA';
  private readonly api: HaloApi;
  private readonly items: HaloItems;
  private readonly invoices: HaloInvoices;
  /** Full client records (GET /Client/{id}): list answers may leave out the tax code. */
  private clients = new Map<string, HaloClient>();
  private context: HaloPushContext = {
    itemIds: {},
    codes: { incomeAccount: null, expenseAccount: null, taxCode: null, itemCode: null },
  };

  private readonly integrationName: string;

  constructor(config: unknown, http: HttpClient, options: HaloTargetOptions = {}) {
    this.integrationName = options.integrationName ?? 'Imports';
    this.api = new HaloApi(parseHaloConfig(config), http, options.now ?? (() => Date.now()));
    this.items = new HaloItems(this.api);
    this.invoices = new HaloInvoices(this.api);
  }

  /** Records Halo sent that could not be read (id and reason), since this target was created. */
  get problems(): readonly HaloProblem[] {
    return this.api.problems;
  }

  testConnection(): { ok: boolean; message: string } {
    try {
      const n = this.api.call(
        { method: 'get', path: '/Client', query: { pageinate: true, page_size: 1, page_no: 1 } },
        haloClientCount,
        'reading clients',
      );
      return {
        ok: true,
        message: `Connected to HaloPSA at ${this.api.host}: ${n} client${n === 1 ? '' : 's'}`,
      };
    } catch (err) {
      return { ok: false, message: explain(err, this.api.host) };
    }
  }

  listCompanies(): PsaCompany[] {
    const list = this.api.list(
      '/Client',
      { includeactive: true, includeinactive: true },
      'clients',
      haloClient,
      'reading clients',
    );
    return list.map((c) => ({ id: String(c.id), name: c.name, active: !c.inactive }));
  }

  listProducts(): PsaProduct[] {
    return this.items.all(true).map((i) => ({
      id: String(i.id),
      name: i.name,
      code: i.supplier_part_code || i.internalreference,
      unitPrice: i.baseprice ?? null,
      unitCost: i.costprice ?? null,
    }));
  }

  /** Per client: its latest invoice and its recurring invoices (container ids, see containers.ts). */
  listContracts(companyIds: string[]): PsaContract[] {
    if (!companyIds.length) return [];
    const latest = this.api.sendAll(
      companyIds.map((c) => ({
        method: 'get' as const,
        path: '/Invoice',
        query: {
          client_id: c,
          pageinate: true,
          page_size: 1,
          page_no: 1,
          order: 'invoice_date',
          orderdesc: true,
          order2: 'id',
          orderdesc2: true,
        },
      })),
    );
    const out: PsaContract[] = [];
    latest.forEach((res, i) => {
      const inv = this.api.json(res, latestInvoice, `reading the latest invoice of client ${companyIds[i]}`);
      const parsed = this.api.parseRecords(inv.records.slice(0, 1), haloInvoice, 'reading invoices');
      for (const h of parsed) {
        out.push({
          id: invoiceContainer(h.id),
          companyId: String(h.client_id),
          name: `Invoice ${h.invoicenumber || h.id}${h.invoice_date ? ` (${h.invoice_date.slice(0, 10)})` : ''}`,
          kind: 'invoice',
          startDate: h.invoice_date.slice(0, 10),
          endDate: null,
        });
      }
    });
    const recurring = this.api.list(
      '/RecurringInvoice',
      { client_ids: companyIds.join(',') },
      'invoices',
      haloInvoice,
      'reading recurring invoices',
    );
    for (const r of recurring) {
      out.push({
        id: recurringContainer(r.id),
        companyId: String(r.client_id),
        name: r.reference || `Recurring invoice ${r.id}`,
        kind: 'recurring-invoice',
        startDate: r.invoice_date.slice(0, 10),
        endDate: null,
      });
    }
    return out;
  }

  /** Dropdowns for the default codes (P33): items, tax rates, and the income/expense codes items carry. */
  listCodes(): PsaCodeLists {
    const items = this.items.all(true);
    const taxes = this.api.list('/Tax', {}, 'taxes', haloTax, 'reading tax rates');
    const distinct = (codes: string[]): PsaCode[] =>
      [...new Set(codes.filter(Boolean))].sort().map((c) => ({ id: c, name: c }));
    return {
      incomeAccounts: distinct(items.map((i) => i.nominalcode)),
      expenseAccounts: distinct(items.map((i) => i.purchasenominalcode)),
      taxCodes: taxes.map((t) => ({ id: String(t.id), name: t.name })),
      itemCodes: items.map((i) => ({ id: String(i.id), name: i.name })),
    };
  }

  /** P21: make sure every product has a Halo item under the chosen lifecycle mode; remembers the map. */
  ensureItems(products: ProductNeed[], settings: LifecycleSettings): EnsureItemsResult {
    const r = this.items.ensure(products, settings);
    if (r.ok) this.context = { ...this.context, itemIds: { ...this.context.itemIds, ...r.itemIds } };
    return r;
  }

  /** Manual mode check: the products still to be reconciled by hand (empty: the push may go ahead). */
  unreconciled(products: ProductNeed[], mapped: Record<string, string>): ProductNeed[] {
    return unreconciledProducts(products, mapped, this.items.all());
  }

  /** Codes and items for the coming apply() calls. Item ids from ensureItems() are kept. */
  preparePush(ctx: HaloPushContext): void {
    this.context = { ...ctx, itemIds: { ...this.context.itemIds, ...ctx.itemIds } };
  }

  /**
   * The PSA's current BillGrid lines for the month: chosen and recurring invoices by id, and for clients
   * on 'latest' or 'new:' invoices, their invoices with lines (one paged list per client, in parallel).
   */
  readBilling(scope: PsaReadScope): PsaBillingState {
    const direct: { container: string; id: number; recurring: boolean }[] = [];
    let perClient = false;
    for (const c of new Set(scope.contractIds)) {
      const p = parseContainer(c);
      if (!p) continue;
      if (p.kind === 'invoice' || p.kind === 'recurring') {
        direct.push({ container: c, id: p.id, recurring: p.kind === 'recurring' });
      } else perClient = true;
    }
    const wanted = new Set(scope.lineKeys);
    const byKey = new Map<string, PsaChargeNow>();
    const keep = (ch: PsaChargeNow) => {
      if (!wanted.size || wanted.has(ch.ref.lineKey)) byKey.set(ch.ref.lineKey, ch);
    };
    if (perClient) this.invoices.clientCharges(scope.companyIds).forEach(keep);
    const loaded = this.invoices.loadAll(direct, true);
    loaded.forEach((inv, i) => inv && this.invoices.charges(inv, direct[i].container).forEach(keep));
    return { quantities: [], charges: [...byKey.values()] };
  }

  apply(step: PushStep): StepOutcome {
    try {
      const ref = step.ref;
      if (ref.kind !== 'charge') {
        return {
          status: 'failed',
          retryable: false,
          message: 'HaloPSA keeps no contract quantities; charges only',
        };
      }
      const desired = this.desiredLine(step, ref.companyId, ref.lineKey);
      if ('message' in desired) return { status: 'failed', retryable: false, message: desired.message };
      const t = this.invoices.resolve(ref.container, ref.companyId, ref.lineKey, step.after.effectiveDate);
      // A copy read earlier in this run is enough to see that nothing needs doing; any change is made
      // on a fresh read.
      const earlier = this.invoices.cached(t.id, t.recurring);
      const inv =
        earlier && !this.invoices.needsChange(earlier, desired)
          ? earlier
          : this.invoices.load(t.id, t.recurring);
      if (String(inv.header.client_id) !== ref.companyId) {
        const owner = inv.header.client_name || inv.header.client_id;
        return {
          status: 'failed',
          retryable: false,
          message: `Invoice ${t.id} belongs to another HaloPSA client (${owner})`,
        };
      }
      const r = this.invoices.upsertLine(inv, desired);
      return { status: r.status, psaId: r.lineId, message: r.message };
    } catch (err) {
      if (err instanceof PsaError)
        return { status: 'failed', retryable: retryable(err.status), message: err.message };
      if (err instanceof HttpTransportError)
        return { status: 'failed', retryable: true, message: err.message };
      throw err;
    }
  }

  private client(companyId: string): HaloClient | undefined {
    let c = this.clients.get(companyId);
    if (!c) {
      c = this.api.call(
        { method: 'get', path: `/Client/${encodeURIComponent(companyId)}` },
        haloClient,
        `reading client ${companyId}`,
      );
      this.clients.set(companyId, c);
    }
    return c;
  }

  /** The Halo item for a step: core's product id, 'new:<sku>' (find or create), or ensureItems' map. */
  private itemFor(step: PushStep, codes: DefaultCodes): string | { message: string } {
    const a = step.after;
    const pid = a.productId;
    if (pid && !isAutoCreateProduct(pid)) return pid;
    const sku = pid ? pid.slice(AUTO_CREATE_PRODUCT_PREFIX.length) || a.sku : a.sku;
    const known = this.context.itemIds[sku];
    if (known) return known;
    if (!pid) return { message: `${a.productName || sku} (${sku}) is not reconciled to a HaloPSA item yet` };
    const source = (step as PushStep & { source?: unknown }).source;
    const integration = typeof source === 'string' && source ? source : this.integrationName;
    const r = this.items.ensureOne(
      { sku, name: a.productName || sku, unitPrice: a.unitPrice, unitCost: a.unitCost },
      integration,
      codes,
    );
    if (!r.ok) return { message: r.message };
    this.context.itemIds[sku] = r.itemIds[sku];
    return r.itemIds[sku];
  }

  private desiredLine(step: PushStep, companyId: string, key: string): DesiredLine | { message: string } {
    const a = step.after;
    const codes: DefaultCodes = {
      ...this.context.codes,
      ...definedCodes(step.codes),
      ...definedCodes(this.context.clientCodes?.[companyId]),
    };
    const itemId = this.itemFor(step, codes);
    if (typeof itemId !== 'string') return itemId;
    if (!/^\d+$/.test(itemId)) return { message: `'${itemId}' is not a HaloPSA item id` };
    const item = this.items.byId(itemId);
    // The client's own tax code in Halo wins over the default (BillingBot: "does not override the per
    // account lookup of taxes").
    const clientTax = this.client(companyId)?.item_tax_code;
    const taxCode = clientTax && clientTax > 0 ? String(clientTax) : (codes.taxCode ?? '');
    return {
      key,
      itemId: Number(itemId),
      productName: a.productName,
      description: a.description,
      quantity: a.quantity,
      unitPrice: a.unitPrice,
      unitCost: a.unitCost,
      nominalCode: item?.nominalcode || codes.incomeAccount || '',
      taxCode,
    };
  }
}

function definedCodes(c: Partial<DefaultCodes> | undefined): Partial<DefaultCodes> {
  const out: Partial<DefaultCodes> = {};
  if (!c) return out;
  for (const k of ['incomeAccount', 'expenseAccount', 'taxCode', 'itemCode'] as const) {
    if (c[k] !== undefined && c[k] !== null) out[k] = c[k];
  }
  return out;
}

const haloClientCount = listEnvelope('clients').transform((l) => l.count);
const latestInvoice = listEnvelope('invoices');

function explain(err: unknown, host: string): string {
  if (err instanceof PsaError) return err.message;
  if (err instanceof HttpTransportError) return `Could not reach HaloPSA at ${host}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return `HaloPSA connection failed`;
}

/** The Halo target for one tenant; `config` is validated here (see haloConfigSchema). */
export function createHaloTarget(config: unknown, http: HttpClient, options?: HaloTargetOptions): HaloTarget {
  return new HaloTarget(config, http, options);
}
