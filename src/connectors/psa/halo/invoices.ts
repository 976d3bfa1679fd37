import { z } from 'zod';
import { LINE_KEY_PATTERN } from '../../../core/line-key';
import { HttpTransportError, type CachedValue, type HttpResponse } from '../../../core/http';
import { PsaError, type PsaChargeNow, type PsaQuantityNow } from '../../../core/psa';
import type { LatestInvoiceRule } from '../../../core/settings';
import type { HaloApi } from './api';
import { MAX_CONCURRENCY } from './config';
import { placeholderOf, referenceFor } from './containers';
import { closedBecause, haloInvoice, haloLine, type HaloInvoice, type HaloLine } from './schemas';

/**
 * Invoice lines carry BillGrid's line key in `comment_1`, a line field the spec declares. Whether Halo
 * keeps it (and shows it on list views) is unverified, so BillGrid also recognises its lines without it
 * (see `claimLines`): by the Halo line id BillGrid recorded for the key, else by the secondary key.
 */
export const LINE_KEY_FIELD = 'comment_1';

/**
 * A recurring seat line (a quantity target on a recurring invoice) is one line per item, keyed
 * `BGQ-<item id>` in the same field: the invoice and the item say which line it is, so the key does not
 * change when the quantity does. Halo copies it onto the invoices it generates, where it means nothing.
 */
export const QUANTITY_KEY_PREFIX = 'BGQ-';
export const quantityKey = (itemId: number | string): string => `${QUANTITY_KEY_PREFIX}${itemId}`;
const quantityItemOf = (k: string): number | null => {
  const m = /^BGQ-(\d+)$/.exec(k);
  return m ? Number(m[1]) : null;
};

/** The approved line as Halo should hold it. */
export interface DesiredLine {
  key: string;
  itemId: number;
  productName: string;
  description: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  nominalCode: string;
  /** A tax code BillGrid sets as an override; null leaves the tax to Halo. */
  taxOverride: number | null;
  /** Bill once: a charge on a recurring invoice goes on the next generated invoice only. */
  oneTime: boolean;
  /** The Halo line id BillGrid recorded for this key (Ledger / PSA reference), when it has one. */
  knownId: number | null;
  /**
   * A recurring seat line (key `BGQ-<item>`): its quantity is kept. Without its key or recorded id it is
   * never taken from a look-alike line: a line of the item without a key is reported, not adopted or doubled.
   */
  seat?: boolean;
}

/** An invoice as read just now: the header, its raw lines (sent back untouched) and the parsed ones. */
export interface LoadedInvoice {
  header: HaloInvoice;
  raw: Record<string, unknown>[];
  lines: HaloLine[];
  recurring: boolean;
}

/** One client's invoices (with lines), read once per run for 'latest' and 'new:' containers. */
interface ClientIndex {
  /** Newest first (invoice date, then id). */
  invoices: LoadedInvoice[];
  /** Line key → invoice id holding it. */
  keyAt: Map<string, number>;
  /** Halo line id → invoice id holding it. */
  lineAt: Map<number, number>;
  /**
   * False when only the client's open invoices were read (`notpostedonly`, see openIndexes): a line or
   * an invoice BillGrid looks for may then be on a posted invoice this index does not hold.
   */
  complete: boolean;
}

/** Halo's list order for "newest invoice first" (invoice date, then id). */
export const NEWEST_FIRST = { order: 'invoice_date', orderdesc: true, order2: 'id', orderdesc2: true };

const round = (n: number): number => Math.round(n * 10_000) / 10_000;
const ownKeyOf = (l: HaloLine): string => l.comment_1.trim();
const isBillGridKey = (k: string): boolean => LINE_KEY_PATTERN.test(k);
/** Any key BillGrid writes: a charge's line key or a seat line's `BGQ-<item>`. */
const isOwnKey = (k: string): boolean => isBillGridKey(k) || quantityItemOf(k) !== null;
const endpoint = (recurring: boolean): string => (recurring ? '/RecurringInvoice' : '/Invoice');
const shortText = (d: DesiredLine): string => d.productName || d.description;

/**
 * The fields BillGrid means to set on a line, and only those. A tax code is sent only as an override
 * (`tax_code_overriden` + `override_tax_code`): without the flag Halo derives the code itself from the
 * client and the item, and a bare `tax_code` is not what it goes by.
 */
export function lineFields(d: DesiredLine): Record<string, unknown> {
  const tax =
    d.taxOverride !== null
      ? { tax_code: String(d.taxOverride), tax_code_overriden: true, override_tax_code: d.taxOverride }
      : { tax_code_overriden: false };
  return {
    _itemid: d.itemId,
    item_shortdescription: shortText(d),
    item_longdescription: d.description,
    qty_order: d.quantity,
    unit_price: d.unitPrice,
    unit_cost: d.unitCost,
    ...(d.nominalCode ? { nominal_code: d.nominalCode } : {}),
    ...tax,
    ...(d.oneTime ? { onetimecharge: true } : {}),
    [LINE_KEY_FIELD]: d.key,
  };
}

/**
 * Fields Halo computes from the ones BillGrid sets (amounts, converted amounts, the tax it derives):
 * never sent back on a line BillGrid changes, so a stale value cannot win over the new quantity or price.
 */
const COMPUTED_LINE_FIELDS = [
  'net_amount',
  'tax_amount',
  'tax_rate',
  'total_price',
  'net_total',
  'total_tax',
  'total_discount',
  'total_net_total',
  'unit_price_converted',
  'unitprice_converted',
  'baseprice_converted',
  'net_amount_converted',
  'total_price_converted',
  'tax_converted',
  'total_tax_converted',
  'discount_converted',
  'item_tax_code',
  'item_tax_name',
  'tax_name',
  'tax_code',
  'override_tax_code',
  'taxRuleResult',
];

/** A line BillGrid changes: Halo's own fields kept, computed ones dropped, BillGrid's fields set. */
export function replacedLine(
  raw: Record<string, unknown>,
  d: DesiredLine,
  id: number,
): Record<string, unknown> {
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !COMPUTED_LINE_FIELDS.includes(k)));
  return { ...kept, ...lineFields(d), id };
}

/** True when Halo's line already says what the approved line says. */
export function lineMatches(l: HaloLine, d: DesiredLine): boolean {
  const tax =
    d.taxOverride !== null
      ? l.tax_code_overriden === true && l.tax_code === String(d.taxOverride)
      : l.tax_code_overriden !== true;
  return (
    round(l.qty_order) === round(d.quantity) &&
    round(l.unit_price) === round(d.unitPrice) &&
    round(l.unit_cost) === round(d.unitCost) &&
    (l._itemid ?? 0) === d.itemId &&
    l.item_shortdescription === shortText(d) &&
    l.item_longdescription === d.description &&
    tax &&
    (!d.nominalCode || l.nominal_code === d.nominalCode) &&
    (!d.oneTime || l.onetimecharge === true)
  );
}

/**
 * The secondary key, for a line whose `comment_1` Halo did not keep and whose id BillGrid did not
 * record (a run cut off between the write and the record): same item and the same short and long
 * description, which carry the product and the billing period.
 */
const sameSecondaryKey = (l: HaloLine, d: DesiredLine): boolean =>
  (l._itemid ?? 0) === d.itemId &&
  l.item_shortdescription === shortText(d) &&
  l.item_longdescription === d.description;

/**
 * Which lines of an invoice are each desired line's: those carrying its key; else the line with the id
 * BillGrid recorded for it (unless that line carries another key); else, among lines carrying no key and
 * claimed by no one, the lowest-id one with its secondary key. Keys in a stable order, so two runs claim alike.
 */
export function claimLines(lines: HaloLine[], desired: DesiredLine[]): Map<string, HaloLine[]> {
  const out = new Map<string, HaloLine[]>();
  const claimed = new Set<number>();
  const byKey = (k: string) => lines.filter((l) => ownKeyOf(l) === k).sort((a, b) => a.id - b.id);
  const free = (l: HaloLine) => !claimed.has(l.id) && !isOwnKey(ownKeyOf(l));
  for (const d of desired) {
    const mine = byKey(d.key);
    mine.forEach((l) => claimed.add(l.id));
    out.set(d.key, mine);
  }
  for (const d of desired) {
    if ((out.get(d.key) ?? []).length || d.knownId === null) continue;
    const l = lines.find((x) => x.id === d.knownId && free(x));
    if (l) {
      claimed.add(l.id);
      out.set(d.key, [l]);
    }
  }
  for (const d of [...desired].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if ((out.get(d.key) ?? []).length || d.seat) continue;
    const l = lines
      .filter((x) => free(x) && !(x.id === d.knownId) && sameSecondaryKey(x, d))
      .sort((a, b) => a.id - b.id)[0];
    if (l) {
      claimed.add(l.id);
      out.set(d.key, [l]);
    }
  }
  return out;
}

/**
 * How long a finding about the list view is trusted across executions. It describes the tenant's API
 * (which fields its list view carries), which changes with a Halo upgrade, not with staff edits.
 */
const LIST_VIEW_TTL_S = 6 * 60 * 60;
const keptViews = z.lazy(() =>
  z.object({ invoice: z.boolean().optional(), recurring: z.boolean().optional() }),
);

const invoiceWithLines = haloInvoice.extend({ lines: z.array(z.record(z.string(), z.unknown())).nullish() });
/** Newest first, as Halo lists them for BillGrid: invoice date, then id. */
export const newerFirst = (a: HaloInvoice, b: HaloInvoice): number =>
  a.invoice_date < b.invoice_date ? 1 : a.invoice_date > b.invoice_date ? -1 : b.id - a.id;
const newestFirst = (a: LoadedInvoice, b: LoadedInvoice): number => newerFirst(a.header, b.header);

/**
 * A client's latest invoice under the rule (setting `latestInvoice`), from its invoices newest first
 * (newerFirst): the first that can still take charges (closedBecause). The one choice both a push's
 * 'latest' (latestFor) and the Clients screen (listContracts, at Refresh) make; undefined when none qualifies.
 */
export function latestOf<T>(
  newestFirstList: readonly T[],
  header: (t: T) => HaloInvoice,
  rule: LatestInvoiceRule,
): T | undefined {
  return newestFirstList.find((t) => closedBecause(header(t), rule) === null);
}

/** Which invoice: Halo numbers invoices and recurring invoices separately. */
export interface InvoiceRef {
  id: number;
  recurring: boolean;
}
export const refKey = (r: InvoiceRef): string => `${r.recurring ? 'r' : 'i'}${r.id}`;

/** What one line key comes to on an invoice (see planLines). */
export type LinePlan =
  | { kind: 'unchanged'; lineId: string; message: string }
  | { kind: 'change'; verb: string }
  | { kind: 'refused'; message: string };

export interface InvoicePlan {
  /** The invoice's full line list to send; null when no line differs. */
  lines: Record<string, unknown>[] | null;
  byKey: Map<string, LinePlan>;
}

/** A new invoice a batch needs: created empty with the placeholder as its reference. */
export interface NewInvoice {
  clientId: string;
  placeholder: string;
  date: string;
}

/** Several lines written in one request; the error belongs to every step of that invoice. */
export type SaveResult = { ok: true; saved: LoadedInvoice | null } | { ok: false; error: Error };

export class HaloInvoices {
  private index = new Map<string, ClientIndex>();
  /**
   * Per endpoint (recurring or not): whether its list view carries every line field its detail view
   * does; unknown (absent) until compared in this execution (see freshCopies).
   */
  private readonly listComplete = new Map<boolean, boolean>();
  /** The push batch being applied, and the batch in which each client's invoices were last listed. */
  private batch = 0;
  private readonly listedIn = new Map<string, number>();
  /** Every invoice read or saved in this run, newest copy; lets a no-op step skip the re-read. */
  private seen = new Map<string, LoadedInvoice>();

  constructor(
    private readonly api: HaloApi,
    /** The client's bill-to client id, when Halo raises its invoices on another client (known clients only). */
    private readonly billTo: (clientId: string) => string | undefined = () => undefined,
    /**
     * What the list view was found to carry, kept between executions (the document cache, a few hours):
     * a push's continuations then compare list and detail views once, not once each.
     */
    private readonly kept: CachedValue | null = null,
  ) {}

  private keptRead = false;

  /** Whether the endpoint's list view carries every detail field: this execution's finding, else a kept one. */
  private listVerdict(recurring: boolean): boolean | undefined {
    if (!this.keptRead && this.kept) {
      this.keptRead = true;
      const v = this.kept.read(keptViews);
      if (v?.invoice !== undefined) this.listComplete.set(false, v.invoice);
      if (v?.recurring !== undefined) this.listComplete.set(true, v.recurring);
    }
    return this.listComplete.get(recurring);
  }

  private setListVerdict(recurring: boolean, complete: boolean): void {
    this.listComplete.set(recurring, complete);
    const v: z.infer<typeof keptViews> = {};
    const inv = this.listComplete.get(false);
    const rec = this.listComplete.get(true);
    if (inv !== undefined) v.invoice = inv;
    if (rec !== undefined) v.recurring = rec;
    this.kept?.write(v, LIST_VIEW_TTL_S);
  }

  private toLoaded(h: z.infer<typeof invoiceWithLines>, recurring: boolean, what: string): LoadedInvoice {
    const raw = h.lines ?? [];
    const inv = { header: h, raw, lines: this.api.parseRecords(raw, haloLine, `${what} (lines)`), recurring };
    this.seen.set(refKey({ id: h.id, recurring }), inv);
    return inv;
  }

  /** The copy read or saved earlier in this run, if any (not a fresh read). */
  cached(ref: InvoiceRef): LoadedInvoice | undefined {
    return this.seen.get(refKey(ref));
  }

  /** False when the invoice already holds exactly one line for the key with the approved values. */
  needsChange(inv: LoadedInvoice, d: DesiredLine): boolean {
    const mine = claimLines(inv.lines, [d]).get(d.key) ?? [];
    return !(mine.length === 1 && lineMatches(mine[0], d));
  }

  /**
   * Invoices by id, each freshly read, in parallel. An answer other than 2xx becomes that invoice's
   * PsaError (the others are still read); a transport failure throws.
   */
  loadEach(refs: InvoiceRef[]): (LoadedInvoice | PsaError)[] {
    const res = this.api.sendAll(
      refs.map((r) => ({
        method: 'get' as const,
        path: `${endpoint(r.recurring)}/${r.id}`,
        query: { includedetails: true },
      })),
    );
    return res.map((x, i) => {
      const what = `reading ${refs[i].recurring ? 'recurring invoice' : 'invoice'} ${refs[i].id}`;
      try {
        const r = invoiceWithLines.safeParse(this.api.json(x, z.unknown(), what));
        if (!r.success) return new PsaError(`HaloPSA answered in an unexpected form while ${what}`);
        return this.toLoaded(r.data, refs[i].recurring, what);
      } catch (err) {
        if (err instanceof PsaError) return err;
        throw err;
      }
    });
  }

  /**
   * Invoices about to be written, read afresh right before the write: ONE list of their clients' invoices
   * (client_ids, with lines; one more for recurring invoices) instead of one GET each. The write replaces
   * the invoice's lines with the list it is sent, so a list copy is used only once the list view is known
   * to carry every line field the detail view does (a field it left out would be lost): compared once per
   * execution and endpoint, on the first invoice with lines (one GET). Otherwise, and for an invoice the
   * list does not show (another client's, gone), one GET each as before. One copy or error per ref.
   */
  freshCopies(wants: { ref: InvoiceRef; clientId: string }[]): (LoadedInvoice | PsaError)[] {
    const out: (LoadedInvoice | PsaError | undefined)[] = wants.map(() => undefined);
    for (const recurring of [false, true]) {
      const at = wants.flatMap((w, i) => (w.ref.recurring === recurring ? [i] : []));
      // One invoice: its own GET is one request too, and always complete.
      if (at.length < 2 || this.listVerdict(recurring) === false) continue;
      const listed = this.listedFresh(
        at.map((i) => wants[i].clientId),
        recurring,
      );
      // The list could not be read (refused, unexpected form): each invoice on its own, as before.
      if (!listed) continue;
      const found = at.filter((i) => listed.has(wants[i].ref.id));
      if (this.listVerdict(recurring) === undefined && found.length) {
        // Compare the list copy of one invoice (one with lines, if any) with its detail view.
        const probe = found.find((i) => (listed.get(wants[i].ref.id)?.raw.length ?? 0) > 0) ?? found[0];
        const detail = this.loadEach([wants[probe].ref])[0];
        out[probe] = detail;
        if (detail instanceof PsaError) continue;
        const list = listed.get(wants[probe].ref.id) as LoadedInvoice;
        // Neither has a line: nothing learnt yet (the other invoices are read one by one below).
        if (!detail.raw.length && !list.raw.length) continue;
        this.setListVerdict(recurring, listCarriesDetail(list, detail));
      }
      if (this.listVerdict(recurring) !== true) continue;
      for (const i of found) out[i] ??= listed.get(wants[i].ref.id);
    }
    const rest = wants.flatMap((w, i) => (out[i] === undefined ? [i] : []));
    const read = this.loadEach(rest.map((i) => wants[i].ref));
    rest.forEach((i, k) => (out[i] = read[k]));
    return out as (LoadedInvoice | PsaError)[];
  }

  /**
   * The clients' invoices (or recurring invoices) as Halo lists them now, by id; for invoices the
   * clients' index ('latest', new invoices) is renewed from the same answer.
   */
  private listedFresh(clientIds: string[], recurring: boolean): Map<number, LoadedInvoice> | null {
    const clients = [...new Set(clientIds)];
    let list: LoadedInvoice[];
    try {
      if (recurring) list = this.recurringOf(clients);
      else {
        // Listed in this batch already (placing its lines): that copy is fresh.
        // Open invoices suffice: an invoice being written that is not among them is read by id.
        const stale = clients.filter((c) => this.listedIn.get(c) !== this.batch);
        for (const c of stale) this.forgetClient(c);
        list = [...this.openIndexes(clients).values()].flatMap((idx) => idx.invoices);
      }
    } catch (err) {
      if (err instanceof PsaError) return null;
      throw err;
    }
    return new Map(list.map((inv) => [inv.header.id, inv]));
  }

  /** A new push batch: invoice lists read before it are no longer fresh copies for its writes. */
  beginBatch(): void {
    this.batch++;
  }

  /**
   * Invoices by id (readBilling): an invoice Halo no longer has (404) is reported as a problem and left
   * out; any other failure fails the read.
   */
  loadAll(refs: InvoiceRef[]): (LoadedInvoice | null)[] {
    return this.loadEach(refs).map((r, i) => {
      if (!(r instanceof PsaError)) return r;
      if (r.status !== 404) throw r;
      this.api.problems.push({
        what: `reading ${refs[i].recurring ? 'recurring invoice' : 'invoice'} ${refs[i].id}`,
        recordId: String(refs[i].id),
        reason: 'HaloPSA no longer has this invoice',
      });
      return null;
    });
  }

  /**
   * The clients' invoices with their lines, every one of them (posted too), read once per run in one
   * list (client_ids, paged); a client indexed from its open invoices only is read again in full.
   */
  clientIndexes(clientIds: string[]): Map<string, ClientIndex> {
    const todo = [...new Set(clientIds)].filter((c) => !this.index.get(c)?.complete);
    this.indexFrom(todo, { includelines: true }, true);
    return new Map(clientIds.map((c) => [c, this.index.get(c) as ClientIndex]));
  }

  /**
   * The clients' whole invoice lists newest first (`order`: invoice date, then id, declared in the spec), one
   * page of each list at a time, until `found()` says the invoices held now (the open ones read before and
   * those read here) hold what is looked for; else to the end, and the index is then complete. Bounds the
   * read of a long history to the newest invoices when a line BillGrid sent is on one posted since. A
   * tenant that ignores the order is read to wherever the lines are (at worst in full): nothing is missed,
   * because the read stops only once everything looked for is found. Clients indexed in full are not read.
   */
  newestUntil(clientIds: string[], found: () => boolean): void {
    const todo = [...new Set(clientIds)].filter((c) => !this.index.get(c)?.complete);
    if (!todo.length) return;
    const held = new Map<string, Map<number, LoadedInvoice>>(
      todo.map((c) => [c, new Map((this.index.get(c)?.invoices ?? []).map((i) => [i.header.id, i]))]),
    );
    for (const c of todo) if (!this.index.has(c)) this.listedIn.set(c, this.batch);
    const lists = this.api.clientLists('/Invoice', { includelines: true, ...NEWEST_FIRST }, [
      ...new Set([...todo, ...todo.flatMap((c) => this.billTo(c) ?? [])]),
    ]);
    const what = 'reading the clients’ invoices';
    const whole = this.api.pagesUntil(lists, 'invoices', what, (records) => {
      for (const h of this.api.parseRecords(records, invoiceWithLines, what))
        held.get(ownerOf(h))?.set(h.id, this.toLoaded(h, false, `reading invoice ${h.id}`));
      for (const [c, invoices] of held)
        this.index.set(c, { ...indexOf([...invoices.values()]), complete: false });
      return found();
    });
    if (whole) for (const c of todo) (this.index.get(c) as ClientIndex).complete = true;
  }

  /**
   * The clients' OPEN invoices with their lines (`notpostedonly=true`, declared in the spec), for clients
   * not indexed yet; an index already held (open or complete) is kept. What a month needs is on open
   * invoices unless a line or invoice BillGrid looks for has been posted since, which callers check
   * (readBilling: every key a push may have sent is found; placement: every recorded line id and new
   * invoice is found) and else read the client in full (clientIndexes). A tenant that ignores the filter
   * answers posted invoices too: that index is complete. A tenant that refuses it (4xx): read in full.
   */
  openIndexes(clientIds: string[]): Map<string, ClientIndex> {
    const todo = [...new Set(clientIds)].filter((c) => !this.index.has(c));
    try {
      this.indexFrom(todo, { includelines: true, notpostedonly: true }, false);
    } catch (err) {
      const s = err instanceof PsaError ? (err.status ?? 0) : 0;
      if (s < 400 || s >= 500 || s === 401 || s === 429) throw err;
      return this.clientIndexes(clientIds);
    }
    return new Map(clientIds.map((c) => [c, this.index.get(c) as ClientIndex]));
  }

  /** Index these clients from one list of their invoices (and their bill-to clients'). */
  private indexFrom(todo: string[], query: Record<string, boolean>, complete: boolean): void {
    if (!todo.length) return;
    const listed = this.api.listByClients(
      '/Invoice',
      query,
      [...new Set([...todo, ...todo.flatMap((c) => this.billTo(c) ?? [])])],
      'invoices',
      invoiceWithLines,
      'reading the clients’ invoices',
    );
    // A posted invoice in an open-only answer: the tenant ignored the filter, so the answer is whole.
    const whole = complete || listed.some((h) => h.posted === true);
    const byClient = new Map<string, LoadedInvoice[]>(todo.map((c) => [c, []]));
    // An invoice Halo raised on a bill-to client belongs, for BillGrid, to the client it was raised for.
    for (const h of listed)
      byClient.get(ownerOf(h))?.push(this.toLoaded(h, false, `reading invoice ${h.id}`));
    for (const [c, invoices] of byClient) {
      this.index.set(c, { ...indexOf(invoices), complete: whole });
      this.listedIn.set(c, this.batch);
    }
  }

  /**
   * Indexes for placing a batch's lines. A line that may have been sent (its key not known as never
   * sent, or a line id BillGrid recorded) may sit on a posted invoice, where adding it again would bill it
   * twice: its client is read in full unless the line is on an open invoice (by key or recorded id) and,
   * for a new invoice, that invoice is open. A client none of whose lines may have been sent is placed by
   * its open invoices alone: a month's new invoice that is not open is raised (again) for lines never
   * sent, which bills each of them once (a posted one holding sent lines is found by readBilling, which
   * then reads in full). A client with no index yet whose lines may have been sent is read in full at once.
   */
  placementIndexes(
    needs: {
      clientId: string;
      key: string;
      knownId: number | null;
      unsent: boolean;
      placeholder: string | null;
    }[],
  ): void {
    const maySent = needs.filter((n) => !n.unsent || n.knownId !== null);
    this.clientIndexes([...new Set(maySent.map((n) => n.clientId))].filter((c) => !this.index.has(c)));
    const open = this.openIndexes(needs.map((n) => n.clientId));
    const whole = new Set<string>();
    for (const n of maySent) {
      const idx = open.get(n.clientId);
      if (!idx || idx.complete) continue;
      const onOpen = idx.keyAt.has(n.key) || (n.knownId !== null && idx.lineAt.has(n.knownId));
      const ref = n.placeholder === null ? null : referenceFor(n.placeholder);
      const invoiceOpen =
        ref === null ||
        idx.invoices.some((i) => i.header.reference === ref && ownerOf(i.header) === n.clientId);
      if (!onOpen || !invoiceOpen) whole.add(n.clientId);
    }
    if (whole.size) this.clientIndexes([...whole]);
  }

  /** The client's index as held (open or complete), read in full if there is none. */
  private held(clientId: string): ClientIndex {
    return this.index.get(clientId) ?? (this.clientIndexes([clientId]).get(clientId) as ClientIndex);
  }

  /** The clients' indexes as held (open or complete); clients without one are read in full, in one list. */
  heldIndexes(clientIds: string[]): ClientIndex[] {
    const clients = [...new Set(clientIds)];
    this.clientIndexes(clients.filter((c) => !this.index.has(c)));
    return clients.map((c) => this.held(c));
  }

  /** Read the client's invoices again next time (after a create that may have landed). */
  forgetClient(clientId: string): void {
    this.index.delete(clientId);
  }

  /** The clients' recurring invoices with their lines, in one list (client_ids, paged). */
  recurringOf(clientIds: string[]): LoadedInvoice[] {
    return this.api
      .listByClients(
        '/RecurringInvoice',
        { includelines: true },
        clientIds,
        'invoices',
        invoiceWithLines,
        'reading recurring invoices',
      )
      .map((h) => this.toLoaded(h, true, `reading recurring invoice ${h.id}`));
  }

  /**
   * 'latest': the invoice already holding the line (by its key or the line id BillGrid recorded), else the
   * client's newest open invoice: not posted, a credit note, voided, sent (rule 'unsent') or paid (index
   * read already). Null when no invoice qualifies (noLatestMessage says why).
   */
  latestFor(
    clientId: string,
    lineKey: string,
    knownId: number | null,
    rule: LatestInvoiceRule,
  ): number | null {
    const idx = this.held(clientId);
    const held = idx.keyAt.get(lineKey) ?? (knownId !== null ? idx.lineAt.get(knownId) : undefined);
    if (held !== undefined) return held;
    return latestOf(idx.invoices, (i) => i.header, rule)?.header.id ?? null;
  }

  /** Why a client has no latest invoice (latestFor gave null), and what to do, in the users' words. */
  noLatestMessage(clientId: string, rule: LatestInvoiceRule): string {
    const newest = this.held(clientId).invoices[0];
    const fix =
      'create one in HaloPSA, or set “When no invoice qualifies” to a new invoice (Defaults or the client’s settings)';
    return newest
      ? `Client ${clientId} has no open invoice in HaloPSA to add charges to (the newest, ${this.name(newest)}, is ${closedBecause(newest.header, rule) ?? 'closed'}); ${fix}`
      : `Client ${clientId} has no invoice in HaloPSA to add charges to; ${fix}`;
  }

  /**
   * The invoice created for a placeholder (lowest id). Further copies (an interrupted create sent twice)
   * that are not posted and hold only copies of the kept invoice's lines are deleted.
   */
  createdFor(clientId: string, placeholder: string): number | undefined {
    const idx = this.held(clientId);
    const copies = idx.invoices
      .filter((i) => i.header.reference === referenceFor(placeholder) && ownerOf(i.header) === clientId)
      .sort((a, b) => a.header.id - b.header.id);
    if (!copies.length) return undefined;
    const extras = copies
      .slice(1)
      .filter(
        (i) =>
          !i.header.posted &&
          i.raw.length === i.lines.length &&
          i.lines.every((l) => copies[0].lines.some((k) => sameLine(l, k))),
      );
    const res = this.api.sendAll(
      extras.map((e) => ({ method: 'delete' as const, path: `/Invoice/${e.header.id}` })),
    );
    res.forEach((r) => {
      if (r.status >= 300 && r.status !== 404) this.api.fail(r, 'removing a duplicate invoice');
    });
    idx.invoices = idx.invoices.filter((i) => !extras.includes(i));
    return copies[0].header.id;
  }

  /**
   * Create invoices carrying their placeholders and their lines, one request each (in parallel). The
   * saved invoice Halo answers becomes the run's copy (line ids for the Ledger); when the answer is not
   * one, the client's invoices are listed again and the invoice found by its placeholder. A create whose
   * connection dropped fails: the next run finds the invoice by its reference (a second copy is deleted).
   */
  createAll(wants: (NewInvoice & { lines: Record<string, unknown>[] })[]): (SaveResult & { id?: number })[] {
    const out: (SaveResult & { id?: number })[] = wants.map(() => ({ ok: false, error: new PsaError('') }));
    const sendable: number[] = [];
    wants.forEach((w, i) => {
      if (Number.isInteger(Number(w.clientId))) sendable.push(i);
      else out[i] = { ok: false, error: new PsaError(`'${w.clientId}' is not a HaloPSA client id`) };
    });
    if (!sendable.length) return out;
    let res: HttpResponse[];
    try {
      res = this.api.sendAll(
        sendable.map((i) => ({
          method: 'post' as const,
          path: '/Invoice',
          body: [
            {
              client_id: Number(wants[i].clientId),
              invoice_date: wants[i].date,
              reference: referenceFor(wants[i].placeholder),
              lines: wants[i].lines,
            },
          ],
        })),
      );
    } catch (err) {
      if (!(err instanceof HttpTransportError)) throw err;
      // Any of them may have landed: the next batch lists the clients again and finds it by its reference.
      for (const i of sendable) {
        this.forgetClient(wants[i].clientId);
        out[i] = { ok: false, error: err };
      }
      return out;
    }
    const unread: number[] = [];
    sendable.forEach((i, k) => {
      const w = wants[i];
      const r = res[k];
      if (r.status < 200 || r.status >= 300) {
        this.forgetClient(w.clientId);
        out[i] = {
          ok: false,
          error: caught(() => this.api.fail(r, `creating an invoice for client ${w.clientId}`)),
        };
        return;
      }
      const after = invoiceWithLines.safeParse(safeJson(r.body));
      if (after.success && after.data.reference === referenceFor(w.placeholder)) {
        const saved = this.toLoaded(after.data, false, `creating an invoice for client ${w.clientId}`);
        const idx = this.index.get(w.clientId);
        if (idx) this.index.set(w.clientId, { ...indexOf([...idx.invoices, saved]), complete: idx.complete });
        out[i] = { ok: true, saved, id: saved.header.id };
      } else {
        this.forgetClient(w.clientId);
        unread.push(i);
      }
    });
    if (unread.length) {
      this.clientIndexes(unread.map((i) => wants[i].clientId));
      for (const i of unread) {
        const w = wants[i];
        const id = caught(() => this.createdFor(w.clientId, w.placeholder));
        if (typeof id === 'number')
          out[i] = { ok: true, saved: this.cached({ id, recurring: false }) ?? null, id };
        else
          out[i] = {
            ok: false,
            error: id ?? new PsaError(`HaloPSA did not create the invoice for client ${w.clientId}`),
          };
      }
    }
    return out;
  }

  /** "invoice INV-1002", "recurring invoice -90": how messages name an invoice. */
  name(inv: LoadedInvoice): string {
    const kind = inv.recurring ? 'recurring invoice' : 'invoice';
    const n = inv.header.invoicenumber;
    return `${kind} ${n && n !== '0' ? n : inv.header.id}`;
  }

  /**
   * Every line change a batch makes on one invoice (read just now), against that copy: per line key,
   * unchanged, changed (added, updated, accidental duplicates dropped) or refused (a line BillGrid cannot
   * read carries the key, or the invoice is posted). The full line list comes back only if something
   * differs: every other line exactly as Halo sent it (Halo makes the lines exactly the list it is sent).
   */
  planLines(inv: LoadedInvoice, desired: DesiredLine[]): InvoicePlan {
    const name = this.name(inv);
    const byKey = new Map<string, LinePlan>();
    const replace = new Map<number, DesiredLine>();
    const drop = new Set<number>();
    const add: DesiredLine[] = [];
    const unique = [...new Map(desired.map((x) => [x.key, x])).values()];
    const claims = claimLines(inv.lines, unique);
    const claimedIds = new Set([...claims.values()].flat().map((l) => l.id));
    for (const d of unique) {
      const mine = claims.get(d.key) ?? [];
      // A line carrying this key that could not be read is still this row's line: never add a second one.
      const unreadable = inv.raw.find((r) => r[LINE_KEY_FIELD] === d.key && !mine.some((l) => l.id === r.id));
      const billed = mine.find((l) => l.onetimecharge === true && (l.onetimechargeinvoiceid ?? 0) > 0);
      // A seat line of the item that lost its key (staff edited it?): doubling it would bill the seats twice.
      const stripped =
        d.seat && !mine.length
          ? inv.lines.find(
              (l) =>
                (l._itemid ?? 0) === d.itemId &&
                !isOwnKey(ownKeyOf(l)) &&
                !claimedIds.has(l.id) &&
                l.onetimecharge !== true &&
                l.isinactive !== true,
            )
          : undefined;
      if (stripped) {
        byKey.set(d.key, {
          kind: 'refused',
          message: `The ${name} already has a line for ${shortText(d)} without BillGrid's key (line ${String(stripped.id)}, quantity ${String(stripped.qty_order)}): BillGrid adds no second one. Put ${d.key} back in the line's ${LINE_KEY_FIELD} in HaloPSA to let BillGrid keep its quantity, or delete the line`,
        });
      } else if (unreadable) {
        byKey.set(d.key, {
          kind: 'refused',
          message: `The ${name} already has a line for this row that BillGrid cannot read (line ${String(unreadable.id)}); correct or delete it in HaloPSA, then push again`,
        });
      } else if (mine.some((l) => l.isinactive === true)) {
        byKey.set(d.key, {
          kind: 'refused',
          message: `The line for this row on the ${name} is deactivated in HaloPSA, so Halo no longer bills it; BillGrid leaves it as staff set it`,
        });
      } else if (billed && mine.length === 1) {
        byKey.set(
          d.key,
          lineMatches(billed, d)
            ? { kind: 'unchanged', lineId: String(billed.id), message: `Already billed from ${name}` }
            : {
                kind: 'refused',
                message: `The charge was already billed from the ${name} (invoice ${String(billed.onetimechargeinvoiceid)}); change it on that invoice in HaloPSA`,
              },
        );
      } else if (mine.length === 1 && lineMatches(mine[0], d)) {
        byKey.set(d.key, { kind: 'unchanged', lineId: String(mine[0].id), message: `Already on ${name}` });
      } else if (inv.header.posted) {
        byKey.set(d.key, {
          kind: 'refused',
          message: `The ${name} is posted in HaloPSA and can no longer be changed`,
        });
      } else {
        if (mine.length) replace.set(mine[0].id, d);
        else add.push(d);
        for (const l of mine.slice(1)) drop.add(l.id);
        const verb = mine.length ? (mine.length > 1 ? 'Updated (duplicate removed)' : 'Updated') : 'Added';
        byKey.set(d.key, { kind: 'change', verb });
      }
    }
    if (!replace.size && !add.length) return { lines: null, byKey };
    const lines: Record<string, unknown>[] = [];
    for (const raw of inv.raw) {
      const rid = typeof raw.id === 'number' ? raw.id : undefined;
      if (rid !== undefined && drop.has(rid)) continue;
      const d = rid !== undefined ? replace.get(rid) : undefined;
      lines.push(d && rid !== undefined ? replacedLine(raw, d, rid) : raw);
    }
    for (const d of add) lines.push(lineFields(d));
    return { lines, byKey };
  }

  /**
   * Write each invoice's full line list, ONE request per invoice, invoices in parallel (at most the
   * policy's concurrency per round, so a lost connection leaves at most that many invoices unknown).
   * A 2xx answer that is the saved invoice becomes the run's copy of it.
   */
  saveAll(saves: { inv: LoadedInvoice; lines: Record<string, unknown>[]; keys: string[] }[]): SaveResult[] {
    const out: SaveResult[] = [];
    for (let i = 0; i < saves.length; i += MAX_CONCURRENCY) {
      const round = saves.slice(i, i + MAX_CONCURRENCY);
      let res: HttpResponse[];
      try {
        res = this.api.sendAll(
          round.map((s) => ({
            method: 'post' as const,
            path: endpoint(s.inv.recurring),
            body: [{ id: s.inv.header.id, lines: s.lines }],
          })),
        );
      } catch (err) {
        if (!(err instanceof HttpTransportError)) throw err;
        // Sent or not, nobody knows: the run's copies are stale and the next run re-reads.
        for (const s of round) this.seen.delete(refKey({ id: s.inv.header.id, recurring: s.inv.recurring }));
        out.push(...round.map((): SaveResult => ({ ok: false, error: err })));
        continue;
      }
      round.forEach((s, k) => out.push(this.saved(s.inv, s.keys, res[k])));
    }
    return out;
  }

  private saved(inv: LoadedInvoice, keys: string[], res: HttpResponse): SaveResult {
    const ref = { id: inv.header.id, recurring: inv.recurring };
    if (res.status < 200 || res.status >= 300) {
      this.seen.delete(refKey(ref));
      return {
        ok: false,
        error: caught(() => this.api.fail(res, `changing the lines of the ${this.name(inv)}`)),
      };
    }
    const after = invoiceWithLines.safeParse(safeJson(res.body));
    let saved: LoadedInvoice | null = null;
    if (after.success && after.data.id === inv.header.id)
      saved = this.toLoaded(after.data, inv.recurring, `saving the ${this.name(inv)}`);
    else this.seen.delete(refKey(ref));
    const idx = inv.recurring ? undefined : this.index.get(String(inv.header.client_id));
    for (const k of keys) idx?.keyAt.set(k, inv.header.id);
    return { ok: true, saved };
  }

  /**
   * BillGrid lines on an invoice, as charges of `container`: those carrying a line key, and those whose
   * id BillGrid recorded for a key (`knownIds`: line id → key) when Halo did not keep or list the key.
   */
  charges(inv: LoadedInvoice, container: string, knownIds: Map<number, string> = new Map()): PsaChargeNow[] {
    return inv.lines
      .map((l) => {
        const own = ownKeyOf(l);
        return { l, key: isBillGridKey(own) ? own : isOwnKey(own) ? '' : (knownIds.get(l.id) ?? '') };
      })
      .filter((x) => x.key)
      .map(({ l, key }) => ({
        ref: { kind: 'charge', companyId: ownerOf(inv.header), container, lineKey: key },
        psaId: String(l.id),
        quantity: l.qty_order,
        unitPrice: l.unit_price,
        unitCost: l.unit_cost,
        description: l.item_longdescription || l.item_shortdescription,
        date: inv.header.invoice_date.slice(0, 10),
      }));
  }

  /**
   * Seat lines on an invoice, as quantity targets of `container` (one per item): lines carrying
   * `BGQ-<item>`, and lines carrying no key whose id BillGrid recorded for a seat row (`recorded`) where
   * Halo did not keep or list the key. Inactive and one-time lines bill no seats and are left out; two
   * lines of one item are reported as their sum (the push folds them into one).
   */
  quantities(inv: LoadedInvoice, container: string, recorded: ReadonlySet<number>): PsaQuantityNow[] {
    const byItem = new Map<number, PsaQuantityNow>();
    for (const l of [...inv.lines].sort((a, b) => a.id - b.id)) {
      if (l.onetimecharge === true || l.isinactive === true) continue;
      const k = ownKeyOf(l);
      const item =
        quantityItemOf(k) ?? (!isOwnKey(k) && recorded.has(l.id) && (l._itemid ?? 0) > 0 ? l._itemid : null);
      if (item === null || item === undefined) continue;
      const q = byItem.get(item);
      if (q) q.quantity = round(q.quantity + l.qty_order);
      else
        byItem.set(item, {
          ref: {
            kind: 'quantity',
            companyId: ownerOf(inv.header),
            contractId: container,
            productId: String(item),
          },
          psaId: String(l.id),
          quantity: l.qty_order,
          unitPrice: l.unit_price,
          unitCost: l.unit_cost,
        });
    }
    return [...byItem.values()];
  }

  /**
   * BillGrid lines on the clients' invoices: on a BillGrid-created invoice under its placeholder, else
   * 'latest'. From the indexes held (open or complete); a client without one is read in full.
   */
  clientCharges(clientIds: string[], knownIds: Map<number, string> = new Map()): PsaChargeNow[] {
    const out: PsaChargeNow[] = [];
    for (const idx of this.heldIndexes(clientIds)) {
      for (const inv of idx.invoices)
        out.push(...this.charges(inv, placeholderOf(inv.header.reference) ?? 'latest', knownIds));
    }
    return out;
  }
}

/**
 * The line id Halo gave a desired line, from a saved copy: the line carrying its key, else (Halo did not
 * keep the key) the line claimed for it the same way a later run will claim it; for a seat line, which is
 * never claimed by look-alike, the line of its item the write added (not on `before`, the copy written from).
 */
export function lineIdOf(inv: LoadedInvoice | null, d: DesiredLine, before?: LoadedInvoice): string {
  if (!inv) return '';
  const line = (claimLines(inv.lines, [d]).get(d.key) ?? [])[0];
  if (line) return String(line.id);
  if (!d.seat || !before) return '';
  const had = new Set(before.lines.map((l) => l.id));
  const added = inv.lines
    .filter((l) => !had.has(l.id) && (l._itemid ?? 0) === d.itemId && !isOwnKey(ownKeyOf(l)))
    .sort((a, b) => a.id - b.id)[0];
  return added ? String(added.id) : '';
}

/** The client an invoice is for: the one it was raised for when Halo raised it on a bill-to client. */
export const ownerOf = (h: HaloInvoice): string =>
  String(h.original_client_id && h.original_client_id > 0 ? h.original_client_id : h.client_id);

/** A line of a second copy of an invoice that repeats a line of the kept copy (same key, or no key and the same item and texts). */
const sameLine = (l: HaloLine, k: HaloLine): boolean =>
  (l._itemid ?? 0) === (k._itemid ?? 0) &&
  l.item_shortdescription === k.item_shortdescription &&
  l.item_longdescription === k.item_longdescription &&
  (ownKeyOf(l) === '' || ownKeyOf(l) === ownKeyOf(k));

/** A client's invoices newest first, and which invoice holds each line key and line id (the newest wins). */
function indexOf(list: LoadedInvoice[]): ClientIndex {
  const invoices = [...list].sort(newestFirst);
  const keyAt = new Map<string, number>();
  const lineAt = new Map<number, number>();
  for (const inv of [...invoices].reverse()) {
    for (const l of inv.lines) {
      lineAt.set(l.id, inv.header.id);
      if (isBillGridKey(ownKeyOf(l))) keyAt.set(ownKeyOf(l), inv.header.id);
    }
  }
  return { invoices, keyAt, lineAt, complete: true };
}

/**
 * True when every line of the detail view is on the list copy with every field and the same value, and
 * the list shows no other line: a write built from the list copy then loses nothing.
 */
export function listCarriesDetail(list: LoadedInvoice, detail: LoadedInvoice): boolean {
  if (list.raw.length !== detail.raw.length) return false;
  const byId = new Map(list.raw.map((r) => [r.id, r]));
  return detail.raw.every((d) => {
    const l = byId.get(d.id);
    return !!l && Object.keys(d).every((k) => JSON.stringify(l[k]) === JSON.stringify(d[k]));
  });
}

/** What a throwing call raised when HaloPSA refused or could not be reached (other errors go on up). */
function caught<T>(f: () => T): T | PsaError | HttpTransportError {
  try {
    return f();
  } catch (err) {
    if (err instanceof PsaError || err instanceof HttpTransportError) return err;
    throw err;
  }
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * A new invoice's date must not depend on which of its lines happened to create it (after a fault a
 * different line may get there first): a month's invoice is dated the month's last day; an order's
 * invoice keeps the date of its lines.
 */
export function newInvoiceDate(group: string, lineDate: string): string {
  const m = /^month:(\d{4})-(\d{2})$/.exec(group);
  if (!m) return lineDate;
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0));
  return last.toISOString().slice(0, 10);
}
