import { z } from 'zod';
import { LINE_KEY_PATTERN } from '../../../core/line-key';
import { HttpTransportError, type HttpResponse } from '../../../core/http';
import { PsaError, type PsaChargeNow } from '../../../core/psa';
import type { HaloApi } from './api';
import { MAX_CONCURRENCY } from './config';
import { placeholderOf, referenceFor } from './containers';
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
  /** Every invoice read or saved in this run, newest copy; lets a no-op step skip the re-read. */
  private seen = new Map<string, LoadedInvoice>();

  constructor(private readonly api: HaloApi) {}

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
    const mine = inv.lines.filter((l) => lineKeyOf(l) === d.key);
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

  /** The clients' invoices with their lines, read once per run in one list (client_ids, paged). */
  clientIndexes(clientIds: string[]): Map<string, ClientIndex> {
    const todo = [...new Set(clientIds)].filter((c) => !this.index.has(c));
    const listed = this.api.listByClients(
      '/Invoice',
      { includelines: true },
      todo,
      'invoices',
      invoiceWithLines,
      'reading the clients’ invoices',
    );
    const byClient = new Map<string, LoadedInvoice[]>(todo.map((c) => [c, []]));
    for (const h of listed)
      byClient.get(String(h.client_id))?.push(this.toLoaded(h, false, `reading invoice ${h.id}`));
    for (const [c, invoices] of byClient) this.index.set(c, indexOf(invoices));
    return new Map(clientIds.map((c) => [c, this.index.get(c) as ClientIndex]));
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

  /** 'latest': the invoice already holding the line, else the client's newest (index read already). */
  latestFor(clientId: string, lineKey: string): number {
    const idx = this.clientIndexes([clientId]).get(clientId) as ClientIndex;
    const id = idx.keyAt.get(lineKey) ?? idx.invoices[0]?.header.id;
    if (id === undefined)
      throw new PsaError(`Client ${clientId} has no invoice in HaloPSA to add charges to`);
    return id;
  }

  /** The invoice created for a placeholder (lowest id); empty copies left by an interrupted run are deleted. */
  createdFor(clientId: string, placeholder: string): number | undefined {
    const idx = this.clientIndexes([clientId]).get(clientId) as ClientIndex;
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
   * Create empty invoices carrying their placeholders (in parallel), then list those clients' invoices
   * again: each id is taken from Halo's list, so a copy made by a request that was sent twice is noticed
   * (lowest id kept, empty copies deleted). One id or error per invoice, in order.
   */
  createAll(wants: NewInvoice[]): (number | Error)[] {
    const out: (number | Error)[] = wants.map(
      (w) => new PsaError(`'${w.clientId}' is not a HaloPSA client id`),
    );
    const sendable = wants.flatMap((w, i) => (Number.isInteger(Number(w.clientId)) ? [i] : []));
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
            },
          ],
        })),
      );
    } catch (err) {
      if (!(err instanceof HttpTransportError)) throw err;
      // Any of them may have landed: the next batch lists the clients again and finds it by its reference.
      for (const i of sendable) {
        this.forgetClient(wants[i].clientId);
        out[i] = err;
      }
      return out;
    }
    const landed = sendable.filter((i, k) => {
      const r = res[k];
      if (r.status >= 200 && r.status < 300) return true;
      out[i] = caught(() => this.api.fail(r, `creating an invoice for client ${wants[i].clientId}`));
      return false;
    });
    for (const i of landed) this.forgetClient(wants[i].clientId);
    this.clientIndexes(landed.map((i) => wants[i].clientId));
    for (const i of landed) {
      const w = wants[i];
      const id = caught(() => this.createdFor(w.clientId, w.placeholder));
      out[i] = id ?? new PsaError(`HaloPSA did not create the invoice for client ${w.clientId}`);
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
    for (const d of new Map(desired.map((x) => [x.key, x])).values()) {
      const mine = inv.lines.filter((l) => lineKeyOf(l) === d.key).sort((a, b) => a.id - b.id);
      // A line carrying this key that could not be read is still this row's line: never add a second one.
      const unreadable = inv.raw.find((r) => r[LINE_KEY_FIELD] === d.key && !mine.some((l) => l.id === r.id));
      if (unreadable) {
        byKey.set(d.key, {
          kind: 'refused',
          message: `The ${name} already has a line for this row that BillGrid cannot read (line ${String(unreadable.id)}); correct or delete it in HaloPSA, then push again`,
        });
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
      lines.push(d ? { ...raw, ...lineFields(d), id: rid } : raw);
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

/** The line id Halo gave a key, from a saved copy. */
export function lineIdOf(inv: LoadedInvoice | null, key: string): string {
  const line = inv?.raw.find((l) => l[LINE_KEY_FIELD] === key && typeof l.id === 'number');
  return line ? String(line.id) : '';
}

/** A client's invoices newest first, and which invoice holds each line key (the newest wins). */
function indexOf(list: LoadedInvoice[]): ClientIndex {
  const invoices = [...list].sort(newestFirst);
  const keyAt = new Map<string, number>();
  for (const inv of [...invoices].reverse()) {
    for (const l of inv.lines)
      if (LINE_KEY_PATTERN.test(lineKeyOf(l))) keyAt.set(lineKeyOf(l), inv.header.id);
  }
  return { invoices, keyAt };
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
