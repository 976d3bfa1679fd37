/**
 * Autotask's tenant-check probes (read-only, but the F5 price write probe of price-probe.ts). The query is sent
 * through the connector's own client, so it goes to the zone BillGrid discovered, with the same headers.
 */
import type { ConnectorProbe, ProbeResult } from '../../descriptor';
import type { PsaTarget } from '../../../core/psa';
import type { AutotaskCredentials } from './config';
import { z } from 'zod';
import { PsaError } from '../../../core/psa';
import { LIMITS } from './create';
import { CHARGE_LIMITS } from './decide';
import { billingCodeSchema, companySchema, pageSchema, USE_TYPE } from './schemas';
import { AutotaskTarget } from './target';
import { probeAdjustmentPrice } from './price-probe';

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

const notAutotask: ProbeResult = { status: 'unchecked', detail: 'Not an Autotask connection' };
const why = (err: unknown): ProbeResult => {
  if (err instanceof PsaError) return { status: 'unchecked', detail: err.message };
  throw err;
};

/**
 * F1: a POST query over one page. One company per page, so any tenant with two companies has a second page;
 * it must come from POSTing the same body to nextPageUrl, and hold other records than the first.
 */
export function probePostPaging(target: PsaTarget): ProbeResult {
  if (!(target instanceof AutotaskTarget)) return notAutotask;
  const client = target.client;
  const body = { MaxRecords: 1, IncludeFields: ['id'], filter: [{ op: 'gte', field: 'id', value: 0 }] };
  const [first] = client.readAll([client.request('post', 'Companies/query', body)]);
  if (first.status !== 200) return { status: 'unchecked', detail: client.readError(first, 'Companies') };
  const p1 = pageSchema.safeParse(json(first.body));
  if (!p1.success) return { status: 'differs', detail: 'A Companies query answered without a result page' };
  const next = p1.data.pageDetails?.nextPageUrl;
  if (!next) {
    return p1.data.items.length < 1
      ? { status: 'unchecked', detail: 'The tenant has fewer than two companies: nothing to page over' }
      : { status: 'differs', detail: 'A one-record page of Companies gave no next-page link' };
  }
  const [second] = client.readAll([client.request('post', next, body)]);
  if (second.status !== 200)
    return {
      status: 'differs',
      detail: `The next page, POSTed with the same body, answered ${client.describe(second)}`,
    };
  const p2 = pageSchema.safeParse(json(second.body));
  const ids = (items: unknown[]) => items.map((i) => z.object({ id: z.number() }).safeParse(i).data?.id);
  if (!p2.success || p2.data.items.length === 0)
    return { status: 'differs', detail: 'The next page answered without records' };
  const seen = new Set(ids(p1.data.items));
  if (ids(p2.data.items).some((id) => id === undefined || seen.has(id)))
    return { status: 'differs', detail: 'The next page repeated the first page’s records' };
  return {
    status: 'confirmed',
    detail: 'The second page of a POST query came from POSTing the same body to nextPageUrl',
  };
}

/** F2: the connection's codes are active and of the use type BillGrid gives them to. */
export function probeCodeUseTypes(target: PsaTarget): ProbeResult {
  if (!(target instanceof AutotaskTarget)) return notAutotask;
  const { materialCodeId, defaultBillingCodeId } = target.config;
  const wanted: Array<[string, number, number[]]> = [];
  if (materialCodeId !== undefined)
    wanted.push(['material code for charges', materialCodeId, [USE_TYPE.material]]);
  if (defaultBillingCodeId !== undefined)
    wanted.push(['default billing code', defaultBillingCodeId, [USE_TYPE.material, USE_TYPE.service]]);
  if (!wanted.length) return { status: 'unchecked', detail: 'The connection names no billing code' };
  let codes;
  try {
    codes = target.client.queryAll(
      'BillingCodes',
      [[{ op: 'in', field: 'id', value: wanted.map(([, id]) => id) }]],
      billingCodeSchema,
    );
  } catch (err) {
    return why(err);
  }
  const problems: string[] = [];
  for (const [what, id, types] of wanted) {
    const code = codes.find((c) => c.id === id);
    if (!code) problems.push(`the ${what} ${id} does not exist`);
    else if (code.isActive === false) problems.push(`the ${what} '${code.name}' is inactive`);
    else if (code.useType === undefined || code.useType === null || !types.includes(code.useType))
      problems.push(
        `the ${what} '${code.name}' has use type ${String(code.useType)}, not ${types.join(' or ')}`,
      );
  }
  return problems.length
    ? {
        status: 'differs',
        detail: `${problems.join('; ')} (4 = Material, for charges; 5 = Service, for services)`,
      }
    : {
        status: 'confirmed',
        detail: `${wanted.map(([w]) => w).join(' and ')}: active, of the right use type`,
      };
}

/**
 * F9/F4: the contract period picklist has Monthly (what BillGrid creates), and the active recurring-service
 * contracts are billed monthly (a quarterly or yearly one prorates each monthly change).
 */
export function probeContractPeriods(target: PsaTarget): ProbeResult {
  if (!(target instanceof AutotaskTarget)) return notAutotask;
  let monthly: number;
  let others: Array<{ id: number; name: string; period: number | null }>;
  let labels: Map<string, string>;
  try {
    const field = target.client
      .entityFields('Contracts')
      .fields.find((f) => f.name.toLowerCase() === 'contractperiodtype');
    labels = new Map((field?.picklistValues ?? []).map((v) => [v.value, v.label]));
    try {
      monthly = target.creator().monthlyPeriodType();
    } catch (err) {
      if (err instanceof PsaError) return { status: 'differs', detail: err.message };
      throw err;
    }
    others = target.client
      .queryAll(
        'Contracts',
        [
          [
            { op: 'eq', field: 'contractType', value: target.config.contractTypes.recurringService },
            { op: 'eq', field: 'status', value: target.config.activeContractStatus },
          ],
        ],
        z.object({
          id: z.number(),
          contractName: z.string(),
          contractPeriodType: z.number().nullable().optional(),
        }),
        ['id', 'contractName', 'contractPeriodType'],
      )
      .filter((c) => c.contractPeriodType !== monthly)
      .map((c) => ({ id: c.id, name: c.contractName, period: c.contractPeriodType ?? null }));
  } catch (err) {
    return why(err);
  }
  if (others.length) {
    const list = others
      .slice(0, 5)
      .map(
        (c) =>
          `'${c.name}' (${c.period === null ? 'none' : (labels.get(String(c.period)) ?? String(c.period))})`,
      )
      .join(', ');
    return {
      status: 'differs',
      detail: `${others.length} active recurring-service contract(s) not billed monthly: ${list}${others.length > 5 ? ', …' : ''}; a monthly seat change on them is prorated by Autotask`,
    };
  }
  return {
    status: 'confirmed',
    detail: `Contract period 'Monthly' is value ${monthly}; every active recurring-service contract is billed monthly`,
  };
}

/**
 * F9, the open question: what Autotask gives a recurring-service contract created without a period type — the
 * field's default, or a refusal when the field is required (the sandbox's `contractPeriodDefault` variants). Read
 * from `Contracts/entityInformation/fields` (isRequired, the picklist's isDefaultValue): no write. BillGrid sends
 * Monthly on every contract it creates, so each answer is fine; the probe records which one this tenant has.
 */
export function probeContractPeriodDefault(target: PsaTarget): ProbeResult {
  if (!(target instanceof AutotaskTarget)) return notAutotask;
  let field;
  try {
    field = target.client
      .entityFields('Contracts')
      .fields.find((f) => f.name.toLowerCase() === 'contractperiodtype');
  } catch (err) {
    return why(err);
  }
  if (!field)
    return {
      status: 'differs',
      detail:
        'Contracts list no contractPeriodType field: BillGrid sends one on every recurring-service contract it creates',
    };
  if (field.isRequired)
    return {
      status: 'confirmed',
      detail: 'Required: a contract created without a period type is refused (BillGrid always sends Monthly)',
    };
  const dflt = (field.picklistValues ?? []).find((v) => v.isDefaultValue === true && v.isActive !== false);
  return {
    status: 'confirmed',
    detail: dflt
      ? `Not required; a contract created without a period type gets the default '${dflt.label}' (value ${dflt.value}); BillGrid always sends Monthly`
      : 'Not required, and the field list names no default: BillGrid always sends Monthly',
  };
}

/** F8: the tenant's field lengths are at least the ones BillGrid cuts names and descriptions to. */
export function probeFieldLimits(target: PsaTarget): ProbeResult {
  if (!(target instanceof AutotaskTarget)) return notAutotask;
  const expected: Array<[string, string, number]> = [
    ['Companies', 'companyName', LIMITS.companyName],
    ['Companies', 'phone', LIMITS.phone],
    ['Contracts', 'contractName', LIMITS.contractName],
    ['Services', 'name', LIMITS.serviceName],
    ['Services', 'description', LIMITS.serviceDescription],
    ['ContractCharges', 'name', CHARGE_LIMITS.name],
    ['ContractCharges', 'description', CHARGE_LIMITS.description],
  ];
  const short: string[] = [];
  try {
    for (const [entity, name, max] of expected) {
      const f = target.client
        .entityFields(entity)
        .fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
      if (f?.length && f.length < max) short.push(`${entity}.${name} ${f.length} < ${max}`);
    }
  } catch (err) {
    return why(err);
  }
  return short.length
    ? { status: 'differs', detail: `Shorter fields than BillGrid writes: ${short.join(', ')}` }
    : {
        status: 'confirmed',
        detail: 'Every field BillGrid writes text to is at least as long as BillGrid cuts it',
      };
}

export const autotaskProbes: readonly ConnectorProbe<PsaTarget, AutotaskCredentials>[] = [
  {
    id: 'autotask.company-query',
    assumption:
      'A query (POST …/Companies/query) answers a page of { items, pageDetails }, and each company carries id and companyName',
    run: (target) => probeCompanyQuery(target),
  },
  {
    id: 'autotask.post-paging',
    assumption:
      'The next page of a POST query comes from POSTing the same body to pageDetails.nextPageUrl (not GET)',
    run: (target) => probePostPaging(target),
  },
  {
    id: 'autotask.code-use-types',
    assumption:
      'The billing codes the connection names are active, the material code of use type 4 (Material), a default code 4 or 5',
    run: (target) => probeCodeUseTypes(target),
  },
  {
    id: 'autotask.contract-periods',
    assumption:
      "Contracts have a 'Monthly' period type, and every active recurring-service contract is billed monthly",
    run: (target) => probeContractPeriods(target),
  },
  {
    id: 'autotask.contract-period-default',
    assumption:
      'What a recurring-service contract created without a period type gets (a default period, or refused as required) is recorded from the field list; BillGrid sends Monthly either way',
    run: (target) => probeContractPeriodDefault(target),
  },
  {
    id: 'autotask.field-limits',
    assumption:
      'The text fields BillGrid writes (company, contract, service and charge names and descriptions) are at least as long as BillGrid cuts them (entityInformation/fields)',
    run: (target) => probeFieldLimits(target),
  },
  {
    id: 'autotask.adjustment-price',
    assumption:
      "A contract service's price changes by PATCH of adjustedPrice (the documented path, the one BillGrid uses); what a 0-unit adjustment carrying a price does (re-prices, nothing, refused) is recorded",
    writes:
      "Sets the price of one contract service on the test company's recurring-service contract to its price + 1, sends a 0-unit adjustment carrying the old price, and sets the old price back; Autotask keeps that adjustment (0 units, the old price: it bills nothing) in the contract's history, since adjustments cannot be deleted",
    leaves: 'A 0-unit adjustment at the price in force (ContractServiceAdjustments are create-only)',
    run: (target, ctx) => probeAdjustmentPrice(target, ctx, new Date().toISOString().slice(0, 10)),
  },
];
