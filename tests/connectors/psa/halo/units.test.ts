import { newInvoiceDate } from '../../../../src/connectors/psa/halo/invoices';
import { haloErrorText, HaloApi } from '../../../../src/connectors/psa/halo/api';
import { HaloClients } from '../../../../src/connectors/psa/halo/clients';
import {
  createHaloTarget,
  haloConfigSchema,
  invoiceContainer,
  parseContainer,
  placeholderOf,
  recurringContainer,
  referenceFor,
} from '../../../../src/connectors/psa/halo';
import {
  claimLines,
  lineFields,
  lineMatches,
  replacedLine,
  type DesiredLine,
} from '../../../../src/connectors/psa/halo/invoices';
import { listEnvelope, haloLine } from '../../../../src/connectors/psa/halo/schemas';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../../src/core/http';
import type { PushStep } from '../../../../src/core/psa';

const SECRET = 'sup3r-s3cret-value';
const TOKEN = 'tok-abcdef-123456';

/** An HttpClient answering from a function, recording what was sent. */
function fakeHttp(answer: (req: HttpRequest) => HttpResponse): HttpClient & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    request: (r) => (sent.push(r), answer(r)),
    requestAll: (rs) => rs.map((r) => (sent.push(r), answer(r))),
  };
}
const json = (status: number, body: unknown): HttpResponse => ({
  status,
  headers: {},
  body: JSON.stringify(body),
});
const tokenOk = json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 3600 });
const config = {
  baseUrl: 'https://acme.halopsa.com/',
  tenant: 'acme',
  clientId: 'id-1',
  clientSecret: SECRET,
};

describe('containers', () => {
  it('parses core’s containers and the ids listContracts gives', () => {
    expect(parseContainer('latest')).toEqual({ kind: 'latest', rule: 'unsent', fallback: null });
    expect(parseContainer('latest;unpaid;else=new:month:2026-10')).toEqual({
      kind: 'latest',
      rule: 'unpaid',
      fallback: { group: 'month:2026-10', container: 'new:month:2026-10' },
    });
    expect(parseContainer('latest;else=')).toBeNull();
    expect(parseContainer('new:month:2026-10')).toEqual({ kind: 'new', group: 'month:2026-10' });
    expect(parseContainer(invoiceContainer(1002))).toEqual({ kind: 'invoice', id: 1002 });
    expect(parseContainer('1002')).toEqual({ kind: 'invoice', id: 1002 });
    expect(parseContainer(recurringContainer(-94))).toEqual({ kind: 'recurring', id: -94 });
    expect(parseContainer('new:')).toBeNull();
    expect(parseContainer('contract:7')).toBeNull();
  });

  it('round-trips the reference written on invoices BillGrid creates', () => {
    expect(placeholderOf(referenceFor('new:order:SO-1'))).toBe('new:order:SO-1');
    expect(placeholderOf('PO 4471')).toBeNull();
    expect(placeholderOf('BillGrid notes')).toBeNull();
  });
});

describe('config', () => {
  it('normalises the tenant address and defaults the page size', () => {
    const c = haloConfigSchema.parse({ ...config, baseUrl: 'https://acme.halopsa.com/api/' });
    expect(c.baseUrl).toBe('https://acme.halopsa.com');
    expect(c.pageSize).toBe(1000);
  });

  it('refuses plain http except on this machine, with messages that never echo the secret', () => {
    const r = haloConfigSchema.safeParse({ ...config, baseUrl: 'http://acme.halopsa.com' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toContain(SECRET);
    expect(haloConfigSchema.safeParse({ ...config, baseUrl: 'http://127.0.0.1:8080' }).success).toBe(true);
    expect(haloConfigSchema.safeParse({ ...config, clientId: ' ' }).error?.issues[0].message).toBe(
      'HaloPSA client ID is missing',
    );
  });
});

describe('Halo error text', () => {
  it('reads Halo’s and OAuth’s error shapes', () => {
    expect(haloErrorText('"Please select a valid Client"')).toBe('Please select a valid Client');
    expect(haloErrorText('{"ClassName":"X","Message":"Item 4 does not exist"}')).toBe(
      'Item 4 does not exist',
    );
    expect(haloErrorText('{"error":"invalid_client","error_description":"Bad"}')).toBe('Bad');
    expect(haloErrorText('<html>oops</html>')).toBe('<html>oops</html>');
    expect(haloErrorText('')).toBe('');
  });
});

describe('list envelopes', () => {
  it('accepts Halo’s object form and a bare array, and names a missing list', () => {
    expect(listEnvelope('clients').parse({ record_count: 3, clients: [1, 2] })).toEqual({
      records: [1, 2],
      count: 3,
    });
    expect(listEnvelope('items').parse([1, 2])).toEqual({ records: [1, 2], count: 2 });
    const bad = listEnvelope('clients').safeParse({ record_count: 3 });
    expect(bad.error?.issues[0].message).toBe("the answer has no 'clients' list");
  });
});

describe('line comparison', () => {
  const d: DesiredLine = {
    key: 'BG-0123456789abcdef',
    itemId: 7,
    productName: 'Teams',
    description: 'Teams - Oct',
    quantity: 3,
    unitPrice: 4.1,
    unitCost: 3.2,
    nominalCode: '200',
    taxOverride: 1,
    oneTime: false,
    knownId: null,
  };
  const asRead = haloLine.parse({ id: 1, ...lineFields(d), qty_order: 3.000001, tax_code: 1 });

  it('treats rounding noise and a numeric tax code as equal, and any real change as different', () => {
    expect(lineMatches(asRead, d)).toBe(true);
    expect(lineMatches(asRead, { ...d, quantity: 4 })).toBe(false);
    expect(lineMatches(asRead, { ...d, unitCost: 3.21 })).toBe(false);
    expect(lineMatches(asRead, { ...d, itemId: 8 })).toBe(false);
    expect(lineMatches(asRead, { ...d, description: 'Teams - Nov' })).toBe(false);
    expect(lineMatches(asRead, { ...d, taxOverride: 3 })).toBe(false);
    // Tax left to Halo: a line BillGrid overrode must lose its override.
    expect(lineMatches(asRead, { ...d, taxOverride: null })).toBe(false);
    expect(
      lineMatches({ ...asRead, tax_code_overriden: false, tax_code: '5' }, { ...d, taxOverride: null }),
    ).toBe(true);
  });

  it('sends a tax code only as an override, and never resends computed fields on a changed line', () => {
    expect(lineFields(d)).toMatchObject({ tax_code: '1', tax_code_overriden: true, override_tax_code: 1 });
    const toHalo = lineFields({ ...d, taxOverride: null });
    expect(toHalo.tax_code_overriden).toBe(false);
    expect('tax_code' in toHalo || 'override_tax_code' in toHalo).toBe(false);
    const stale = {
      id: 9,
      ...lineFields(d),
      net_amount: 12.3,
      tax_amount: 1,
      unit_price_converted: 4.1,
      sequenceid: 2,
    };
    const sent = replacedLine(stale, { ...d, quantity: 5, taxOverride: null }, 9);
    expect(sent).toMatchObject({ id: 9, qty_order: 5, sequenceid: 2, tax_code_overriden: false });
    for (const k of ['net_amount', 'tax_amount', 'unit_price_converted', 'tax_code', 'override_tax_code'])
      expect(k in sent).toBe(false);
  });
});

describe('recognising BillGrid lines (claimLines)', () => {
  const want = (key: string, over: Partial<DesiredLine> = {}): DesiredLine => ({
    key,
    itemId: 7,
    productName: 'Teams',
    description: 'Teams - Oct 2026',
    quantity: 3,
    unitPrice: 4,
    unitCost: 3,
    nominalCode: '',
    taxOverride: null,
    oneTime: false,
    knownId: null,
    ...over,
  });
  const line = (id: number, over: Record<string, unknown> = {}) =>
    haloLine.parse({
      id,
      _itemid: 7,
      item_shortdescription: 'Teams',
      item_longdescription: 'Teams - Oct 2026',
      ...over,
    });
  const K1 = 'BG-0000000000000001';
  const K2 = 'BG-0000000000000002';

  it('by key first, then by the recorded line id, then by the secondary key; each line claimed once', () => {
    const lines = [line(1, { comment_1: K2 }), line(2), line(3), line(4, { _itemid: 8 })];
    // The key wins even over a recorded id pointing elsewhere.
    expect(
      claimLines(lines, [want(K2, { knownId: 3 })])
        .get(K2)
        ?.map((l) => l.id),
    ).toEqual([1]);
    // Recorded id: line 3, although line 2 has the same secondary key.
    expect(
      claimLines(lines, [want(K1, { knownId: 3 })])
        .get(K1)
        ?.map((l) => l.id),
    ).toEqual([3]);
    // Secondary key: the lowest free line; a line carrying another key is never taken.
    const two = claimLines(lines, [want(K1), want(K2)]);
    expect(two.get(K2)?.map((l) => l.id)).toEqual([1]);
    expect(two.get(K1)?.map((l) => l.id)).toEqual([2]);
    // Another product or another period is not the line.
    expect(claimLines(lines, [want(K1, { itemId: 9 })]).get(K1)).toEqual([]);
    expect(claimLines(lines, [want(K1, { description: 'Teams - Nov 2026' })]).get(K1)).toEqual([]);
  });
});

describe('HaloApi without a network', () => {
  it('sends the token request as Halo expects and caches the token', () => {
    const http = fakeHttp((r) =>
      r.url.includes('/auth/token') ? tokenOk : json(200, { record_count: 0, clients: [] }),
    );
    const api = new HaloApi(haloConfigSchema.parse(config), http, () => 0);
    api.list('/Client', {}, 'clients', haloLine, 'reading clients');
    api.list('/Client', {}, 'clients', haloLine, 'reading clients');
    // authinfo answered nothing usable here: the token goes to <address>/auth, tenant from the subdomain.
    expect(http.sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'get https://acme.halopsa.com/api/authinfo',
      'post https://acme.halopsa.com/auth/token?tenant=acme',
      'get https://acme.halopsa.com/api/Client?pageinate=true&page_size=1000&page_no=1',
      'get https://acme.halopsa.com/api/Client?pageinate=true&page_size=1000&page_no=1',
    ]);
    expect(http.sent[1].contentType).toBe('application/x-www-form-urlencoded');
    expect(http.sent[2].headers?.Authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('keeps secrets and tokens out of every failure message', () => {
    const answers: Record<string, HttpResponse> = {
      token: tokenOk,
      api: json(400, { Message: 'Something is wrong' }),
    };
    const http = fakeHttp((r) => (r.url.includes('/auth/token') ? answers.token : answers.api));
    const target = createHaloTarget(config, http);
    const messages: string[] = [target.testConnection().message];
    const step: PushStep = {
      idempotencyKey: 'k',
      operation: 'add-charge',
      ref: { kind: 'charge', companyId: '101', container: 'latest', lineKey: 'BG-0123456789abcdef' },
      lineKeys: ['BG-0123456789abcdef'],
      before: null,
      after: {
        quantity: 1,
        unitPrice: 1,
        unitCost: 1,
        effectiveDate: '2026-10-31',
        description: 'x',
        productName: 'x',
        sku: 'x',
        productId: '5',
      },
    };
    for (const status of [400, 401, 403, 404, 429, 500]) {
      answers.api = json(status, { Message: `failure ${status}` });
      const out = target.apply(step);
      expect(out.status).toBe('failed');
      if (out.status === 'failed') {
        messages.push(out.message);
        expect(out.retryable).toBe(status === 429 || status === 500);
      }
    }
    answers.token = json(401, { error: 'invalid_client' });
    messages.push(createHaloTarget(config, http).testConnection().message);
    expect(messages.join('\n')).not.toMatch(new RegExp(`${SECRET}|${TOKEN}`));
    expect(messages).toContain('HaloPSA rejected the client ID / client secret (401)');
    expect(messages).toContain('HaloPSA answered 400 while reading items: failure 400');
  });
});

describe('newInvoiceDate', () => {
  it("dates a month's new invoice on the month's last day, whichever line creates it", () => {
    expect(newInvoiceDate('month:2026-10', '2026-10-01')).toBe('2026-10-31');
    expect(newInvoiceDate('month:2026-02', '2026-02-10')).toBe('2026-02-28');
    expect(newInvoiceDate('order:PO-7', '2026-10-12')).toBe('2026-10-12');
  });
});

describe('lists for many clients', () => {
  /** A tenant answering every list with nothing but the filters it was asked for. */
  function lists() {
    return fakeHttp((r) => {
      if (r.url.includes('/auth/token')) return tokenOk;
      if (/Invoice\/-?\d+\?/.test(r.url)) return json(404, { Message: 'Invoice not found' });
      return json(200, { record_count: 0, invoices: [], clients: [] });
    });
  }
  const ids = Array.from({ length: 1000 }, (_, i) => String(100_000 + i));

  it('splits client_ids so that no address exceeds Apps Script’s 2 KB, each client asked for once', () => {
    const http = lists();
    const target = createHaloTarget(config, http);
    target.listContracts(ids);
    target.readBilling({
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      companyIds: ids,
      contractIds: ['latest', 'recurring:-90'],
      lineKeys: [],
    });
    const gets = http.sent.filter((r) => r.method === 'get');
    expect(Math.max(...gets.map((r) => r.url.length))).toBeLessThanOrEqual(2000);
    const byPath = new Map<string, string[]>();
    for (const r of gets) {
      const [path, query] = r.url.split('?');
      const q = new URLSearchParams(query);
      if (!q.has('client_ids')) continue;
      const key = `${path} ${q.get('includelines') ?? ''}`;
      byPath.set(key, [...(byPath.get(key) ?? []), ...(q.get('client_ids')?.split(',') ?? [])]);
    }
    // Latest invoices, recurring invoices (listContracts), invoices and recurring invoices with lines.
    expect(byPath.size).toBe(4);
    for (const [path, asked] of byPath) expect({ path, asked: asked.sort() }).toEqual({ path, asked: ids });
    // 1,000 six-digit ids fit in a handful of requests, not one per client.
    expect(gets.length).toBeLessThanOrEqual(4 * 6);
    // Only the recurring invoice no list returned is read by id.
    expect(gets.filter((r) => /\/RecurringInvoice\/-90/.test(r.url))).toHaveLength(1);
  });
});

describe('client tax codes', () => {
  const clients = [
    { id: 101, name: 'A', item_tax_code: 3 },
    { id: 102, name: 'B' }, // the list leaves the tax code out
    { id: 103, name: 'C', item_tax_code: 0 },
  ];
  function tenant() {
    return fakeHttp((r) => {
      if (r.url.includes('/auth/token')) return tokenOk;
      if (/\/api\/Client\?/.test(r.url)) return json(200, { record_count: 3, clients });
      if (/\/api\/Client\/102$/.test(r.url)) return json(200, { id: 102, name: 'B', item_tax_code: 2 });
      if (/\/api\/Item\?/.test(r.url)) return json(200, [{ id: 5, name: 'Item', nominalcode: '200' }]);
      // Each client's own empty invoice, numbered like the client.
      const inv = /\/api\/Invoice\/(\d+)\?/.exec(r.url);
      if (inv) return json(200, { id: Number(inv[1]), client_id: Number(inv[1]), lines: [] });
      if (r.method === 'post') return json(200, {});
      return json(404, { Message: 'not found' });
    });
  }
  const stepFor = (companyId: string): PushStep => ({
    idempotencyKey: `k${companyId}`,
    operation: 'add-charge',
    ref: {
      kind: 'charge',
      companyId,
      container: `invoice:${companyId}`,
      lineKey: `BG-0123456789abc${companyId}`,
    },
    lineKeys: [`BG-0123456789abc${companyId}`],
    before: null,
    after: {
      quantity: 1,
      unitPrice: 1,
      unitCost: 1,
      effectiveDate: '2026-10-31',
      description: 'x',
      productName: 'x',
      sku: 'x',
      productId: '5',
    },
    codes: { incomeAccount: null, expenseAccount: null, taxCode: '1', itemCode: null },
  });

  it('reads the clients in one list and only a client whose list record lacks the tax code on its own', () => {
    const http = tenant();
    const out = createHaloTarget(config, http).applyAll(['101', '102', '103', '104'].map(stepFor));
    expect(out.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'failed']);
    expect(out[3]).toMatchObject({ message: expect.stringMatching(/while reading client 104 \(404\)/) });
    // A client with its own tax code is left to Halo (no override); 0 means none: the default overrides.
    const taxes = http.sent
      .filter((r) => r.method === 'post' && r.url.endsWith('/api/Invoice'))
      .map(
        (r) =>
          JSON.parse(r.body ?? '') as {
            id: number;
            lines: { tax_code?: string; tax_code_overriden?: boolean }[];
          }[],
      )
      .map(([b]) => `${b.id}:${b.lines[0].tax_code_overriden}:${b.lines[0].tax_code}`);
    expect(taxes.sort()).toEqual(['101:false:undefined', '102:false:undefined', '103:true:1']);
    const clientReads = http.sent
      .filter((r) => r.url.includes('/api/Client'))
      .map((r) => r.url.split('/api')[1]);
    // 104 is not in the list either: read on its own (and it fails alone).
    expect(clientReads).toEqual([
      '/Client?includeactive=true&includeinactive=true&pageinate=true&page_size=1000&page_no=1',
      '/Client/102',
      '/Client/104',
    ]);
  });
});

describe('applyAll without charges', () => {
  it('answers each step and sends nothing when there is nothing Halo holds', () => {
    const http = fakeHttp(() => json(500, {}));
    const target = createHaloTarget(config, http);
    expect(target.applyAll([])).toEqual([]);
    const quantity: PushStep = {
      idempotencyKey: 'q',
      operation: 'set-quantity',
      ref: { kind: 'quantity', companyId: '101', contractId: 'c', productId: 'p' },
      lineKeys: ['BG-0123456789abcdef'],
      before: null,
      after: {
        quantity: 1,
        unitPrice: 1,
        unitCost: 1,
        effectiveDate: '2026-10-31',
        description: 'x',
        productName: 'x',
        sku: 'x',
      },
    };
    // A seat quantity lives on a chosen (recurring) invoice; anywhere else it is refused before any request.
    const refusal = {
      status: 'failed',
      retryable: false,
      message: "HaloPSA keeps a seat quantity only on a chosen invoice or recurring invoice, not on 'c'",
    };
    expect(target.applyAll([quantity, quantity])).toEqual([refusal, refusal]);
    expect(http.sent).toEqual([]);
  });
});

describe('client records over a run', () => {
  /** 1,000 clients, 100 a page (Halo caps the page), each with its tax code. */
  function tenant() {
    return fakeHttp((r) => {
      if (r.url.includes('/auth/token')) return tokenOk;
      const page = /\/api\/Client\?.*page_no=(\d+)/.exec(r.url);
      if (page) {
        const from = (Number(page[1]) - 1) * 100;
        const clients = Array.from({ length: 100 }, (_, i) => ({
          id: from + i,
          name: `C${from + i}`,
          item_tax_code: 0,
        }));
        return json(200, { record_count: 1000, clients });
      }
      const one = /\/api\/Client\/(\d+)$/.exec(r.url);
      if (one) return json(200, { id: Number(one[1]), name: 'C', item_tax_code: 0 });
      return json(404, {});
    });
  }
  const batch = (from: number) => Array.from({ length: 5 }, (_, i) => String(from + i));

  it('reads clients on their own only until the rest of the list is cheaper, then the list once', () => {
    const http = tenant();
    const clients = new HaloClients(new HaloApi(haloConfigSchema.parse(config), http, () => 0));
    const reads = () => http.sent.filter((r) => r.url.includes('/api/Client')).length;
    expect(clients.load(['5', '6'])).toEqual(new Map()); // on page 1
    expect(reads()).toBe(1);
    clients.load(batch(500)); // 5 alone rather than 9 pages
    expect(reads()).toBe(1 + 5);
    clients.load(batch(600)); // 5 more alone would be 10 ≥ 9 pages left: the list instead
    expect(reads()).toBe(1 + 5 + 9);
    clients.load([...batch(700), ...batch(900)]);
    expect(reads()).toBe(15);
    expect(clients.get('904')).toMatchObject({ id: 904, item_tax_code: 0 });
  });
});
