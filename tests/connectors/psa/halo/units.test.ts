import { newInvoiceDate } from '../../../../src/connectors/psa/halo/invoices';
import { haloErrorText, HaloApi } from '../../../../src/connectors/psa/halo/api';
import {
  createHaloTarget,
  haloConfigSchema,
  invoiceContainer,
  parseContainer,
  placeholderOf,
  recurringContainer,
  referenceFor,
} from '../../../../src/connectors/psa/halo';
import { lineFields, lineMatches, type DesiredLine } from '../../../../src/connectors/psa/halo/invoices';
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
    expect(parseContainer('latest')).toEqual({ kind: 'latest' });
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
    taxCode: '1',
  };
  const asRead = haloLine.parse({ id: 1, ...lineFields(d), qty_order: 3.000001, tax_code: 1 });

  it('treats rounding noise and a numeric tax code as equal, and any real change as different', () => {
    expect(lineMatches(asRead, d)).toBe(true);
    expect(lineMatches(asRead, { ...d, quantity: 4 })).toBe(false);
    expect(lineMatches(asRead, { ...d, unitCost: 3.21 })).toBe(false);
    expect(lineMatches(asRead, { ...d, itemId: 8 })).toBe(false);
    expect(lineMatches(asRead, { ...d, description: 'Teams - Nov' })).toBe(false);
    expect(lineMatches(asRead, { ...d, taxCode: '3' })).toBe(false);
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
    expect(http.sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'post https://acme.halopsa.com/auth/token?tenant=acme',
      'get https://acme.halopsa.com/api/Client?pageinate=true&page_size=1000&page_no=1',
      'get https://acme.halopsa.com/api/Client?pageinate=true&page_size=1000&page_no=1',
    ]);
    expect(http.sent[0].contentType).toBe('application/x-www-form-urlencoded');
    expect(http.sent[1].headers?.Authorization).toBe(`Bearer ${TOKEN}`);
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
