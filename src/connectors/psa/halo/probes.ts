/**
 * HaloPSA's tenant-check probes: read-only ones, and one write probe that runs only on a test client the
 * user names (it removes what it made). A fresh API client on the probe's client: the target's own is
 * private, and a probe must not disturb what the target has cached.
 */
import type { ConnectorProbe, ProbeResult } from '../../descriptor';
import type { PsaTarget } from '../../../core/psa';
import type { HttpClient } from '../../../core/http';
import { HaloApi, haloErrorText } from './api';
import { haloConfigFrom, parseHaloConfig, type HaloCredentials } from './config';
import { LINE_KEY_PATTERN } from '../../../core/line-key';
import { LINE_KEY_FIELD, listCarriesDetail } from './invoices';
import { haloAssetGroup, haloInvoice, haloTax, listEnvelope } from './schemas';

function json(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

const apiFor = (credentials: HaloCredentials, http: HttpClient): HaloApi =>
  new HaloApi(parseHaloConfig(haloConfigFrom(credentials)), http, () => Date.now());

/** GET /api/Tax: a list of tax rates (bare, or under `taxes`) whose records carry id and name. */
export function probeTaxList(credentials: HaloCredentials, http: HttpClient): ProbeResult {
  const api = apiFor(credentials, http);
  const res = api.send({ method: 'get', path: '/Tax' });
  if (res.status !== 200)
    return { status: 'unchecked', detail: `/Tax answered ${res.status}: ${haloErrorText(res.body)}` };
  const body = json(res.body);
  const taxes = body && typeof body === 'object' ? (body as Record<string, unknown>).taxes : undefined;
  const list = Array.isArray(body) ? body : Array.isArray(taxes) ? taxes : null;
  if (!list)
    return {
      status: 'differs',
      detail: '/Tax answered neither a list nor { taxes: [...] }: tax codes cannot be offered',
    };
  const shape = Array.isArray(body) ? 'a bare list' : '{ taxes: [...] }';
  if (list.length === 0)
    return { status: 'unchecked', detail: `/Tax answered ${shape} with no tax rate in it` };
  const bad = list.filter((t) => !haloTax.safeParse(t).success).length;
  if (bad > 0)
    return {
      status: 'differs',
      detail: `/Tax answered ${shape}, but ${bad} of ${list.length} rates lack id or name`,
    };
  return { status: 'confirmed', detail: `/Tax answered ${shape} of ${list.length} rates with id and name` };
}

/**
 * GET /api/authinfo (no token): names the authorisation server (`auth_url`) and, on a hosted tenant, the
 * tenant (`tenant_id`), which sign-in uses unless an address or tenant was entered in Connect.
 */
export function probeAuthInfo(credentials: HaloCredentials, http: HttpClient): ProbeResult {
  // Signed in first, as every probe: with credentials Halo refuses, nothing is checked.
  const signedIn = apiFor(credentials, http).send({
    method: 'get',
    path: '/Client',
    query: { pageinate: true, page_size: 1, page_no: 1 },
  });
  if (signedIn.status !== 200)
    return {
      status: 'unchecked',
      detail: `/Client answered ${signedIn.status}: ${haloErrorText(signedIn.body)}`,
    };
  const config = parseHaloConfig(haloConfigFrom(credentials));
  const res = http.request({ method: 'get', url: `${config.baseUrl}/api/authinfo` });
  if (res.status !== 200)
    return {
      status: 'differs',
      detail: `/api/authinfo answered ${res.status}: sign-in falls back to <address>/auth and the tenant entered or the *.halopsa.com name`,
    };
  const body = json(res.body);
  const o = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const auth = typeof o.auth_url === 'string' && /^https?:\/\//.test(o.auth_url) ? o.auth_url : null;
  const tenant = typeof o.tenant_id === 'string' && o.tenant_id ? o.tenant_id : null;
  if (!auth)
    return {
      status: 'differs',
      detail: '/api/authinfo names no auth_url: sign-in falls back to <address>/auth',
    };
  return {
    status: 'confirmed',
    detail: `/api/authinfo names the sign-in server${tenant ? ' and a tenant' : ' (no tenant: not a hosted tenant, or the tenant must be entered)'}`,
  };
}

/** GET /api/AssetGroup (item groups; the spec declares no paging and no key): a list of groups with id and name. */
export function probeAssetGroups(credentials: HaloCredentials, http: HttpClient): ProbeResult {
  const api = apiFor(credentials, http);
  const res = api.send({ method: 'get', path: '/AssetGroup' });
  if (res.status !== 200)
    return { status: 'unchecked', detail: `/AssetGroup answered ${res.status}: ${haloErrorText(res.body)}` };
  const body = json(res.body);
  const o =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  const lists = o ? Object.entries(o).filter(([, v]) => Array.isArray(v)) : [];
  const list = Array.isArray(body)
    ? body
    : o && Array.isArray(o.assetgroups)
      ? o.assetgroups
      : lists.length === 1
        ? (lists[0][1] as unknown[])
        : null;
  if (!list)
    return {
      status: 'differs',
      detail:
        '/AssetGroup answered neither a list nor an object holding one list: BillGrid cannot find its item group',
    };
  const shape = Array.isArray(body)
    ? 'a bare list'
    : `{ ${o && Array.isArray(o.assetgroups) ? 'assetgroups' : lists[0][0]}: [...] }`;
  const bad = list.filter((g) => !haloAssetGroup.safeParse(g).success).length;
  if (bad)
    return {
      status: 'differs',
      detail: `/AssetGroup answered ${shape}, but ${bad} of ${list.length} groups lack id or name`,
    };
  return {
    status: 'confirmed',
    detail: `/AssetGroup answered ${shape} of ${list.length} groups with id and name`,
  };
}

/**
 * Which rate-limit headers a tenant sends on an ordinary answer (one GET): BillGrid paces itself to hosted
 * Halo's 300 requests per rolling 5 minutes whatever they say, and honours Retry-After on a 429 if sent.
 */
export function probeRateLimitHeaders(credentials: HaloCredentials, http: HttpClient): ProbeResult {
  const api = apiFor(credentials, http);
  const res = api.send({
    method: 'get',
    path: '/Client',
    query: { pageinate: true, page_size: 1, page_no: 1 },
  });
  if (res.status !== 200)
    return { status: 'unchecked', detail: `/Client answered ${res.status}: ${haloErrorText(res.body)}` };
  const names = Object.keys(res.headers).filter((h) => /rate.?limit|retry-after/i.test(h));
  return names.length
    ? {
        status: 'differs',
        detail: `the tenant sends rate-limit headers (${names.join(', ')}): BillGrid still paces to 300 requests / 5 minutes; these could tell the real budget`,
      }
    : {
        status: 'confirmed',
        detail:
          'no rate-limit header on answers (as documented sources show): BillGrid paces to 300 requests / 5 minutes',
      };
}

/** Lines carrying this key are the write probe's own (a fixed-form key no billing line gets). */
const PROBE_REFERENCE = 'BillGrid tenant check';

type Line = Record<string, unknown>;
const linesOf = (inv: unknown): Line[] => {
  const lines = inv && typeof inv === 'object' ? (inv as Record<string, unknown>).lines : undefined;
  return Array.isArray(lines) ? (lines.filter((l) => l && typeof l === 'object') as Line[]) : [];
};
const idOf = (v: unknown): number | null => {
  const rec = Array.isArray(v) ? (v[0] as unknown) : v;
  const id = rec && typeof rec === 'object' ? Number((rec as Record<string, unknown>).id) : NaN;
  return Number.isInteger(id) && id > 0 ? id : null;
};
const invoicesOf = (body: unknown): unknown[] => {
  const list = body && typeof body === 'object' ? (body as Record<string, unknown>).invoices : undefined;
  return Array.isArray(body) ? body : Array.isArray(list) ? list : [];
};

/**
 * Write probe: does HaloPSA keep BillGrid's line key (comment_1) on an invoice line, both when the
 * invoice is read alone and in the client's invoice list? Adds a draft invoice with one zero-priced line
 * for the test client, reads it back both ways, then deletes it (and any copy a lost answer left behind,
 * found by its reference) and confirms it is gone.
 */
export function probeLineKeyKept(
  credentials: HaloCredentials,
  http: HttpClient,
  clientId: string,
): ProbeResult {
  const api = new HaloApi(parseHaloConfig(haloConfigFrom(credentials)), http, () => Date.now());
  const client = api.send({ method: 'get', path: `/Client/${encodeURIComponent(clientId)}` });
  if (client.status !== 200)
    return {
      status: 'unchecked',
      detail: `Test client ${clientId} could not be read (${client.status}): name a client id HaloPSA has`,
    };
  const key = `BG-7e57${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
  const reference = `${PROBE_REFERENCE} ${key}`;
  const listed = () =>
    invoicesOf(
      json(
        api.send({
          method: 'get',
          path: '/Invoice',
          query: { client_id: clientId, includelines: 'true', order: 'id', orderdesc: 'true' },
        }).body,
      ),
    ).filter((i) => i && typeof i === 'object' && (i as Record<string, unknown>).reference === reference);
  let id: number | null = null;
  const writeAndRead = (): ProbeResult => {
    const made = api.send({
      method: 'post',
      path: '/Invoice',
      body: [
        {
          client_id: Number(clientId),
          reference,
          lines: [
            {
              item_shortdescription: PROBE_REFERENCE,
              qty_order: 1,
              unit_price: 0,
              unit_cost: 0,
              comment_1: key,
            },
          ],
        },
      ],
    });
    if (made.status < 200 || made.status >= 300)
      return {
        status: 'unchecked',
        detail: `HaloPSA refused the test invoice (${made.status}): ${haloErrorText(made.body)}`,
      };
    id = idOf(json(made.body));
    if (id === null)
      return { status: 'unchecked', detail: 'HaloPSA saved the test invoice but did not say its id' };
    const alone = api.send({ method: 'get', path: `/Invoice/${id}` });
    const keptAlone = linesOf(json(alone.body)).some((l) => l.comment_1 === key);
    const keptInList = listed().some((i) => linesOf(i).some((l) => l.comment_1 === key));
    if (keptAlone && keptInList)
      return {
        status: 'confirmed',
        detail: `Invoice ${id} kept the line key, read alone and in the client's invoice list`,
      };
    else if (keptAlone)
      return {
        status: 'differs',
        detail: `Invoice ${id} kept the line key when read alone, but the client's invoice list leaves it out`,
      };
    else
      return {
        status: 'differs',
        detail: `Invoice ${id} did not keep the line key (comment_1): BillGrid must recognise its lines by the ids it recorded`,
      };
  };
  const cleanUp = (): number[] => {
    // Clean up: the invoice made here, and any copy an unanswered create left, found by its reference.
    const ids = new Set<number>(id === null ? [] : [id]);
    for (const i of listed()) {
      const found = idOf(i);
      if (found !== null) ids.add(found);
    }
    const left: number[] = [];
    for (const i of ids) {
      api.send({ method: 'delete', path: `/Invoice/${i}` });
      if (api.send({ method: 'get', path: `/Invoice/${i}` }).status !== 404) left.push(i);
    }
    return left;
  };
  let result: ProbeResult;
  let left: number[];
  try {
    result = writeAndRead();
  } finally {
    left = cleanUp();
  }
  if (left.length) {
    // Reported over the result: the user must know something was left behind.
    return {
      status: 'unchecked',
      detail: `The test invoice${left.length > 1 ? 's' : ''} ${left.join(', ')} could not be removed: delete ${left.length > 1 ? 'them' : 'it'} in HaloPSA (reference '${reference}')`,
    };
  }

  return result;
}

/** Newest invoices with lines read by the line-view probe. */
const SAMPLE = 20;

/**
 * Which line-key variant the tenant has, and whether the list view's lines carry every field of the
 * detail view (what the push relies on to write from one list per batch): the newest invoices on the
 * list view (`includelines`) against the detail view of those holding a BillGrid line (or of the newest
 * with lines when none does). Read-only.
 */
export function probeLineViews(credentials: HaloCredentials, http: HttpClient): ProbeResult {
  const api = apiFor(credentials, http);
  const res = api.send({
    method: 'get',
    path: '/Invoice',
    query: {
      includelines: true,
      order: 'id',
      orderdesc: true,
      pageinate: true,
      page_size: SAMPLE,
      page_no: 1,
    },
  });
  if (res.status !== 200)
    return { status: 'unchecked', detail: `/Invoice answered ${res.status}: ${haloErrorText(res.body)}` };
  const page = listEnvelope('invoices').safeParse(json(res.body));
  if (!page.success) return { status: 'differs', detail: '/Invoice answered no { invoices: [...] } list' };
  const listed = page.data.records.flatMap((r) => {
    const h = haloInvoice.safeParse(r);
    return h.success ? [{ id: h.data.id, lines: (h.data.lines ?? []) as Record<string, unknown>[] }] : [];
  });
  const keyed = (lines: Record<string, unknown>[]) =>
    lines.some((l) => LINE_KEY_PATTERN.test(String(l[LINE_KEY_FIELD] ?? '').trim()));
  const withLines = listed.filter((i) => i.lines.length > 0);
  if (!withLines.length)
    return { status: 'unchecked', detail: `none of the newest ${listed.length} invoices has a line yet` };
  const pick = withLines.filter((i) => keyed(i.lines)).slice(0, 3);
  const sample = pick.length ? pick : withLines.slice(0, 1);
  const details = api.sendAll(
    sample.map((i) => ({
      method: 'get' as const,
      path: `/Invoice/${i.id}`,
      query: { includedetails: true },
    })),
  );
  let detailKeyed = false;
  let complete = true;
  sample.forEach((inv, k) => {
    const d = haloInvoice.safeParse(json(details[k].body));
    if (details[k].status !== 200 || !d.success) {
      complete = false;
      return;
    }
    const dl = (d.data.lines ?? []) as Record<string, unknown>[];
    detailKeyed ||= keyed(dl);
    const asLoaded = (raw: Record<string, unknown>[]) => ({
      header: d.data,
      raw,
      lines: [],
      recurring: false,
    });
    complete &&= listCarriesDetail(asLoaded(inv.lines), asLoaded(dl));
  });
  const lists = complete
    ? 'list lines carry every detail field (the push writes from one list per batch)'
    : 'list lines leave detail fields out (the push reads each invoice before writing it)';
  if (pick.length) return { status: 'confirmed', detail: `the line key is on the list view; ${lists}` };
  if (detailKeyed)
    return { status: 'differs', detail: `the line key is kept but left out of the list view; ${lists}` };
  // No BillGrid line yet (a new tenant, or the key dropped entirely): the list's completeness is still
  // known, and is what decides whether a push writes from one list per batch; the key itself is the
  // write probe's (halo.line-key-kept) to check.
  return {
    status: complete ? 'confirmed' : 'differs',
    detail: `${lists}; no BillGrid line among the newest ${listed.length} invoices yet, so where Halo keeps the line key is checked by the write probe`,
  };
}

/** Paging as the pager expects: `pageinate` + `page_size` honoured, `record_count` given. Read-only. */
export function probePaging(credentials: HaloCredentials, http: HttpClient): ProbeResult {
  const api = apiFor(credentials, http);
  const res = api.send({
    method: 'get',
    path: '/Invoice',
    query: { pageinate: true, page_size: 1, page_no: 1 },
  });
  if (res.status !== 200)
    return { status: 'unchecked', detail: `/Invoice answered ${res.status}: ${haloErrorText(res.body)}` };
  const body = json(res.body);
  const o =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  const records = o?.invoices;
  if (!o || !Array.isArray(records) || typeof o.record_count !== 'number')
    return {
      status: 'differs',
      detail: 'a paged /Invoice answer has no { record_count, invoices } envelope',
    };
  if (records.length > 1)
    return {
      status: 'differs',
      detail: `page_size=1 answered ${records.length} invoices: page_size is not honoured`,
    };
  return {
    status: 'confirmed',
    detail: `paged answers carry record_count (${o.record_count} invoices) and honour page_size`,
  };
}

/**
 * What the invoice list filters BillGrid could bound its reads with do on this tenant (read-only, two or
 * three pages of 50): `notpostedonly=true` (declared as bool; BillGrid reads only open invoices with it
 * when every line a push may have sent is found there, see readBilling) and a date in
 * `invoicedatestart`, which the spec types as bool ("Include the field invoicedatestart in the response"):
 * ignored, honoured as a date, or refused. BillGrid does not send the date window (an open invoice taking
 * 'latest' charges may carry any date); the answer is reported for a later decision.
 */
export function probeInvoiceFilters(credentials: HaloCredentials, http: HttpClient): ProbeResult {
  const api = apiFor(credentials, http);
  const base = { pageinate: true, page_size: 50, page_no: 1, order: 'invoice_date', orderdesc: true };
  const read = (extra: Record<string, string | boolean>) => {
    const res = api.send({ method: 'get', path: '/Invoice', query: { ...base, ...extra } });
    const page = res.status === 200 ? listEnvelope('invoices').safeParse(json(res.body)) : null;
    const recs = page?.success
      ? page.data.records.flatMap((r) => {
          const h = haloInvoice.safeParse(r);
          return h.success ? [h.data] : [];
        })
      : [];
    return {
      status: res.status,
      body: res.body,
      ok: !!page?.success,
      count: page?.success ? page.data.count : 0,
      recs,
    };
  };
  const all = read({});
  if (all.status !== 200 || !all.ok)
    return { status: 'unchecked', detail: `/Invoice answered ${all.status}: ${haloErrorText(all.body)}` };
  const open = read({ notpostedonly: true });
  if (open.status !== 200 || !open.ok)
    return {
      status: 'differs',
      detail: `/Invoice?notpostedonly=true answered ${open.status}: ${haloErrorText(open.body)} (BillGrid then reads every invoice)`,
    };
  const postedSeen = all.recs.some((h) => h.posted === true) || all.count > open.count;
  const posted = open.recs.some((h) => h.posted === true) ? 'ignored' : !postedSeen ? 'unknown' : 'honoured';
  const dates = all.recs.map((h) => h.invoice_date.slice(0, 10)).filter(Boolean);
  const d = dates[Math.floor(dates.length / 2)] ?? '';
  let window = 'not checked (no dated invoice)';
  if (d && dates.some((x) => x < d)) {
    const w = read({ invoicedatestart: d });
    window =
      w.status >= 400
        ? `refused (${w.status}: ${haloErrorText(w.body)})`
        : w.ok && w.count < all.count && w.recs.every((h) => h.invoice_date.slice(0, 10) >= d)
          ? 'honoured as a date'
          : 'ignored';
  } else if (d) window = 'not checked (every invoice on the first page has one date)';
  const detail = `notpostedonly ${posted === 'unknown' ? 'not checked (no posted invoice seen)' : posted}; invoicedatestart=<date> ${window}`;
  if (posted === 'ignored')
    return {
      status: 'differs',
      detail: `${detail}: the open-invoice list holds posted invoices, so BillGrid reads the clients' whole invoice histories (correct, not bounded)`,
    };
  return { status: posted === 'unknown' ? 'unchecked' : 'confirmed', detail };
}

/** Where the clients' tax comes from: the list records carry item_tax_code, taxable, automatic_sales_tax. */
export function probeTaxSetup(credentials: HaloCredentials, http: HttpClient): ProbeResult {
  const api = apiFor(credentials, http);
  const res = api.send({
    method: 'get',
    path: '/Client',
    query: { pageinate: true, page_size: 50, page_no: 1 },
  });
  if (res.status !== 200)
    return { status: 'unchecked', detail: `/Client answered ${res.status}: ${haloErrorText(res.body)}` };
  const page = listEnvelope('clients').safeParse(json(res.body));
  if (!page.success) return { status: 'differs', detail: '/Client answered no { clients: [...] } list' };
  const recs = page.data.records.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object');
  if (!recs.length) return { status: 'unchecked', detail: 'the tenant has no client yet' };
  const has = (k: string) => recs.filter((r) => k in r).length;
  const own = recs.filter((r) => typeof r.item_tax_code === 'number' && r.item_tax_code > 0).length;
  const exempt = recs.filter((r) => r.taxable === false).length;
  const automatic = recs.filter((r) => r.automatic_sales_tax === true).length;
  const counts = `of ${recs.length} clients: ${own} with their own tax code, ${exempt} not taxable, ${automatic} with automatic sales tax`;
  if (has('item_tax_code') < recs.length)
    return {
      status: 'differs',
      detail: `client list records lack item_tax_code (BillGrid reads such clients one by one); ${counts}`,
    };
  return { status: 'confirmed', detail: `client list records carry the tax fields; ${counts}` };
}

export const haloProbes: readonly ConnectorProbe<PsaTarget, HaloCredentials>[] = [
  {
    id: 'halo.line-views',
    assumption:
      "Invoice lines on the client invoice list carry every field of the detail view, BillGrid's line key included",
    run: (_target, ctx) => probeLineViews(ctx.credentials, ctx.http),
  },
  {
    id: 'halo.paging',
    assumption: 'Lists page with pageinate/page_size/page_no and answer { record_count, <records> }',
    run: (_target, ctx) => probePaging(ctx.credentials, ctx.http),
  },
  {
    id: 'halo.tax-setup',
    assumption:
      "Client list records carry each client's tax setup (item_tax_code, taxable, automatic sales tax)",
    run: (_target, ctx) => probeTaxSetup(ctx.credentials, ctx.http),
  },
  {
    id: 'halo.invoice-filters',
    assumption:
      'The invoice list honours notpostedonly (BillGrid reads only open invoices when safe); what a date in invoicedatestart (typed bool in the spec) does',
    run: (_target, ctx) => probeInvoiceFilters(ctx.credentials, ctx.http),
  },
  {
    id: 'halo.authinfo',
    assumption:
      'GET /api/authinfo names the authorisation server (auth_url) and, on a hosted tenant, the tenant (tenant_id)',
    run: (_target, ctx) => probeAuthInfo(ctx.credentials, ctx.http),
  },
  {
    id: 'halo.asset-groups',
    assumption:
      'Item groups (GET /api/AssetGroup, no paging or key in the spec) come as a list, bare or under one key, each with id and name',
    run: (_target, ctx) => probeAssetGroups(ctx.credentials, ctx.http),
  },
  {
    id: 'halo.rate-limit-headers',
    assumption:
      'Answers carry no rate-limit header (none in any public source): BillGrid paces itself to 300 requests per 5 minutes',
    run: (_target, ctx) => probeRateLimitHeaders(ctx.credentials, ctx.http),
  },
  {
    id: 'halo.tax-list',
    assumption: 'Tax rates (GET /api/Tax) come as a list, bare or as { taxes }, each with id and name',
    run: (_target, ctx) => probeTaxList(ctx.credentials, ctx.http),
  },
  {
    id: 'halo.line-key-kept',
    assumption:
      "An invoice line keeps BillGrid's line key (comment_1), read alone and in the client's invoice list",
    writes: 'Adds a draft invoice with one zero-priced line to the test client, then deletes it',
    run: (_target, ctx) =>
      ctx.testCompanyId
        ? probeLineKeyKept(ctx.credentials, ctx.http, ctx.testCompanyId)
        : { status: 'unchecked', detail: 'Needs a test client' },
  },
];
