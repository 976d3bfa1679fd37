/**
 * One batch of push steps (HaloTarget.applyAll), grouped by invoice: the items the batch auto-creates in
 * one request per item group, the clients' tax codes in one list, the batch's invoices resolved (a
 * month's or order's new invoice created once), then per invoice one fresh read and ONE write with every
 * line change of the batch, invoices in parallel. Each step keeps its own outcome, in order; an invoice
 * that fails fails only its own steps, and nothing here throws for a PSA 4xx.
 */
import { HttpTransportError, RateLimitWait } from '../../../core/http';
import { PsaError, type ChargeTargetRef, type PushStep, type StepOutcome } from '../../../core/psa';
import type { DefaultCodes } from '../../../core/settings';
import { AUTO_CREATE_PRODUCT_PREFIX, isAutoCreateProduct } from '../../../core/targets';
import type { HaloApi } from './api';
import type { HaloClients } from './clients';
import { parseContainer } from './containers';
import { RateLimitPause } from './pacing';
import {
  lineIdOf,
  newInvoiceDate,
  quantityKey,
  ownerOf,
  refKey,
  type DesiredLine,
  type HaloInvoices,
  type InvoiceRef,
  type LoadedInvoice,
  type NewInvoice,
} from './invoices';
import type { HaloItems, ProductNeed } from './items';

/** What a push needs beyond the steps: the item for each SKU and the codes in force. */
export interface HaloPushContext {
  /** SKU → Halo item id, from ensureItems(). */
  itemIds: Record<string, string>;
  /** Default codes after global/integration overrides. */
  codes: DefaultCodes;
  /** Per-client code overrides (PSA client id → codes). */
  clientCodes?: Record<string, Partial<DefaultCodes>>;
}

export interface BatchParts {
  api: HaloApi;
  items: HaloItems;
  invoices: HaloInvoices;
  clients: HaloClients;
  context: HaloPushContext;
  /** Names the item group of items created for steps that do not say their source. */
  integrationName: string;
  /** Line keys the month job said no push has sent (readBilling's scope); others may be anywhere. */
  unsent?: ReadonlySet<string>;
}

/**
 * A step on its way through the batch; `at` is its place in the batch. A seat step (a quantity target on
 * a chosen invoice) travels as a line of that invoice whose key, `BGQ-<item>`, is set once its item is known.
 */
interface Work {
  at: number;
  step: PushStep;
  ref: ChargeTargetRef;
  seat: boolean;
}
interface Priced extends Work {
  desired: DesiredLine;
}
interface Placed extends Priced {
  target: InvoiceRef;
}
/** A new invoice the batch creates, with the steps whose lines it carries. */
interface NewGroup {
  want: NewInvoice;
  ws: Priced[];
}
/** An item a batch may have to create. */
interface ItemNeed {
  product: ProductNeed;
  integration: string;
  codes: DefaultCodes;
}
/** One invoice write: its full line list and the steps it carries. */
interface Save {
  inv: LoadedInvoice;
  lines: Record<string, unknown>[];
  keys: string[];
  ws: Placed[];
  verbs: Map<string, string>;
}

const retryable = (status: number | undefined): boolean => status === 429 || (status ?? 0) >= 500;

/** A step's outcome for what HaloPSA answered (or did not); anything else is a bug and goes on up. */
export function failure(err: unknown): StepOutcome {
  if (err instanceof PsaError)
    return { status: 'failed', retryable: retryable(err.status), message: err.message };
  if (err instanceof RateLimitWait) {
    // The pause came before any request of the call that carried this step's change: nothing was sent.
    const notSent = err instanceof RateLimitPause && err.nothingSent;
    return {
      status: 'failed',
      retryable: true,
      message: err.message,
      continueLater: true,
      ...(notSent ? { notSent } : {}),
    };
  }
  if (err instanceof HttpTransportError) return { status: 'failed', retryable: true, message: err.message };
  throw err;
}

/** The placeholder a 'new:' container's invoice carries (placement looks for it); null for other containers. */
const placeholderFor = (container: string): string | null =>
  parseContainer(container)?.kind === 'new' ? container : null;

const refused = (message: string): StepOutcome => ({ status: 'failed', retryable: false, message });

export class HaloBatch {
  private readonly out: (StepOutcome | undefined)[];

  constructor(
    private readonly p: BatchParts,
    private readonly steps: readonly PushStep[],
  ) {
    this.out = steps.map(() => undefined);
  }

  run(): StepOutcome[] {
    this.p.invoices.beginBatch();
    const priced = this.priced(this.withClients(this.withItems(this.charges())));
    const { placed, fresh } = this.placed(priced);
    this.write(placed);
    this.create(fresh);
    return this.out.map((o, i) => {
      if (!o) throw new Error(`HaloPSA push: step ${this.steps[i].idempotencyKey} got no outcome`);
      return o;
    });
  }

  private settle(w: Work, o: StepOutcome): void {
    this.out[w.at] = o;
  }

  /** Run a phase that reads or writes for all of `ws`; if it throws, each of them fails with why. */
  private guard<T>(ws: Work[], f: () => T): T | null {
    try {
      return f();
    } catch (err) {
      const o = failure(err);
      for (const w of ws) this.settle(w, o);
      return null;
    }
  }

  private charges(): Work[] {
    const ws: Work[] = [];
    this.steps.forEach((step, at) => {
      const r = step.ref;
      if (r.kind === 'charge') ws.push({ at, step, ref: r, seat: false });
      else {
        const on = parseContainer(r.contractId);
        if (on?.kind === 'invoice' || on?.kind === 'recurring') {
          // The key is the item's, known after withItems (see priced).
          const ref: ChargeTargetRef = {
            kind: 'charge',
            companyId: r.companyId,
            container: r.contractId,
            lineKey: '',
          };
          ws.push({ at, step, ref, seat: true });
        } else
          this.out[at] = refused(
            `HaloPSA keeps a seat quantity only on a chosen invoice or recurring invoice, not on '${r.contractId}'`,
          );
      }
    });
    return ws;
  }

  private codesFor(w: Work): DefaultCodes {
    return {
      ...this.p.context.codes,
      ...definedCodes(w.step.codes),
      ...definedCodes(this.p.context.clientCodes?.[w.ref.companyId]),
    };
  }

  /**
   * Items: 'new:<sku>' products missing in Halo are created once for the batch (one request per item
   * group and codes), then the catalogue is read once (each item's income code).
   */
  private withItems(ws: Work[]): (Work & { itemId: string })[] {
    if (!ws.length) return [];
    const failed = this.createItemGroups(this.itemNeeds(ws));
    if (this.guard(ws, () => this.p.items.all()) === null) return [];
    return ws.flatMap((w) => {
      const id = this.itemFor(w.step, failed);
      if (typeof id === 'string') return [{ ...w, itemId: id }];
      this.settle(w, id);
      return [];
    });
  }

  /** The products the batch must find or create, by item group and codes, in the order steps need them. */
  private itemNeeds(ws: Work[]): ItemNeed[][] {
    const groups = new Map<string, ItemNeed[]>();
    const seen = new Set<string>();
    for (const w of ws) {
      const sku = autoCreatedSku(w.step);
      if (sku === null || this.p.context.itemIds[sku] || seen.has(sku)) continue;
      seen.add(sku);
      const a = w.step.after;
      const n: ItemNeed = {
        product: { sku, name: a.productName || sku, unitPrice: a.unitPrice, unitCost: a.unitCost },
        integration: w.step.source || this.p.integrationName,
        codes: this.codesFor(w),
      };
      const g = `${n.integration}\u0000${JSON.stringify(n.codes)}`;
      groups.set(g, [...(groups.get(g) ?? []), n]);
    }
    return [...groups.values()];
  }

  /**
   * Create each group's missing items; returns why a SKU has no item. After a failure no later group is
   * created in this batch, so a re-run creates the item groups in the order (and with the ids) a
   * fault-free push would.
   */
  private createItemGroups(groups: ItemNeed[][]): Map<string, StepOutcome> {
    const failed = new Map<string, StepOutcome>();
    let blocked: StepOutcome | null = null;
    for (const g of groups) {
      const o: StepOutcome | null = blocked ?? this.createItems(g);
      if (!o) continue;
      for (const n of g) failed.set(n.product.sku, o);
      blocked ??= {
        status: 'failed',
        retryable: true,
        message: `Not sent: creating an earlier item failed in this batch (${o.message}); the next push creates it`,
      };
    }
    return failed;
  }

  /**
   * Find or create one group's items. A create that failed with a server error or a dropped connection
   * is settled either way, so it is tried once more after a fresh read (which finds it if it landed),
   * as a next step would; never after a timeout (HaloApi then sends no change at all).
   */
  private createItems(g: ItemNeed[]): StepOutcome | null {
    let o: StepOutcome | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const r = this.p.items.ensureMany(
          g.map((n) => n.product),
          g[0].integration,
          g[0].codes,
        );
        if (!r.ok) return refused(r.message);
        Object.assign(this.p.context.itemIds, r.itemIds);
        return null;
      } catch (err) {
        o = failure(err);
        if (o.status !== 'failed' || !o.retryable || this.p.api.changesBlocked) return o;
      }
    }
    return o;
  }

  /** The Halo item for a step: core's product id, or the item found or created for 'new:<sku>'. */
  private itemFor(step: PushStep, failed: Map<string, StepOutcome>): string | StepOutcome {
    const a = step.after;
    const pid = a.productId;
    if (pid && !isAutoCreateProduct(pid)) return pid;
    const sku = pid ? pid.slice(AUTO_CREATE_PRODUCT_PREFIX.length) || a.sku : a.sku;
    const known = this.p.context.itemIds[sku];
    if (known) return known;
    if (!pid) return refused(`${a.productName || sku} (${sku}) is not reconciled to a HaloPSA item yet`);
    return failed.get(sku) ?? refused(`HaloPSA did not create the item for ${a.productName || sku} (${sku})`);
  }

  /** The batch's clients in one read (their own tax codes); a client that cannot be read fails its steps. */
  private withClients<T extends Work>(ws: T[]): T[] {
    const failed = this.guard(ws, () => this.p.clients.load(ws.map((w) => w.ref.companyId)));
    if (!failed) return [];
    return ws.filter((w) => {
      const err = failed.get(w.ref.companyId);
      if (err) this.settle(w, failure(err));
      return !err;
    });
  }

  /** Each step's line as Halo should hold it. */
  private priced(ws: (Work & { itemId: string })[]): Priced[] {
    return ws.flatMap((w) => {
      if (!/^\d+$/.test(w.itemId)) {
        this.settle(w, refused(`'${w.itemId}' is not a HaloPSA item id`));
        return [];
      }
      const a = w.step.after;
      const codes = this.codesFor(w);
      const item = this.p.items.byId(w.itemId);
      const target = parseContainer(w.ref.container);
      const known = Number(w.step.psaId ?? '');
      const ref = w.seat ? { ...w.ref, lineKey: quantityKey(w.itemId) } : w.ref;
      const desired: DesiredLine = {
        key: ref.lineKey,
        itemId: Number(w.itemId),
        productName: a.productName,
        description: a.description,
        quantity: a.quantity,
        unitPrice: a.unitPrice,
        unitCost: a.unitCost,
        nominalCode: item?.nominalcode || codes.incomeAccount || '',
        taxOverride: this.taxOverride(w.ref.companyId, codes.taxCode),
        // A recurring invoice is a template: a charge on it is billed once, on the next generated invoice;
        // a seat line stays on it, billed every period at the quantity BillGrid keeps.
        oneTime: target?.kind === 'recurring' && !w.seat,
        knownId: Number.isInteger(known) && known > 0 ? known : null,
        seat: w.seat,
      };
      return [{ ...w, ref, desired }];
    });
  }

  /**
   * The tax code BillGrid overrides on a client's lines, or null to leave the tax to Halo: when the client
   * is not taxable, has Halo compute its sales tax, or has its own tax code (BillingBot: the default
   * "does not override the per account lookup of taxes"), and when no default tax code is set.
   */
  private taxOverride(companyId: string, taxCode: string | null): number | null {
    const c = this.p.clients.get(companyId);
    if (!c || c.taxable === false || c.automatic_sales_tax === true) return null;
    if ((c.item_tax_code ?? 0) > 0) return null;
    const n = Number(taxCode ?? '');
    return taxCode && Number.isInteger(n) && n > 0 ? n : null;
  }

  /**
   * The invoice each step works on. A line already on one of the client's invoices stays there; 'latest'
   * is otherwise the newest open invoice and 'new:' the invoice carrying the placeholder, or (missing) a
   * new invoice created with its lines. The clients' invoices are listed once for the whole batch.
   */
  private placed(ws: Priced[]): { placed: Placed[]; fresh: NewGroup[] } {
    const listed = ws.filter((w) => {
      const c = parseContainer(w.ref.container);
      return c?.kind === 'latest' || c?.kind === 'new';
    });
    // The clients' open invoices, and the whole list of a client where a recorded line or a new
    // invoice may be on a posted invoice (see placementIndexes).
    const indexed = this.guard(listed, () => {
      this.p.invoices.placementIndexes(
        listed.map((w) => ({
          clientId: w.ref.companyId,
          key: w.ref.lineKey,
          knownId: w.desired.knownId,
          unsent: this.p.unsent?.has(w.ref.lineKey) ?? false,
          placeholder: placeholderFor(w.ref.container),
        })),
      );
      return true;
    });
    const usable = indexed ? ws : ws.filter((w) => !listed.includes(w));
    const found = new Map<string, number | undefined>();
    const fresh = new Map<string, NewGroup>();
    const placed: Placed[] = [];
    for (const w of usable) {
      const c = parseContainer(w.ref.container);
      try {
        if (!c) throw new PsaError(`'${w.ref.container}' is not a HaloPSA invoice`);
        if (c.kind === 'invoice' || c.kind === 'recurring') {
          placed.push({ ...w, target: { id: c.id, recurring: c.kind === 'recurring' } });
        } else if (c.kind === 'latest') {
          const id = this.p.invoices.latestFor(w.ref.companyId, w.ref.lineKey, w.desired.knownId, c.rule);
          if (id !== null) placed.push({ ...w, target: { id, recurring: false } });
          else if (!c.fallback) throw new PsaError(this.p.invoices.noLatestMessage(w.ref.companyId, c.rule));
          else {
            // No invoice qualifies: a new one for the month (setting noLatestInvoice 'new'). Not an invoice
            // found by the placeholder: one that exists and does not qualify (sent, posted) takes no charges.
            // A re-run finds the lines on it (it is then the client's newest open invoice) and adds nothing.
            const k = `${w.ref.companyId}\u0000latest\u0000${c.fallback.container}`;
            const g = fresh.get(k) ?? {
              want: {
                clientId: w.ref.companyId,
                placeholder: c.fallback.container,
                date: newInvoiceDate(c.fallback.group, w.step.after.effectiveDate),
              },
              ws: [],
            };
            g.ws.push(w);
            fresh.set(k, g);
          }
        } else {
          const k = `${w.ref.companyId}\u0000${w.ref.container}`;
          if (!found.has(k)) found.set(k, this.p.invoices.createdFor(w.ref.companyId, w.ref.container));
          const id = found.get(k);
          if (id !== undefined) {
            placed.push({ ...w, target: { id, recurring: false } });
            continue;
          }
          const g = fresh.get(k) ?? {
            want: {
              clientId: w.ref.companyId,
              placeholder: w.ref.container,
              date: newInvoiceDate(c.group, w.step.after.effectiveDate),
            },
            ws: [],
          };
          g.ws.push(w);
          fresh.set(k, g);
        }
      } catch (err) {
        this.settle(w, failure(err));
      }
    }
    return { placed, fresh: [...fresh.values()] };
  }

  /**
   * New invoices, each created with all its lines in ONE request (invoices in parallel); the saved
   * invoice's line ids go to the Ledger.
   */
  private create(groups: NewGroup[]): void {
    if (!groups.length) return;
    const plans = groups.map((g) => {
      const empty: LoadedInvoice = {
        header: {
          id: 0,
          client_id: Number(g.want.clientId),
          client_name: '',
          invoicenumber: '',
          invoice_date: g.want.date,
          reference: '',
        },
        raw: [],
        lines: [],
        recurring: false,
      };
      return this.p.invoices.planLines(
        empty,
        g.ws.map((w) => w.desired),
      );
    });
    const made = this.guard(
      groups.flatMap((g) => g.ws),
      () => this.p.invoices.createAll(groups.map((g, i) => ({ ...g.want, lines: plans[i].lines ?? [] }))),
    );
    groups.forEach((g, i) => {
      const r = made?.[i];
      if (!r) return;
      for (const w of g.ws) {
        if (!r.ok) this.settle(w, failure(r.error));
        else {
          const name = r.saved ? this.p.invoices.name(r.saved) : `invoice ${String(r.id)}`;
          this.settle(w, {
            status: 'applied',
            psaId: lineIdOf(r.saved, w.desired),
            message: `Added on the new ${name}`,
          });
        }
      }
    });
  }

  /** Per invoice: its current copy, every line change of the batch, ONE write. */
  private write(ws: Placed[]): void {
    const groups = new Map<string, { ref: InvoiceRef; ws: Placed[] }>();
    for (const w of ws) {
      const k = refKey(w.target);
      const g = groups.get(k) ?? { ref: w.target, ws: [] };
      g.ws.push(w);
      groups.set(k, g);
    }
    const saves: Save[] = [];
    for (const [k, inv] of this.copies(groups)) {
      const change = this.plan(inv, (groups.get(k) as { ws: Placed[] }).ws);
      if (change) saves.push(change);
    }
    this.save(saves);
  }

  /**
   * Each invoice as it is now, read afresh (its clients' invoices in one list, see freshCopies), except
   * when the run's copy already shows every line as approved. An invoice that cannot be read fails its
   * steps.
   */
  private copies(groups: Map<string, { ref: InvoiceRef; ws: Placed[] }>): Map<string, LoadedInvoice> {
    const copies = new Map<string, LoadedInvoice>();
    const toRead: { ref: InvoiceRef; ws: Placed[] }[] = [];
    for (const [k, g] of groups) {
      const copy = this.p.invoices.cached(g.ref);
      if (copy && g.ws.every((w) => !this.p.invoices.needsChange(copy, w.desired))) copies.set(k, copy);
      else toRead.push(g);
    }
    const read = this.guard(
      toRead.flatMap((g) => g.ws),
      () => this.p.invoices.freshCopies(toRead.map((g) => ({ ref: g.ref, clientId: g.ws[0].ref.companyId }))),
    );
    toRead.forEach((g, i) => {
      const r = read?.[i];
      if (r instanceof PsaError) for (const w of g.ws) this.settle(w, failure(r));
      else if (r) copies.set(refKey(g.ref), r);
    });
    return copies;
  }

  /** The writes, invoices in parallel; each write's answer settles the steps it carries. */
  private save(saves: Save[]): void {
    const saved = this.guard(
      saves.flatMap((s) => s.ws),
      () => this.p.invoices.saveAll(saves),
    );
    saves.forEach((s, i) => {
      const r = saved?.[i];
      if (!r) return;
      for (const w of s.ws) {
        if (!r.ok) this.settle(w, failure(r.error));
        else
          this.settle(w, {
            status: 'applied',
            psaId: lineIdOf(r.saved, w.desired, s.inv),
            message: `${s.verbs.get(w.ref.lineKey) ?? 'Changed'} on the ${this.p.invoices.name(s.inv)}`,
          });
      }
    });
  }

  /**
   * Settle what needs no write (unchanged, refused, another client's invoice); returns the invoice's new
   * line list and the steps it carries, or null when nothing changes.
   */
  private plan(inv: LoadedInvoice, ws: Placed[]): Save | null {
    const own = ws.filter((w) => {
      if (ownerOf(inv.header) === w.ref.companyId) return true;
      const owner = inv.header.client_name || inv.header.client_id;
      this.settle(w, refused(`Invoice ${inv.header.id} belongs to another HaloPSA client (${owner})`));
      return false;
    });
    const plan = this.p.invoices.planLines(
      inv,
      own.map((w) => w.desired),
    );
    const changing: Placed[] = [];
    const verbs = new Map<string, string>();
    for (const w of own) {
      const lp = plan.byKey.get(w.ref.lineKey);
      if (lp?.kind === 'change') {
        changing.push(w);
        verbs.set(w.ref.lineKey, lp.verb);
      } else if (lp?.kind === 'unchanged') {
        this.settle(w, { status: 'unchanged', psaId: lp.lineId, message: lp.message });
      } else {
        this.settle(w, refused(lp?.message ?? 'HaloPSA invoice line not planned'));
      }
    }
    if (!plan.lines || !changing.length) return null;
    return { inv, lines: plan.lines, keys: [...verbs.keys()], ws: changing, verbs };
  }
}

/** The SKU a step's 'new:<sku>' product id asks to find or create; null for a known item. */
function autoCreatedSku(step: PushStep): string | null {
  const pid = step.after.productId;
  if (!pid || !isAutoCreateProduct(pid)) return null;
  return pid.slice(AUTO_CREATE_PRODUCT_PREFIX.length) || step.after.sku;
}

function definedCodes(c: Partial<DefaultCodes> | undefined): Partial<DefaultCodes> {
  const out: Partial<DefaultCodes> = {};
  if (!c) return out;
  for (const k of ['incomeAccount', 'expenseAccount', 'taxCode', 'itemCode'] as const) {
    if (c[k] !== undefined && c[k] !== null) out[k] = c[k];
  }
  return out;
}
