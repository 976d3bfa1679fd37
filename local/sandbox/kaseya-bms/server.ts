/**
 * Stateful Kaseya BMS REST v2 sandbox: the parts BillGrid uses, with BMS's manners (SOURCES.md of the
 * connector says where each comes from).
 *  - POST /v2/security/authenticate (multipart or url-encoded form: UserName, Password, Tenant, GrantType)
 *    and POST /v2/security/refreshtoken (form: AccessToken, RefreshToken); bearer tokens that expire;
 *  - every answer wrapped { Success, Error, Result } (+ TotalRecords when paged, PageSize/PageNumber from 1,
 *    PageSize capped); refusals are Success: false with HTTP 200 (the swagger declares only 200 answers);
 *    an unknown route is a bare 404 and a missing or expired token a bare 401, as an ASP.NET host answers;
 *  - CRM accounts (summary, lookup, create), contracts (summary, lookup, recurring-services create, add
 *    services), the service catalogue (lookup, search, by id), KaseyaOne modules, status and organisation
 *    mappings (list, search, save);
 *  - 1,500 calls per endpoint per hour (Kaseya's help), refused per `variants.rateLimit`;
 *  - the open questions as variants (fixture.ts): reading a contract's lines, changing a line's units, casing.
 * Contract lines' `Units` are whole numbers on input (int32 in the swagger).
 */
import { Sandbox, type SandboxRequest, type SandboxResponse } from '../framework';
import {
  demoFixture,
  type BmsContract,
  type BmsFixture,
  type BmsServiceLine,
  type BmsSourceOrganization,
} from './fixture';

export interface BmsState extends BmsFixture {
  /** access token → { user, expires (ms) }. */
  tokens: Record<string, { user: string; expires: number; refresh: string }>;
  /** refresh token → { user, expires }. */
  refreshTokens: Record<string, { user: string; expires: number }>;
  /** `<METHOD> <route>|<hour>` → calls. */
  hits: Record<string, number>;
  tokenSeq: number;
  nextId: { contract: number; line: number; account: number };
  /** Added to Date.now(): lets tests age tokens and roll the hour. */
  clockOffsetMs: number;
}

type Json = Record<string, unknown>;

function seed(fixture: BmsFixture): BmsState {
  const f = structuredClone(fixture);
  return {
    ...f,
    tokens: {},
    refreshTokens: {},
    hits: {},
    tokenSeq: 0,
    clockOffsetMs: 0,
    nextId: {
      contract: Math.max(8000, ...f.contracts.map((c) => c.Id)) + 1,
      line: Math.max(90_000, ...f.lines.map((l) => l.Id)) + 1,
      account: Math.max(7000, ...f.accounts.map((a) => a.Id)) + 1,
    },
  };
}

const now = (s: BmsState): number => Date.now() + s.clockOffsetMs;

/** camelCase every property name (ASP.NET Core's default), for the 'camel' variant. */
function camel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camel);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Json).map(([k, x]) => [k.charAt(0).toLowerCase() + k.slice(1), camel(x)]),
    );
  }
  return v;
}

function envelope(s: BmsState, body: Json, status = 200): SandboxResponse {
  return { status, json: s.variants.casing === 'camel' ? camel(body) : body };
}

const ok = (s: BmsState, result: unknown, extra: Json = {}): SandboxResponse =>
  envelope(s, { Success: true, Error: null, Result: result, ...extra });

const refuse = (s: BmsState, code: number, message: string, status = 200): SandboxResponse =>
  envelope(
    s,
    {
      Success: false,
      Error: { Code: code, Message: message, Details: null, StackStrace: null, SubErrors: [] },
      Result: null,
    },
    status,
  );

/** Query/form names are case-insensitive in ASP.NET binding. */
function param(q: URLSearchParams, name: string): string | null {
  for (const [k, v] of q) if (k.toLowerCase() === name.toLowerCase()) return v;
  return null;
}

/** Form fields of a multipart/form-data or url-encoded body. */
export function formFields(req: SandboxRequest): URLSearchParams {
  const type = String(req.headers['content-type'] ?? '');
  const m = /boundary=("?)([^";]+)\1/i.exec(type);
  if (/multipart\/form-data/i.test(type) && m) {
    const out = new URLSearchParams();
    for (const part of req.body.split(`--${m[2]}`)) {
      const name = /name="([^"]+)"/i.exec(part)?.[1];
      const at = part.indexOf('\r\n\r\n');
      if (!name || at < 0) continue;
      out.append(name, part.slice(at + 4).replace(/\r\n$/, ''));
    }
    return out;
  }
  return new URLSearchParams(req.body);
}

function jsonBody(req: SandboxRequest): unknown {
  try {
    return req.body ? (JSON.parse(req.body) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function paged<T>(req: SandboxRequest, s: BmsState, all: T[], q?: URLSearchParams | Json): SandboxResponse {
  const get = (k: string): unknown =>
    q instanceof URLSearchParams || q === undefined ? param(q ?? req.query, k) : q[k];
  const size = Math.min(Math.max(Number(get('PageSize') ?? 0) || 10, 1), s.maxPageSize);
  const no = Math.max(Number(get('PageNumber') ?? 1) || 1, 1);
  return ok(s, all.slice((no - 1) * size, no * size), { TotalRecords: all.length });
}

const day = (v: unknown): string => String(v ?? '').slice(0, 10);
const isDate = (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** What a summary row of a contract shows: its price is the sum of its lines (Units × UnitPrice). */
function contractSummary(s: BmsState, c: BmsContract): Json {
  const account = s.accounts.find((a) => a.Id === c.AccountId);
  const price = s.lines
    .filter((l) => l.ContractId === c.Id)
    .reduce((sum, l) => sum + Math.round(l.Units * l.UnitPrice * 100), 0);
  return {
    Id: c.Id,
    ContractName: c.ContractName,
    AccountName: account?.AccountName ?? null,
    ContractType: c.TypeName,
    ContractBillingPrice: price / 100,
    Status: c.StatusName,
    ContractNumber: c.ContractNumber,
    BillingCycle: c.BillingCycleName,
    StartDate: c.StartDate,
    EndDate: c.EndDate,
  };
}

function lineOut(s: BmsState, l: BmsServiceLine): Json {
  const c = s.contracts.find((x) => x.Id === l.ContractId);
  return {
    ...l,
    ContractName: c?.ContractName ?? null,
    TotalCost: Math.round(l.Units * l.UnitCost * 100) / 100,
    TotalPrice: Math.round(l.Units * l.UnitPrice * 100) / 100,
    Margin: Math.round((l.UnitPrice - l.UnitCost) * 100) / 100,
    OriginalUnitPrice: l.UnitPrice,
    OriginalUnitCost: l.UnitCost,
  };
}

function contractOut(s: BmsState, c: BmsContract): Json {
  const account = s.accounts.find((a) => a.Id === c.AccountId);
  return {
    ...c,
    AccountName: account?.AccountName ?? null,
    ContractBillingPrice: contractSummary(s, c).ContractBillingPrice,
    Services: s.lines.filter((l) => l.ContractId === c.Id).map((l) => lineOut(s, l)),
  };
}

/** A service line from a RecurringServicePostInputDto (or the contract POST's Services[]). */
function newLine(s: BmsState, contract: BmsContract, raw: unknown): BmsServiceLine | string {
  const r = (raw ?? {}) as Json;
  const service = s.services.find((x) => x.Id === r.ServiceId);
  if (!service) return `Service ${String(r.ServiceId)} does not exist`;
  if (!service.IsActive) return `Service '${service.Name}' is inactive`;
  if (typeof r.Units !== 'number' || !Number.isInteger(r.Units) || r.Units < 0)
    return 'Units must be a whole number of 0 or more';
  if (r.UnitPrice !== undefined && typeof r.UnitPrice !== 'number') return 'UnitPrice must be a number';
  if (r.UnitCost !== undefined && typeof r.UnitCost !== 'number') return 'UnitCost must be a number';
  if (r.EffectiveDate !== undefined && !isDate(r.EffectiveDate)) return 'EffectiveDate is not a date';
  const eff = r.EffectiveDate === undefined ? contract.StartDate : String(r.EffectiveDate);
  if (day(eff) < day(contract.StartDate) || (contract.EndDate && day(eff) > day(contract.EndDate)))
    return `EffectiveDate ${day(eff)} is outside the contract's dates`;
  const at = new Date(now(s)).toISOString().slice(0, 19);
  return {
    Id: s.nextId.line++,
    ContractId: contract.Id,
    ServiceId: service.Id,
    ServiceName: typeof r.ServiceName === 'string' && r.ServiceName ? r.ServiceName : service.Name,
    Description:
      typeof r.ServiceDescription === 'string' && r.ServiceDescription
        ? r.ServiceDescription
        : service.Description,
    Units: r.Units,
    UnitCost: typeof r.UnitCost === 'number' ? r.UnitCost : service.UnitCost,
    UnitPrice: typeof r.UnitPrice === 'number' ? r.UnitPrice : service.UnitPrice,
    EffectiveDate: `${day(eff)}T00:00:00`,
    SortOrder: typeof r.SortOrder === 'number' ? r.SortOrder : 0,
    CreatedOn: at,
    ModifiedOn: at,
  };
}

const READ_ONLY = new Set(['viewer@northwind.example']);

export function createSandbox(fixture?: unknown): Sandbox<BmsState> {
  const sb = new Sandbox<BmsState>('kaseya-bms', () =>
    seed((fixture as BmsFixture | undefined) ?? demoFixture()),
  );
  /** The signed-in user of the request being handled (set by `before`). */
  let user = '';

  const issue = (s: BmsState, who: string): Json => {
    s.tokenSeq += 1;
    const access = `bms-at-${s.tokenSeq}-${Math.random().toString(36).slice(2, 10)}`;
    const refresh = `bms-rt-${s.tokenSeq}-${Math.random().toString(36).slice(2, 10)}`;
    const t = now(s);
    s.tokens[access] = { user: who, expires: t + s.accessTokenSeconds * 1000, refresh };
    s.refreshTokens[refresh] = { user: who, expires: t + 24 * 3600 * 1000 };
    return {
      AccessToken: access,
      RefreshToken: refresh,
      AccessTokenExpireOn: new Date(t + s.accessTokenSeconds * 1000).toISOString(),
      RefreshTokenExpireOn: new Date(t + 24 * 3600 * 1000).toISOString(),
    };
  };

  sb.before = (req, s) => {
    const key = routeKey(req.method, req.path);
    if (!key) return undefined; // unknown route: the router's 404
    const hour = Math.floor(now(s) / 3_600_000);
    const k = `${key}|${hour}`;
    s.hits[k] = (s.hits[k] ?? 0) + 1;
    if (s.hits[k] > s.hourlyLimit) {
      const msg = `API calls quota exceeded: at most ${s.hourlyLimit} calls per hour on this endpoint`;
      return s.variants.rateLimit === '429' ? refuse(s, 429, msg, 429) : refuse(s, 429, msg);
    }
    if (req.path.toLowerCase().startsWith('/v2/security/')) return undefined;
    const auth = String(req.headers.authorization ?? '');
    const token = /^Bearer (.+)$/i.exec(auth)?.[1] ?? '';
    const t = s.tokens[token];
    if (!t || t.expires <= now(s)) return { status: 401, text: '' };
    user = t.user;
    if (req.method !== 'GET' && !req.path.toLowerCase().endsWith('/search') && READ_ONLY.has(user)) {
      return refuse(s, 403, 'You do not have permission to perform this action');
    }
    return undefined;
  };
  sb.notFound = () => ({ status: 404, text: '' });

  sb.route('POST', '/v2/security/authenticate', (req, s) => {
    const f = formFields(req);
    const u = s.users.find(
      (x) =>
        x.UserName.toLowerCase() === (param(f, 'UserName') ?? '').toLowerCase() &&
        x.Password === param(f, 'Password') &&
        x.Tenant.toLowerCase() === (param(f, 'Tenant') ?? '').toLowerCase(),
    );
    if ((param(f, 'GrantType') ?? '').toLowerCase() !== 'password')
      return refuse(s, 400, 'GrantType is required', 400);
    if (!u) return refuse(s, 401, 'Invalid username, password or company name', 401);
    return ok(s, issue(s, u.UserName));
  });

  sb.route('POST', '/v2/security/refreshtoken', (req, s) => {
    const f = formFields(req);
    const r = s.refreshTokens[param(f, 'RefreshToken') ?? ''];
    if (!param(f, 'AccessToken')) return refuse(s, 400, 'AccessToken is required', 400);
    if (!r || r.expires <= now(s)) return refuse(s, 401, 'Invalid refresh token', 401);
    delete s.refreshTokens[param(f, 'RefreshToken') ?? ''];
    return ok(s, issue(s, r.user));
  });

  sb.route('GET', '/v2/security/userinfo', (_req, s) => ok(s, { UserName: user }));

  // ---------------------------------------------------------------- CRM accounts
  sb.route('GET', '/v2/crm/accounts/summary', (req, s) => {
    const name = param(req.query, 'Filter.AccountName')?.toLowerCase();
    const codeF = param(req.query, 'Filter.AccountCode')?.toLowerCase();
    const active = param(req.query, 'Filter.IsActive');
    const all = s.accounts
      .filter((a) => !name || a.AccountName.toLowerCase().includes(name))
      .filter((a) => !codeF || a.AccountCode.toLowerCase().includes(codeF))
      .filter((a) => active === null || String(a.IsActive) === active.toLowerCase())
      .sort((a, b) => a.Id - b.Id);
    return paged(req, s, all);
  });
  sb.route('GET', '/v2/crm/accounts/lookup', (req, s) => {
    const inactive = param(req.query, 'Filter.WithInactiveAccounts') === 'true';
    const all = s.accounts
      .filter((a) => inactive || a.IsActive)
      .map((a) => ({ Id: a.Id, Name: a.AccountName, TenantName: null, IsActive: a.IsActive }));
    return paged(req, s, all);
  });
  sb.route('GET', '/v2/crm/accounts/summary/:id', (req, s) => {
    const a = s.accounts.find((x) => x.Id === Number(req.params.id));
    return a ? ok(s, a) : refuse(s, 404, 'Account not found');
  });
  sb.route('POST', '/v2/crm/accounts', (req, s) => {
    const b = (jsonBody(req) ?? {}) as Json;
    for (const f of ['AccountManagerId', 'AccountName', 'AccountTypeId', 'BusinessTypeId', 'Locations'])
      if (b[f] === undefined || b[f] === null || b[f] === '') return refuse(s, 400, `${f} is required`);
    const locations = Array.isArray(b.Locations) ? (b.Locations as Json[]) : [];
    if (
      !locations.length ||
      locations.some((l) => typeof l.LocationName !== 'string' || !Array.isArray(l.Addresses))
    )
      return refuse(s, 400, 'Locations need a LocationName and Addresses');
    const name = String(b.AccountName).trim();
    if (s.accounts.some((a) => a.AccountName.toLowerCase() === name.toLowerCase()))
      return refuse(s, 400, `Account name '${name}' already exists`);
    const a = {
      Id: s.nextId.account++,
      AccountCode: typeof b.AccountCode === 'string' ? b.AccountCode : name.slice(0, 6).toUpperCase(),
      AccountName: name,
      AccountTypeId: Number(b.AccountTypeId),
      AccountType: 'Customer',
      ParentId: null,
      IsActive: b.IsActive !== false,
      IsBilling: true,
      CurrencyId: 1,
      CurrencyName: 'USD',
    };
    s.accounts.push(a);
    return ok(s, a);
  });

  // ---------------------------------------------------------------- contracts
  sb.route('GET', '/v2/finance/contracts/summary', (req, s) => {
    const type = param(req.query, 'Filter.ContractType')?.toLowerCase();
    const account = param(req.query, 'Filter.AccountName')?.toLowerCase();
    const name = param(req.query, 'Filter.ContractName')?.toLowerCase();
    const all = s.contracts
      .map((c) => contractSummary(s, c))
      .filter((c) => !type || String(c.ContractType).toLowerCase() === type)
      .filter((c) => !account || String(c.AccountName).toLowerCase().includes(account))
      .filter((c) => !name || String(c.ContractName).toLowerCase().includes(name));
    return paged(req, s, all);
  });
  sb.route('GET', '/v2/finance/contracts/lookup', (req, s) => {
    const account = param(req.query, 'AccountId');
    const ids = (param(req.query, 'Ids') ?? '').split(',').filter(Boolean).map(Number);
    const name = param(req.query, 'Name')?.toLowerCase();
    const all = s.contracts
      .filter((c) => account === null || c.AccountId === Number(account))
      .filter((c) => !ids.length || ids.includes(c.Id))
      .filter((c) => !name || c.ContractName.toLowerCase().includes(name))
      .map((c) => ({
        Id: c.Id,
        Name: c.ContractName,
        IsDefault: c.IsDefaultContract,
        SLAId: null,
        SLAName: null,
        IsActive: c.StatusId === 1,
        EndDate: c.EndDate,
      }));
    return ok(s, all);
  });
  // Variant: the contract with its lines (path seen in a public client, not in Kaseya's swagger).
  sb.route('GET', '/v2/finance/contracts/:contractId', (req, s) => {
    if (s.variants.lineRead !== 'contract-detail') return { status: 404, text: '' };
    const c = s.contracts.find((x) => x.Id === Number(req.params.contractId));
    return c ? ok(s, contractOut(s, c)) : refuse(s, 404, 'Contract not found');
  });
  sb.route('POST', '/v2/finance/contracts/recurringservices', (req, s) => {
    const b = (jsonBody(req) ?? {}) as Json;
    const account = s.accounts.find((a) => a.Id === b.AccountId);
    if (!account) return refuse(s, 400, 'AccountId is not a valid account');
    if (typeof b.ContractName !== 'string' || !b.ContractName.trim())
      return refuse(s, 400, 'ContractName is required');
    if (typeof b.BillingCycleId !== 'number') return refuse(s, 400, 'BillingCycleId is required');
    if (!isDate(b.StartDate)) return refuse(s, 400, 'StartDate is required');
    if (b.EndDate !== undefined && b.EndDate !== null && !isDate(b.EndDate))
      return refuse(s, 400, 'EndDate is not a date');
    const c: BmsContract = {
      Id: s.nextId.contract++,
      ContractName: b.ContractName.trim(),
      AccountId: account.Id,
      TypeId: 3,
      TypeName: 'Recurring Services',
      ReferenceNumber: typeof b.ReferenceNumber === 'string' ? b.ReferenceNumber : null,
      StatusId: 1,
      StatusName: 'Active',
      ContractNumber: `CN-${s.nextId.contract + 1000}`,
      BillingCycleId: b.BillingCycleId,
      BillingCycleName: b.BillingCycleId === 3 ? 'Monthly' : `Cycle ${b.BillingCycleId}`,
      StartDate: `${day(b.StartDate)}T00:00:00`,
      EndDate: b.EndDate ? `${day(b.EndDate)}T00:00:00` : null,
      IsDefaultContract: b.IsDefaultContract === true,
    };
    const lines: BmsServiceLine[] = [];
    for (const raw of Array.isArray(b.Services) ? (b.Services as unknown[]) : []) {
      const l = newLine(s, c, raw);
      if (typeof l === 'string') return refuse(s, 400, l);
      lines.push(l);
    }
    s.contracts.push(c);
    s.lines.push(...lines);
    return ok(s, contractOut(s, c));
  });
  sb.route('POST', '/v2/finance/contracts/recurringservices/:contractId/services', (req, s) => {
    const c = s.contracts.find((x) => x.Id === Number(req.params.contractId));
    if (!c) return refuse(s, 404, 'Contract not found');
    if (c.TypeId !== 3) return refuse(s, 400, 'The contract is not a recurring services contract');
    const b = jsonBody(req);
    if (!Array.isArray(b) || !b.length) return refuse(s, 400, 'Services are required');
    const lines: BmsServiceLine[] = [];
    for (const raw of b) {
      const l = newLine(s, c, raw);
      if (typeof l === 'string') return refuse(s, 400, l);
      lines.push(l);
    }
    s.lines.push(...lines);
    // The swagger's answer is one RecurringServicePostOutputDto (the first line added).
    return ok(s, lineOut(s, lines[0]));
  });
  // Variant: change one line's units/prices.
  sb.route('PUT', '/v2/finance/contracts/recurringservices/:contractId/services/:lineId', (req, s) => {
    if (s.variants.lineUpdate !== 'put-line') return { status: 404, text: '' };
    const l = s.lines.find(
      (x) => x.Id === Number(req.params.lineId) && x.ContractId === Number(req.params.contractId),
    );
    if (!l) return refuse(s, 404, 'Contract service not found');
    const b = (jsonBody(req) ?? {}) as Json;
    if (typeof b.Units !== 'number' || !Number.isInteger(b.Units) || b.Units < 0)
      return refuse(s, 400, 'Units must be a whole number of 0 or more');
    for (const f of ['UnitPrice', 'UnitCost'] as const)
      if (b[f] !== undefined && typeof b[f] !== 'number') return refuse(s, 400, `${f} must be a number`);
    l.Units = b.Units;
    if (typeof b.UnitPrice === 'number') l.UnitPrice = b.UnitPrice;
    if (typeof b.UnitCost === 'number') l.UnitCost = b.UnitCost;
    l.ModifiedOn = new Date(now(s)).toISOString().slice(0, 19);
    return ok(s, lineOut(s, l));
  });

  // ---------------------------------------------------------------- service catalogue
  sb.route('GET', '/v2/admin/finance/services/lookup', (req, s) =>
    paged(
      req,
      s,
      s.services.map((x) => ({ Id: x.Id, Name: x.Name, Description: x.Description })),
    ),
  );
  sb.route('POST', '/v2/admin/finance/services/search', (req, s) => {
    const b = (jsonBody(req) ?? {}) as Json;
    const f = (b.Filter ?? {}) as Json;
    const all = s.services
      .filter((x) => f.IsActive === undefined || (f.IsActive === 1) === x.IsActive)
      .filter((x) => typeof f.Name !== 'string' || x.Name.toLowerCase().includes(f.Name.toLowerCase()))
      .map((x) => ({ ...x, IsTaxable: false, Category: null, UnitOfMeasure: 'Each' }));
    return paged(req, s, all, b);
  });
  sb.route('POST', '/v2/admin/finance/services/services', (req, s) => {
    const b = (jsonBody(req) ?? {}) as Json;
    if (typeof b.Name !== 'string' || !b.Name.trim()) return refuse(s, 400, 'Name is required');
    if (s.services.some((x) => x.Name.toLowerCase() === String(b.Name).trim().toLowerCase()))
      return refuse(s, 400, `A service named '${String(b.Name).trim()}' already exists`);
    for (const f of ['UnitPrice', 'UnitCost'] as const)
      if (typeof b[f] !== 'number') return refuse(s, 400, `${f} is required`);
    const x = {
      Id: Math.max(0, ...s.services.map((v) => v.Id)) + 1,
      Name: String(b.Name).trim(),
      Description: typeof b.Description === 'string' ? b.Description : '',
      UnitCost: b.UnitCost as number,
      UnitPrice: b.UnitPrice as number,
      IsActive: b.IsActive !== false,
    };
    s.services.push(x);
    return ok(s, { ...x, IsTaxable: false });
  });
  sb.route('GET', '/v2/admin/finance/services/:serviceId', (req, s) => {
    const x = s.services.find((v) => v.Id === Number(req.params.serviceId));
    return x ? ok(s, { ...x, IsTaxable: false }) : refuse(s, 404, 'Service not found');
  });

  // ---------------------------------------------------------------- KaseyaOne
  sb.route('GET', '/v2/admin/k1/status', (_req, s) =>
    ok(s, { IsConnected: s.k1Connected, OrganizationId: s.k1Connected ? 'k1-northwind' : null }),
  );
  sb.route('GET', '/v2/admin/k1/modules', (_req, s) =>
    s.k1Connected
      ? ok(
          s,
          s.modules.map((m) => ({ ...m, ActiveProductImageUrl: null })),
        )
      : ok(s, []),
  );
  sb.route('GET', '/v2/admin/k1/organizationmappings', (req, s) => {
    const product = param(req.query, 'SourceProductId');
    const name = param(req.query, 'SourceOrganizationName')?.toLowerCase();
    const tenant = param(req.query, 'SourceTenantId');
    const orgs = s.moduleOrganizations.filter(
      (o) =>
        (product === null || o.SourceProductId === Number(product)) &&
        (tenant === null || o.SourceTenantId === tenant),
    );
    const all = orgs
      .filter((o) => o.ParentId === null)
      .filter((o) => !name || o.Name.toLowerCase().includes(name))
      .map((o) => ({
        SourceOrganizationId: o.Id,
        SourceOrganizationName: o.Name,
        SourceProductId: String(o.SourceProductId),
        SubOrganizations: orgs
          .filter((c) => c.ParentId === o.Id)
          .map((c) => ({ SourceOrganizationId: c.Id, SourceOrganizationName: c.Name })),
      }));
    return paged(req, s, all);
  });
  sb.route('POST', '/v2/admin/k1/organizationmappings/search', (req, s) => {
    const b = (jsonBody(req) ?? {}) as Json;
    const f = (b.Filter ?? {}) as Json;
    const products = Array.isArray(f.SourceProductIds) ? (f.SourceProductIds as unknown[]).map(Number) : [];
    if (!products.length) return refuse(s, 400, 'Filter.SourceProductIds is required');
    const all = s.accounts
      .filter(
        (a) =>
          typeof f.AccountName !== 'string' ||
          a.AccountName.toLowerCase().includes(f.AccountName.toLowerCase()),
      )
      .filter(
        (a) =>
          typeof f.AccountCode !== 'string' ||
          a.AccountCode.toLowerCase().includes(f.AccountCode.toLowerCase()),
      )
      .filter((a) => f.IsActive === undefined || f.IsActive === null || (f.IsActive === 1) === a.IsActive)
      .map((a) => ({
        AccountId: a.Id,
        AccountName: a.AccountName,
        IsActive: a.IsActive,
        OrganizationMappings: products.map((p) => ({
          SourceProductId: p,
          SourceOrganizations:
            s.orgMappings.find((m) => m.AccountId === a.Id && m.SourceProductId === p)?.SourceOrganizations ??
            [],
        })),
      }));
    return paged(req, s, all, b);
  });
  sb.route('POST', '/v2/admin/k1/organizationmappings', (req, s) => {
    const b = (jsonBody(req) ?? {}) as Json;
    const account = s.accounts.find((a) => a.Id === b.AccountId);
    if (!account) return refuse(s, 400, 'AccountId is not a valid account');
    const product = Number(b.SourceProductId);
    if (!s.modules.some((m) => m.Id === product)) return refuse(s, 400, 'SourceProductId is not a module');
    const wanted = Array.isArray(b.SourceOrganizations) ? (b.SourceOrganizations as Json[]) : [];
    const orgs: BmsSourceOrganization[] = [];
    for (const w of wanted) {
      const o = s.moduleOrganizations.find((x) => x.SourceProductId === product && x.Id === String(w.Id));
      if (!o) return refuse(s, 400, `Organization ${String(w.Id)} is not known to the module`);
      const taken = s.orgMappings.find(
        (m) =>
          m.SourceProductId === product &&
          m.AccountId !== account.Id &&
          m.SourceOrganizations.some((x) => x.Id === o.Id),
      );
      if (taken) return refuse(s, 400, `Organization '${o.Name}' is already mapped to another account`);
      orgs.push({ Id: o.Id, Name: o.Name, ParentId: o.ParentId });
    }
    // Saving replaces the account's mapping for the module (the page saves the whole selection).
    s.orgMappings = s.orgMappings.filter(
      (m) => !(m.AccountId === account.Id && m.SourceProductId === product),
    );
    if (orgs.length)
      s.orgMappings.push({ AccountId: account.Id, SourceProductId: product, SourceOrganizations: orgs });
    return ok(s, { AccountId: account.Id, SourceProductId: product, SourceOrganizations: orgs });
  });

  return sb;
}

/** Endpoint identity for the hourly limit: method and route, ids folded (`/contracts/8001` → `/contracts/{id}`). */
export function routeKey(method: string, path: string): string | null {
  if (!/^\/v2\//i.test(path)) return null;
  return `${method} ${path.toLowerCase().replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}
