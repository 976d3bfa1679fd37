/**
 * HaloPSA as a BillGrid PSA target (P11): clients, items (product lifecycle P21), invoices, recurring
 * invoices and the codes for the default-code dropdowns; charges pushed as invoice lines (P31).
 * See SOURCES.md for where each path and field was checked.
 */
import { HttpTransportError, type CachedValue, type HttpClient, type TokenStore } from '../../../core/http';
import {
  PsaError,
  type CreatesProducts,
  type PsaBillingState,
  type PsaChargeNow,
  type PsaCode,
  type PsaCodeLists,
  type PsaCompany,
  type PsaContract,
  type PsaInvoiceChoice,
  type ListsInvoices,
  type PsaProduct,
  type PsaQuantityNow,
  type PsaReadScope,
  type PsaTarget,
  type PushStep,
  type StepOutcome,
} from '../../../core/psa';
import { LATEST_INVOICE_RULES, type LatestInvoiceRule } from '../../../core/settings';
import { AUTO_CREATE_PRODUCT_PREFIX } from '../../../core/targets';
import { HaloApi, pagesLeft, type HaloProblem } from './api';
import { HaloClients } from './clients';
import { parseHaloConfig } from './config';
import { invoiceContainer, parseContainer, recurringContainer } from './containers';
import {
  HaloInvoices,
  NEWEST_FIRST,
  latestOf,
  newerFirst,
  ownerOf,
  refKey,
  type InvoiceRef,
  type LoadedInvoice,
} from './invoices';
import {
  HaloItems,
  unreconciledProducts,
  type EnsureItemsResult,
  type LifecycleSettings,
  type ProductNeed,
} from './items';
import { HaloPacer, type PacingDeps } from './pacing';
import { invoiceChoices } from './picker';
import { HaloBatch, type HaloPushContext } from './push';
import { haloClient, haloInvoice, haloTax, listEnvelope, type HaloInvoice, type HaloItem } from './schemas';

export { policy, haloConfigSchema, parseHaloConfig } from './config';
export type { HaloConfig, HaloConfigInput } from './config';
export * from './containers';
export { LINE_KEY_FIELD } from './invoices';
export { itemGroupName, unreconciledProducts, describeProducts } from './items';
export type { ProductNeed, LifecycleSettings, EnsureItemsResult } from './items';
export type { HaloProblem } from './api';
export type { HaloPushContext } from './push';

export interface HaloTargetOptions {
  /** Clock for token expiry (tests). */
  now?: () => number;
  /**
   * Integration name for the item group of items created during a push when the step does not say
   * which source it came from (group 'BillGrid_<name>').
   */
  integrationName?: string;
  /** Pacing to hosted Halo's 300 requests / 5 minutes (clock, sleep, the window kept between executions). */
  pacing?: PacingDeps;
  /** The sign-in token kept between executions. */
  tokenStore?: TokenStore;
  /** Values kept a short while between executions (the client list's facts, the list view's finding). */
  cache?: (key: string) => CachedValue | undefined;
}

/** The SKU an item stands for: where BillGrid writes it, else where Halo's distributor sync keys it. */
const skuOf = (i: HaloItem): string =>
  i.supplier_part_code || i.internalreference || i.externalreference || i.third_party_id;

const asProduct = (i: HaloItem): PsaProduct => ({
  id: String(i.id),
  name: i.name,
  code: skuOf(i),
  unitPrice: i.baseprice ?? null,
  unitCost: i.costprice ?? null,
});

export class HaloTarget implements PsaTarget, CreatesProducts, ListsInvoices {
  readonly id = 'halo';
  readonly displayName = 'HaloPSA';
  /**
   * Steps per push batch: each batch lists its clients' invoices once (the fresh copy it writes from), so
   * 200 steps (about 10 clients' invoices) halve those lists against the default 100 while a batch's
   * journal entries stay far below the properties quota.
   */
  readonly pushBatchSize = 200;
  private readonly api: HaloApi;
  private readonly items: HaloItems;
  private readonly invoices: HaloInvoices;
  private readonly clients: HaloClients;
  private context: HaloPushContext = {
    itemIds: {},
    codes: { incomeAccount: null, expenseAccount: null, taxCode: null, itemCode: null },
  };

  private readonly integrationName: string;
  /** Keys readBilling was told no push has sent: their placement may go by open invoices alone. */
  private readonly unsent = new Set<string>();

  constructor(config: unknown, http: HttpClient, options: HaloTargetOptions = {}) {
    this.integrationName = options.integrationName ?? 'Imports';
    const now = options.now ?? (() => Date.now());
    this.api = new HaloApi(
      parseHaloConfig(config),
      http,
      now,
      options.pacing ? new HaloPacer(options.pacing) : null,
      options.tokenStore ?? null,
    );
    this.items = new HaloItems(this.api);
    this.clients = new HaloClients(this.api, options.cache?.('clients') ?? null, now);
    this.invoices = new HaloInvoices(
      this.api,
      (id) => this.clients.billTo(id),
      options.cache?.('listView') ?? null,
    );
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
    this.clients.rememberAll(list);
    return list.map((c) => ({
      id: String(c.id),
      name: c.name,
      active: !c.inactive,
      ...(c.ref?.trim() ? { code: c.ref.trim() } : {}),
    }));
  }

  listProducts(): PsaProduct[] {
    return this.items.all(true).map(asProduct);
  }

  /** The item apply() would use for each 'new:' SKU (by SKU, else by exact name), read-only. */
  findProducts(wanted: readonly { sku: string; name: string }[]): Map<string, PsaProduct> {
    return new Map([...this.items.existing(wanted)].map(([sku, i]) => [sku, asProduct(i)]));
  }

  /**
   * Per client: its latest invoice under each latest-invoice rule (`latestUnder`; one record when the rules
   * agree) and its recurring invoices (container ids, see containers.ts).
   */
  listContracts(companyIds: string[]): PsaContract[] {
    if (!companyIds.length) return [];
    const out: PsaContract[] = [];
    for (const [h, rules] of this.latestInvoices(companyIds)) {
      out.push({
        id: invoiceContainer(h.id),
        companyId: ownerOf(h),
        name: `Invoice ${h.invoicenumber || h.id}${h.invoice_date ? ` (${h.invoice_date.slice(0, 10)})` : ''}`,
        kind: 'invoice',
        startDate: h.invoice_date.slice(0, 10),
        endDate: null,
        latestUnder: rules,
      });
    }
    const recurring = this.api.listByClients(
      '/RecurringInvoice',
      {},
      companyIds,
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

  /**
   * Each client's latest invoice under each rule, chosen as a push chooses (latestOf): the clients' invoice
   * list (client_ids, newest first) — page 1, then, for clients without a latest invoice under every rule
   * yet, either its remaining pages or, when that is fewer requests, one newest-invoices read per client (a
   * long invoice history).
   */
  private latestInvoices(companyIds: string[]): [HaloInvoice, LatestInvoiceRule[]][] {
    const what = 'reading the clients’ latest invoices';
    const lists = this.api.clientLists('/Invoice', NEWEST_FIRST, companyIds);
    const firsts = this.api.firstPages(lists, 'invoices', what);
    // Each client's invoices read so far, newest first.
    const read = new Map<string, HaloInvoice[]>();
    const keep = (records: unknown[]) => {
      for (const h of this.api.parseRecords(records, haloInvoice, what)) {
        // As a push sees it: an invoice Halo raised on a bill-to client is the client's it was raised for.
        const own = read.get(ownerOf(h)) ?? [];
        own.push(h);
        read.set(ownerOf(h), own);
      }
    };
    const latest = (c: string, rule: LatestInvoiceRule) =>
      latestOf([...(read.get(c) ?? [])].sort(newerFirst), (h) => h, rule);
    const found = (c: string) => LATEST_INVOICE_RULES.every((r) => latest(c, r) !== undefined);
    firsts.forEach((f) => keep(f.records));
    const whole: number[] = [];
    const single: string[] = [];
    lists.forEach((l, i) => {
      const unseen = String(l.query.client_ids)
        .split(',')
        .filter((c) => !found(c));
      const left = pagesLeft(firsts[i]);
      // Nothing left: what was read is all the unseen clients have.
      if (!unseen.length || !left) return;
      if (left <= unseen.length) whole.push(i);
      else single.push(...unseen);
    });
    this.api
      .restOf(
        whole.map((i) => lists[i]),
        whole.map((i) => firsts[i]),
        'invoices',
        what,
      )
      .forEach((records, k) => keep(records.slice(firsts[whole[k]].records.length)));
    // Page 1 of one client's list, newest first, a few records: its latest invoices, if among those.
    const one = this.api.sendAll(
      single.map((c) => ({
        method: 'get' as const,
        path: '/Invoice',
        query: { ...NEWEST_FIRST, client_id: c, pageinate: true, page_size: NEWEST_FEW, page_no: 1 },
      })),
    );
    one.forEach((res) =>
      keep(this.api.json(res, listEnvelope('invoices'), what).records.slice(0, NEWEST_FEW)),
    );
    const out: [HaloInvoice, LatestInvoiceRule[]][] = [];
    for (const c of read.keys()) {
      const byId = new Map<number, [HaloInvoice, LatestInvoiceRule[]]>();
      for (const rule of LATEST_INVOICE_RULES) {
        const h = latest(c, rule);
        if (!h) continue;
        const e = byId.get(h.id) ?? [h, []];
        e[1].push(rule);
        byId.set(h.id, e);
      }
      out.push(...byId.values());
    }
    return out;
  }

  /** The invoice picker: the client's open invoices and its recurring invoices, newest first. */
  listInvoices(companyId: string): PsaInvoiceChoice[] {
    return invoiceChoices(this.api, companyId);
  }

  /** Dropdowns for the default codes (P33): items, tax rates, and the income/expense codes items carry. */
  listCodes(): PsaCodeLists {
    // The catalogue listProducts read in this execution, if it did (refresh reads both).
    const items = this.items.all();
    const taxes = this.api.listUnpaged('/Tax', 'taxes', haloTax, 'reading tax rates');
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
   * The PSA's current BillGrid lines for the month, read as lists (client_ids, paged) rather than one
   * request per client or invoice: the clients' invoices with lines when any line goes on 'latest' or a
   * 'new:' invoice, their recurring invoices with lines when any goes on a chosen recurring invoice. A
   * chosen invoice not in those lists (another client's, gone, or no list read) is read by id.
   */
  readBilling(scope: PsaReadScope): PsaBillingState {
    const direct: (InvoiceRef & { container: string })[] = [];
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
    const clients = [...new Set(scope.companyIds)];
    // Line ids BillGrid recorded for the month's keys: its lines even where Halo kept or listed no key.
    const knownIds = new Map<number, string>();
    for (const [k, id] of Object.entries(scope.knownIds ?? {}))
      if (/^\d+$/.test(id) && (!wanted.size || wanted.has(k))) knownIds.set(Number(id), k);
    const listed = new Map<string, LoadedInvoice>();
    const mustFind = mustFindOf(scope);
    for (const k of scope.unsentKeys ?? []) this.unsent.add(k);
    if (perClient) {
      // Bill-to clients first: their invoices are listed with their bill-to client's.
      this.clients.loadBillTo(clients);
      // Open invoices only when the scope says which keys no push sent (see mustFindOf below).
      if (mustFind) this.invoices.openIndexes(clients);
      this.invoices.clientCharges(clients, knownIds).forEach(keep);
      for (const idx of this.invoices.heldIndexes(clients))
        for (const inv of idx.invoices) listed.set(refKey({ id: inv.header.id, recurring: false }), inv);
    }
    if (clients.length && direct.some((d) => d.recurring)) {
      for (const inv of this.invoices.recurringOf(clients))
        listed.set(refKey({ id: inv.header.id, recurring: true }), inv);
    }
    const missing = direct.filter((d) => !listed.has(refKey(d)));
    const loaded = this.invoices.loadAll(missing);
    missing.forEach((d, i) => {
      const inv = loaded[i];
      if (inv) listed.set(refKey(d), inv);
    });
    // Line ids recorded for rows that are not the month's charges: seat lines (quantity targets).
    const charged = new Set(scope.lineKeys);
    const seatIds = new Set(
      Object.entries(scope.knownIds ?? {})
        .filter(([k, id]) => !charged.has(k) && /^\d+$/.test(id))
        .map(([, id]) => Number(id)),
    );
    const quantities: PsaQuantityNow[] = [];
    for (const d of direct) {
      const inv = listed.get(refKey(d));
      if (!inv) continue;
      this.invoices.charges(inv, d.container, knownIds).forEach(keep);
      quantities.push(...this.invoices.quantities(inv, d.container, seatIds));
    }
    // Open invoices were read and a key a push may have sent is not on them (nor on a chosen invoice): it
    // may be on a posted invoice, and a read that missed it would have it added again. Read the whole
    // lists newest first, only as far back as those keys are (SOURCES.md, "Bounded reads").
    if (perClient && mustFind && mustFind.some((k) => !byKey.has(k))) {
      this.invoices.newestUntil(clients, () => {
        const on = new Set(this.invoices.clientCharges(clients, knownIds).map((ch) => ch.ref.lineKey));
        return mustFind.every((k) => byKey.has(k) || on.has(k));
      });
      for (const ch of this.invoices.clientCharges(clients, knownIds))
        if (!byKey.has(ch.ref.lineKey)) keep(ch);
    }
    // Seats in auto-create mode name the product 'new:<SKU>' until it is mapped: the same line answers them
    // (the catalogue, read once per execution, gives each item's SKU).
    const items = quantities.length ? this.items.all() : [];
    for (const q of [...quantities]) {
      const item = items.find((i) => String(i.id) === q.ref.productId);
      const sku = item ? skuOf(item) : '';
      if (sku) quantities.push({ ...q, ref: { ...q.ref, productId: `${AUTO_CREATE_PRODUCT_PREFIX}${sku}` } });
    }
    return { quantities, charges: [...byKey.values()] };
  }

  /**
   * When hosted Halo's window is empty again: a continuation scheduled then sends a full window's worth
   * of requests at once instead of starting by waiting (0 when not paced or already empty).
   */
  resumeInMs(): number {
    return this.api.pacer?.emptyInMs() ?? 0;
  }

  /** One step: a batch of one (see applyAll). */
  apply(step: PushStep): StepOutcome {
    return this.applyAll([step])[0];
  }

  /**
   * Many steps with apply's semantics and one outcome each, in order, grouped by invoice: each invoice
   * the batch touches is read once (fresh) and written once with all its line changes; invoices in
   * parallel within the connector's concurrency (see push.ts).
   */
  applyAll(steps: readonly PushStep[]): StepOutcome[] {
    return new HaloBatch(
      {
        api: this.api,
        items: this.items,
        invoices: this.invoices,
        clients: this.clients,
        context: this.context,
        integrationName: this.integrationName,
        unsent: this.unsent,
      },
      steps,
    ).run();
  }
}

/**
 * The month's keys readBilling must find when it reads only the clients' open invoices: every key but
 * those the scope says no push has sent. Null when the scope does not say (every client's invoices are
 * then read in full).
 */
function mustFindOf(scope: PsaReadScope): string[] | null {
  if (!scope.unsentKeys || !scope.lineKeys.length) return null;
  const unsent = new Set(scope.unsentKeys);
  return scope.lineKeys.filter((k) => !unsent.has(k));
}

const haloClientCount = listEnvelope('clients').transform((l) => l.count);
/** Newest invoices read per client to find its newest open one when its history is long. */
const NEWEST_FEW = 5;

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
