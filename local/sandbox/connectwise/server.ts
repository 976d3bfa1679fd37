/**
 * Stateful ConnectWise PSA (Manage) REST 3.0 sandbox: the parts BillGrid uses, with ConnectWise's manners
 * (src/connectors/psa/connectwise/SOURCES.md says where each comes from and what is unverified).
 *  - everything under /v4_6_release/apis/3.0 (any codebase segment); HTTP Basic `company+publicKey:privateKey`
 *    and a registered `clientId` header on every request;
 *  - lists take conditions (conditions.ts), orderBy, page/pageSize (default 25, at most 1,000) and, with
 *    `pagination-type: forward-only`, pageId (id > pageId) with a Link header; `variants.paging` says which;
 *  - errors are { code, message, errors?: [{ code, message, resource, field }] };
 *  - field length limits (identifier 75, description 60, integrationXRef 50, customerPO 50, …);
 *  - PATCH takes a JSON Patch list [{ op: 'replace', path, value }];
 *  - additions: required product and billCustomer; an addition added mid-period to a prorating agreement
 *    carries its prorated current-period price; billed history is never deleted (DELETE of an addition
 *    that has billed is refused);
 *  - a throttle per site (`throttle`), answered with 429 (Retry-After per `variants.retryAfter`).
 */
import { Sandbox, type SandboxRequest, type SandboxResponse } from '../framework';
import { ConditionError, matches, parseConditions } from './conditions';
import { demoFixture, ref, type CwState, type Rec } from './fixture';

export type { CwState } from './fixture';

const ROOT = /^\/[A-Za-z0-9_]+\/apis\/3\.0(\/.*)$/;

function header(req: SandboxRequest, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

export function cwError(
  status: number,
  code: string,
  message: string,
  errors?: Array<{ code: string; message: string; resource: string; field: string }>,
): SandboxResponse {
  return { status, json: { code, message, ...(errors ? { errors } : {}) } };
}

const invalid = (resource: string, field: string, message: string, code = 'InvalidField'): SandboxResponse =>
  cwError(400, 'InvalidObject', `${resource} object is invalid`, [{ code, message, resource, field }]);

/** Field names a condition may use, per entity (first path segment); unknown fields are refused. */
const FIELDS: Record<string, string[]> = {
  companies: ['id', 'identifier', 'name', 'status', 'types', 'deletedFlag', 'defaultContact'],
  contacts: ['id', 'firstName', 'lastName', 'company'],
  agreements: [
    'id',
    'name',
    'type',
    'company',
    'contact',
    'agreementStatus',
    'cancelledFlag',
    'startDate',
    'endDate',
    'customerPO',
    'billingCycle',
    'prorateFlag',
  ],
  agreementTypes: ['id', 'name', 'inactiveFlag', 'defaultFlag'],
  additions: [
    'id',
    'product',
    'quantity',
    'unitPrice',
    'unitCost',
    'billCustomer',
    'effectiveDate',
    'cancelledDate',
    'invoiceDescription',
    'agreementStatus',
    'agreementId',
    'description',
  ],
  catalog: [
    'id',
    'identifier',
    'description',
    'integrationXRef',
    'inactiveFlag',
    'productClass',
    'subcategory',
    'type',
    'category',
  ],
};

/** The codebase root each request came in on (routes see the path below it). */
const roots = new WeakMap<SandboxRequest, string>();

function linkOrigin(req: SandboxRequest): string {
  const fwd = header(req, 'x-forwarded-host');
  return fwd ? `https://${fwd}` : `http://${header(req, 'host')}`;
}

/** One page of `rows` as ConnectWise answers a list GET (body: the bare array; paging in the Link header). */
function list(req: SandboxRequest, s: CwState, entity: string, rows: Rec[]): SandboxResponse {
  let filtered: Rec[];
  try {
    const cond = parseConditions(req.query.get('conditions') ?? '');
    const known = (f: string) => FIELDS[entity].includes(f.split('/')[0]);
    filtered = rows.filter((r) => matches(cond, r, known));
  } catch (err) {
    if (err instanceof ConditionError) return cwError(400, 'InvalidObject', `conditions: ${err.message}`);
    throw err;
  }
  const size = Math.min(1000, Math.max(1, Number(req.query.get('pageSize') ?? 25) || 25));
  const forward =
    header(req, 'pagination-type').toLowerCase() === 'forward-only' && s.variants.paging === 'forward-only';
  const params = new URLSearchParams(req.query);
  const url = (p: Record<string, string>) => {
    const q = new URLSearchParams(params);
    for (const [k, v] of Object.entries(p)) q.set(k, v);
    if (forward) q.delete('page');
    return `${linkOrigin(req)}${roots.get(req) ?? ''}${req.path}?${q.toString()}`;
  };
  if (forward) {
    const after = Number(req.query.get('pageId') ?? 0) || 0;
    const sorted = filtered.filter((r) => r.id > after).sort((a, b) => a.id - b.id);
    const page = sorted.slice(0, size);
    const more = sorted.length > size;
    const headers: Record<string, string> = {};
    if (more) headers.Link = `<${url({ pageId: String(page[page.length - 1].id) })}>; rel="next"`;
    return { status: 200, json: page, headers };
  }
  const [field, dir] = (req.query.get('orderBy') ?? 'id asc').trim().split(/\s+/);
  const key = (r: Rec) => {
    const v = r[field];
    return typeof v === 'number' ? v : String(v ?? '').toLowerCase();
  };
  const sorted = [...filtered].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const c = x < y ? -1 : x > y ? 1 : a.id - b.id;
    return dir?.toLowerCase() === 'desc' ? -c : c;
  });
  const pageNo = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const page = sorted.slice((pageNo - 1) * size, pageNo * size);
  const last = Math.max(1, Math.ceil(sorted.length / size));
  const headers: Record<string, string> = {};
  if (s.variants.paging !== 'no-link') {
    const links = [`<${url({ page: '1', pageSize: String(size) })}>; rel="first"`];
    if (pageNo > 1) links.push(`<${url({ page: String(pageNo - 1), pageSize: String(size) })}>; rel="prev"`);
    if (pageNo < last)
      links.push(`<${url({ page: String(pageNo + 1), pageSize: String(size) })}>; rel="next"`);
    links.push(`<${url({ page: String(last), pageSize: String(size) })}>; rel="last"`);
    headers.Link = links.join(', ');
  }
  return { status: 200, json: page, headers };
}

type Json = Record<string, unknown>;

function body(req: SandboxRequest): Json | unknown[] | null {
  try {
    const v = req.body ? (JSON.parse(req.body) as unknown) : null;
    return v !== null && typeof v === 'object' ? (v as Json) : null;
  } catch {
    return null;
  }
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const refId = (v: unknown): number | null => (isObj(v) && typeof v.id === 'number' ? v.id : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const dateOnly = (v: unknown): string | null =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null;
const instant = (d: string): string => `${d}T00:00:00Z`;

/** Length limits BillGrid writes into (SOURCES.md: schema maxLength where the facts give one). */
const LIMITS: Record<string, Record<string, number>> = {
  company: { identifier: 25, name: 50 },
  agreement: { name: 50, customerPO: 50 },
  catalogItem: { identifier: 75, description: 60, customerDescription: 60, integrationXRef: 50 },
  agreementAddition: { invoiceDescription: 1000 },
};

function tooLong(resource: string, b: Json): SandboxResponse | null {
  for (const [field, max] of Object.entries(LIMITS[resource] ?? {})) {
    const v = b[field];
    if (typeof v === 'string' && v.length > max)
      return invalid(resource, field, `${field} cannot be longer than ${max} characters.`);
  }
  return null;
}

function required(resource: string, b: Json, fields: string[]): SandboxResponse | null {
  for (const f of fields) {
    const v = b[f];
    if (v === undefined || v === null || v === '')
      return invalid(resource, f, `${f} is required.`, 'NullOrEmpty');
  }
  return null;
}

const daysIn = (d: string): number =>
  new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)), 0)).getUTCDate();

/** Read-only amounts ConnectWise computes on an addition: extended price and the current period's proration. */
function computed(a: Json, agreement: Rec | undefined): Json {
  const q = Number(a.quantity ?? 0);
  const price = Number(a.unitPrice ?? 0);
  const cost = Number(a.unitCost ?? 0);
  const eff = dateOnly(a.effectiveDate);
  const out: Json = {
    extPrice: Math.round(q * price * 100) / 100,
    extCost: Math.round(q * cost * 100) / 100,
  };
  if (agreement?.prorateFlag && eff && eff.slice(8, 10) !== '01') {
    const left = daysIn(eff) - Number(eff.slice(8, 10)) + 1;
    out.prorateCurrentPeriodFlag = true;
    out.proratePrice = Math.round(((price * left) / daysIn(eff)) * 100) / 100;
    out.extendedProratePrice = Math.round(((q * price * left) / daysIn(eff)) * 100) / 100;
  } else {
    out.prorateCurrentPeriodFlag = false;
    out.proratePrice = 0;
    out.extendedProratePrice = 0;
  }
  return out;
}

/** JSON Patch (ConnectWise's PATCH body): replace/add/remove of top-level fields. */
function applyPatch(resource: string, target: Json, ops: unknown, allowed: string[]): SandboxResponse | null {
  if (!Array.isArray(ops) || ops.length === 0)
    return cwError(400, 'InvalidObject', 'The request body must be a list of patch operations');
  for (const op of ops) {
    if (!isObj(op) || typeof op.op !== 'string' || typeof op.path !== 'string')
      return cwError(400, 'InvalidObject', 'Each patch operation needs op and path');
    const field = op.path.replace(/^\//, '');
    if (!allowed.includes(field)) return invalid(resource, field, `${field} cannot be changed.`, 'ReadOnly');
    if (op.op === 'replace' || op.op === 'add') target[field] = op.value;
    else if (op.op === 'remove') target[field] = null;
    else return cwError(400, 'InvalidObject', `Unsupported patch operation '${op.op}'`);
  }
  return null;
}

function authenticate(req: SandboxRequest, s: CwState): SandboxResponse | string {
  const clientId = header(req, 'clientid');
  if (!clientId || !s.clientIds.includes(clientId)) {
    return s.variants.clientIdMissing === 400
      ? cwError(400, 'InvalidObject', 'clientId header is missing or not registered')
      : cwError(401, 'Unauthorized', 'A valid clientId must be provided');
  }
  const m = /^Basic\s+(\S+)$/i.exec(header(req, 'authorization'));
  const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const [user, ...rest] = decoded.split(':');
  const password = rest.join(':');
  const plus = user.indexOf('+');
  const member = s.members.find(
    (x) =>
      plus > 0 &&
      x.companyId.toLowerCase() === user.slice(0, plus).toLowerCase() &&
      x.publicKey === user.slice(plus + 1) &&
      x.privateKey === password,
  );
  if (!member)
    return cwError(401, 'Unauthorized', 'Authentication failed: company, public key or private key');
  return member.publicKey;
}

export function createSandbox(fixture?: unknown): Sandbox<CwState> {
  const seed = (): CwState => structuredClone((fixture as CwState | undefined) ?? demoFixture());
  const sb = new Sandbox<CwState>('connectwise', seed);

  sb.before = (req, s) => {
    const m = ROOT.exec(req.path);
    if (!m) return cwError(404, 'NotFound', `No such resource: ${req.path}`);
    const who = authenticate(req, s);
    if (typeof who !== 'string') return who;
    const now = Date.now();
    s.hits = s.hits.filter((t) => t > now - s.throttle.windowMs);
    if (s.hits.length >= s.throttle.limit) {
      const wait = Math.max(1, Math.ceil((s.hits[0] + s.throttle.windowMs - now) / 1000));
      return {
        ...cwError(429, 'TooManyRequests', 'Too many requests; slow down'),
        headers: s.variants.retryAfter ? { 'Retry-After': String(wait) } : {},
      };
    }
    s.hits.push(now);
    // Route on the path below the codebase root.
    roots.set(req, req.path.slice(0, req.path.length - m[1].length));
    req.path = m[1];
    return undefined;
  };
  sb.onResponse = (req, res) => {
    if (res.status < 400 && res.json !== undefined) {
      const accept = header(req, 'accept');
      const version = /version=([\d.]+)/.exec(accept)?.[1] ?? '2025.8';
      res.headers = {
        ...(res.headers ?? {}),
        'Content-Type': `application/vnd.connectwise.com+json; version=${version}`,
      };
    }
  };
  sb.notFound = (req) => cwError(404, 'NotFound', `No such resource: ${req.method} ${req.path}`);

  const byId = (rows: Rec[], id: string): Rec | undefined => rows.find((r) => r.id === Number(id));
  const next = (s: CwState): number => ++s.nextId;

  sb.route('GET', '/system/info', () => ({
    status: 200,
    json: { version: 'v2025.8', isCloud: true, serverTimeZone: 'Eastern Standard Time', cloudRegion: 'NA' },
  }));

  // Companies
  sb.route('GET', '/company/companies', (req, s) => list(req, s, 'companies', s.companies));
  sb.route('GET', '/company/companies/:id', (req, s) => {
    const c = byId(s.companies, req.params.id);
    return c ? { status: 200, json: c } : cwError(404, 'NotFound', 'Company not found');
  });
  sb.route('POST', '/company/companies', (req, s) => {
    const b = body(req);
    if (!isObj(b)) return cwError(400, 'InvalidObject', 'The request body is not a company');
    const bad = required('company', b, ['identifier', 'name']) ?? tooLong('company', b);
    if (bad) return bad;
    const ident = String(b.identifier);
    if (s.companies.some((c) => String(c.identifier).toLowerCase() === ident.toLowerCase()))
      return invalid('company', 'identifier', 'The Company Identifier is already in use.', 'Duplicate');
    const c: Rec = {
      id: next(s),
      identifier: ident,
      name: String(b.name),
      status: ref(1, 'Active'),
      types: Array.isArray(b.types) ? b.types : [ref(1, 'Client')],
      defaultContact: null,
      deletedFlag: false,
    };
    s.companies.push(c);
    return { status: 201, json: c };
  });
  sb.route('GET', '/company/contacts', (req, s) => list(req, s, 'contacts', s.contacts));

  // Agreements
  sb.route('GET', '/finance/agreements/types', (req, s) => list(req, s, 'agreementTypes', s.agreementTypes));
  sb.route('GET', '/finance/agreements', (req, s) => list(req, s, 'agreements', s.agreements));
  sb.route('GET', '/finance/agreements/:id', (req, s) => {
    const a = byId(s.agreements, req.params.id);
    return a ? { status: 200, json: a } : cwError(404, 'NotFound', 'Agreement not found');
  });
  sb.route('POST', '/finance/agreements', (req, s) => {
    const b = body(req);
    if (!isObj(b)) return cwError(400, 'InvalidObject', 'The request body is not an agreement');
    const bad = required('agreement', b, ['name', 'type', 'company', 'contact']) ?? tooLong('agreement', b);
    if (bad) return bad;
    const type = s.agreementTypes.find((t) => t.id === refId(b.type));
    if (!type) return invalid('agreement', 'type', 'Agreement type not found.', 'InvalidReference');
    const company = s.companies.find((c) => c.id === refId(b.company));
    if (!company) return invalid('agreement', 'company', 'Company not found.', 'InvalidReference');
    const contact = s.contacts.find((c) => c.id === refId(b.contact));
    if (!contact || refId(contact.company) !== company.id)
      return invalid('agreement', 'contact', 'Contact not found for this company.', 'InvalidReference');
    const start = dateOnly(b.startDate);
    const a: Rec = {
      id: next(s),
      name: String(b.name),
      type: ref(type.id, String(type.name)),
      company: ref(company.id, String(company.name)),
      contact: ref(contact.id, `${String(contact.firstName)} ${String(contact.lastName ?? '')}`.trim()),
      agreementStatus: 'Active',
      cancelledFlag: false,
      startDate: start ? instant(start) : null,
      endDate: dateOnly(b.endDate) ? instant(dateOnly(b.endDate)!) : null,
      noEndingDateFlag: !b.endDate,
      billingCycle: isObj(b.billingCycle) ? b.billingCycle : ref(1, 'Monthly'),
      prorateFlag: b.prorateFlag === true,
      invoiceProratedAdditionsFlag: b.invoiceProratedAdditionsFlag === true,
      customerPO: str(b.customerPO),
    };
    s.agreements.push(a);
    return { status: 201, json: a };
  });

  // Additions (per agreement; there is no cross-agreement additions endpoint)
  const additionsOf = (s: CwState, id: string) => s.additions.filter((a) => a.agreementId === Number(id));
  sb.route('GET', '/finance/agreements/:id/additions', (req, s) => {
    if (!byId(s.agreements, req.params.id)) return cwError(404, 'NotFound', 'Agreement not found');
    return list(req, s, 'additions', additionsOf(s, req.params.id));
  });
  sb.route('GET', '/finance/agreements/:id/additions/:aid', (req, s) => {
    const a = additionsOf(s, req.params.id).find((x) => x.id === Number(req.params.aid));
    return a ? { status: 200, json: a } : cwError(404, 'NotFound', 'Addition not found');
  });
  sb.route('POST', '/finance/agreements/:id/additions', (req, s) => {
    const agreement = byId(s.agreements, req.params.id);
    if (!agreement) return cwError(404, 'NotFound', 'Agreement not found');
    const b = body(req);
    if (!isObj(b)) return cwError(400, 'InvalidObject', 'The request body is not an addition');
    const bad =
      required('agreementAddition', b, ['product', 'billCustomer']) ?? tooLong('agreementAddition', b);
    if (bad) return bad;
    const item = s.catalog.find((c) => c.id === refId(b.product));
    if (!item) return invalid('agreementAddition', 'product', 'Product not found.', 'InvalidReference');
    if (item.inactiveFlag)
      return invalid('agreementAddition', 'product', 'Product is inactive.', 'InvalidReference');
    if (!['Billable', 'DoNotBill', 'NoCharge'].includes(String(b.billCustomer)))
      return invalid(
        'agreementAddition',
        'billCustomer',
        'billCustomer must be Billable, DoNotBill or NoCharge.',
      );
    for (const f of ['quantity', 'unitPrice', 'unitCost'])
      if (b[f] !== undefined && (typeof b[f] !== 'number' || !Number.isFinite(b[f])))
        return invalid('agreementAddition', f, `${f} must be a number.`);
    const eff = dateOnly(b.effectiveDate) ?? dateOnly(agreement.startDate) ?? '2026-01-01';
    const cancelled = dateOnly(b.cancelledDate);
    if (cancelled && cancelled < eff)
      return invalid(
        'agreementAddition',
        'cancelledDate',
        'Cancelled date cannot be before the effective date.',
      );
    const a: Rec = {
      id: next(s),
      agreementId: agreement.id,
      product: { id: item.id, identifier: item.identifier },
      description: item.description,
      quantity: typeof b.quantity === 'number' ? b.quantity : 1,
      unitPrice: typeof b.unitPrice === 'number' ? b.unitPrice : item.price,
      unitCost: typeof b.unitCost === 'number' ? b.unitCost : item.cost,
      billCustomer: b.billCustomer,
      effectiveDate: instant(eff),
      cancelledDate: cancelled ? instant(cancelled) : null,
      agreementStatus: cancelled ? 'Cancelled' : 'Active',
      invoiceDescription: str(b.invoiceDescription) ?? item.description,
      taxableFlag: b.taxableFlag === true,
    };
    Object.assign(a, computed(a, agreement));
    s.additions.push(a);
    return { status: 201, json: a };
  });
  sb.route('PATCH', '/finance/agreements/:id/additions/:aid', (req, s) => {
    const agreement = byId(s.agreements, req.params.id);
    const a = additionsOf(s, req.params.id).find((x) => x.id === Number(req.params.aid));
    if (!agreement || !a) return cwError(404, 'NotFound', 'Addition not found');
    const draft: Json = structuredClone(a);
    const bad = applyPatch('agreementAddition', draft, body(req), [
      'quantity',
      'unitPrice',
      'unitCost',
      'effectiveDate',
      'cancelledDate',
      'invoiceDescription',
      'billCustomer',
    ]);
    if (bad) return bad;
    for (const f of ['quantity', 'unitPrice', 'unitCost'])
      if (typeof draft[f] !== 'number' || !Number.isFinite(draft[f]))
        return invalid('agreementAddition', f, `${f} must be a number.`);
    const tl = tooLong('agreementAddition', draft);
    if (tl) return tl;
    const eff = dateOnly(draft.effectiveDate);
    const cancelled = dateOnly(draft.cancelledDate);
    if (!eff) return invalid('agreementAddition', 'effectiveDate', 'effectiveDate is not a date.');
    if (draft.cancelledDate !== null && draft.cancelledDate !== undefined && !cancelled)
      return invalid('agreementAddition', 'cancelledDate', 'cancelledDate is not a date.');
    if (cancelled && cancelled < eff)
      return invalid(
        'agreementAddition',
        'cancelledDate',
        'Cancelled date cannot be before the effective date.',
      );
    draft.effectiveDate = instant(eff);
    draft.cancelledDate = cancelled ? instant(cancelled) : null;
    draft.agreementStatus = cancelled ? 'Cancelled' : 'Active';
    Object.assign(draft, computed(draft, agreement));
    Object.assign(a, draft);
    return { status: 200, json: a };
  });
  sb.route('DELETE', '/finance/agreements/:id/additions/:aid', (req, s) => {
    const a = additionsOf(s, req.params.id).find((x) => x.id === Number(req.params.aid));
    if (!a) return cwError(404, 'NotFound', 'Addition not found');
    if (dateOnly(a.effectiveDate)! < new Date().toISOString().slice(0, 10))
      return cwError(
        400,
        'InvalidObject',
        'This addition has billed and cannot be deleted; cancel it instead',
      );
    s.additions = s.additions.filter((x) => x !== a);
    return { status: 204 };
  });

  // Catalog
  sb.route('GET', '/procurement/catalog', (req, s) => list(req, s, 'catalog', s.catalog));
  sb.route('GET', '/procurement/catalog/:id', (req, s) => {
    const c = byId(s.catalog, req.params.id);
    return c ? { status: 200, json: c } : cwError(404, 'NotFound', 'Catalog item not found');
  });
  sb.route('POST', '/procurement/catalog', (req, s) => {
    const b = body(req);
    if (!isObj(b)) return cwError(400, 'InvalidObject', 'The request body is not a catalog item');
    const bad =
      required('catalogItem', b, [
        'identifier',
        'description',
        'subcategory',
        'type',
        'customerDescription',
      ]) ?? tooLong('catalogItem', b);
    if (bad) return bad;
    const ident = String(b.identifier);
    if (s.catalog.some((c) => String(c.identifier).toLowerCase() === ident.toLowerCase()))
      return invalid('catalogItem', 'identifier', 'The identifier is already in use.', 'Duplicate');
    const sub = s.subcategories.find((x) => x.id === refId(b.subcategory));
    if (!sub) return invalid('catalogItem', 'subcategory', 'Subcategory not found.', 'InvalidReference');
    const type = s.productTypes.find((x) => x.id === refId(b.type));
    if (!type) return invalid('catalogItem', 'type', 'Product type not found.', 'InvalidReference');
    const cls = b.productClass ?? 'NonInventory';
    if (!['Agreement', 'Bundle', 'Inventory', 'NonInventory', 'Service'].includes(String(cls)))
      return invalid('catalogItem', 'productClass', 'productClass is not valid.');
    const item: Rec = {
      id: next(s),
      identifier: ident,
      description: String(b.description),
      customerDescription: String(b.customerDescription),
      inactiveFlag: false,
      subcategory: ref(sub.id, String(sub.name)),
      category: sub.category,
      type: ref(type.id, String(type.name)),
      productClass: cls,
      price: typeof b.price === 'number' ? b.price : 0,
      cost: typeof b.cost === 'number' ? b.cost : 0,
      integrationXRef: str(b.integrationXRef),
    };
    s.catalog.push(item);
    return { status: 201, json: item };
  });

  return sb;
}
