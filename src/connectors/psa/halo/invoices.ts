import { z } from 'zod';
import { LINE_KEY_PATTERN } from '../../../core/line-key';
import { PsaError, type PsaChargeNow } from '../../../core/psa';
import type { HaloApi } from './api';
import { parseContainer, placeholderOf, referenceFor } from './containers';
import { haloInvoice, haloLine, type HaloInvoice, type HaloLine } from './schemas';

/**
 * Invoice lines carry BillGrid's line key in `comment_1`, a line field Halo stores with the line, so a
 * re-run finds the line it added instead of adding it again.
 */
export const LINE_KEY_FIELD = 'comment_1';

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
  taxCode: string;
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
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;
const lineKeyOf = (l: HaloLine): string => l.comment_1.trim();
const endpoint = (recurring: boolean): string => (recurring ? '/RecurringInvoice' : '/Invoice');
const shortText = (d: DesiredLine): string => d.productName || d.description;

export function lineFields(d: DesiredLine): Record<string, unknown> {
  return {
    _itemid: d.itemId,
    item_shortdescription: shortText(d),
    item_longdescription: d.description,
    qty_order: d.quantity,
    unit_price: d.unitPrice,
    unit_cost: d.unitCost,
    ...(d.nominalCode ? { nominal_code: d.nominalCode } : {}),
    ...(d.taxCode ? { tax_code: d.taxCode } : {}),
    [LINE_KEY_FIELD]: d.key,
  };
}

/** True when Halo's line already says what the approved line says. */
export function lineMatches(l: HaloLine, d: DesiredLine): boolean {
  return (
    round(l.qty_order) === round(d.quantity) &&
    round(l.unit_price) === round(d.unitPrice) &&
    round(l.unit_cost) === round(d.unitCost) &&
    (l._itemid ?? 0) === d.itemId &&
    l.item_shortdescription === shortText(d) &&
    l.item_longdescription === d.description &&
    (!d.taxCode || l.tax_code === d.taxCode) &&
    (!d.nominalCode || l.nominal_code === d.nominalCode)
  );
}

const invoiceWithLines = haloInvoice.extend({ lines: z.array(z.record(z.string(), z.unknown())).nullish() });
const newestFirst = (a: LoadedInvoice, b: LoadedInvoice): number =>
  a.header.invoice_date < b.header.invoice_date
    ? 1
    : a.header.invoice_date > b.header.invoice_date
      ? -1
      : b.header.id - a.header.id;

export class HaloInvoices {
  private index = new Map<string, ClientIndex>();
  /** Every invoice read or saved in this run, newest copy; lets a no-op step skip the re-read. */
  private seen = new Map<string, LoadedInvoice>();

  constructor(private readonly api: HaloApi) {}

  private toLoaded(h: z.infer<typeof invoiceWithLines>, recurring: boolean, what: string): LoadedInvoice {
    const raw = h.lines ?? [];
    const inv = { header: h, raw, lines: this.api.parseRecords(raw, haloLine, `${what} (lines)`), recurring };
    this.seen.set(`${recurring ? 'r' : 'i'}${h.id}`, inv);
    return inv;
  }

  /** The copy read or saved earlier in this run, if any (not a fresh read). */
  cached(id: number, recurring: boolean): LoadedInvoice | undefined {
    return this.seen.get(`${recurring ? 'r' : 'i'}${id}`);
  }

  /** False when the invoice already holds exactly one line for the key with the approved values. */
  needsChange(inv: LoadedInvoice, d: DesiredLine): boolean {
    const mine = inv.lines.filter((l) => lineKeyOf(l) === d.key);
    return !(mine.length === 1 && lineMatches(mine[0], d));
  }

  private parse(body: unknown, recurring: boolean, what: string): LoadedInvoice {
    const r = invoiceWithLines.safeParse(body);
    if (!r.success) throw new PsaError(`HaloPSA answered in an unexpected form while ${what}`);
    return this.toLoaded(r.data, recurring, what);
  }

  /**
   * Invoices by id, in parallel; each freshly read. With `skipMissing`, an invoice Halo no longer has
   * (404) is reported as a problem and left out instead of failing the whole read.
   */
  loadAll(refs: { id: number; recurring: boolean }[], skipMissing = false): (LoadedInvoice | null)[] {
    const res = this.api.sendAll(
      refs.map((r) => ({
        method: 'get' as const,
        path: `${endpoint(r.recurring)}/${r.id}`,
        query: { includedetails: true },
      })),
    );
    return res.map((x, i) => {
      const what = `reading ${refs[i].recurring ? 'recurring invoice' : 'invoice'} ${refs[i].id}`;
      if (skipMissing && x.status === 404) {
        this.api.problems.push({
          what,
          recordId: String(refs[i].id),
          reason: 'HaloPSA no longer has this invoice',
        });
        return null;
      }
      return this.parse(this.api.json(x, z.unknown(), what), refs[i].recurring, what);
    });
  }

  load(id: number, recurring: boolean): LoadedInvoice {
    return this.loadAll([{ id, recurring }])[0] as LoadedInvoice;
  }

  /** The clients' invoices with their lines, read once per run (parallel, paged). */
  clientIndexes(clientIds: string[]): Map<string, ClientIndex> {
    const todo = [...new Set(clientIds)].filter((c) => !this.index.has(c));
    const lists = this.api.listMany(
      todo.map((c) => ({ path: '/Invoice', query: { client_id: c, includelines: true } })),
      'invoices',
      invoiceWithLines,
      'reading the clients’ invoices',
    );
    todo.forEach((c, i) => {
      const invoices = lists[i]
        .map((h) => this.toLoaded(h, false, `reading invoice ${h.id}`))
        .sort(newestFirst);
      const keyAt = new Map<string, number>();
      // Oldest first, so the newest invoice holding a key wins.
      for (const inv of [...invoices].reverse()) {
        for (const l of inv.lines)
          if (LINE_KEY_PATTERN.test(lineKeyOf(l))) keyAt.set(lineKeyOf(l), inv.header.id);
      }
      this.index.set(c, { invoices, keyAt });
    });
    return new Map(clientIds.map((c) => [c, this.index.get(c) as ClientIndex]));
  }

  private clientIndex(clientId: string): ClientIndex {
    return this.clientIndexes([clientId]).get(clientId) as ClientIndex;
  }

  /**
   * The invoice a step works on. A line already on one of the client's invoices stays there; otherwise
   * 'latest' is the newest invoice and 'new:' the invoice carrying the placeholder (created if missing).
   */
  resolve(
    container: string,
    clientId: string,
    lineKey: string,
    date: string,
  ): { id: number; recurring: boolean } {
    const c = parseContainer(container);
    if (!c) throw new PsaError(`'${container}' is not a HaloPSA invoice`);
    if (c.kind === 'invoice' || c.kind === 'recurring')
      return { id: c.id, recurring: c.kind === 'recurring' };
    const idx = this.clientIndex(clientId);
    const at = idx.keyAt.get(lineKey);
    if (c.kind === 'latest') {
      const id = at ?? idx.invoices[0]?.header.id;
      if (id === undefined)
        throw new PsaError(`Client ${clientId} has no invoice in HaloPSA to add charges to`);
      return { id, recurring: false };
    }
    const mine = this.createdFor(idx, container);
    if (mine !== undefined) return { id: mine, recurring: false };
    return { id: this.createFor(clientId, container, newInvoiceDate(c.group, date)), recurring: false };
  }

  /** The invoice created for a placeholder (lowest id); empty copies left by an interrupted run are deleted. */
  private createdFor(idx: ClientIndex, placeholder: string): number | undefined {
    const copies = idx.invoices
      .filter((i) => i.header.reference === referenceFor(placeholder))
      .sort((a, b) => a.header.id - b.header.id);
    if (!copies.length) return undefined;
    const extras = copies.slice(1).filter((i) => !i.raw.length && !i.header.posted);
    const res = this.api.sendAll(
      extras.map((e) => ({ method: 'delete' as const, path: `/Invoice/${e.header.id}` })),
    );
    res.forEach((r) => {
      if (r.status >= 300 && r.status !== 404) this.api.fail(r, 'removing a duplicate empty invoice');
    });
    idx.invoices = idx.invoices.filter((i) => !extras.includes(i));
    return copies[0].header.id;
  }

  /**
   * Create an empty invoice carrying the placeholder, then look again: the id is taken from Halo's list,
   * so a copy made by a request that was sent twice is noticed (lowest id kept, empty copies deleted).
   */
  private createFor(clientId: string, placeholder: string, date: string): number {
    const cid = Number(clientId);
    if (!Number.isInteger(cid)) throw new PsaError(`'${clientId}' is not a HaloPSA client id`);
    this.api.call(
      {
        method: 'post',
        path: '/Invoice',
        body: [{ client_id: cid, invoice_date: date, reference: referenceFor(placeholder) }],
      },
      z.unknown(),
      `creating an invoice for client ${clientId}`,
    );
    this.index.delete(clientId);
    const id = this.createdFor(this.clientIndex(clientId), placeholder);
    if (id === undefined) throw new PsaError(`HaloPSA did not create the invoice for client ${clientId}`);
    return id;
  }

  /**
   * Make the invoice hold exactly one line for `d.key` with the approved values. The invoice was re-read
   * just now; its full line list is sent back (Halo makes the lines exactly the list it is sent) only if
   * something differs: the line is added, updated, or its accidental duplicates dropped.
   */
  upsertLine(
    inv: LoadedInvoice,
    d: DesiredLine,
  ): { status: 'applied' | 'unchanged'; lineId: string; message: string } {
    const kind = inv.recurring ? 'recurring invoice' : 'invoice';
    const name = `${kind} ${inv.header.invoicenumber && inv.header.invoicenumber !== '0' ? inv.header.invoicenumber : inv.header.id}`;
    const mine = inv.lines.filter((l) => lineKeyOf(l) === d.key).sort((a, b) => a.id - b.id);
    // A line carrying this key that could not be read is still this row's line: never add a second one.
    const unreadable = inv.raw.find((r) => r[LINE_KEY_FIELD] === d.key && !mine.some((l) => l.id === r.id));
    if (unreadable) {
      throw new PsaError(
        `The ${name} already has a line for this row that BillGrid cannot read (line ${String(unreadable.id)}); correct or delete it in HaloPSA, then push again`,
        400,
      );
    }
    if (mine.length === 1 && lineMatches(mine[0], d)) {
      return { status: 'unchanged', lineId: String(mine[0].id), message: `Already on ${name}` };
    }
    if (inv.header.posted)
      throw new PsaError(`The ${name} is posted in HaloPSA and can no longer be changed`, 400);
    const keep = mine[0];
    const drop = new Set(mine.slice(1).map((l) => l.id));
    const lines: Record<string, unknown>[] = [];
    for (const raw of inv.raw) {
      const rid = typeof raw.id === 'number' ? raw.id : undefined;
      if (rid !== undefined && drop.has(rid)) continue;
      lines.push(keep && rid === keep.id ? { ...raw, ...lineFields(d), id: keep.id } : raw);
    }
    if (!keep) lines.push(lineFields(d));
    const saved = this.api.call(
      { method: 'post', path: endpoint(inv.recurring), body: [{ id: inv.header.id, lines }] },
      z.unknown(),
      `${keep ? 'updating a line on' : 'adding a line to'} the ${name}`,
    );
    const after = invoiceWithLines.safeParse(saved);
    if (after.success && after.data.id === inv.header.id)
      this.toLoaded(after.data, inv.recurring, `saving ${name}`);
    else this.seen.delete(`${inv.recurring ? 'r' : 'i'}${inv.header.id}`);
    const line = after.success
      ? (after.data.lines ?? []).find((l) => l[LINE_KEY_FIELD] === d.key && typeof l.id === 'number')
      : undefined;
    if (!inv.recurring) this.index.get(String(inv.header.client_id))?.keyAt.set(d.key, inv.header.id);
    const verb = keep ? (drop.size ? 'Updated (duplicate removed)' : 'Updated') : 'Added';
    return { status: 'applied', lineId: line ? String(line.id) : '', message: `${verb} on the ${name}` };
  }

  /** BillGrid lines (those carrying a line key) on an invoice, as charges of `container`. */
  charges(inv: LoadedInvoice, container: string): PsaChargeNow[] {
    return inv.lines
      .filter((l) => LINE_KEY_PATTERN.test(lineKeyOf(l)))
      .map((l) => ({
        ref: { kind: 'charge', companyId: String(inv.header.client_id), container, lineKey: lineKeyOf(l) },
        psaId: String(l.id),
        quantity: l.qty_order,
        unitPrice: l.unit_price,
        unitCost: l.unit_cost,
        description: l.item_longdescription || l.item_shortdescription,
        date: inv.header.invoice_date.slice(0, 10),
      }));
  }

  /** BillGrid lines on the clients' invoices: on a BillGrid-created invoice under its placeholder, else 'latest'. */
  clientCharges(clientIds: string[]): PsaChargeNow[] {
    const out: PsaChargeNow[] = [];
    for (const idx of this.clientIndexes(clientIds).values()) {
      for (const inv of idx.invoices)
        out.push(...this.charges(inv, placeholderOf(inv.header.reference) ?? 'latest'));
    }
    return out;
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
