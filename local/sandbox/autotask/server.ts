/**
 * Stateful Autotask PSA REST API (v1.0) sandbox: zone discovery, header authentication, the query filter
 * language with id-ordered paging (MaxRecords ≤ 500, nextPageUrl/prevPageUrl), the entities BillGrid uses,
 * Autotask's error body `{ "errors": [...] }`, the per-integration thread limit (3 per endpoint) and the
 * hourly request budget (10,000 per database), both answered with 429.
 *
 * The zone lives on the same server: GET /atservicesrest/v1.0/zoneInformation?user=... answers with this
 * server's own `/atservicesrest/` URL, so a connector configured with this server as its "global host"
 * follows the same two-step discovery as in production.
 */
import type http from 'node:http';
import { Sandbox, parseJsonBody, type SandboxRequest, type SandboxResponse } from '../framework/sandbox';
import { FilterError, compileFilter, parseFilter, type AtRecord, type Condition } from './filter';
import {
  CONTRACT_PERIOD,
  CONTRACT_PERIODS,
  SERVICE_PERIODS,
  demoFixture,
  type AtCredential,
  type AtState,
} from './fixture';
import * as rules from './rules';

const ROOT = '/atservicesrest/v1.0';
export const MAX_RECORDS = 500;

const FIELDS: Record<string, string[]> = {
  Companies: ['id', 'companyName', 'companyType', 'isActive', 'phone', 'ownerResourceID', 'companyNumber'],
  Services: [
    'id',
    'name',
    'description',
    'invoiceDescription',
    'sku',
    'unitPrice',
    'unitCost',
    'billingCodeID',
    'periodType',
    'isActive',
  ],
  ServiceBundles: ['id', 'name', 'description', 'unitPrice', 'unitCost', 'isActive'],
  Contracts: [
    'id',
    'companyID',
    'contractName',
    'contractType',
    'contractPeriodType',
    'status',
    'startDate',
    'endDate',
    'timeReportingRequiresStartAndStopTimes',
    'description',
    'contractNumber',
  ],
  ContractServices: [
    'id',
    'contractID',
    'serviceID',
    'unitPrice',
    'unitCost',
    'adjustedPrice',
    'invoiceDescription',
    'internalDescription',
  ],
  ContractServiceUnits: [
    'id',
    'contractID',
    'contractServiceID',
    'serviceID',
    'startDate',
    'endDate',
    'units',
    'price',
    'cost',
    'approveAndPostDate',
  ],
  ContractCharges: [
    'id',
    'contractID',
    'name',
    'description',
    'datePurchased',
    'unitQuantity',
    'unitPrice',
    'unitCost',
    'billingCodeID',
    'productID',
    'chargeType',
    'status',
    'isBilled',
    'isBillableToCompany',
    'billableAmount',
    'extendedCost',
    'createDate',
    'purchaseOrderNumber',
    'internalPurchaseOrderNumber',
    'notes',
  ],
  BillingCodes: ['id', 'name', 'description', 'isActive', 'useType'],
};

const errors = (status: number, ...messages: string[]): SandboxResponse => ({
  status,
  json: { errors: messages },
});

/** The entity a path acts on, for permissions and the thread limit (child paths name the child entity). */
export function entityOfPath(path: string): string | null {
  const m = /^\/atservicesrest\/v1\.0\/([^/?]+)(?:\/(\d+)\/([^/?]+))?/i.exec(path);
  if (!m) return null;
  if (m[3]) return canonical(`${m[1].replace(/s$/i, '')}${m[3]}`) ?? `${m[1]}${m[3]}`;
  return canonical(m[1]) ?? m[1];
}

function canonical(name: string): string | null {
  const all = [...Object.keys(FIELDS), 'ContractServiceAdjustments'];
  return all.find((e) => e.toLowerCase() === name.toLowerCase()) ?? null;
}

const header = (req: SandboxRequest, name: string): string => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : (v ?? '');
};

function credentialOf(req: SandboxRequest, s: AtState): AtCredential | undefined {
  return s.credentials.find(
    (c) =>
      c.username.toLowerCase() === header(req, 'UserName').toLowerCase() &&
      c.secret === header(req, 'Secret') &&
      c.integrationCode === header(req, 'ApiIntegrationCode'),
  );
}

interface QuerySpec {
  filter: Condition[];
  maxRecords: number;
  includeFields: string[] | null;
}

function readQuery(raw: unknown, entity: string): QuerySpec {
  if (typeof raw !== 'object' || raw === null) throw new FilterError('The query body must be a JSON object.');
  const o = raw as Record<string, unknown>;
  const key = (k: string): unknown => o[Object.keys(o).find((x) => x.toLowerCase() === k.toLowerCase()) ?? k];
  const max = key('MaxRecords');
  const maxRecords = max === undefined || max === null ? MAX_RECORDS : Number(max);
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > MAX_RECORDS) {
    throw new FilterError(`MaxRecords must be a whole number between 1 and ${MAX_RECORDS}.`);
  }
  const fields = new Set(FIELDS[entity]);
  const inc = key('IncludeFields');
  return {
    filter: parseFilter(key('filter'), fields, entity),
    maxRecords,
    includeFields: Array.isArray(inc) && inc.length > 0 ? inc.map(String) : null,
  };
}

/**
 * Where the next/previous page starts. Real links carry `paging={"pageSize":500,"previousIds":[…],"nextIds":[…]}`
 * (KelvinTegelaar/AutotaskAPI); the sandbox puts the last id seen in `nextIds`, the first in `previousIds`.
 */
interface Paging {
  pageSize: number;
  afterId?: number;
  beforeId?: number;
}

/** The `paging` parameter of a page link, or null when it is not one the sandbox issued. */
function readPaging(raw: unknown): Paging | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as { pageSize?: unknown; previousIds?: unknown; nextIds?: unknown };
  if (!Number.isInteger(o.pageSize)) return null;
  const first = (v: unknown): number | undefined =>
    Array.isArray(v) && Number.isInteger(v[0]) ? Number(v[0]) : undefined;
  const next = first(o.nextIds);
  const prev = first(o.previousIds);
  if (next !== undefined) return { pageSize: Number(o.pageSize), afterId: next };
  if (prev !== undefined) return { pageSize: Number(o.pageSize), beforeId: prev };
  return null;
}

function runQuery(
  req: SandboxRequest,
  s: AtState,
  entity: string,
  q: QuerySpec,
  paging: Paging,
): SandboxResponse {
  const all = (s.entities[entity] ?? [])
    .filter(compileFilter(q.filter))
    .sort((a, b) => Number(a.id) - Number(b.id));
  let page: AtRecord[];
  if (paging.beforeId !== undefined) {
    const before = all.filter((r) => Number(r.id) < (paging.beforeId as number));
    page = before.slice(Math.max(0, before.length - paging.pageSize));
  } else {
    page = all
      .filter((r) => paging.afterId === undefined || Number(r.id) > paging.afterId)
      .slice(0, paging.pageSize);
  }
  const origin = `http://${header(req, 'host')}${ROOT}/${entity}/query/next`;
  // A link from a GET ?search= query carries the search; one from a POST query does not: the caller re-POSTs
  // its body to it (WYRE-AI/autotask-mcp PR #170 live log).
  const search =
    req.method === 'GET'
      ? `&search=${encodeURIComponent(JSON.stringify({ filter: q.filter, IncludeFields: q.includeFields ?? undefined }))}`
      : '';
  const link = (p: Paging): string => {
    const ids = {
      pageSize: p.pageSize,
      previousIds: p.beforeId === undefined ? [] : [p.beforeId],
      nextIds: p.afterId === undefined ? [] : [p.afterId],
    };
    return `${origin}?paging=${encodeURIComponent(JSON.stringify(ids))}${search}`;
  };
  const firstId = page.length ? Number(page[0].id) : undefined;
  const lastId = page.length ? Number(page[page.length - 1].id) : undefined;
  const more = lastId !== undefined && all.some((r) => Number(r.id) > lastId);
  const earlier = firstId !== undefined && all.some((r) => Number(r.id) < firstId);
  const shape = (r: AtRecord): AtRecord =>
    q.includeFields
      ? Object.fromEntries(
          Object.entries(r).filter(
            // Only the listed fields, id too (F10: the docs ask for id in IncludeFields when paging).
            ([k]) => q.includeFields!.some((f) => f.toLowerCase() === k.toLowerCase()),
          ),
        )
      : { ...r };
  return {
    status: 200,
    json: {
      items: page.map(shape),
      pageDetails: {
        count: page.length,
        requestCount: paging.pageSize,
        prevPageUrl: earlier ? link({ pageSize: paging.pageSize, beforeId: firstId }) : null,
        nextPageUrl: more ? link({ pageSize: paging.pageSize, afterId: lastId }) : null,
      },
    },
  };
}

function queryable(entity: string | null): entity is string {
  return entity !== null && entity in FIELDS;
}

function mutate(s: AtState, fn: () => number): SandboxResponse {
  // Validate against a copy so a rejected request leaves no partial change behind.
  const draft = structuredClone(s);
  try {
    const itemId = fn.call(null);
    return { status: 200, json: { itemId } };
  } catch (err) {
    Object.assign(s, draft);
    if (err instanceof rules.RuleError) return errors(500, err.message);
    throw err;
  }
}

function bodyOf(req: SandboxRequest): AtRecord | SandboxResponse {
  const parsed = parseJsonBody(req);
  if (
    !parsed.ok ||
    typeof parsed.value !== 'object' ||
    parsed.value === null ||
    Array.isArray(parsed.value)
  ) {
    return errors(500, 'The request body is not a valid JSON object.');
  }
  return parsed.value as AtRecord;
}

const isResponse = (x: AtRecord | SandboxResponse): x is SandboxResponse =>
  typeof (x as SandboxResponse).status === 'number' && ('json' in x || 'text' in x);

/** Threads in flight per integration code + endpoint, counted from the moment a request arrives. */
class AutotaskSandbox extends Sandbox<AtState> {
  private inflight = new Map<string, number>();

  override async start(port = 0): Promise<string> {
    const url = await super.start(port);
    const server = (this as unknown as { server: http.Server }).server;
    server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const entity = entityOfPath(new URL(req.url ?? '/', 'http://x').pathname);
      if (!entity || /zoneinformation/i.test(req.url ?? '')) return;
      const key = `${String(req.headers.apiintegrationcode ?? '')}|${entity}`;
      const n = (this.inflight.get(key) ?? 0) + 1;
      this.inflight.set(key, n);
      req.headers['x-sandbox-threads'] = String(n);
      let done = false;
      const release = (): void => {
        if (done) return;
        done = true;
        this.inflight.set(key, (this.inflight.get(key) ?? 1) - 1);
      };
      res.on('finish', release);
      res.on('close', release);
    });
    return url;
  }
}

export function createSandbox(fixture?: unknown): Sandbox<AtState> {
  const seed = (): AtState => (fixture ? (structuredClone(fixture) as AtState) : demoFixture());
  const sb = new AutotaskSandbox('autotask', seed);

  sb.before = (req, s) => {
    if (/\/zoneinformation$/i.test(req.path)) return undefined;
    if (!credentialOf(req, s)) {
      // Only a wrong secret for a known user is a 401; an unknown user name, or a wrong integration code
      // with valid credentials, answers 500 (apigrate/autotask-restapi#19; the wording is unverified).
      const user = s.credentials.find(
        (c) => c.username.toLowerCase() === header(req, 'UserName').toLowerCase(),
      );
      if (user && user.secret !== header(req, 'Secret')) {
        return errors(
          401,
          'Unauthorized: the UserName, Secret or ApiIntegrationCode header was not accepted.',
        );
      }
      return errors(500, 'Internal Server Error');
    }
    const threads = Number(header(req, 'x-sandbox-threads') || '1');
    if (threads > s.limits.threadsPerEndpoint) {
      const r = errors(
        429,
        `Thread Threshold Exceeded: the API thread threshold of ${s.limits.threadsPerEndpoint} threads for this integration and endpoint has been exceeded.`,
      );
      r.headers = { 'Retry-After': '1' };
      return r;
    }
    const now = Date.now();
    // Requests are logged in time order: nothing to drop while the oldest is still within the hour
    // (a 100,000-line push logs 55,000 of them, and filtering them all per request was quadratic).
    if (s.usage.length && s.usage[0] <= now - 3_600_000) s.usage = s.usage.filter((t) => t > now - 3_600_000);
    if (s.usage.length >= s.limits.hourlyRequests) {
      const wait = Math.max(1, Math.ceil((s.usage[0] + 3_600_000 - now) / 1000));
      const r = errors(
        429,
        `Request Threshold Exceeded: this database has used its limit of ${s.limits.hourlyRequests} API requests in the last 60 minutes.`,
      );
      r.headers = { 'Retry-After': String(wait) };
      return r;
    }
    s.usage.push(now);
    const entity = entityOfPath(req.path);
    const cred = credentialOf(req, s)!;
    const reading = req.method === 'GET' || /\/query(\/|$)/i.test(req.path);
    if (entity && (cred.noView ?? []).includes(entity)) {
      return errors(403, `The logged in resource does not have the security permissions to view ${entity}.`);
    }
    if (entity && !reading && (cred.noEdit ?? []).includes(entity)) {
      return errors(
        403,
        `The logged in resource does not have the security permissions to create or edit ${entity}.`,
      );
    }
    return undefined;
  };

  sb.notFound = (req) => errors(404, `No resource was found for ${req.method} ${req.path}.`);

  sb.route('GET', `${ROOT}/zoneInformation`, (req, s) => {
    const user = req.query.get('user') ?? '';
    if (!s.credentials.some((c) => c.username.toLowerCase() === user.toLowerCase())) {
      return errors(500, `Zone information could not be determined for user '${user}'.`);
    }
    const host = `http://${header(req, 'host')}`;
    return {
      status: 200,
      json: { zoneName: 'Sandbox Zone', url: `${host}/atservicesrest/`, webUrl: `${host}/`, ci: 4242 },
    };
  });

  const query = (req: SandboxRequest, s: AtState, raw: unknown, paging?: Paging): SandboxResponse => {
    const entity = canonical(req.params.entity);
    // Create-only: no query route, so ASP.NET answers with its own `{ Message }` (F10, unverified wording).
    if (entity === 'ContractServiceAdjustments')
      return {
        status: 405,
        json: { Message: `The requested resource does not support http method '${req.method}'.` },
      };
    if (!queryable(entity)) return errors(404, `No entity named '${req.params.entity}'.`);
    try {
      const q = readQuery(raw, entity);
      return runQuery(req, s, entity, q, paging ?? { pageSize: q.maxRecords });
    } catch (err) {
      if (err instanceof FilterError) return errors(500, err.message);
      throw err;
    }
  };
  const parse = (text: string | null): unknown => {
    try {
      return text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      return undefined;
    }
  };

  // ASP.NET's own answer to a method the route lacks: `{ Message }`, not Autotask's `{ errors }`.
  const notAllowed = (method: string): SandboxResponse => ({
    status: 405,
    json: { Message: `The requested resource does not support http method '${method}'.` },
  });
  sb.route('GET', `${ROOT}/:entity/query/next`, (req, s) => {
    // Only the link of a GET ?search= query can be followed with GET; a POST query's link has no search.
    const search = parse(req.query.get('search'));
    if (search === undefined) return notAllowed('GET');
    const p = readPaging(parse(req.query.get('paging')));
    if (!p) return errors(500, 'The paging parameter is not valid.');
    return query(req, s, { ...(search as Record<string, unknown>), MaxRecords: p.pageSize }, p);
  });
  sb.route('POST', `${ROOT}/:entity/query/next`, (req, s) => {
    const p = readPaging(parse(req.query.get('paging')));
    if (!p) return errors(500, 'The paging parameter is not valid.');
    const raw = parse(req.body);
    if (raw === undefined) return errors(500, 'The query body is not valid JSON.');
    return query(req, s, { ...(raw as Record<string, unknown>), MaxRecords: p.pageSize }, p);
  });
  sb.route('POST', `${ROOT}/:entity/query/count`, (req, s) => {
    const res = query(req, s, { ...((parse(req.body) ?? {}) as object), MaxRecords: MAX_RECORDS });
    if (res.status !== 200) return res;
    const entity = canonical(req.params.entity) as string;
    const q = readQuery(parse(req.body), entity);
    return {
      status: 200,
      json: {
        queryCount: (s.entities[entity] ?? []).filter(compileFilter(q.filter)).length,
      },
    };
  });
  sb.route('POST', `${ROOT}/:entity/query`, (req, s) => {
    const raw = parse(req.body);
    if (raw === undefined) return errors(500, 'The query body is not valid JSON.');
    return query(req, s, raw);
  });
  sb.route('GET', `${ROOT}/:entity/query`, (req, s) => {
    const raw = parse(req.query.get('search'));
    if (raw === undefined) return errors(500, 'The search parameter is not valid JSON.');
    return query(req, s, raw);
  });
  // Field metadata (REST_EntityInformationCall.htm; shape as in Datably-Inc/AutotaskNet EntityFieldsResult.cs):
  // string lengths from FIELD_LIMITS, the contract period picklist with the default the variant gives.
  sb.route('GET', `${ROOT}/:entity/entityInformation/fields`, (req, s) => {
    const entity = canonical(req.params.entity);
    if (!entity || !queryable(entity)) return errors(404, `No entity named '${req.params.entity}'.`);
    const limits = rules.FIELD_LIMITS[entity] ?? {};
    const dflt = s.variants?.contractPeriodDefault ?? 'monthly';
    const fields = FIELDS[entity].map((name) => {
      const period = entity === 'Contracts' && name === 'contractPeriodType';
      const servicePeriod = entity === 'Services' && name === 'periodType';
      return {
        name,
        dataType: name in limits ? 'string' : name === 'id' || /ID$|Type$/.test(name) ? 'integer' : 'string',
        length: limits[name] ?? 0,
        isRequired: period ? dflt === 'required' : false,
        isReadOnly: name === 'id',
        isQueryable: true,
        isReference: /ID$/.test(name),
        referenceEntityType: '',
        isPickList: period || servicePeriod,
        picklistValues: servicePeriod
          ? SERVICE_PERIODS.map((p, i) => ({
              value: String(p.value),
              label: p.label,
              isDefaultValue: i === 0,
              sortOrder: i,
              parentValue: '',
              isActive: true,
              isSystem: true,
            }))
          : period
            ? CONTRACT_PERIODS.map((p, i) => ({
                value: String(p.value),
                label: p.label,
                isDefaultValue: dflt !== 'required' && p.value === CONTRACT_PERIOD[dflt],
                sortOrder: i,
                parentValue: '',
                isActive: true,
                isSystem: true,
              }))
            : null,
        picklistParentValueField: '',
        isSupportedWebhookField: false,
      };
    });
    return { status: 200, json: { fields } };
  });
  sb.route('GET', `${ROOT}/:entity/:id`, (req, s) => {
    const entity = canonical(req.params.entity);
    if (!queryable(entity)) return errors(404, `No entity named '${req.params.entity}'.`);
    const item = (s.entities[entity] ?? []).find((r) => String(r.id) === req.params.id) ?? null;
    return { status: 200, json: { item } };
  });

  const create = (
    path: string,
    fn: (s: AtState, body: AtRecord, id: number) => number,
    method = 'POST',
  ): void => {
    sb.route(method, `${ROOT}${path}`, (req, s) => {
      const body = bodyOf(req);
      if (isResponse(body)) return body;
      return mutate(s, () => fn(s, body, Number(req.params.id)));
    });
  };
  create('/Companies', (s, b) => rules.createCompany(s, b));
  create('/Services', (s, b) => rules.createService(s, b));
  create('/Contracts', (s, b) => rules.createContract(s, b));
  create('/Contracts/:id/Services', (s, b, id) => rules.createContractService(s, id, b));
  create('/Contracts/:id/Services', (s, b, id) => rules.updateContractService(s, id, b), 'PATCH');
  create('/ContractServiceAdjustments', (s, b) => rules.createAdjustment(s, b));
  create('/Contracts/:id/Charges', (s, b, id) => rules.createCharge(s, id, b));
  create('/Contracts/:id/Charges', (s, b, id) => rules.updateCharge(s, id, b), 'PATCH');

  return sb;
}
