/**
 * F10: a page link is followed when it is on the zone's own scheme and host, whatever its path's case or
 * version (as go-autotask's isSameOrigin compares them), and never to another host: the credentials would
 * go with it.
 */
import { z } from 'zod';
import { AutotaskClient } from '../../../../src/connectors/psa/autotask/client';
import { parseAutotaskConfig } from '../../../../src/connectors/psa/autotask/config';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../../src/core/http';

const ZONE = 'https://webservices5.autotask.net';

/** Zone discovery, then one page of companies linking to `next`, whose page ends the list. */
function fakeAutotask(next: string): { http: HttpClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const answer = (req: HttpRequest): HttpResponse => {
    sent.push(req);
    const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) });
    if (req.url.includes('zoneInformation')) return ok({ url: `${ZONE}/atservicesrest/` });
    const page = (id: number, nextPageUrl: string | null) =>
      ok({ items: [{ id }], pageDetails: { count: 1, requestCount: 500, prevPageUrl: null, nextPageUrl } });
    return req.url === next ? page(2, null) : page(1, next);
  };
  return { http: { request: answer, requestAll: (reqs) => reqs.map(answer) }, sent };
}

const client = (http: HttpClient) =>
  new AutotaskClient(
    parseAutotaskConfig({ username: 'api@example.com', secret: 's', integrationCode: 'c' }),
    http,
    http,
  );
const query = (c: AutotaskClient) =>
  c.queryAll('Companies', [[{ op: 'gte', field: 'id', value: 0 }]], z.object({ id: z.number() }));

describe('Autotask page links (F10)', () => {
  it("follows a link on the zone's host whatever its path's case or version", () => {
    const next = `${ZONE}/ATServicesRest/V1.1/Companies/query/next?paging=%7B%7D`;
    const { http, sent } = fakeAutotask(next);
    expect(query(client(http)).map((r) => r.id)).toEqual([1, 2]);
    expect(sent.map((r) => `${r.method} ${r.url}`).slice(-1)).toEqual([`post ${next}`]);
  });

  it('never sends the credentials to another host', () => {
    for (const next of [
      'https://webservices5.autotask.net.example.com/atservicesrest/v1.0/Companies/query/next',
      'https://webservices5.autotask.net@example.com/atservicesrest/v1.0/Companies/query/next',
      'http://webservices5.autotask.net/atservicesrest/v1.0/Companies/query/next',
    ]) {
      const { http, sent } = fakeAutotask(next);
      expect(() => query(client(http))).toThrow(/outside its own zone/);
      expect(sent.map((r) => r.url)).not.toContain(next);
    }
  });
});
