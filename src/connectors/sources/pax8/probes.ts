/** Pax8's tenant-check probes (read-only): the token, then one page of companies. */
import type { ConnectorProbe, ProbeResult } from '../../descriptor';
import type { BillingSource } from '../../../core/source';
import type { HttpClient } from '../../../core/http';
import { isOk, jsonBody, scrub, zodReason } from '../common/http-util';
import { parsePax8Config, type Pax8Credentials } from './config';
import { pageEnvelope } from './schemas';
import { Pax8Source } from './source';

/** A token from the client credentials, then GET /companies?page=0&size=1 with the documented envelope. */
export function probeCompaniesPage(source: BillingSource, c: Pax8Credentials, http: HttpClient): ProbeResult {
  if (!(source instanceof Pax8Source)) return { status: 'unchecked', detail: 'Not a Pax8 connection' };
  const config = parsePax8Config({ clientId: c.clientId, clientSecret: c.clientSecret });
  let token: string;
  try {
    token = source.auth.token();
  } catch (err) {
    return { status: 'unchecked', detail: err instanceof Error ? err.message : 'No access token' };
  }
  const res = http.request({
    method: 'get',
    url: `${config.apiBaseUrl}/companies?page=0&size=1`,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  if (!isOk(res))
    return {
      status: 'unchecked',
      detail: scrub(`Pax8 answered ${res.status} to the companies list`, [token]),
    };
  const env = pageEnvelope.safeParse(jsonBody(res));
  if (!env.success)
    return {
      status: 'differs',
      detail: `The companies list came without the documented { content, page } envelope (${zodReason(env.error)})`,
    };
  const { totalElements, totalPages } = env.data.page;
  return {
    status: 'confirmed',
    detail: `A token was issued; companies come in pages (${totalElements} companies, ${totalPages} pages of 1)`,
  };
}

export const pax8Probes: readonly ConnectorProbe<BillingSource, Pax8Credentials>[] = [
  {
    id: 'pax8.companies-page',
    assumption:
      'The client credentials get a bearer token, and lists come one page at a time as { content, page { size, totalElements, totalPages, number } }',
    run: (source, ctx) => probeCompaniesPage(source, ctx.credentials, ctx.http),
  },
];
