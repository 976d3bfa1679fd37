/**
 * Autotask business rules the sandbox enforces on create/update, answering as Autotask does:
 * HTTP 500 with `{ "errors": ["..."] }` for validation failures (Autotask reports most business-rule
 * violations as 500, see SOURCES.md). Each function mutates the state and returns the new/updated id.
 */
import type { AtRecord } from './filter';
import {
  at,
  CONTRACT_PERIOD,
  CONTRACT_PERIODS,
  contractPeriods,
  periodMonths,
  RECURRING_SERVICE,
  SERVICE_PERIODS,
  USE_TYPE,
  type AtState,
} from './fixture';

export class RuleError extends Error {}

const day = (v: unknown, field: string): string => {
  const s = typeof v === 'string' ? v : '';
  if (!/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(Date.parse(s.slice(0, 10)))) {
    throw new RuleError(`${field} '${String(v)}' is not a valid date.`);
  }
  return s.slice(0, 10);
};

function requireFields(body: AtRecord, fields: string[]): void {
  for (const f of fields) {
    const v = body[f];
    if (v === undefined || v === null || v === '')
      throw new RuleError(`Value does not exist for the required field ${f}.`);
  }
}

/**
 * String field lengths of a live tenant's field metadata (ecitsolutions/Autotask AutotaskFieldInfoCache.xml):
 * Autotask refuses a longer value. Services.invoiceDescription is not in that cache: 400 is assumed.
 */
export const FIELD_LIMITS: Record<string, Record<string, number>> = {
  Companies: { companyName: 100, phone: 25 },
  Contracts: { contractName: 100 },
  Services: { name: 150, description: 400, invoiceDescription: 400 },
  ContractCharges: { name: 100, description: 2000 },
};

function checkLengths(entity: string, body: AtRecord): void {
  for (const [field, max] of Object.entries(FIELD_LIMITS[entity] ?? {})) {
    const v = body[field];
    if (typeof v === 'string' && v.length > max)
      throw new RuleError(`${field} is ${v.length} characters long; the maximum is ${max}.`);
  }
}

function num(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new RuleError(`${field} '${String(v)}' is not a number.`);
  return v;
}

const table = (s: AtState, name: string): AtRecord[] => (s.entities[name] ??= []);
const byId = (s: AtState, name: string, id: unknown): AtRecord | undefined =>
  table(s, name).find((r) => r.id === Number(id));

/** Only known fields are stored; the API ignores the rest (e.g. read-only computed fields). */
function pick(body: AtRecord, fields: string[]): AtRecord {
  const out: AtRecord = {};
  for (const f of fields) if (body[f] !== undefined) out[f] = body[f];
  return out;
}

export function createCompany(s: AtState, body: AtRecord): number {
  requireFields(body, ['companyName', 'companyType', 'phone', 'ownerResourceID']);
  checkLengths('Companies', body);
  const id = s.nextId++;
  table(s, 'Companies').push({
    isActive: true,
    ...pick(body, ['companyName', 'companyType', 'phone', 'ownerResourceID', 'isActive', 'companyNumber']),
    id,
  });
  return id;
}

/**
 * The billing code must exist, be active and be of the use type the entity takes (services: Service codes,
 * contract charges: Material codes; BillingCodesEntity.htm, ContractChargesEntity.htm).
 */
function activeCode(s: AtState, id: unknown, useType: number, rule: string): void {
  const code = byId(s, 'BillingCodes', id);
  if (!code || code.isActive !== true)
    throw new RuleError(`billingCodeID ${String(id)} is not an active billing code.`);
  if (code.useType !== useType)
    throw new RuleError(
      `billingCodeID ${String(id)} has useType ${String(code.useType)}: ${rule} (useType ${useType}).`,
    );
}

export function createService(s: AtState, body: AtRecord): number {
  requireFields(body, ['name', 'unitPrice', 'periodType', 'billingCodeID']);
  checkLengths('Services', body);
  activeCode(s, body.billingCodeID, USE_TYPE.service, 'A service needs a Service code');
  if (!SERVICE_PERIODS.some((p) => p.value === body.periodType))
    throw new RuleError(`periodType ${String(body.periodType)} is not a valid picklist value.`);
  const id = s.nextId++;
  table(s, 'Services').push({
    isActive: true,
    unitCost: 0,
    ...pick(body, [
      'name',
      'description',
      'invoiceDescription',
      'sku',
      'unitPrice',
      'unitCost',
      'periodType',
      'billingCodeID',
      'isActive',
    ]),
    id,
  });
  return id;
}

export function createContract(s: AtState, body: AtRecord): number {
  requireFields(body, [
    'companyID',
    'contractName',
    'contractType',
    'startDate',
    'endDate',
    'status',
    'timeReportingRequiresStartAndStopTimes',
  ]);
  checkLengths('Contracts', body);
  if (!byId(s, 'Companies', body.companyID))
    throw new RuleError(`companyID ${String(body.companyID)} does not exist.`);
  const start = day(body.startDate, 'startDate');
  const end = day(body.endDate, 'endDate');
  if (end < start) throw new RuleError('The contract end date must be on or after its start date.');
  // F9: the billing period of a recurring-service contract; what Autotask sets when it is not sent is a variant.
  let period: number | undefined;
  if (body.contractPeriodType !== undefined && body.contractPeriodType !== null) {
    period = num(body.contractPeriodType, 'contractPeriodType');
    if (!CONTRACT_PERIODS.some((p) => p.value === period))
      throw new RuleError(`contractPeriodType ${period} is not a valid picklist value.`);
  } else if (body.contractType === RECURRING_SERVICE) {
    const dflt = s.variants?.contractPeriodDefault ?? 'monthly';
    if (dflt === 'required')
      throw new RuleError('Value does not exist for the required field contractPeriodType.');
    period = CONTRACT_PERIOD[dflt];
  }
  const id = s.nextId++;
  table(s, 'Contracts').push({
    ...(period === undefined ? {} : { contractPeriodType: period }),
    ...pick(body, [
      'companyID',
      'contractName',
      'contractType',
      'status',
      'timeReportingRequiresStartAndStopTimes',
      'description',
      'contractNumber',
    ]),
    startDate: at(start),
    endDate: at(end),
    id,
  });
  return id;
}

function recurringContract(s: AtState, contractID: unknown): AtRecord {
  const contract = byId(s, 'Contracts', contractID);
  if (!contract) throw new RuleError(`contractID ${String(contractID)} does not exist.`);
  if (contract.contractType !== RECURRING_SERVICE) {
    throw new RuleError('Contract services can only be added to a Recurring Service contract.');
  }
  return contract;
}

/** A contract service with a zero-unit period row for every month of the contract. */
function addContractServiceRow(
  s: AtState,
  contract: AtRecord,
  serviceID: number,
  price: number,
  cost: number,
): AtRecord {
  const service = byId(s, 'Services', serviceID);
  if (!service) throw new RuleError(`serviceID ${serviceID} does not exist.`);
  const cs: AtRecord = {
    id: s.nextId++,
    contractID: contract.id,
    serviceID,
    unitPrice: price,
    unitCost: cost,
    adjustedPrice: price,
    invoiceDescription: service.invoiceDescription ?? service.name,
    internalDescription: '',
  };
  table(s, 'ContractServices').push(cs);
  for (const p of contractPeriods(
    String(contract.startDate),
    String(contract.endDate),
    periodMonths(contract),
  )) {
    table(s, 'ContractServiceUnits').push({
      id: s.nextId++,
      contractID: contract.id,
      contractServiceID: cs.id,
      serviceID,
      ...p,
      units: 0,
      price,
      cost,
      approveAndPostDate: null,
    });
  }
  return cs;
}

export function createContractService(s: AtState, contractID: number, body: AtRecord): number {
  const contract = recurringContract(s, contractID);
  requireFields(body, ['serviceID', 'unitPrice']);
  const serviceID = num(body.serviceID, 'serviceID');
  if (table(s, 'ContractServices').some((r) => r.contractID === contract.id && r.serviceID === serviceID)) {
    throw new RuleError('This service has already been added to the contract.');
  }
  const cost = body.unitCost === undefined ? 0 : num(body.unitCost, 'unitCost');
  return addContractServiceRow(s, contract, serviceID, num(body.unitPrice, 'unitPrice'), cost).id as number;
}

/**
 * The documented price path: PATCH adjustedPrice (ContractServicesEntity.htm). The sandbox re-prices every unit
 * row not yet approved and posted (which rows real Autotask re-prices is unverified).
 */
export function updateContractService(s: AtState, contractID: number, body: AtRecord): number {
  const cs = byId(s, 'ContractServices', body.id);
  if (!cs || cs.contractID !== contractID)
    throw new RuleError(`Contract service ${String(body.id)} does not exist on this contract.`);
  if (body.adjustedPrice !== undefined) {
    cs.adjustedPrice = num(body.adjustedPrice, 'adjustedPrice');
    for (const r of table(s, 'ContractServiceUnits')) {
      if (r.contractServiceID === cs.id && !r.approveAndPostDate) r.price = cs.adjustedPrice;
    }
  }
  if (body.invoiceDescription !== undefined) cs.invoiceDescription = String(body.invoiceDescription);
  return cs.id as number;
}

/**
 * The unit row in force on a date: among the rows containing it (rows touch on an adjustment's effective
 * date), the one that started last, the newest on a tie.
 */
export function rowInForce(rows: readonly AtRecord[], date: string): AtRecord | undefined {
  return rows
    .filter((r) => String(r.startDate).slice(0, 10) <= date && String(r.endDate).slice(0, 10) >= date)
    .sort((a, b) => String(b.startDate).localeCompare(String(a.startDate)) || Number(b.id) - Number(a.id))[0];
}

/**
 * A relative unit change from the effective date on: the period row containing that date is split,
 * later rows change too. Creates the contract service when it is not on the contract yet (documented).
 */
export function createAdjustment(s: AtState, body: AtRecord): number {
  requireFields(body, ['contractID', 'serviceID', 'effectiveDate', 'unitChange']);
  const contract = recurringContract(s, body.contractID);
  const eff = day(body.effectiveDate, 'effectiveDate');
  const start = String(contract.startDate).slice(0, 10);
  const end = String(contract.endDate).slice(0, 10);
  if (eff < start || eff > end) {
    throw new RuleError(
      `The effective date ${eff} must fall within the contract's dates (${start} to ${end}).`,
    );
  }
  const change = num(body.unitChange, 'unitChange');
  if (!Number.isInteger(change)) throw new RuleError(`unitChange ${change} must be a whole number of units.`);
  const price =
    body.adjustedUnitPrice === undefined ? undefined : num(body.adjustedUnitPrice, 'adjustedUnitPrice');
  const cost =
    body.adjustedUnitCost === undefined ? undefined : num(body.adjustedUnitCost, 'adjustedUnitCost');
  if (change === 0 && price === undefined && cost === undefined) {
    throw new RuleError('An adjustment must change the units, the unit price or the unit cost.');
  }
  const mode = s.variants?.adjustmentPrice ?? 'reprice';
  if (change === 0 && mode === 'reject-zero') throw new RuleError('unitChange must not be 0.');
  // Under the units-only readings the adjustment's price and cost change nothing on the rows.
  const reprice = mode === 'reprice';
  const serviceID = num(body.serviceID, 'serviceID');
  const service = byId(s, 'Services', serviceID);
  if (!service) throw new RuleError(`serviceID ${serviceID} does not exist.`);
  const cs =
    table(s, 'ContractServices').find((r) => r.contractID === contract.id && r.serviceID === serviceID) ??
    addContractServiceRow(
      s,
      contract,
      serviceID,
      price ?? Number(service.unitPrice),
      cost ?? Number(service.unitCost ?? 0),
    );
  // The row in force on the effective date, and every row that starts after it, take the change. A row
  // that began before the date is split: the old row now ends ON the effective date (documented: "the end
  // date ... will be ... the effective date of that adjustment"), the new one starts there.
  const own = table(s, 'ContractServiceUnits').filter((r) => r.contractServiceID === cs.id);
  const current = rowInForce(own, eff);
  const rows = own.filter((r) => r === current || String(r.startDate).slice(0, 10) > eff);
  // F6: posted periods are locked (KB370000000540: "Unable to make changes as it would result in the
  // deletion/modification of an already approved and posted contract period").
  if (rows.some((r) => r.approveAndPostDate)) {
    throw new RuleError(
      'Unable to make changes as it would result in the deletion/modification of an already approved and posted contract period.',
    );
  }
  if (rows.some((r) => Number(r.units) + change < 0)) {
    throw new RuleError('The unit change would reduce the contract service below zero units.');
  }
  for (const r of rows) {
    let target = r;
    if (String(r.startDate).slice(0, 10) < eff) {
      target = { ...r, id: s.nextId++, startDate: at(eff) };
      r.endDate = at(eff);
      table(s, 'ContractServiceUnits').push(target);
    }
    target.units = Number(target.units) + change;
    if (reprice && price !== undefined) target.price = price;
    if (reprice && cost !== undefined) target.cost = cost;
  }
  if (reprice && price !== undefined) cs.adjustedPrice = price;
  const id = s.nextId++;
  prorate(s, contract, cs, eff, change, id);
  table(s, 'ContractServiceAdjustments').push({
    id,
    contractID: contract.id,
    contractServiceID: cs.id,
    serviceID,
    effectiveDate: at(eff),
    unitChange: change,
    adjustedUnitPrice: price ?? null,
    adjustedUnitCost: cost ?? null,
  });
  return id;
}

const DAY_MS = 86_400_000;
const days = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;

/**
 * F6: an adjustment effective inside a billing period of the contract (its period type), not on the
 * period's first day, is prorated by Autotask into an extra line on the next invoice: the unit change ×
 * the price × the share of the period's days from the effective date on ("By default, Autotask prorates
 * service changes on a contract based on the effective date of the change … Additional line items are added
 * to the customer's invoice for the prorated amounts", see SOURCES.md). Such lines cannot be deleted.
 * How Autotask rounds them is not documented: the sandbox keeps the exact share, rounded to 4 decimals.
 */
function prorate(
  s: AtState,
  contract: AtRecord,
  cs: AtRecord,
  eff: string,
  change: number,
  adjustmentID: number,
): void {
  if (change === 0) return;
  const period = contractPeriods(
    String(contract.startDate),
    String(contract.endDate),
    periodMonths(contract),
  ).find((p) => p.startDate.slice(0, 10) <= eff && p.endDate.slice(0, 10) >= eff);
  if (!period || period.startDate.slice(0, 10) === eff) return;
  const [start, end] = [period.startDate.slice(0, 10), period.endDate.slice(0, 10)];
  const share = days(eff, end) / days(start, end);
  const price = Number(cs.adjustedPrice ?? cs.unitPrice ?? 0);
  (s.prorations ??= []).push({
    contractID: contract.id,
    contractServiceID: cs.id,
    adjustmentID,
    periodStart: start,
    periodEnd: end,
    effectiveDate: eff,
    unitChange: change,
    amount: round4(change * price * share),
  });
}

/** What Autotask sets a new charge's read-only status to (value unverified). */
const CHARGE_STATUS = 1;

const CHARGE_FIELDS = [
  'name',
  'description',
  'datePurchased',
  'unitQuantity',
  'unitPrice',
  'unitCost',
  'billingCodeID',
  'productID',
  'chargeType',
  'isBillableToCompany',
  'purchaseOrderNumber',
  'internalPurchaseOrderNumber',
  'notes',
];

/** Autotask keeps charge quantities and amounts to 4 decimals and rounds what it is sent (F3). */
export const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

function amounts(r: AtRecord): void {
  for (const f of ['unitQuantity', 'unitPrice', 'unitCost']) {
    if (typeof r[f] === 'number') r[f] = round4(r[f]);
  }
  r.billableAmount = round4(Number(r.unitQuantity) * Number(r.unitPrice ?? 0));
  r.extendedCost = round4(Number(r.unitQuantity) * Number(r.unitCost ?? 0));
}

function checkCode(s: AtState, r: AtRecord): void {
  if (
    (r.billingCodeID === undefined || r.billingCodeID === null) &&
    (r.productID === undefined || r.productID === null)
  ) {
    throw new RuleError('A contract charge must have either a productID or a billingCodeID.');
  }
  if (r.billingCodeID !== undefined && r.billingCodeID !== null)
    activeCode(s, r.billingCodeID, USE_TYPE.material, 'a contract charge needs a Material code');
}

export function createCharge(s: AtState, contractID: number, body: AtRecord): number {
  if (!byId(s, 'Contracts', contractID)) throw new RuleError(`contractID ${contractID} does not exist.`);
  requireFields(body, ['name', 'datePurchased', 'unitQuantity', 'chargeType']);
  checkLengths('ContractCharges', body);
  // status is read-only (live metadata `Status:long(ro)`): ignored on create, Autotask sets its own.
  const rec: AtRecord = { ...pick(body, CHARGE_FIELDS), contractID, isBilled: false, status: CHARGE_STATUS };
  rec.datePurchased = at(day(body.datePurchased, 'datePurchased'));
  num(rec.unitQuantity, 'unitQuantity');
  checkCode(s, rec);
  rec.id = s.nextId++;
  rec.createDate = new Date().toISOString();
  amounts(rec);
  table(s, 'ContractCharges').push(rec);
  return rec.id as number;
}

export function updateCharge(s: AtState, contractID: number, body: AtRecord): number {
  const rec = byId(s, 'ContractCharges', body.id);
  if (!rec || rec.contractID !== contractID)
    throw new RuleError(`Contract charge ${String(body.id)} does not exist on this contract.`);
  if (rec.isBilled === true) throw new RuleError('This charge has been billed and can no longer be updated.');
  checkLengths('ContractCharges', body);
  const next = { ...rec, ...pick(body, CHARGE_FIELDS) };
  if (body.datePurchased !== undefined) next.datePurchased = at(day(body.datePurchased, 'datePurchased'));
  num(next.unitQuantity, 'unitQuantity');
  // The code is checked when it is set; a charge saved before keeps the code it has.
  if (body.billingCodeID !== undefined || body.productID !== undefined) checkCode(s, next);
  amounts(next);
  Object.assign(rec, next);
  return rec.id as number;
}
