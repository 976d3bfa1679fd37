/**
 * ConnectWise's tenant-check probes (read-only): the paging style the site answers, that it accepts the
 * clientId, and that it has agreement types. Sent through the connector's own client (same headers).
 */
import type { ConnectorProbe, ProbeResult } from '../../descriptor';
import type { HttpResponse } from '../../../core/http';
import type { PsaTarget } from '../../../core/psa';
import { nextLink } from './client';
import type { ConnectWiseCredentials } from './config';
import { agreementTypeSchema } from './schemas';
import { ConnectWiseTarget } from './target';

const body = (res: HttpResponse): unknown => {
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    return undefined;
  }
};
const link = (res: HttpResponse): string =>
  Object.entries(res.headers ?? {}).find(([k]) => k.toLowerCase() === 'link')?.[1] ?? '';

/** Two companies a page, forward-only asked: which kind of next link comes back. */
export function probePaging(target: PsaTarget): ProbeResult {
  if (!(target instanceof ConnectWiseTarget))
    return { status: 'unchecked', detail: 'Not a ConnectWise connection' };
  const c = target.client;
  const [res] = c.readAll([c.request('get', 'company/companies?pageSize=2', undefined, true)]);
  if (res.status !== 200) return { status: 'unchecked', detail: c.readError(res, 'companies') };
  const list = body(res);
  if (!Array.isArray(list))
    return { status: 'differs', detail: 'A company list answered with something that is not a JSON list' };
  const next = nextLink(link(res));
  if (next && /[?&]pageId=/i.test(next))
    return { status: 'confirmed', detail: 'Lists page forward-only: the Link header names the next pageId' };
  if (next)
    return {
      status: 'confirmed',
      detail: 'Lists page by page number (forward-only was not honoured); BillGrid follows the Link header',
    };
  if (list.length < 2)
    return { status: 'unchecked', detail: 'The site has fewer than three companies: no next page to see' };
  return {
    status: 'differs',
    detail:
      'A full page came without a Link header: BillGrid falls back to page numbers and stops at a page with nothing new',
  };
}

/** The site's own info, with BillGrid's clientId: accepted or refused. */
export function probeClientId(target: PsaTarget): ProbeResult {
  if (!(target instanceof ConnectWiseTarget))
    return { status: 'unchecked', detail: 'Not a ConnectWise connection' };
  const c = target.client;
  const [res] = c.readAll([c.request('get', 'system/info')]);
  if (res.status === 200)
    return { status: 'confirmed', detail: 'The site accepted the clientId and the API keys' };
  // A 401 cannot tell a refused clientId from a wrong key: the check itself could not run.
  if ((res.status === 400 || res.status === 403) && /client ?id/i.test(c.messages(res)))
    return { status: 'differs', detail: `The site refused BillGrid's clientId (${c.describe(res)})` };
  return { status: 'unchecked', detail: c.readError(res, 'system info') };
}

/** The agreement types: at least one active (agreements BillGrid creates need one). */
export function probeAgreementTypes(target: PsaTarget): ProbeResult {
  if (!(target instanceof ConnectWiseTarget))
    return { status: 'unchecked', detail: 'Not a ConnectWise connection' };
  const c = target.client;
  const [res] = c.readAll([c.request('get', 'finance/agreements/types?pageSize=25')]);
  if (res.status !== 200) return { status: 'unchecked', detail: c.readError(res, 'agreement types') };
  const list = body(res);
  if (!Array.isArray(list))
    return { status: 'differs', detail: 'Agreement types answered with something that is not a JSON list' };
  const types = list.flatMap((t) => {
    const r = agreementTypeSchema.safeParse(t);
    return r.success && !r.data.inactiveFlag ? [r.data.name] : [];
  });
  if (!types.length)
    return {
      status: 'differs',
      detail: 'The site has no active agreement type: BillGrid cannot create agreements',
    };
  return {
    status: 'confirmed',
    detail: `Active agreement types: ${types.slice(0, 5).join(', ')}${types.length > 5 ? ', …' : ''}`,
  };
}

export const connectwiseProbes: readonly ConnectorProbe<PsaTarget, ConnectWiseCredentials>[] = [
  {
    id: 'connectwise.paging',
    assumption:
      'Lists answer a JSON array and page forward with a Link header (pageId when forward-only paging is honoured)',
    run: (t) => probePaging(t),
  },
  {
    id: 'connectwise.client-id',
    assumption: 'The site accepts BillGrid requests carrying the clientId header and the API member keys',
    run: (t) => probeClientId(t),
  },
  {
    id: 'connectwise.agreement-types',
    assumption: 'The site has at least one active agreement type (every agreement needs one)',
    run: (t) => probeAgreementTypes(t),
  },
];
