/**
 * Stateful Twilio sandbox (REST API 2010-04-01), the subset BillGrid uses:
 *   GET /2010-04-01/Accounts.json                           the caller and its subaccounts
 *   GET /2010-04-01/Accounts/{Sid}.json                     one account
 *   GET /2010-04-01/Accounts/{Sid}/Usage/Records.json       usage per category for StartDate..EndDate
 * HTTP Basic auth (Account SID + Auth Token), PageSize/Page/PageToken paging with next_page_uri,
 * Twilio error bodies { code, message, more_info, status }, 429 (code 20429) with Retry-After when the
 * requests-per-second budget in `limits` is exceeded. Responses follow twilio_api_v2010.json.
 */
import { Sandbox, type SandboxRequest, type SandboxResponse } from '../framework/sandbox';
import { CATALOGUE, ancestorsOf } from './catalogue';
import { demoFixture, type TwilioFixture, type TwilioFixtureAccount } from './fixture';

export type TwilioState = TwilioFixture;

const API = '/2010-04-01';
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

export function twilioErrorResponse(
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
): SandboxResponse {
  return {
    status,
    headers,
    json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}

const notFound = (req: SandboxRequest) =>
  twilioErrorResponse(404, 20404, `The requested resource ${req.path} was not found`);

/**
 * Who is calling: the account whose SID and token match the Basic credentials, or whose API key
 * (`SK…` SID + secret) does; `standardKey` when it is a Standard key.
 */
function caller(
  req: SandboxRequest,
  s: TwilioState,
): (TwilioFixtureAccount & { standardKey?: boolean }) | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+(.+)$/i.exec(header);
  if (!m) return undefined;
  const [user, ...rest] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
  const password = rest.join(':');
  const accounts = [s.main, ...s.subaccounts];
  const key = (s.apiKeys ?? []).find((k) => k.sid === user && k.secret === password);
  if (key) {
    const owner = accounts.find((a) => a.sid === key.accountSid);
    return owner ? { ...owner, standardKey: key.kind === 'standard' } : undefined;
  }
  return accounts.find((a) => a.sid === user && a.authToken === password);
}

/** The accounts a caller may read: the main account sees its subaccounts, a subaccount only itself. */
function visible(who: TwilioFixtureAccount, s: TwilioState): TwilioFixtureAccount[] {
  return who.sid === s.main.sid ? [s.main, ...s.subaccounts] : [who];
}

const subresources = (sid: string): Record<string, string> => ({
  calls: `${API}/Accounts/${sid}/Calls.json`,
  incoming_phone_numbers: `${API}/Accounts/${sid}/IncomingPhoneNumbers.json`,
  messages: `${API}/Accounts/${sid}/Messages.json`,
  usage: `${API}/Accounts/${sid}/Usage.json`,
  balance: `${API}/Accounts/${sid}/Balance.json`,
});

function accountJson(a: TwilioFixtureAccount, s: TwilioState): Record<string, unknown> {
  return {
    auth_token: a.authToken,
    date_created: a.dateCreated,
    date_updated: a.dateCreated,
    friendly_name: a.friendlyName,
    owner_account_sid: s.main.sid,
    sid: a.sid,
    status: a.status,
    subresource_uris: subresources(a.sid),
    type: 'Full',
    uri: `${API}/Accounts/${a.sid}.json`,
  };
}

type Paging = { ok: true; size: number; offset: number; page: number } | { ok: false; res: SandboxResponse };

function paging(req: SandboxRequest): Paging {
  const rawSize = req.query.get('PageSize');
  const size = rawSize === null ? DEFAULT_PAGE_SIZE : Number(rawSize);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    return {
      ok: false,
      res: twilioErrorResponse(400, 20001, `PageSize must be an integer between 1 and ${MAX_PAGE_SIZE}`),
    };
  }
  const rawPage = req.query.get('Page') ?? '0';
  const page = Number(rawPage);
  if (!Number.isInteger(page) || page < 0)
    return { ok: false, res: twilioErrorResponse(400, 20001, 'Page must be a non-negative integer') };
  const token = req.query.get('PageToken');
  if (page > 0 && !token)
    return { ok: false, res: twilioErrorResponse(400, 20001, 'PageToken is required for Page > 0') };
  const offset = token ? Number(/^PA(\d+)$/.exec(token)?.[1] ?? NaN) : 0;
  if (!Number.isInteger(offset))
    return { ok: false, res: twilioErrorResponse(400, 20001, 'PageToken is not valid') };
  return { ok: true, size, offset, page };
}

/** Twilio's list envelope around one page of `items`, with URIs that keep the caller's filters. */
function listPage(
  req: SandboxRequest,
  key: string,
  items: unknown[],
  p: { size: number; offset: number; page: number },
  keep: string[],
): SandboxResponse {
  const slice = items.slice(p.offset, p.offset + p.size);
  const base = new URLSearchParams();
  for (const k of keep) {
    const v = req.query.get(k);
    if (v !== null) base.set(k, v);
  }
  base.set('PageSize', String(p.size));
  const uri = (page: number, offset: number | null) => {
    const q = new URLSearchParams(base);
    q.set('Page', String(page));
    if (offset !== null && page > 0) q.set('PageToken', `PA${offset}`);
    return `${req.path}?${q.toString()}`;
  };
  const hasNext = p.offset + p.size < items.length;
  return {
    status: 200,
    json: {
      [key]: slice,
      end: p.offset + Math.max(slice.length - 1, 0),
      first_page_uri: uri(0, null),
      next_page_uri: hasNext ? uri(p.page + 1, p.offset + p.size) : null,
      page: p.page,
      page_size: p.size,
      previous_page_uri: p.page > 0 ? uri(p.page - 1, Math.max(p.offset - p.size, 0)) : null,
      start: p.offset,
      uri: uri(p.page, p.offset),
    },
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const round5 = (n: number): number => Math.round(n * 100000) / 100000;

/** Usage records of one account for a date range: every catalogue category, roll-ups summed. */
function usageRecords(
  s: TwilioState,
  sid: string,
  start: string,
  end: string,
  includeSubs: boolean,
  category: string | null,
) {
  const accounts =
    includeSubs && sid === s.main.sid ? [s.main.sid, ...s.subaccounts.map((a) => a.sid)] : [sid];
  const inRange = (month: string) => `${month}-01` <= end && `${month}-31` >= start;
  const sums = new Map<string, { count: number; usage: number; price: number }>();
  const add = (cat: string, count: number, usage: number, price: number) => {
    const cur = sums.get(cat) ?? { count: 0, usage: 0, price: 0 };
    sums.set(cat, { count: cur.count + count, usage: cur.usage + usage, price: cur.price + price });
  };
  for (const u of s.usage) {
    if (!accounts.includes(u.accountSid) || !inRange(u.month)) continue;
    add(u.category, u.count, u.usage, u.price);
    for (const a of ancestorsOf(u.category))
      add(a, a === 'totalprice' ? 0 : u.count, a === 'totalprice' ? u.price : u.usage, u.price);
  }
  const unit = s.priceUnit?.[sid] ?? 'usd';
  const q = (c: string) => `?Category=${c}`;
  const records: unknown[] = CATALOGUE.filter((c) => !category || c.category === category).map((c) => {
    const v = sums.get(c.category) ?? { count: 0, usage: 0, price: 0 };
    return {
      account_sid: sid,
      api_version: '2010-04-01',
      as_of: `${end}T23:59:59+00:00`,
      category: c.category,
      count: c.category === 'totalprice' ? null : String(v.count),
      count_unit: c.countUnit,
      description: c.description,
      end_date: end,
      // The spec types price as a number; the live API sends a decimal string ("2192.84855").
      price: s.variants?.priceFormat === 'number' ? round5(v.price) : String(round5(v.price)),
      price_unit: unit,
      start_date: start,
      subresource_uris: {
        all_time: `${API}/Accounts/${sid}/Usage/Records/AllTime.json${q(c.category)}`,
        daily: `${API}/Accounts/${sid}/Usage/Records/Daily.json${q(c.category)}`,
        monthly: `${API}/Accounts/${sid}/Usage/Records/Monthly.json${q(c.category)}`,
      },
      uri: `${API}/Accounts/${sid}/Usage/Records.json?Category=${c.category}&StartDate=${start}&EndDate=${end}`,
      usage: String(round5(v.usage)),
      usage_unit: c.usageUnit,
    };
  });
  for (const raw of s.rawUsage ?? []) {
    if (raw.accountSid === sid && inRange(raw.month)) records.push(raw.record);
  }
  return records;
}

export function createSandbox(fixture?: unknown): Sandbox<TwilioState> {
  const seed = (fixture as TwilioFixture | undefined) ?? demoFixture();
  const sandbox = new Sandbox<TwilioState>('twilio', () => JSON.parse(JSON.stringify(seed)) as TwilioState);
  let window: number[] = [];

  sandbox.before = (req, s) => {
    const limit = s.limits?.requestsPerSecond;
    if (limit) {
      const now = Date.now();
      window = window.filter((t) => now - t < 1000);
      if (window.length >= limit) {
        return twilioErrorResponse(429, 20429, 'Too Many Requests', { 'Retry-After': '1' });
      }
      window.push(now);
    }
    const who = caller(req, s);
    if (!who) {
      return twilioErrorResponse(401, 20003, 'Authentication Error - invalid username', {
        'WWW-Authenticate': 'Basic realm="Twilio API"',
      });
    }
    // A Standard API key cannot use the Accounts endpoints (the list, or one account's record).
    if (who.standardKey && /^\/2010-04-01\/Accounts(\.json|\/[^/]+\.json)$/.test(req.path)) {
      return twilioErrorResponse(
        401,
        20003,
        'Authentication Error - Standard API keys cannot access Accounts',
      );
    }
    return undefined;
  };
  sandbox.notFound = notFound;

  sandbox.route('GET', `${API}/Accounts.json`, (req, s) => {
    const who = caller(req, s)!;
    const p = paging(req);
    if (!p.ok) return p.res;
    const status = req.query.get('Status');
    const name = req.query.get('FriendlyName');
    if (status && !['active', 'suspended', 'closed'].includes(status)) {
      return twilioErrorResponse(400, 20001, `Status must be one of active, suspended, closed`);
    }
    const accounts: unknown[] = visible(who, s)
      .filter((a) => (!status || a.status === status) && (!name || a.friendlyName === name))
      .map((a) => accountJson(a, s));
    if (who.sid === s.main.sid && !status && !name) accounts.push(...(s.rawAccounts ?? []));
    return listPage(req, 'accounts', accounts, p, ['FriendlyName', 'Status']);
  });

  // The framework's parameters are whole path segments: 'AC….json' is split here.
  sandbox.route('GET', `${API}/Accounts/:file`, (req, s) => {
    const sid = /^(AC[0-9a-fA-F]{32})\.json$/.exec(req.params.file)?.[1];
    const a = visible(caller(req, s)!, s).find((x) => x.sid === sid);
    return a ? { status: 200, json: accountJson(a, s) } : notFound(req);
  });

  sandbox.route('GET', `${API}/Accounts/:sid/Usage/Records.json`, (req, s) => {
    const a = visible(caller(req, s)!, s).find((x) => x.sid === req.params.sid);
    if (!a) return notFound(req);
    if (a.status !== 'active' && s.variants?.closedUsage === 'refused') {
      return twilioErrorResponse(
        403,
        20403,
        'The account lacks permission to access the Twilio API. Typically this means the account has been suspended or closed.',
      );
    }
    const p = paging(req);
    if (!p.ok) return p.res;
    const start = req.query.get('StartDate') ?? '2010-01-01';
    const end = req.query.get('EndDate') ?? '2099-12-31';
    if (!DATE.test(start) || !DATE.test(end)) {
      return twilioErrorResponse(400, 20001, 'StartDate and EndDate must be dates in YYYY-MM-DD form');
    }
    if (end < start) return twilioErrorResponse(400, 20001, 'EndDate must not be before StartDate');
    const include = req.query.get('IncludeSubaccounts');
    if (include !== null && include !== 'true' && include !== 'false') {
      return twilioErrorResponse(400, 20001, 'IncludeSubaccounts must be true or false');
    }
    const records = usageRecords(s, a.sid, start, end, include !== 'false', req.query.get('Category'));
    return listPage(req, 'usage_records', records, p, [
      'Category',
      'StartDate',
      'EndDate',
      'IncludeSubaccounts',
    ]);
  });

  return sandbox;
}
