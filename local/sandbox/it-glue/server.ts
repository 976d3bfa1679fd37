/**
 * Stateful IT Glue API sandbox (JSON:API): `x-api-key` header; GET /organizations and GET /configurations with
 * filter[organization_id], filter[configuration_type_id], filter[archived]; page[size] (capped) and
 * page[number] from 1; meta { current-page, next-page, prev-page, total-pages, total-count }; errors as
 * { errors: [{ status, title, detail }] }.
 */
import { Sandbox, type SandboxRequest, type SandboxResponse } from '../framework';
import { demoFixture, type ItgFixture } from './fixture';

export type ItgState = ItgFixture;

const TYPE = 'application/vnd.api+json';

function page<T>(req: SandboxRequest, s: ItgState, all: T[], toData: (x: T) => unknown): SandboxResponse {
  const size = Math.min(Math.max(Number(req.query.get('page[size]') ?? 50) || 50, 1), s.maxPageSize);
  const no = Math.max(Number(req.query.get('page[number]') ?? 1) || 1, 1);
  const pages = Math.max(1, Math.ceil(all.length / size));
  return {
    status: 200,
    headers: { 'Content-Type': TYPE },
    json: {
      data: all.slice((no - 1) * size, no * size).map(toData),
      meta: {
        'current-page': no,
        'next-page': no < pages ? no + 1 : null,
        'prev-page': no > 1 ? no - 1 : null,
        'total-pages': pages,
        'total-count': all.length,
        filters: {},
      },
      links: {},
    },
  };
}

export function createSandbox(fixture?: unknown): Sandbox<ItgState> {
  const sb = new Sandbox<ItgState>('it-glue', () =>
    structuredClone((fixture as ItgFixture | undefined) ?? demoFixture()),
  );
  sb.before = (req, s) => {
    if (req.headers['x-api-key'] !== s.apiKey)
      return {
        status: 401,
        headers: { 'Content-Type': TYPE },
        json: { errors: [{ status: '401', title: 'Unauthorized' }] },
      };
    return undefined;
  };
  sb.route('GET', '/organizations', (req, s) =>
    page(req, s, s.organizations, (o) => ({
      id: o.id,
      type: 'organizations',
      attributes: { name: o.name, 'organization-status-name': o.organizationStatusName },
    })),
  );
  sb.route('GET', '/configurations', (req, s) => {
    const org = req.query.get('filter[organization_id]');
    const type = req.query.get('filter[configuration_type_id]');
    const archived = req.query.get('filter[archived]');
    const all = s.configurations.filter(
      (c) =>
        (org === null || c.organizationId === org) &&
        (type === null || String(c.configurationTypeId) === type) &&
        (archived === null || String(c.archived) === archived),
    );
    return page(req, s, all, (c) => ({
      id: c.id,
      type: 'configurations',
      attributes: {
        'organization-id': Number(c.organizationId),
        name: c.name,
        'configuration-type-id': c.configurationTypeId,
        'configuration-type-name': c.configurationTypeName,
        archived: c.archived,
      },
    }));
  });
  return sb;
}
