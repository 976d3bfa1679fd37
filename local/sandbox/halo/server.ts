/**
 * Stateful HaloPSA sandbox: the parts of the Halo API BillGrid uses, behaving like a hosted tenant.
 *  - OAuth client credentials at POST /auth/token (form body; ?tenant= required when the tenant is hosted),
 *    bearer tokens that expire (401 after expiry or revocation);
 *  - /api/Client, /api/Item, /api/AssetGroup (item groups), /api/Tax, /api/Invoice, /api/RecurringInvoice,
 *    with Halo's paging (pageinate, page_size capped server-side, page_no from 1, record_count);
 *  - POST with an array body creates (no id) or updates (id); an update that carries `lines` makes the
 *    invoice's lines exactly that list (lines with a known id are updated, others added, missing ones removed);
 *  - error bodies in Halo's shapes ({ ClassName, Message } for validation, OAuth { error, error_description });
 *  - records keep only the fields Halo's OpenAPI declares (InvoiceHeader, InvoiceDetail, Item); line
 *    amounts and tax are computed by the sandbox from the item, the client and the override flags;
 *  - recurring invoices are templates: POST /api/RecurringInvoice/process generates the next period's
 *    invoice (lines copied unless inactive, outside their start/end dates, or a one-time charge already
 *    invoiced);
 *  - bill-to clients (client_to_invoice): an invoice raised for such a client is raised on the bill-to
 *    client, original_client_id naming the client it was raised for;
 *  - 300 requests per rolling 5 minutes, then 429 without Retry-After (hosted Halo);
 *  - variants for what the sources leave open (fixture.ts, HaloVariant).
 */
import { Sandbox, type SandboxRequest, type SandboxResponse } from '../framework';
import { declaredOnly } from './spec';
import {
  DEFAULT_VARIANT,
  SUMMARY_OMITS,
  demoFixture,
  type HaloClientRec,
  type HaloFixture,
  type HaloInvoiceRec,
  type HaloItemRec,
  type HaloLineRec,
  type HaloVariant,
} from './fixture';

export interface HaloState extends HaloFixture {
  variant: HaloVariant;
  /** access token → expiry (ms since epoch). */
  tokens: Record<string, number>;
  hits: number[];
  nextId: { invoice: number; recurring: number; line: number; item: number; group: number };
  tokenSeq: number;
}

type Json = Record<string, unknown>;

const ok = (json: unknown, status = 200): SandboxResponse => ({ status, json });
const invalid = (message: string): SandboxResponse => ({
  status: 400,
  json: { ClassName: 'HaloValidationException', Message: message },
});
const notFound = (what: string): SandboxResponse => ({ status: 404, json: { Message: `${what} not found` } });

/** The state a fixture starts as: its lines carry the amounts and tax Halo would have computed. */
export function seedState(fixture: HaloFixture): HaloState {
  const s = seed(fixture);
  for (const inv of [...s.invoices, ...s.recurringInvoices])
    inv.lines = inv.lines.map((l) => computeLine(s, inv, l, {}));
  return s;
}

function seed(fixture: HaloFixture): HaloState {
  const f = structuredClone(fixture);
  const maxLine = Math.max(
    0,
    ...[...f.invoices, ...f.recurringInvoices].flatMap((i) => i.lines.map((l) => l.id)),
  );
  return {
    ...f,
    variant: { ...DEFAULT_VARIANT, ...f.variant },
    tokens: {},
    hits: [],
    tokenSeq: 0,
    nextId: {
      invoice: Math.max(1000, ...f.invoices.map((i) => i.id)) + 1,
      recurring: Math.min(-1, ...f.recurringInvoices.map((i) => i.id)) - 1,
      line: maxLine + 1,
      item: Math.max(0, ...f.items.map((i) => i.id)) + 1,
      group: Math.max(0, ...f.assetGroups.map((g) => g.id)) + 1,
    },
  };
}

const flag = (q: URLSearchParams, k: string): boolean => (q.get(k) ?? '').toLowerCase() === 'true';

/** Halo's list answer: paged when pageinate=true, else everything (or `count`). */
function page<T>(req: SandboxRequest, s: HaloState, key: string, all: T[], bare = false): SandboxResponse {
  const q = req.query;
  if (flag(q, 'pageinate')) {
    const size = Math.min(Math.max(Number(q.get('page_size') ?? 50) || 50, 1), s.maxPageSize);
    const no = Math.max(Number(q.get('page_no') ?? 1) || 1, 1);
    return ok({
      page_no: no,
      page_size: size,
      record_count: all.length,
      [key]: all.slice((no - 1) * size, no * size),
    });
  }
  const count = Number(q.get('count') ?? 0);
  const records = count > 0 ? all.slice(0, count) : all;
  const asArray = bare && s.variant.unpagedLists !== 'keyed';
  return ok(asArray ? records : { record_count: all.length, [key]: records });
}

function parseArrayBody(req: SandboxRequest): Json[] | SandboxResponse {
  let v: unknown;
  try {
    v = JSON.parse(req.body || 'null');
  } catch {
    return invalid('The request body is not valid JSON');
  }
  if (!Array.isArray(v) || v.some((x) => !x || typeof x !== 'object' || Array.isArray(x))) {
    return invalid('The request body must be an array of records');
  }
  return v as Json[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function orderInvoices(list: HaloInvoiceRec[], q: URLSearchParams, s: HaloState): HaloInvoiceRec[] {
  if (s.variant.listOrder === 'ignored') return [...list].sort((a, b) => a.id - b.id);
  const keys = [
    [q.get('order'), flag(q, 'orderdesc')],
    [q.get('order2'), flag(q, 'orderdesc2')],
  ].filter((k): k is [string, boolean] => !!k[0]);
  if (!keys.length) return list;
  return [...list].sort((a, b) => {
    for (const [k, desc] of keys) {
      const av = ((a as unknown as Json)[k] ?? '') as string | number;
      const bv = ((b as unknown as Json)[k] ?? '') as string | number;
      if (av === bv) continue;
      return (av < bv ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  });
}

function invoiceRoutes(sb: Sandbox<HaloState>, base: string, recurring: boolean): void {
  const coll = (s: HaloState) => (recurring ? s.recurringInvoices : s.invoices);
  const label = recurring ? 'Recurring invoice' : 'Invoice';
  const view = (s: HaloState, inv: HaloInvoiceRec, lines: 'none' | 'list' | 'detail') => {
    const { lines: all, ...head } = inv;
    if (lines === 'none') return head;
    // Variants: the list view (includelines) leaves the line key out, or the fields only staff set.
    const omit = new Set([
      ...(s.variant.lineKey === 'dropped-on-list' ? ['comment_1'] : []),
      ...(s.variant.listView === 'summary' ? SUMMARY_OMITS : []),
    ]);
    const listed =
      lines === 'list' && omit.size
        ? all.map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !omit.has(k))))
        : all;
    return { ...head, lines: listed };
  };

  sb.route('GET', base, (req, s) => {
    const q = req.query;
    let list = coll(s);
    const cid = q.get('client_id');
    if (cid) list = list.filter((i) => String(i.client_id) === cid);
    const cids = q.get('client_ids');
    if (cids) {
      const set = new Set(cids.split(','));
      list = list.filter((i) => set.has(String(i.client_id)));
    }
    // Declared filters (variants: a tenant may ignore the posted filters, and the date window the spec
    // types as bool may be ignored, honoured as dates or refused).
    if (s.variant.postedFilter !== 'ignored') {
      if (flag(q, 'notpostedonly')) list = list.filter((i) => !i.posted);
      if (flag(q, 'postedonly')) list = list.filter((i) => i.posted);
    }
    const window = [q.get('invoicedatestart'), q.get('invoicedateend')];
    const dated = window.some((v) => v !== null && !/^(true|false)$/i.test(v));
    if (dated && s.variant.dateWindow === 'rejected')
      return invalid('The value is not valid for invoicedatestart/invoicedateend (a boolean is expected)');
    if (dated && s.variant.dateWindow === 'honoured') {
      const [from, to] = window.map((v) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : ''));
      list = list.filter((i) => {
        const d = (i.invoice_date ?? '').slice(0, 10);
        return (!from || d >= from) && (!to || d <= to);
      });
    }
    list = orderInvoices(list, q, s);
    return page(
      req,
      s,
      'invoices',
      list.map((i) => view(s, i, flag(q, 'includelines') ? 'list' : 'none')),
    );
  });

  sb.route('GET', `${base}/:id`, (req, s) => {
    const inv = coll(s).find((i) => String(i.id) === req.params.id);
    return inv ? ok(view(s, inv, 'detail')) : notFound(label);
  });

  sb.route('DELETE', `${base}/:id`, (req, s) => {
    const list = coll(s);
    const idx = list.findIndex((i) => String(i.id) === req.params.id);
    if (idx < 0) return notFound(label);
    if (list[idx].posted) return invalid('A posted invoice cannot be deleted');
    list.splice(idx, 1);
    return ok({});
  });

  sb.route('POST', base, (req, s) => {
    const body = parseArrayBody(req);
    if (!Array.isArray(body)) return body;
    const saved: HaloInvoiceRec[] = [];
    for (const rec of body) {
      const r = saveInvoice(s, rec, recurring);
      if (!('lines' in r)) return r as SandboxResponse;
      saved.push(r);
    }
    return ok(saved.length === 1 ? saved[0] : saved);
  });
}

/** The client an invoice for `client` is raised on (its bill-to client, when it has one). */
function billTo(s: HaloState, client: HaloClientRec): HaloClientRec {
  const to = client.client_to_invoice ?? 0;
  return (to > 0 && s.clients.find((c) => c.id === to)) || client;
}

function saveInvoice(s: HaloState, rec: Json, recurring: boolean): HaloInvoiceRec | SandboxResponse {
  const coll = recurring ? s.recurringInvoices : s.invoices;
  const id = num(rec.id);
  let inv: HaloInvoiceRec | undefined;
  if (id !== undefined && id !== 0) {
    inv = coll.find((i) => i.id === id);
    if (!inv) return invalid(`${recurring ? 'Recurring invoice' : 'Invoice'} ${id} does not exist`);
    if (inv.posted) return invalid('This invoice has been posted and can no longer be edited');
  } else {
    const asked = s.clients.find((c) => c.id === num(rec.client_id));
    if (!asked) return invalid('Please select a valid Client');
    const client = rec.dont_set_original_client_id === true ? asked : billTo(s, asked);
    const newId = recurring ? s.nextId.recurring-- : s.nextId.invoice++;
    inv = {
      id: newId,
      client_id: client.id,
      client_name: client.name,
      invoicenumber: recurring ? '0' : `INV-${newId}`,
      ...(recurring ? {} : { invoice_date: new Date().toISOString().slice(0, 19) }),
      reference: '',
      posted: false,
      lines: [],
      ...(client.id !== asked.id ? { original_client_id: asked.id, original_client_name: asked.name } : {}),
    };
    coll.push(inv);
  }
  // Header fields the spec declares are kept (except those Halo owns); anything else is dropped.
  const header = declaredOnly('InvoiceHeader', rec);
  for (const k of Object.keys(header)) {
    if (HALO_OWNED_HEADER.has(k)) continue;
    inv[k] = header[k];
  }
  if (rec.lines !== undefined) {
    if (!Array.isArray(rec.lines)) return invalid('lines must be a list');
    const next: HaloLineRec[] = [];
    for (const raw of rec.lines as unknown[]) {
      if (!raw || typeof raw !== 'object') return invalid('Each line must be a record');
      const line = raw as Json;
      const err = checkLine(s, line);
      if (err) return err;
      const existing = inv.lines.find((l) => l.id === num(line.id));
      const sent = keptLineFields(s, line);
      const merged = existing
        ? ({ ...existing, ...sent, id: existing.id, ihid: inv.id } as HaloLineRec)
        : newLine(s, inv.id, sent);
      next.push(computeLine(s, inv, merged, sent));
    }
    inv.lines = next;
  }
  return inv;
}

/** Header fields Halo sets itself; a value sent for them is ignored. */
const HALO_OWNED_HEADER = new Set(['id', 'client_id', 'client_name', 'invoicenumber', 'lines', 'posted']);
/** The line fields Halo keeps from a request: those InvoiceDetail declares, minus the key when dropped. */
function keptLineFields(s: HaloState, line: Json): Json {
  const kept = declaredOnly('InvoiceDetail', line);
  if (s.variant.lineKey === 'dropped') delete kept.comment_1;
  return kept;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * Halo's own arithmetic on a saved line: the tax code is the override when `tax_code_overriden` is set,
 * else the client's own tax code, else the item's; an untaxable client pays no tax whatever the code.
 * Computed fields are recomputed unless the 'honoured' variant keeps what the request sent.
 */
function computeLine(s: HaloState, inv: HaloInvoiceRec, line: HaloLineRec, sent: Json): HaloLineRec {
  const client = s.clients.find((c) => c.id === num(inv.original_client_id) || c.id === inv.client_id);
  const item = s.items.find((i) => i.id === line._itemid);
  const override = line.tax_code_overriden === true ? num(line.override_tax_code) : undefined;
  const own = client && client.item_tax_code > 0 ? client.item_tax_code : undefined;
  const code = override ?? own ?? item?.taxcode ?? (Number(line.tax_code) || 0);
  const tax = s.taxes.find((t) => t.id === code);
  const taxable = client?.taxable !== false;
  const net = line.qty_order * line.unit_price;
  const computed: Record<string, number | string> = {
    tax_code: code ? String(code) : '',
    net_amount: net,
    tax_rate: taxable ? (tax?.rate ?? 0) : 0,
    tax_amount: taxable ? (net * (tax?.rate ?? 0)) / 100 : 0,
  };
  computed.total_price = round2(net + (computed.tax_amount as number));
  computed.unit_price_converted = line.unit_price;
  computed.net_amount_converted = net;
  const out = { ...line } as Json;
  for (const [k, v] of Object.entries(computed)) {
    const honoured = s.variant.computed === 'honoured' && k !== 'tax_code' && sent[k] !== undefined;
    if (!honoured) out[k] = v;
  }
  return out as HaloLineRec;
}

/**
 * Generate the next invoice of each recurring invoice (POST /RecurringInvoice/process, body: ids), for
 * the calendar month of its nextcreationdate: active lines whose start/end dates overlap the period are
 * copied; a one-time charge is copied once (onetimechargeinvoiceid records where) and then skipped.
 */
function processRecurring(s: HaloState, ids: number[]): HaloInvoiceRec[] | SandboxResponse {
  const made: HaloInvoiceRec[] = [];
  for (const rid of ids) {
    const r = s.recurringInvoices.find((x) => x.id === rid);
    if (!r) return invalid(`Recurring invoice ${rid} does not exist`);
    const next = str(r.nextcreationdate) ?? '';
    const m = /^(\d{4})-(\d{2})/.exec(next);
    if (!m) return invalid(`Recurring invoice ${rid} has no next creation date`);
    const start = `${m[1]}-${m[2]}-01`;
    const end = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).toISOString().slice(0, 10);
    const id = s.nextId.invoice++;
    const inv: HaloInvoiceRec = {
      id,
      client_id: r.client_id,
      client_name: r.client_name,
      invoicenumber: `INV-${id}`,
      invoice_date: `${start}T00:00:00`,
      reference: r.reference,
      posted: false,
      recurring_invoice_id: r.id,
      period_start_date: `${start}T00:00:00`,
      period_end_date: `${end}T00:00:00`,
      lines: [],
    };
    for (const l of r.lines) {
      if (l.isinactive === true) continue;
      const ls = str(l.startdate)?.slice(0, 10);
      const le = str(l.enddate)?.slice(0, 10);
      if ((ls && ls > end) || (le && le < start)) continue;
      if (l.onetimecharge === true && (num(l.onetimechargeinvoiceid) ?? 0) > 0) continue;
      if (l.onetimecharge === true) l.onetimechargeinvoiceid = id;
      inv.lines.push({ ...l, id: s.nextId.line++, ihid: id, recurring_invoice_line_id: l.id });
    }
    const following = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1)).toISOString().slice(0, 19);
    r.nextcreationdate = following;
    r.lastcreated = `${start}T00:00:00`;
    s.invoices.push(inv);
    made.push(inv);
  }
  return made;
}

function checkLine(s: HaloState, line: Json): SandboxResponse | undefined {
  for (const k of ['qty_order', 'unit_price', 'unit_cost']) {
    if (line[k] !== undefined && num(line[k]) === undefined) return invalid(`${k} must be a number`);
  }
  const itemId = line._itemid;
  if (itemId !== undefined && itemId !== null && num(itemId) !== undefined && (itemId as number) > 0) {
    if (!s.items.some((i) => i.id === itemId)) return invalid(`Item ${String(itemId)} does not exist`);
  }
  return undefined;
}

function newLine(s: HaloState, ihid: number, line: Json): HaloLineRec {
  const item = s.items.find((i) => i.id === num(line._itemid));
  return {
    item_code: '',
    item_shortdescription: item?.name ?? '',
    item_longdescription: item?.description ?? '',
    nominal_code: item?.nominalcode ?? '',
    tax_code: item ? String(item.taxcode) : '',
    qty_order: 1,
    unit_price: item?.baseprice ?? 0,
    unit_cost: item?.costprice ?? 0,
    ...line,
    _itemid: item?.id ?? 0,
    id: s.nextId.line++,
    ihid,
  } as HaloLineRec;
}

/** An item as Halo answers it: the fields Item declares (the sandbox's `inactive` flag is not one). */
const itemView = (i: HaloItemRec): Record<string, unknown> => declaredOnly('Item', { ...i });

function saveItem(s: HaloState, rec: Json): HaloItemRec | SandboxResponse {
  const id = num(rec.id);
  const groupId = num(rec.assetgroup_id);
  const group = groupId !== undefined ? s.assetGroups.find((g) => g.id === groupId) : undefined;
  if (groupId !== undefined && groupId > 0 && !group) return invalid(`Item group ${groupId} does not exist`);
  let item: HaloItemRec | undefined;
  if (id !== undefined && id > 0) {
    item = s.items.find((i) => i.id === id);
    if (!item) return invalid(`Item ${id} does not exist`);
  } else {
    const name = str(rec.name)?.trim();
    if (!name) return invalid('Please enter a name for the item');
    item = {
      id: s.nextId.item++,
      name,
      description: '',
      supplier_part_code: '',
      internalreference: '',
      assetgroup_id: 0,
      assetgroup_name: '',
      baseprice: 0,
      costprice: 0,
      nominalcode: '',
      purchasenominalcode: '',
      taxcode: 0,
      inactive: false,
    };
    s.items.push(item);
  }
  const target = item as unknown as Json;
  for (const k of Object.keys(item)) {
    if (k === 'id' || rec[k] === undefined) continue;
    if (typeof rec[k] === typeof target[k]) target[k] = rec[k];
  }
  // Declared text fields a record may not have yet (a distributor sync's keys).
  for (const k of ['externalreference', 'third_party_id'] as const) {
    const v = rec[k];
    if (typeof v === 'string') item[k] = v;
  }
  if (group) item.assetgroup_name = group.name;
  return item;
}

export function createSandbox(fixture?: unknown): Sandbox<HaloState> {
  const f = (fixture as HaloFixture | undefined) ?? demoFixture();
  const sb = new Sandbox<HaloState>('halo', () => seedState(f));

  sb.before = (req, s) => {
    if (s.rateLimit) {
      const now = Date.now() + (s.clockOffsetMs ?? 0);
      const windowMs = s.rateLimit.windowSec * 1000;
      s.hits = s.hits.filter((t) => now - t < windowMs);
      if (s.hits.length >= s.rateLimit.max) {
        const wait = Math.max(1, Math.ceil((s.hits[0] + windowMs - now) / 1000));
        return {
          status: 429,
          // No public source shows Halo sending Retry-After; a variant offers it.
          headers: s.variant.retryAfter ? { 'Retry-After': String(wait) } : ({} as Record<string, string>),
          json: { Message: 'Too many requests. Please try again later.' },
        };
      }
      s.hits.push(now);
    }
    if (!req.path.toLowerCase().startsWith('/api/') || req.path.toLowerCase() === '/api/authinfo')
      return undefined;
    const m = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    const exp = m ? s.tokens[m[1]] : undefined;
    if (exp === undefined || exp <= Date.now()) {
      return { status: 401, json: { Message: 'Authorization has been denied for this request.' } };
    }
    return undefined;
  };

  sb.notFound = (req) => ({
    status: 404,
    json: { Message: `No HTTP resource was found that matches ${req.path}` },
  });

  // The authorisation server and tenant of this Halo (no token needed), on the address it was reached at.
  sb.route('GET', '/api/authinfo', (req, s) => {
    const forwarded = req.headers['x-forwarded-host'];
    const auth = forwarded ? `https://${String(forwarded)}/auth` : `http://${String(req.headers.host)}/auth`;
    return ok({ auth_url: auth, ...(s.tenant ? { tenant_id: s.tenant } : {}) });
  });

  sb.route('POST', '/auth/token', (req, s) => {
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct.includes('application/x-www-form-urlencoded')) {
      return { status: 400, json: { error: 'invalid_request', error_description: 'Form body expected' } };
    }
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') {
      return { status: 400, json: { error: 'unsupported_grant_type' } };
    }
    if (s.tenant && req.query.get('tenant') !== s.tenant) {
      return { status: 400, json: { error: 'invalid_request', error_description: 'Unknown tenant' } };
    }
    if (form.get('client_id') !== s.clientId || form.get('client_secret') !== s.clientSecret) {
      return {
        status: 401,
        json: { error: 'invalid_client', error_description: 'Invalid client credentials' },
      };
    }
    const token = `halo-token-${++s.tokenSeq}-${Math.random().toString(36).slice(2, 10)}`;
    s.tokens[token] = Date.now() + s.tokenLifetimeSec * 1000;
    return ok({
      access_token: token,
      token_type: 'Bearer',
      expires_in: s.tokenLifetimeSec,
      scope: form.get('scope') ?? 'all',
    });
  });

  sb.route('GET', '/api/Client', (req, s) => {
    const q = req.query;
    const includeInactive = flag(q, 'includeinactive');
    const search = (q.get('search') ?? '').toLowerCase();
    const list = s.clients.filter(
      (c) => (includeInactive || !c.inactive) && (!search || c.name.toLowerCase().includes(search)),
    );
    return page(req, s, 'clients', list);
  });
  sb.route('GET', '/api/Client/:id', (req, s) => {
    const c = s.clients.find((x) => String(x.id) === req.params.id);
    return c ? ok(c) : notFound('Client');
  });

  sb.route('GET', '/api/Item', (req, s) => {
    const q = req.query;
    const group = q.get('assetgroup_id');
    const search = (q.get('search') ?? '').toLowerCase();
    const list = s.items.filter(
      (i) =>
        (flag(q, 'includeinactive') || !i.inactive) &&
        (!group || String(i.assetgroup_id) === group) &&
        (!search || `${i.name} ${i.supplier_part_code}`.toLowerCase().includes(search)),
    );
    return page(req, s, 'items', list.map(itemView), true);
  });
  sb.route('GET', '/api/Item/:id', (req, s) => {
    const i = s.items.find((x) => String(x.id) === req.params.id);
    return i ? ok(itemView(i)) : notFound('Item');
  });
  sb.route('POST', '/api/Item', (req, s) => {
    const body = parseArrayBody(req);
    if (!Array.isArray(body)) return body;
    const saved: Record<string, unknown>[] = [];
    for (const rec of body) {
      const r = saveItem(s, rec);
      if ('status' in r) return r;
      saved.push(itemView(r));
    }
    return ok(saved.length === 1 ? saved[0] : saved);
  });
  sb.route('DELETE', '/api/Item/:id', (req, s) => {
    const idx = s.items.findIndex((x) => String(x.id) === req.params.id);
    if (idx < 0) return notFound('Item');
    const used = [...s.invoices, ...s.recurringInvoices].some((inv) =>
      inv.lines.some((l) => l._itemid === s.items[idx].id),
    );
    if (used) return invalid('This item is used on invoices and cannot be deleted');
    s.items.splice(idx, 1);
    return ok({});
  });

  sb.route('GET', '/api/AssetGroup', (req, s) => page(req, s, 'assetgroups', s.assetGroups, true));
  sb.route('POST', '/api/AssetGroup', (req, s) => {
    const body = parseArrayBody(req);
    if (!Array.isArray(body)) return body;
    const saved = [];
    for (const rec of body) {
      const name = str(rec.name)?.trim();
      if (!name) return invalid('Please enter a name for the group');
      // Fields Generic declares are kept (showasitem: "Use for Items"), anything else dropped.
      const g = { ...declaredOnly('Generic', rec), id: s.nextId.group++, name };
      s.assetGroups.push(g);
      saved.push(g);
    }
    return ok(saved.length === 1 ? saved[0] : saved);
  });
  sb.route('DELETE', '/api/AssetGroup/:id', (req, s) => {
    const idx = s.assetGroups.findIndex((g) => String(g.id) === req.params.id);
    if (idx < 0) return notFound('Item group');
    if (s.items.some((i) => i.assetgroup_id === s.assetGroups[idx].id))
      return invalid('This group has items');
    s.assetGroups.splice(idx, 1);
    return ok({});
  });

  // Tax declares no 'rate': the sandbox's rate is served as `value` (the spec's name for it, _assumed_).
  sb.route('GET', '/api/Tax', (req, s) =>
    page(
      req,
      s,
      'taxes',
      s.taxes.map((t) => ({ id: t.id, name: t.name, value: t.rate })),
      true,
    ),
  );

  sb.route('POST', '/api/RecurringInvoice/process', (req, s) => {
    let ids: unknown;
    try {
      ids = JSON.parse(req.body || 'null');
    } catch {
      return invalid('The request body is not valid JSON');
    }
    if (!Array.isArray(ids) || ids.some((x) => num(x) === undefined))
      return invalid('The request body must be a list of recurring invoice ids');
    const r = processRecurring(s, ids as number[]);
    return Array.isArray(r) ? ok(r) : r;
  });
  invoiceRoutes(sb, '/api/Invoice', false);
  invoiceRoutes(sb, '/api/RecurringInvoice', true);
  return sb;
}
