/**
 * BillGrid's Autotask PSA target.
 *
 * Quantities live on recurring-service contracts as contract services; their units change only through
 * ContractServiceAdjustments (relative, from an effective date), so every push re-reads the units in force on
 * that date and sends the difference. Usage, one-off and annual lines are contract charges whose name carries
 * the line key, found again by that key before anything is created.
 */
import { HttpTransportError, type HttpClient } from '../../../core/http';
import { LINE_KEY_PATTERN } from '../../../core/line-key';
import {
  PsaError,
  type CreatesProducts,
  type PsaBillingState,
  type PsaChargeNow,
  type PsaCodeLists,
  type PsaCompany,
  type PsaContract,
  type PsaContractKind,
  type PsaProduct,
  type PsaQuantityNow,
  type PsaReadScope,
  type PsaTarget,
  type PushStep,
  type StepOutcome,
} from '../../../core/psa';
import { refKey } from '../../../core/reconcile';
import { AUTO_CREATE_PRODUCT_PREFIX } from '../../../core/targets';
import { AutotaskClient, chunk, IN_CHUNK, type AutotaskProblem, type Filter } from './client';
import { USE_TYPE } from './schemas';
import type { AutotaskConfig } from './config';
import { AutotaskCreator, serviceBody, type Created } from './create';
import { decideCharge, decideQuantity, lineKeyOf, type Decision } from './decide';
import { addMonthsIso, previousMonthStart } from './dates';
import {
  billingCodeSchema,
  chargeSchema,
  companySchema,
  contractSchema,
  serviceSchema,
  unitSchema,
  type AtBillingCode,
  type AtCharge,
  type AtContract,
  type AtService,
  type AtUnit,
} from './schemas';

/** Keys per OR group when looking charges up by line key (Autotask: at most 500 OR conditions). */
const KEYS_PER_QUERY = 450;

const uniqNums = (xs: Iterable<string | number>): number[] =>
  [...new Set([...xs].map(Number).filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b);

/** Steps that could not be decided because Autotask did not answer usably; anything else is a bug: it goes on up. */
function failAll(steps: readonly PushStep[], err: unknown): StepOutcome[] {
  if (!(err instanceof PsaError) && !(err instanceof HttpTransportError)) throw err;
  const message = err.message;
  const status = err instanceof PsaError ? err.status : undefined;
  const retryable =
    err instanceof HttpTransportError || status === undefined || status === 429 || status >= 500;
  return steps.map(() => ({ status: 'failed', message, retryable }));
}

/** Requests one step may take in one push: the units, then the price, then one read-back to confirm. */
const MAX_PASSES = 3;

/** A step's outcome over its passes: what landed is kept in the message of a later pass. */
function merge(before: StepOutcome | undefined, now: StepOutcome): StepOutcome {
  if (!before || before.status !== 'applied') return now;
  // Read back unchanged: the record's own id (an added service's contract service, not the adjustment that
  // added it: F10), the id a later read reports.
  if (now.status === 'unchanged') return { ...before, psaId: now.psaId };
  if (now.status === 'applied')
    return { ...now, message: `${before.message}; ${now.message.replace(/^Autotask saved /, '')}` };
  return { ...now, message: `${before.message}, but then: ${now.message}` };
}

export class AutotaskTarget implements PsaTarget, CreatesProducts {
  readonly id = 'autotask';
  readonly displayName = 'Autotask';
  readonly client: AutotaskClient;
  private readonly creatorImpl: AutotaskCreator;
  private codes: AtBillingCode[] | null = null;
  /**
   * Services read during this execution's push, by id and by 'sku:<lower-case SKU>'; ids Autotask does not
   * have are remembered as null. A push's batches use the same few services: each is read once, not once
   * per batch (found by the bench: those re-reads were ~1 % of a large push's requests). A SKU not found
   * is remembered as missing for billing codes only: before creating a service the SKU is always looked
   * for again, so a service whose creation timed out is found, not created twice.
   */
  private readonly serviceCache = new Map<string, AtService | null>();
  private readonly missingSkus = new Set<string>();

  constructor(
    readonly config: AutotaskConfig,
    http: HttpClient,
    mutations: HttpClient = http,
  ) {
    this.client = new AutotaskClient(config, http, mutations);
    this.creatorImpl = new AutotaskCreator(this.client, config);
  }

  /** The create-missing helper (also used by the tenant check's probes). */
  creator(): AutotaskCreator {
    return this.creatorImpl;
  }

  /** Records Autotask sent that could not be read (reported, never dropped silently). */
  get problems(): readonly AutotaskProblem[] {
    return this.client.problems;
  }

  // ---------------------------------------------------------------- connection

  testConnection(): { ok: boolean; message: string } {
    let base: string;
    try {
      base = this.client.base();
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : 'Autotask could not be reached' };
    }
    const view = (entity: string, permission: string) => ({
      permission,
      req: this.client.request('post', `${entity}/query`, {
        MaxRecords: 1,
        IncludeFields: ['id'],
        filter: [{ op: 'gte', field: 'id', value: 0 }],
      }),
    });
    // Updates are probed with a PATCH of record 0, which does not exist: a permission refusal comes first.
    const edit = (path: string, permission: string) => ({
      permission,
      req: this.client.request('patch', path, { id: 0 }),
    });
    const probes = [
      view('Companies', 'view companies'),
      view('Contracts', 'view contracts'),
      view('ContractServices', 'view contracts'),
      view('ContractServiceUnits', 'view contracts'),
      view('ContractCharges', 'view contracts'),
      view('Services', 'view services'),
      view('BillingCodes', 'view services'),
      edit('Contracts/0/Charges', 'update contracts'),
      edit('Contracts/0/Services', 'update contracts'),
      edit('Services', 'update services'),
    ];
    let responses;
    try {
      responses = this.client.readAll(probes.map((p) => p.req));
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : 'Autotask could not be reached' };
    }
    if (responses.some((r) => r.status === 401)) {
      return { ok: false, message: 'Autotask rejected the API user name, secret or integration code (401)' };
    }
    if (responses.every((r) => r.status === 500)) {
      return {
        ok: false,
        message: `Autotask answered every request with an error (${this.client.describe(responses[0])}). Autotask answers 500, not 401, when the integration code (API tracking identifier) or the API user name is wrong: check both.`,
      };
    }
    const missing = new Set<string>();
    responses.forEach((r, i) => {
      const denied =
        r.status === 403 ||
        (r.status >= 400 && /permission|not authori[sz]ed|access/i.test(this.client.messages(r)));
      const broken = probes[i].req.method === 'post' && r.status !== 200 && !denied;
      if (denied || broken) missing.add(probes[i].permission);
    });
    if (missing.size === 0)
      return { ok: true, message: `Connected to Autotask (${base.replace(/\/V1\.0\/$/i, '')})` };
    return {
      ok: false,
      message: `Connected to Autotask, but the API user's security level is missing: ${[...missing].join(', ')}. BillGrid needs to view companies, and to view and update contracts and services.`,
    };
  }

  // ---------------------------------------------------------------- lists for mapping

  listCompanies(): PsaCompany[] {
    return this.client
      .queryAll('Companies', [[{ op: 'gte', field: 'id', value: 0 }]], companySchema, [
        'id',
        'companyName',
        'isActive',
        'companyNumber',
      ])
      .map((c) => ({
        id: String(c.id),
        name: c.companyName,
        active: c.isActive !== false,
        ...(c.companyNumber ? { code: c.companyNumber } : {}),
      }));
  }

  listProducts(): PsaProduct[] {
    return this.services([[{ op: 'eq', field: 'isActive', value: true }]]).map((s) => ({
      id: String(s.id),
      name: s.name,
      code: s.sku ?? '',
      unitPrice: s.unitPrice ?? null,
      unitCost: s.unitCost ?? null,
    }));
  }

  /** The service apply() would use for each 'new:' SKU: the lowest id with that SKU, any case. */
  findProducts(wanted: readonly { sku: string; name: string }[]): Map<string, PsaProduct> {
    const found = this.cachedServices([], [...new Set(wanted.map((w) => w.sku))], true);
    const out = new Map<string, PsaProduct>();
    for (const w of wanted) {
      const s = found.get(`sku:${w.sku.toLowerCase()}`);
      if (s)
        out.set(w.sku, {
          id: String(s.id),
          name: s.name,
          code: s.sku ?? '',
          unitPrice: s.unitPrice ?? null,
          unitCost: s.unitCost ?? null,
        });
    }
    return out;
  }

  listContracts(companyIds: string[]): PsaContract[] {
    const { recurringService, fixedPrice } = this.config.contractTypes;
    const filters: Filter[][] = chunk(uniqNums(companyIds), IN_CHUNK).map((ids) => [
      { op: 'in', field: 'companyID', value: ids },
      { op: 'in', field: 'contractType', value: [recurringService, fixedPrice] },
      { op: 'eq', field: 'status', value: this.config.activeContractStatus },
    ]);
    if (!filters.length) return [];
    return this.client.queryAll('Contracts', filters, contractSchema).map((c) => this.toContract(c));
  }

  listCodes(): PsaCodeLists {
    // Autotask has no GL accounts or tax codes per line; its billing (allocation) codes play that role.
    // Only the codes BillGrid can use, each list of one use type (F2): Material codes for charges (the
    // default item), Service codes for the services BillGrid creates; labour, expense and internal-time
    // codes are left out.
    const active = this.billingCodes().filter((c) => c.isActive !== false);
    const of = (useType: number, kind: string) =>
      active
        .filter((c) => c.useType === useType)
        .map((c) => ({ id: String(c.id), name: `${c.name} (${kind})` }));
    return {
      incomeAccounts: [],
      expenseAccounts: [],
      taxCodes: [],
      itemCodes: of(USE_TYPE.material, 'material code'),
      serviceCodes: of(USE_TYPE.service, 'service code'),
    };
  }

  /** The id as an active billing code of that use type, or null. */
  private codeOfType(id: string | number | null | undefined, useType: number): number | null {
    if (id === null || id === undefined || !/^\d+$/.test(String(id))) return null;
    const code = this.billingCodes().find((b) => b.id === Number(id));
    return code && code.isActive !== false && code.useType === useType ? code.id : null;
  }

  /** A Service code for a service BillGrid creates: the chosen code, else the configured default. */
  serviceCodeFor(chosen: string | number | null | undefined): number | null {
    return (
      this.codeOfType(chosen, USE_TYPE.service) ??
      this.codeOfType(this.config.defaultBillingCodeId, USE_TYPE.service)
    );
  }

  private toContract(c: AtContract): PsaContract {
    const kind: PsaContractKind =
      c.contractType === this.config.contractTypes.fixedPrice ? 'fixed-price' : 'recurring-service';
    return {
      id: String(c.id),
      companyId: String(c.companyID),
      name: c.contractName,
      kind,
      startDate: c.startDate,
      endDate: c.endDate ?? null,
    };
  }

  private billingCodes(): AtBillingCode[] {
    this.codes ??= this.client.queryAll(
      'BillingCodes',
      [[{ op: 'gte', field: 'id', value: 0 }]],
      billingCodeSchema,
    );
    return this.codes;
  }

  private services(filters: Filter[][]): AtService[] {
    return filters.length ? this.client.queryAll('Services', filters, serviceSchema) : [];
  }

  // ---------------------------------------------------------------- reconcile read

  readBilling(scope: PsaReadScope): PsaBillingState {
    const contractIds = uniqNums(scope.contractIds);
    const keys = [...new Set(scope.lineKeys.filter((k) => LINE_KEY_PATTERN.test(k)))];
    const contracts = this.contracts(contractIds);
    // With readNextMonth, the rows in force on the first day of each contract's next billing period too (a
    // change deferred to it): the 1st of the next month, or of the next quarter or year (F6).
    const nextDay = scope.readNextMonth ? addMonthsIso(scope.periodEnd, 0, 1) : null;
    const periods = nextDay ? this.contractPeriods(contracts, scope.periodEnd) : new Map<number, Period>();
    const nextOf = (contractId: number): string | null =>
      nextDay === null ? null : (periods.get(contractId)?.next ?? nextDay);
    let lastNext = nextDay;
    for (const p of periods.values()) if (lastNext !== null && p.next > lastNext) lastNext = p.next;
    const rows = contractIds.length
      ? this.client.queryAll(
          'ContractServiceUnits',
          chunk(contractIds, IN_CHUNK).map((ids) => [
            { op: 'in', field: 'contractID', value: ids },
            { op: 'lte', field: 'startDate', value: lastNext ?? scope.periodEnd },
            { op: 'gte', field: 'endDate', value: scope.periodEnd },
          ]),
          unitSchema,
        )
      : [];
    const quantities = new Map<number, PsaQuantityNow>();
    const byService = new Map<number, AtUnit[]>();
    for (const r of rows)
      byService.set(r.contractServiceID, [...(byService.get(r.contractServiceID) ?? []), r]);
    for (const list of byService.values()) {
      const now = unitRowInForce(list, scope.periodEnd);
      const from = nextOf(list[0].contractID);
      const later = from ? unitRowInForce(list, from) : null;
      // A service added from the 1st of the next month has no row in the period itself: 0 units there.
      const r = now ?? later;
      if (!r) continue;
      const c = contracts.get(r.contractID);
      if (!c) continue;
      quantities.set(r.contractServiceID, {
        ref: {
          kind: 'quantity',
          companyId: String(c.companyID),
          contractId: String(r.contractID),
          productId: String(r.serviceID),
        },
        psaId: String(r.contractServiceID),
        ...valuesOf(now),
        ...(nextDay ? { next: valuesOf(later) } : {}),
      });
    }
    const found = this.chargesByKey(keys);
    const missing = uniqNums(
      [...found.values()].map((l) => l[0].contractID).filter((id) => !contracts.has(id)),
    );
    for (const [id, c] of this.contracts(missing)) contracts.set(id, c);
    const charges: PsaChargeNow[] = [];
    for (const [key, list] of found) {
      const c = list[0];
      const contract = contracts.get(c.contractID);
      charges.push({
        ref: {
          kind: 'charge',
          companyId: contract ? String(contract.companyID) : '',
          container: String(c.contractID),
          lineKey: key,
        },
        psaId: String(c.id),
        quantity: c.unitQuantity,
        unitPrice: c.unitPrice ?? 0,
        unitCost: c.unitCost ?? 0,
        description: c.description ?? '',
        date: c.datePurchased,
        ...(c.isBilled === true ? { invoiced: true } : {}),
      });
    }
    return {
      quantities: [...quantities.values()],
      charges,
      ...(periods.size
        ? {
            contractPeriods: Object.fromEntries(
              [...periods].map(([id, p]) => [String(id), { start: p.start, next: p.next }]),
            ),
          }
        : {}),
    };
  }

  /** Months per billing period of each contract period type value, from the tenant's picklist labels. */
  private periodLengths: Map<number, number> | null = null;

  /**
   * Each recurring-service contract's billing period holding `date` (F6/F9): Autotask bills a contract per
   * its contract period type (Monthly, Quarterly, Semi-Annual, Yearly), periods counted from the 1st of the
   * contract's start month. A type BillGrid cannot read the length of is taken as monthly (the tenant
   * check's contract-periods probe names such contracts).
   */
  private contractPeriods(contracts: Map<number, AtContract>, date: string): Map<number, Period> {
    const out = new Map<number, Period>();
    if (![...contracts.values()].some((c) => typeof c.contractPeriodType === 'number')) return out;
    if (!this.periodLengths) {
      const field = this.client
        .entityFields('Contracts')
        .fields.find((f) => f.name.toLowerCase() === 'contractperiodtype');
      this.periodLengths = new Map();
      for (const v of field?.picklistValues ?? []) {
        const months = periodMonthsOf(v.label);
        if (months !== null && /^\d+$/.test(v.value)) this.periodLengths.set(Number(v.value), months);
      }
    }
    for (const c of contracts.values()) {
      if (c.contractType !== this.config.contractTypes.recurringService) continue;
      const months = this.periodLengths.get(c.contractPeriodType ?? -1);
      if (months === undefined) continue;
      out.set(c.id, periodHolding(c.startDate, months, date));
    }
    return out;
  }

  private contracts(ids: number[]): Map<number, AtContract> {
    if (!ids.length) return new Map();
    const list = this.client.queryAll(
      'Contracts',
      chunk(ids, IN_CHUNK).map((c) => [{ op: 'in', field: 'id', value: c }]),
      contractSchema,
    );
    return new Map(list.map((c) => [c.id, c]));
  }

  /**
   * Line keys of the last chargesByKey call whose charge Autotask holds but BillGrid cannot read: such a
   * line must not get a second charge (see decide).
   */
  private unreadableCharges = new Map<string, string>();

  /** Charges whose name carries one of the keys, grouped by key, lowest id first. */
  private chargesByKey(keys: string[]): Map<string, AtCharge[]> {
    const out = new Map<string, AtCharge[]>();
    this.unreadableCharges = new Map();
    if (!keys.length) return out;
    const wanted = new Set(keys);
    const problemsBefore = this.client.problems.length;
    const filters: Filter[][] = chunk(keys, KEYS_PER_QUERY).map((part) => [
      { op: 'or', items: part.map((k): Filter => ({ op: 'contains', field: 'name', value: k })) },
    ]);
    for (const c of this.client.queryAll('ContractCharges', filters, chargeSchema)) {
      const key = lineKeyOf(c.name);
      if (!key || !wanted.has(key)) continue;
      const list = out.get(key);
      if (list) list.push(c);
      else out.set(key, [c]);
    }
    for (const p of this.client.problems.slice(problemsBefore)) {
      const key = p.entity === 'ContractCharges' && p.name ? lineKeyOf(p.name) : null;
      if (key && wanted.has(key)) this.unreadableCharges.set(key, p.message);
    }
    return out;
  }

  // ---------------------------------------------------------------- push

  apply(step: PushStep): StepOutcome {
    return this.applyAll([step])[0];
  }

  /**
   * Applies steps with one batched read per entity type (re-read just before sending) and one request per
   * entity that must change. Steps that hit the same target go in later rounds so each reads fresh state.
   * A step whose request may leave more to do (units, then the price) goes round again: read back, decide
   * again from what Autotask holds (F5), at most MAX_PASSES requests per step.
   */
  applyAll(steps: readonly PushStep[]): StepOutcome[] {
    const outcomes: StepOutcome[] = new Array<StepOutcome>(steps.length);
    let rest = steps.map((s, i) => ({ s, i, pass: 0 }));
    while (rest.length) {
      const seen = new Set<string>();
      const round: typeof rest = [];
      const later: typeof rest = [];
      for (const x of rest) {
        const k = refKey(x.s.ref);
        (seen.has(k) ? later : round).push(x);
        seen.add(k);
      }
      const res = this.applyRound(round.map((x) => x.s));
      round.forEach((x, j) => {
        const { outcome, again } = res[j];
        outcomes[x.i] = merge(outcomes[x.i], outcome);
        if (again && x.pass + 1 < MAX_PASSES) later.push({ ...x, pass: x.pass + 1 });
      });
      rest = later;
    }
    return outcomes;
  }

  private applyRound(steps: readonly PushStep[]): Array<{ outcome: StepOutcome; again: boolean }> {
    let decisions: Decision[];
    try {
      decisions = this.decide(steps);
    } catch (err) {
      return failAll(steps, err).map((outcome) => ({ outcome, again: false }));
    }
    // Each step of a round targets a different entity, so their writes may go out together.
    const sends = decisions.flatMap((d) => (d.kind === 'send' ? [d] : []));
    const results = this.client.mutateAll(sends);
    let next = 0;
    return decisions.map((d) => {
      if (d.kind === 'fail')
        return { outcome: { status: 'failed', message: d.message, retryable: d.retryable }, again: false };
      if (d.kind === 'unchanged')
        return { outcome: { status: 'unchanged', psaId: d.psaId, message: d.message }, again: false };
      const r = results[next++];
      if (!r.ok)
        return { outcome: { status: 'failed', message: r.message, retryable: r.retryable }, again: false };
      const psaId = d.psaId ?? String(r.id);
      return {
        outcome: { status: 'applied', psaId, message: `Autotask saved ${d.what}` },
        again: d.settles === false,
      };
    });
  }

  private decide(steps: readonly PushStep[]): Decision[] {
    const noService = new Map<number, string>();
    const serviceIds = this.resolveServices(steps, noService);
    // Units in force on each quantity step's effective date.
    const q = steps.flatMap((s, i) =>
      s.ref.kind === 'quantity' && serviceIds[i] !== null ? [{ s, i }] : [],
    );
    let rows: AtUnit[] = [];
    if (q.length) {
      const dates = q.map((x) => x.s.after.effectiveDate).sort();
      const contracts = uniqNums(q.map((x) => (x.s.ref.kind === 'quantity' ? x.s.ref.contractId : 0)));
      const services = uniqNums(q.map((x) => serviceIds[x.i] as number));
      const filters: Filter[][] = [];
      for (const cs of chunk(contracts, 200)) {
        for (const ss of chunk(services, 250)) {
          filters.push([
            { op: 'in', field: 'contractID', value: cs },
            { op: 'in', field: 'serviceID', value: ss },
            { op: 'lte', field: 'startDate', value: dates[dates.length - 1] },
            { op: 'gte', field: 'endDate', value: dates[0] },
          ]);
        }
      }
      rows = this.client.queryAll('ContractServiceUnits', filters, unitSchema);
    }
    const chargeSteps = steps.filter((s) => s.ref.kind === 'charge');
    const found = this.chargesByKey(chargeSteps.map((s) => (s.ref.kind === 'charge' ? s.ref.lineKey : '')));
    const needCode = chargeSteps.filter((s) => s.ref.kind === 'charge' && !found.has(s.ref.lineKey));
    const codeOf = this.billingCodeResolver(needCode);

    return steps.map((s, i): Decision => {
      if (s.ref.kind === 'quantity') {
        const serviceId = serviceIds[i];
        const why = noService.get(i);
        if (why) return { kind: 'fail', retryable: false, message: why };
        if (serviceId === null) {
          return {
            kind: 'fail',
            retryable: false,
            message: `'${s.ref.productId}' is not an Autotask service`,
          };
        }
        const contractId = Number(s.ref.contractId);
        if (!Number.isInteger(contractId)) {
          return {
            kind: 'fail',
            retryable: false,
            message: `'${s.ref.contractId}' is not an Autotask contract id`,
          };
        }
        const eff = s.after.effectiveDate;
        const row = unitRowInForce(
          rows.filter((r) => r.contractID === contractId && r.serviceID === serviceId),
          eff,
        );
        return decideQuantity(s, contractId, serviceId, row);
      }
      const unreadable = this.unreadableCharges.get(s.ref.lineKey);
      if (unreadable) {
        return {
          kind: 'fail',
          retryable: false,
          message: `Autotask already has a charge for this line that BillGrid cannot read (${unreadable}); correct or delete it in Autotask, then push again`,
        };
      }
      const list = found.get(s.ref.lineKey) ?? [];
      return decideCharge(s, list, list.length ? null : codeOf(s), this.config);
    });
  }

  /** Service id per step (null for charges or when unknown); 'new:SKU' products are found by SKU or created. */
  private resolveServices(steps: readonly PushStep[], failures: Map<number, string>): Array<number | null> {
    const skus = [
      ...new Set(
        steps.flatMap((s) =>
          s.ref.kind === 'quantity' && s.ref.productId.startsWith(AUTO_CREATE_PRODUCT_PREFIX)
            ? [s.ref.productId.slice(AUTO_CREATE_PRODUCT_PREFIX.length)]
            : [],
        ),
      ),
    ];
    const bySku = new Map<string, number>();
    for (const [k, svc] of this.cachedServices([], skus, true)) bySku.set(k.slice('sku:'.length), svc.id);
    return steps.map((s, i) => {
      if (s.ref.kind !== 'quantity') return null;
      const p = s.ref.productId;
      if (!p.startsWith(AUTO_CREATE_PRODUCT_PREFIX))
        return Number.isInteger(Number(p)) && p !== '' ? Number(p) : null;
      const sku = p.slice(AUTO_CREATE_PRODUCT_PREFIX.length);
      const known = bySku.get(sku.toLowerCase());
      if (known !== undefined) return known;
      // The code for new services; an item code saved when it was offered for both still serves.
      const code =
        this.codeOfType(s.codes?.serviceCode, USE_TYPE.service) ?? this.serviceCodeFor(s.codes?.itemCode);
      if (code === null) {
        failures.set(
          i,
          `Autotask needs a Service billing code to create the service '${s.after.productName || sku}': choose the code for new services in Defaults`,
        );
        return null;
      }
      const period = this.creator().servicePeriodFor(s.after.cycle);
      if (typeof period === 'string') {
        failures.set(i, period);
        return null;
      }
      const r = this.client.mutate(
        'post',
        'Services',
        serviceBody(this.config, {
          name: s.after.productName || sku,
          sku,
          unitPrice: s.after.unitPrice,
          unitCost: s.after.unitCost,
          billingCodeId: code,
          periodType: period,
        }),
        `the new service '${s.after.productName || sku}'`,
      );
      if (!r.ok) throw new PsaError(r.message, r.status);
      bySku.set(sku.toLowerCase(), r.id);
      this.serviceCache.set(`sku:${sku.toLowerCase()}`, {
        id: r.id,
        name: s.after.productName || sku,
        sku,
        unitPrice: s.after.unitPrice,
        unitCost: s.after.unitCost,
        billingCodeID: code,
      });
      return r.id;
    });
  }

  /** Services by id and by 'sku:<lower-case SKU>', read from Autotask only when not read before in this push. */
  private cachedServices(
    ids: readonly number[],
    skus: readonly string[],
    forCreate: boolean,
  ): Map<string, AtService> {
    const wantIds = uniqNums(ids).filter((id) => !this.serviceCache.has(String(id)));
    const wantSkus = [...new Set(skus.map((k) => k.toLowerCase()))].filter(
      (k) => !this.serviceCache.get(`sku:${k}`) && (forCreate || !this.missingSkus.has(k)),
    );
    const filters: Filter[][] = [
      ...chunk(wantIds, IN_CHUNK).map((p): Filter[] => [{ op: 'in', field: 'id', value: p }]),
      ...chunk(wantSkus, IN_CHUNK).map((p): Filter[] => [{ op: 'in', field: 'sku', value: p }]),
    ];
    for (const svc of this.services(filters)) {
      this.serviceCache.set(String(svc.id), svc);
      // Lowest id first (queryAll sorts by id): the first service with a SKU keeps it.
      const k = svc.sku ? `sku:${svc.sku.toLowerCase()}` : null;
      if (k && !this.serviceCache.get(k)) this.serviceCache.set(k, svc);
    }
    for (const id of wantIds) if (!this.serviceCache.has(String(id))) this.serviceCache.set(String(id), null);
    for (const k of wantSkus) if (!this.serviceCache.get(`sku:${k}`)) this.missingSkus.add(k);
    const out = new Map<string, AtService>();
    for (const key of [...ids.map(String), ...skus.map((k) => `sku:${k.toLowerCase()}`)]) {
      const svc = this.serviceCache.get(key);
      if (svc) out.set(key, svc);
    }
    return out;
  }

  /**
   * Material billing code for a new charge: the mapped product when it is a material code (or a service
   * carrying one), the default item code when it is one, else the connection's material code.
   */
  private billingCodeResolver(steps: readonly PushStep[]): (s: PushStep) => number | null {
    const ids = uniqNums(
      steps.flatMap((s) => [s.after.productId ?? '', s.codes?.itemCode ?? ''].filter((x) => /^\d+$/.test(x))),
    );
    const skus = steps.flatMap((s) =>
      s.after.productId?.startsWith(AUTO_CREATE_PRODUCT_PREFIX)
        ? [s.after.productId.slice(AUTO_CREATE_PRODUCT_PREFIX.length)]
        : [],
    );
    const byKey = this.cachedServices(ids, skus, false);
    return (s) => {
      const p = s.after.productId ?? '';
      const viaSku = p.startsWith(AUTO_CREATE_PRODUCT_PREFIX)
        ? `sku:${p.slice(AUTO_CREATE_PRODUCT_PREFIX.length).toLowerCase()}`
        : p;
      return this.codeFromIds([viaSku, s.codes?.itemCode ?? null], byKey);
    };
  }

  private codeFromIds(candidates: Array<string | null>, services: Map<string, AtService>): number | null {
    const material = (id: string | number | null | undefined) => this.codeOfType(id, USE_TYPE.material);
    for (const c of candidates) {
      if (!c) continue;
      const svc = services.get(c);
      const code = svc ? material(svc.billingCodeID) : material(c);
      if (code !== null) return code;
    }
    return material(this.config.materialCodeId) ?? material(this.config.defaultBillingCodeId);
  }

  // ---------------------------------------------------------------- create missing (P22), see create.ts

  createCompany(input: { name: string; phone?: string }): Created {
    return this.creatorImpl.createCompany(input);
  }

  createService(input: {
    name: string;
    sku: string;
    unitPrice: number;
    unitCost: number;
    billingCodeId: string | number;
  }): Created {
    return this.creatorImpl.createService(input, (id) => this.serviceCodeFor(id));
  }

  createContract(input: {
    companyId: string;
    name: string;
    kind: 'recurring-service' | 'fixed-price';
    startDate: string;
    endDate?: string;
  }): Created {
    return this.creatorImpl.createContract(input);
  }

  /** CreatesContracts: a contract that starts then bills the month without proration (see below). */
  contractStartFor(monthStart: string): string {
    return previousMonthStart(monthStart);
  }

  addContractService(input: {
    contractId: string;
    serviceId: string;
    unitPrice: number;
    unitCost: number;
  }): Created {
    return this.creatorImpl.addContractService(input);
  }
}

/**
 * The unit row in force on a date. Autotask ends a row ON the next adjustment's effective date, so two rows
 * can contain it: the one that started last (the newest on a tie) holds the units from that date on. Taking
 * the older one would resend an adjustment that already landed.
 */
interface Period {
  start: string;
  next: string;
}

/** Months in a contract period type by its label ('Monthly' 1, 'Quarterly' 3, 'Semi-Annual' 6, 'Yearly' 12). */
export function periodMonthsOf(label: string): number | null {
  const l = label.trim().toLowerCase();
  if (/^month/.test(l)) return 1;
  if (/^quarter/.test(l)) return 3;
  if (/^(semi|half)/.test(l)) return 6;
  if (/^(year|annual)/.test(l)) return 12;
  return null;
}

/** The period of `months` months holding `date`, counted from the 1st of the month `start` falls in. */
export function periodHolding(start: string, months: number, date: string): Period {
  const index = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
  const k = Math.max(0, Math.floor((index(date) - index(start)) / months));
  const first = addMonthsIso(`${start.slice(0, 7)}-01`, k * months);
  return { start: first, next: addMonthsIso(first, months) };
}

export function unitRowInForce(rows: readonly AtUnit[], date: string): AtUnit | null {
  let best: AtUnit | null = null;
  for (const r of rows) {
    if (r.startDate > date || r.endDate < date) continue;
    if (!best || r.startDate > best.startDate || (r.startDate === best.startDate && r.id > best.id)) best = r;
  }
  return best;
}

/** A unit row's units, price and cost; none in force (the contract ends) reads as 0 units. */
const valuesOf = (r: AtUnit | null) => ({
  quantity: r?.units ?? 0,
  unitPrice: r?.price ?? 0,
  unitCost: r?.cost ?? 0,
});

/** The 1st of the month before the first usage: a contract that starts there bills that usage without proration. */
export const contractStartFor = previousMonthStart;
