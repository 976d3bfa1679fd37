import { z } from 'zod';
import type { CachedValue } from '../../../core/http';
import { PsaError } from '../../../core/psa';
import { pagesLeft, type HaloApi, type ListPage, type ListQuery } from './api';
import { haloClient, type HaloClient } from './schemas';

/**
 * How long the client list's tax and bill-to facts are trusted across executions: a 20,000-line push's
 * continuations (about 25 minutes at hosted Halo's 300 requests / 5 minutes) read the list once. A tax
 * code or bill-to client changed in Halo during that time applies once it expires (SOURCES.md).
 */
export const CLIENT_FACTS_TTL_S = 30 * 60;

const keptClients = z.lazy(() =>
  z.object({
    readAt: z.number(),
    clients: z.array(haloClient.omit({ name: true })),
  }),
);

const CLIENT_LIST: ListQuery = { path: '/Client', query: { includeactive: true, includeinactive: true } };
const WHAT = 'reading clients';

/**
 * Client records (for the client's own tax code, `item_tax_code`), read as a list instead of one request
 * per client. Halo's list answer is its `Area_View`; whether every tenant fills `item_tax_code` there is
 * not verified (SOURCES.md), so a client whose list record leaves the field out is read on its own.
 */
export class HaloClients {
  /** Clients whose tax code is known (from the list or their own read). */
  private byId = new Map<string, HaloClient>();
  /** Every client id the list has shown so far. */
  private listedIds = new Set<string>();
  /** Page 1 of the client list, once read; `whole` once every page is. */
  private first: ListPage | null = null;
  private whole = false;
  /** Clients read on their own because the list had not shown them (yet). */
  private singles = 0;

  constructor(
    private readonly api: HaloApi,
    /**
     * The whole list's tax and bill-to facts kept between executions (the document cache, CLIENT_FACTS_TTL):
     * a push's continuations and the sidebar calls around it read the client list once, not each time.
     */
    private readonly kept: CachedValue | null = null,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The facts of the whole list from an earlier execution, while they are fresh enough: true if used. */
  private fromKept(): boolean {
    if (this.whole || !this.kept) return this.whole;
    const v = this.kept.read(keptClients);
    const age = v ? this.now() - v.readAt : Infinity;
    if (!v || age < 0 || age > CLIENT_FACTS_TTL_S * 1000) return false;
    this.remember(v.clients.map((c) => ({ ...c, name: '' })));
    this.whole = true;
    return true;
  }

  /** Keep what the whole list said for the next executions (names left out: only tax and bill-to). */
  private keep(clients: HaloClient[]): void {
    if (!this.kept) return;
    const facts = clients.map((c) => {
      const f: Omit<HaloClient, 'name'> = { id: c.id };
      if (c.item_tax_code !== undefined) f.item_tax_code = c.item_tax_code;
      if (c.taxable !== undefined) f.taxable = c.taxable;
      if (c.automatic_sales_tax !== undefined) f.automatic_sales_tax = c.automatic_sales_tax;
      if (c.client_to_invoice) f.client_to_invoice = c.client_to_invoice;
      if (c.inactive) f.inactive = c.inactive;
      return f;
    });
    this.kept.write({ readAt: this.now(), clients: facts }, CLIENT_FACTS_TTL_S);
  }

  /** Every client read from the list so far (the whole list once `whole`). */
  private listed: HaloClient[] = [];

  /** The client's record, once its tax code is known. */
  get(id: string): HaloClient | undefined {
    return this.byId.get(id);
  }

  /** Bill-to client per client, from every client record read (list or own). */
  private billTos = new Map<string, string>();

  /** The client Halo raises this client's invoices on (client_to_invoice), when it has one and it is known. */
  billTo(id: string): string | undefined {
    return this.billTos.get(id);
  }

  /**
   * Make sure the bill-to clients of these clients are known: page 1 of the client list once, then the
   * clients it does not show each on their own (`GET /Client/{id}`: the spec has no filter by ids) while
   * that costs fewer requests than the list's remaining pages, else the rest of the list once, as load()
   * does. A month of a few clients in a large tenant no longer reads the whole list. A client that cannot
   * be read is left without a bill-to client here; its lines are refused when its tax code is needed.
   */
  loadBillTo(ids: string[]): void {
    if (this.fromKept()) return;
    const wanted = [...new Set(ids)].filter((id) => !this.listedIds.has(id) && !this.byId.has(id));
    if (!wanted.length) return;
    this.readList(wanted);
    if (this.whole) return;
    const alone = wanted.filter((id) => !this.listedIds.has(id) && !this.byId.has(id));
    this.singles += alone.length;
    this.readEach(alone);
  }

  /** The whole client list, read elsewhere (listCompanies). */
  rememberAll(clients: HaloClient[]): void {
    this.remember(clients);
    this.wholeRead();
  }

  /** Every page of the list is read now: kept for the next executions. */
  private wholeRead(): void {
    this.whole = true;
    this.keep(this.listed);
  }

  /**
   * Make sure these clients' records are known. The list's page 1 is read once per run; a client it does
   * not show is read on its own until that would cost more than the list's remaining pages, which are
   * then read once (so a run makes at most about twice the fewer of the two). A client listed without
   * a tax code is read on its own. Returns the clients that could not be read, with why (their lines are
   * not pushed: a tax-exempt client must not be billed the default tax). A transport failure throws.
   */
  load(ids: string[]): Map<string, PsaError> {
    const wanted = [...new Set(ids)].filter((id) => !this.byId.has(id));
    if (!wanted.length) return new Map();
    if (!this.fromKept()) this.readList(wanted);
    const alone = wanted.filter((id) => !this.byId.has(id));
    this.singles += alone.filter((id) => !this.listedIds.has(id)).length;
    return this.readEach(alone);
  }

  private readList(wanted: string[]): void {
    if (!this.first) {
      [this.first] = this.api.firstPages([CLIENT_LIST], 'clients', WHAT);
      this.remember(this.api.parseRecords(this.first.records, haloClient, WHAT));
    }
    const left = pagesLeft(this.first);
    const unlisted = wanted.filter((id) => !this.listedIds.has(id)).length;
    if (!left) this.wholeRead();
    else if (unlisted && this.singles + unlisted >= left) {
      const [all] = this.api.restOf([CLIENT_LIST], [this.first], 'clients', WHAT);
      this.remember(this.api.parseRecords(all.slice(this.first.records.length), haloClient, WHAT));
      this.wholeRead();
    }
  }

  private noteBillTo(c: HaloClient): void {
    const to = c.client_to_invoice ?? 0;
    if (to > 0 && to !== c.id) this.billTos.set(String(c.id), String(to));
  }

  private remember(clients: HaloClient[]): void {
    this.listed.push(...clients);
    for (const c of clients) {
      this.listedIds.add(String(c.id));
      this.noteBillTo(c);
      if (c.item_tax_code !== undefined) this.byId.set(String(c.id), c);
    }
  }

  /** GET /Client/{id} for each, in parallel. */
  private readEach(ids: string[]): Map<string, PsaError> {
    const failed = new Map<string, PsaError>();
    const res = this.api.sendAll(
      ids.map((id) => ({ method: 'get' as const, path: `/Client/${encodeURIComponent(id)}` })),
    );
    res.forEach((r, i) => {
      try {
        const c = this.api.json(r, haloClient, `reading client ${ids[i]}`);
        this.byId.set(ids[i], c);
        this.noteBillTo(c);
      } catch (err) {
        if (!(err instanceof PsaError)) throw err;
        failed.set(ids[i], err);
      }
    });
    return failed;
  }
}
