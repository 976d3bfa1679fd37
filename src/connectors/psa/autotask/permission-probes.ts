/**
 * Seed 003's least-privilege API user, as tenant-check probes: each probe is one permission the Autotask
 * API user's security level must grant (listed on Connect before any check, `permission`), and checks it on
 * the tenant. Security areas as Autotask's security-level page names them (seed 003: Contracts, CRM,
 * Inventory, Admin, Web Services API, Other → Miscellaneous). What is checked how, and what is unverified:
 *  - view: a one-record query of each entity BillGrid reads; Autotask answers 403 "does not have the security
 *    permissions to view …" without the right (the sandbox's wording; the status is documented for REST).
 *  - update: a PATCH of record 0, which does not exist: a permission refusal comes before the not-found, so
 *    nothing can change; still a write request, so it runs only on a named test company. Autotask's "Add"
 *    right on products (auto-create mode) cannot be checked without creating one: the probe says so.
 *  - internal cost: how Autotask hides costs from a user without "Can View Internal Cost and Sensitive
 *    Data" is undocumented (unverified); the probe reads contract services' unitCost and reports a
 *    difference when services exist and none carries a cost.
 */
import { z } from 'zod';
import type { ConnectorProbe, ProbeContext, ProbeResult } from '../../descriptor';
import type { PsaTarget } from '../../../core/psa';
import type { HttpResponse } from '../../../core/http';
import type { AutotaskCredentials } from './config';
import { pageSchema } from './schemas';
import { AutotaskTarget } from './target';

const notAutotask: ProbeResult = { status: 'unchecked', detail: 'Not an Autotask connection' };

function json(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** A refusal for want of a right (403, or a message about permissions). */
function denied(target: AutotaskTarget, r: HttpResponse): boolean {
  return (
    r.status === 403 ||
    (r.status >= 400 &&
      r.status !== 404 &&
      /permission|not authori[sz]ed|access/i.test(target.client.messages(r)))
  );
}

/** One-record queries of `entities`: confirmed when each answers a page, differs when one is refused. */
function canView(target: PsaTarget, entities: readonly string[], right: string): ProbeResult {
  if (!(target instanceof AutotaskTarget)) return notAutotask;
  const client = target.client;
  const body = { MaxRecords: 1, IncludeFields: ['id'], filter: [{ op: 'gte', field: 'id', value: 0 }] };
  const responses = client.readAll(entities.map((e) => client.request('post', `${e}/query`, body)));
  const refused = entities.filter((_, i) => denied(target, responses[i]));
  if (refused.length)
    return {
      status: 'differs',
      detail: `The API user may not read ${refused.join(', ')}: give its security level ${right}`,
    };
  const other = responses.findIndex((r) => r.status !== 200 || !pageSchema.safeParse(json(r.body)).success);
  if (other >= 0) return { status: 'unchecked', detail: client.readError(responses[other], entities[other]) };
  return { status: 'confirmed', detail: `${entities.join(', ')}: readable` };
}

/** Contract services' internal cost: hidden from a user without the right (how, unverified). */
function canViewInternalCost(target: PsaTarget): ProbeResult {
  if (!(target instanceof AutotaskTarget)) return notAutotask;
  const client = target.client;
  const [res] = client.readAll([
    client.request('post', 'ContractServices/query', {
      MaxRecords: 20,
      IncludeFields: ['id', 'unitCost'],
      filter: [{ op: 'gte', field: 'id', value: 0 }],
    }),
  ]);
  if (res.status !== 200) return { status: 'unchecked', detail: client.readError(res, 'ContractServices') };
  const page = pageSchema.safeParse(json(res.body));
  if (!page.success) return { status: 'unchecked', detail: 'A ContractServices query answered no page' };
  const costs = page.data.items.map((i) => z.object({ unitCost: z.number() }).safeParse(i).success);
  if (!costs.length)
    return { status: 'unchecked', detail: 'The tenant has no contract service to read a cost from' };
  if (costs.some(Boolean))
    return { status: 'confirmed', detail: 'Contract services came with their internal cost (unitCost)' };
  return {
    status: 'differs',
    detail: `None of ${costs.length} contract services came with an internal cost: the API user likely lacks "Can View Internal Cost and Sensitive Data" (Other → Miscellaneous); BillGrid would compare and push costs as 0`,
  };
}

/** PATCHes of record 0 (no such record): refused for want of the right before the not-found. */
function canUpdate(target: PsaTarget, ctx: ProbeContext): ProbeResult {
  if (!(target instanceof AutotaskTarget)) return notAutotask;
  if (!ctx.testCompanyId) return { status: 'unchecked', detail: 'Name a test company to run this check' };
  const client = target.client;
  const paths: Array<[string, string]> = [
    ['Contracts/0/Charges', 'contract charges'],
    ['Contracts/0/Services', 'contract services'],
    ['Services', 'services (products)'],
  ];
  const responses = client.readAll(paths.map(([p]) => client.request('patch', p, { id: 0 })));
  const refused = paths.filter((_, i) => denied(target, responses[i])).map(([, what]) => what);
  if (refused.length)
    return {
      status: 'differs',
      detail: `The API user may not change ${refused.join(', ')}: give its security level Contracts "Can modify contract Internal Costs and Service/Bundle on contract changes" and Admin "Products, Services & Inventory"`,
    };
  const addNote = ctx.autoCreateProducts
    ? '; the right to add products (auto-create mode) is only shown by the first product BillGrid creates'
    : '';
  return {
    status: 'confirmed',
    detail: `Contract charges, contract services and services may be changed (nothing was)${addNote}`,
  };
}

export const autotaskPermissionProbes: readonly ConnectorProbe<PsaTarget, AutotaskCredentials>[] = [
  {
    id: 'autotask.permission.companies',
    permission: 'View companies (CRM)',
    assumption: 'The API user may view companies',
    run: (t) => canView(t, ['Companies'], 'CRM view rights on companies'),
  },
  {
    id: 'autotask.permission.contracts',
    permission: 'View contracts, their services and charges (Contracts)',
    assumption: 'The API user may view contracts, contract services and charges',
    run: (t) =>
      canView(
        t,
        ['Contracts', 'ContractServices', 'ContractServiceUnits', 'ContractCharges'],
        'Contracts view rights',
      ),
  },
  {
    id: 'autotask.permission.services',
    permission: 'View products, services and billing codes (Admin: Products, Services & Inventory)',
    assumption: 'The API user may view services and billing codes',
    run: (t) =>
      canView(t, ['Services', 'BillingCodes'], 'Admin "Products, Services & Inventory" and Inventory view'),
  },
  {
    id: 'autotask.permission.internal-cost',
    permission: 'Can View Internal Cost and Sensitive Data (Other: Miscellaneous)',
    assumption: 'The API user sees the internal cost of contract services',
    run: (t) => canViewInternalCost(t),
  },
  {
    id: 'autotask.permission.update',
    permission:
      'Update contracts and services (Contracts: "Can modify contract Internal Costs and Service/Bundle"); add and edit products when the product mode is auto-create (Inventory: Products)',
    assumption: 'The API user may change contract services, contract charges and services',
    writes:
      'Sends an update of record 0 (which does not exist) to contract charges, contract services and services: a missing right is refused before the not-found; nothing changes',
    run: (t, ctx) => canUpdate(t, ctx),
  },
];
