/**
 * Autotask's tenant-check probes (read-only). The query is sent through the connector's own client, so it
 * goes to the zone BillGrid discovered, with the same headers.
 */
import type { ConnectorProbe, ProbeResult } from '../../descriptor';
import type { PsaTarget } from '../../../core/psa';
import type { AutotaskCredentials } from './config';
import { companySchema, pageSchema } from './schemas';
import { AutotaskTarget } from './target';

function json(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** One company by POST query: the documented page shape and the fields BillGrid reads from a company. */
export function probeCompanyQuery(target: PsaTarget): ProbeResult {
  if (!(target instanceof AutotaskTarget))
    return { status: 'unchecked', detail: 'Not an Autotask connection' };
  const client = target.client;
  const [res] = client.readAll([
    client.request('post', 'Companies/query', {
      MaxRecords: 1,
      IncludeFields: ['id', 'companyName', 'isActive'],
      filter: [{ op: 'gte', field: 'id', value: 0 }],
    }),
  ]);
  if (res.status !== 200) return { status: 'unchecked', detail: client.readError(res, 'Companies') };
  const page = pageSchema.safeParse(json(res.body));
  if (!page.success)
    return {
      status: 'differs',
      detail: 'A Companies query answered without the { items, pageDetails } page',
    };
  const first = page.data.items[0];
  if (first === undefined) return { status: 'unchecked', detail: 'The tenant has no company to look at' };
  const company = companySchema.safeParse(first);
  if (!company.success) {
    const issue = company.error.issues[0];
    return {
      status: 'differs',
      detail: `A company came without a readable ${issue?.path.join('.') || 'record'}: BillGrid would report every company as a problem`,
    };
  }
  return {
    status: 'confirmed',
    detail: `A Companies query answered one page (${page.data.pageDetails?.nextPageUrl ? 'with' : 'without'} a next-page link) with id and companyName`,
  };
}

export const autotaskProbes: readonly ConnectorProbe<PsaTarget, AutotaskCredentials>[] = [
  {
    id: 'autotask.company-query',
    assumption:
      'A query (POST …/Companies/query) answers a page of { items, pageDetails }, and each company carries id and companyName',
    run: (target) => probeCompanyQuery(target),
  },
];
