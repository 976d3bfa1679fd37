/**
 * BillGrid's Kaseya BMS PSA target.
 *
 * Quantities live on recurring-services contracts as service lines (`Units` of a service). BMS's published
 * API adds lines (POST …/recurringservices/{contractId}/services) but documents no way to read a contract's
 * lines back or to change a line's units. Both are probed, not assumed:
 *  - reading: GET /v2/finance/contracts/{id} (seen in a public client). Where it is missing, BillGrid keeps
 *    convergence from its own record of the lines it created (line-record.ts) and says so on every step;
 *  - changing: PUT …/recurringservices/{contractId}/services/{lineId}. Where it is missing, a line whose
 *    units differ is reported with the units to set by hand; a second line is never added.
 * Usage and one-off charges are refused with the reason (SOURCES.md): BMS's API has no charge endpoint, and a
 * service line recurs every billing cycle and takes whole units only.
 */
import { RateLimitWait, type HttpClient } from '../../../core/http';
import {
  PsaError,
  type CreatesProducts,
  type PsaBillingState,
  type PsaCapabilities,
  type PsaCodeLists,
  type PsaCompany,
  type PsaContract,
  type PsaProduct,
  type PsaQuantityNow,
  type PsaReadScope,
  type PsaTarget,
  type PushStep,
  type SourceCustomerParent,
  type StepOutcome,
} from '../../../core/psa';
import { refKey } from '../../../core/reconcile';
import { AUTO_CREATE_PRODUCT_PREFIX } from '../../../core/targets';
import { BmsClient, type ApiCall, type BmsAnswer, type BmsProblem, type ClientDeps } from './client';
import type { KaseyaBmsConfig } from './config';
import { lineKey, type LineRecord, type LineRecordStore, type TenantFacts } from './line-record';
import { KEPT_READS_MS, type KeptContract, type KeptReads } from './kept-reads';
import { importOrganizationMappings } from './org-mappings';
import type { ClientMapping } from '../../../core/mapping';
import {
  accountSchema,
  contractDetailSchema,
  contractLookupSchema,
  contractSummarySchema,
  createdContractSchema,
  k1StatusSchema,
  mappingRowSchema,
  moduleOrganizationSchema,
  moduleSchema,
  serviceLineSchema,
  serviceSchema,
  type BmsAccount,
  type BmsService,
  type BmsServiceLine,
} from './schemas';

export const CHARGE_REFUSED =
  "Kaseya BMS's API has no way to add a usage or one-off charge to a contract, and a contract service recurs every billing cycle in whole units, so BillGrid does not push this line to BMS: bill it in BMS by hand (or map it to a recurring service)";

export const KASEYA_BMS_CAPABILITIES: PsaCapabilities = {
  quantityTargets: true,
  chargeContainer: 'contract',
  // A service line of 0 units bills nothing: none is added.
  addsZeroQuantities: false,
  // Charges are held when the month is compared (Review shows why), and refused again if a step names one.
  chargesRefused: CHARGE_REFUSED,
};

export const NO_READ_WARNING =
  "This Kaseya BMS tenant's API cannot read a contract's services back; BillGrid compares with its own record of the lines it added or changed. A service line added or changed in BMS by hand is not seen: keep module-billed services to BillGrid, or check the contract in BMS";

export interface KaseyaBmsDeps extends ClientDeps {
  /** Client for creates and changes (never replays blindly); defaults to the read client. */
  mutations?: HttpClient;
  /** BillGrid's record of the lines it created, needed where the tenant cannot read lines back. */
  lineStore?: LineRecordStore;
  /** What was learnt about the tenant's API (read/update routes), kept between executions. */
  facts?: TenantFacts;
  /** Contract reads kept a few minutes for comparisons that allow it (kept-reads.ts); none: always read. */
  keptReads?: KeptReads;
}

/** A contract's lines as read now: null when this tenant cannot read them; undefined when BMS has no such contract. */
type ContractLines = {
  /** When BMS was read (ms since the epoch). */
  at: number;
  accountId: string;
  name: string;
  lines: BmsServiceLine[];
  /** Lines BMS sent that BillGrid could not read: their service id when it is readable. */
  unreadable: Array<{ serviceId: number | null; message: string }>;
};

type Decision =
  | { kind: 'fail'; message: string; retryable: boolean }
  | { kind: 'unchanged'; psaId: string; message: string }
  | {
      kind: 'send';
      call: ApiCall;
      /** Line id for a PUT; null for a POST (BMS gives it). */
      lineId: number | null;
      key: string;
      record: Omit<LineRecord, 'state' | 'at' | 'lineId'>;
      what: string;
      fromRecord: boolean;
    };

/** Outcome of a read-only check of an assumption against the tenant (the registry's ProbeResult). */
export interface ProbeOutcome {
  status: 'confirmed' | 'differs' | 'unchecked';
  detail: string;
}

/** One organisation a KaseyaOne module maps to a BMS account (for the Clients mapping). */
export interface BmsOrganizationMapping {
  accountId: string;
  accountName: string;
  accountActive: boolean;
  moduleId: string;
  organizationId: string;
  organizationName: string;
  parentId: string | null;
}

/**
 * How long a contract read by this instance may serve a write to it without reading it again (see lastRead).
 * A push compares and then applies within one execution under the document lock, so no other BillGrid run can
 * add a line meanwhile; a person or BMS's own sync could, in this minute as in the moment between any read and
 * its write.
 */
export const LINES_FRESH_MS = 60_000;

const int = (s: string): number | null => (/^\d+$/.test(s) ? Number(s) : null);
const day = (v: string | null | undefined): string => (v ?? '').slice(0, 10);

/** A contract's quantities by service, as kept (kept-reads.ts) and as a comparison sees them. */
function keptOf(c: ContractLines): KeptContract {
  const byService = new Map<number, BmsServiceLine[]>();
  for (const l of c.lines) byService.set(l.ServiceId, [...(byService.get(l.ServiceId) ?? []), l]);
  const q: KeptContract['q'] = [];
  for (const [serviceId, ls] of byService) {
    // Two lines of one service bill both: the comparison sees their sum (apply refuses to pick one).
    const units = ls.reduce((n, l) => n + l.Units, 0);
    q.push([String(serviceId), String(ls[0].Id), units, ls[0].UnitPrice, ls[0].UnitCost]);
  }
  return { at: c.at, a: c.accountId, q };
}

export class KaseyaBmsTarget implements PsaTarget, CreatesProducts {
  readonly id = 'kaseya-bms';
  readonly displayName = 'Kaseya BMS';
  readonly capabilities = KASEYA_BMS_CAPABILITIES;
  readonly client: BmsClient;
  /** Said once per instance, for the run's summary. */
  readonly warnings: string[] = [];
  private readonly lineStore: LineRecordStore | undefined;
  /** Whether this tenant answers GET /v2/finance/contracts/{id} with its lines; null until tried. */
  private canReadLines: boolean | null = null;
  /** Whether this tenant accepts a PUT of a line's units; null until tried. */
  private canUpdateLines: boolean | null = null;
  private accountsCache: BmsAccount[] | null = null;
  /** Services found or created for auto-created products in this execution, by lower-case name. */
  private readonly newServices = new Map<string, string>();
  /**
   * Contracts as this instance last read them (readBilling, or a round of apply), with when: a push applies
   * its steps right after comparing, and the comparison's read of a contract serves its first write if it
   * is younger than LINES_FRESH_MS. Any write to a contract drops its entry, so a second write reads again.
   */
  private readonly lastRead = new Map<string, { at: number; lines: ContractLines }>();
  private readonly now: () => number;
  private readonly kept: KeptReads | undefined;

  constructor(
    readonly config: KaseyaBmsConfig,
    http: HttpClient,
    deps: KaseyaBmsDeps = {},
  ) {
    this.client = new BmsClient(config, http, deps.mutations ?? http, deps);
    this.lineStore = deps.lineStore;
    this.facts = deps.facts;
    this.canReadLines = deps.facts?.get('lineRead') ?? null;
    this.canUpdateLines = deps.facts?.get('lineUpdate') ?? null;
    this.now = deps.now ?? (() => Date.now());
    this.kept = deps.keptReads;
  }

  private readonly facts: TenantFacts | undefined;

  private learn(name: 'lineRead' | 'lineUpdate', value: boolean): void {
    if (name === 'lineRead') this.canReadLines = value;
    else this.canUpdateLines = value;
    if (this.facts?.get(name) !== value) this.facts?.put(name, value);
  }

  /**
   * After BillGrid's pacer held a call back (the hourly limit of an endpoint is used up): how long until the
   * next clock hour, when the ledger counts from zero again; 0 otherwise. A push continues then.
   */
  resumeInMs(): number {
    const until = this.client.pausedUntil;
    return until === null ? 0 : Math.max(0, until - this.now()) + 5_000;
  }

  get problems(): readonly BmsProblem[] {
    return this.client.problems;
  }

  /** What this tenant was found to support so far (null: not tried yet). */
  get lineSupport(): { read: boolean | null; update: boolean | null } {
    return { read: this.canReadLines, update: this.canUpdateLines };
  }

  // ---------------------------------------------------------------- connection

  testConnection(): { ok: boolean; message: string } {
    try {
      this.client.token();
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : 'Kaseya BMS could not be reached' };
    }
    const probes: Array<{ need: string; call: ApiCall }> = [
      {
        need: 'view accounts',
        call: { method: 'get', path: '/v2/crm/accounts/summary', query: { PageSize: 1, PageNumber: 1 } },
      },
      {
        need: 'view contracts',
        call: { method: 'get', path: '/v2/finance/contracts/summary', query: { PageSize: 1, PageNumber: 1 } },
      },
      {
        need: 'view services',
        call: {
          method: 'post',
          path: '/v2/admin/finance/services/search',
          body: { PageSize: 1, PageNumber: 1 },
        },
      },
    ];
    let answers: BmsAnswer[];
    try {
      answers = this.client.readAll(probes.map((p) => p.call));
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : 'Kaseya BMS could not be reached' };
    }
    const missing = probes.filter((_, i) => answers[i].kind !== 'ok').map((p) => p.need);
    if (missing.length) {
      const why = answers.find((a) => a.kind !== 'ok');
      return {
        ok: false,
        message: `Signed in to Kaseya BMS, but the user may not ${missing.join(', ')} (${why ? this.client.describe(why) : ''})`,
      };
    }
    return {
      ok: true,
      message: `Connected to Kaseya BMS (${this.client.host}, company ${this.config.tenant})`,
    };
  }

  // ---------------------------------------------------------------- lists for mapping

  private accounts(): BmsAccount[] {
    this.accountsCache ??= this.client.parseEach(
      'Account',
      this.client.pages('accounts', '/v2/crm/accounts/summary'),
      accountSchema,
    );
    return this.accountsCache;
  }

  listCompanies(): PsaCompany[] {
    return this.accounts().map((a) => ({
      id: String(a.Id),
      name: a.AccountName,
      active: a.IsActive,
      ...(a.AccountCode ? { code: a.AccountCode } : {}),
    }));
  }

  listProducts(): PsaProduct[] {
    const raws = this.client.pages('services', '/v2/admin/finance/services/search', {
      body: { Filter: { IsActive: 1 } },
    });
    return this.client
      .parseEach('Service', raws, serviceSchema)
      .filter((s) => s.IsActive)
      .map((s) => ({
        id: String(s.Id),
        name: s.Name,
        // BMS services have no SKU; the name is what people search by.
        code: '',
        unitPrice: s.UnitPrice,
        unitCost: s.UnitCost,
      }));
  }

  /**
   * Recurring-services contracts of the given accounts. The summary names the account but carries no id:
   * names that two accounts share are resolved with the lookup by account id instead.
   */
  listContracts(companyIds: string[]): PsaContract[] {
    const wanted = new Set(companyIds);
    if (!wanted.size) return [];
    const accounts = this.accounts();
    const byName = new Map<string, BmsAccount[]>();
    for (const a of accounts) {
      const k = a.AccountName.trim().toLowerCase();
      byName.set(k, [...(byName.get(k) ?? []), a]);
    }
    const summaries = this.client
      .parseEach(
        'Contract',
        this.client.pages('contracts', '/v2/finance/contracts/summary'),
        contractSummarySchema,
      )
      .filter((c) => /recurring/i.test(c.ContractType ?? ''));
    const out: PsaContract[] = [];
    const ambiguous = new Set<string>();
    for (const c of summaries) {
      const owners = byName.get((c.AccountName ?? '').trim().toLowerCase()) ?? [];
      if (owners.length > 1) {
        for (const o of owners) if (wanted.has(String(o.Id))) ambiguous.add(String(o.Id));
        continue;
      }
      if (owners.length === 1 && wanted.has(String(owners[0].Id)))
        out.push(this.toContract(c, String(owners[0].Id)));
    }
    if (ambiguous.size) {
      const ids = [...ambiguous];
      const answers = this.client.readAll(
        ids.map((id) => ({
          method: 'get' as const,
          path: '/v2/finance/contracts/lookup',
          query: { AccountId: id },
        })),
      );
      const byId = new Map(summaries.map((c) => [c.Id, c]));
      answers.forEach((a, i) => {
        if (a.kind !== 'ok') throw this.client.fail(a, 'contracts');
        for (const l of this.client.parseEach(
          'Contract',
          this.client.records(a.result, 'contracts'),
          contractLookupSchema,
        )) {
          const c = byId.get(l.Id);
          if (c) out.push(this.toContract(c, ids[i]));
        }
      });
    }
    return out.sort((a, b) => Number(a.id) - Number(b.id));
  }

  private toContract(
    c: { Id: number; ContractName: string; StartDate: string; EndDate?: string | null },
    companyId: string,
  ): PsaContract {
    return {
      id: String(c.Id),
      companyId,
      name: c.ContractName,
      kind: 'recurring-service',
      startDate: day(c.StartDate),
      endDate: c.EndDate ? day(c.EndDate) : null,
    };
  }

  listCodes(): PsaCodeLists {
    // BMS services carry their own income/expense accounts; nothing to choose per line.
    return { incomeAccounts: [], expenseAccounts: [], taxCodes: [], itemCodes: [] };
  }

  // ---------------------------------------------------------------- KaseyaOne organisation mappings

  /** Whether the tenant is connected to KaseyaOne, and its modules (IT Complete products). */
  kaseyaOne(): { connected: boolean; modules: Array<{ id: string; name: string }> } {
    const [status, modules] = this.client.readAll([
      { method: 'get', path: '/v2/admin/k1/status' },
      { method: 'get', path: '/v2/admin/k1/modules' },
    ]);
    if (status.kind !== 'ok') throw this.client.fail(status, 'the KaseyaOne status');
    const s = k1StatusSchema.safeParse(status.result);
    if (!s.success) throw new PsaError('Kaseya BMS answered the KaseyaOne status with something unreadable');
    if (modules.kind !== 'ok') throw this.client.fail(modules, 'the KaseyaOne modules');
    const list = this.client.parseEach(
      'Module',
      this.client.records(modules.result, 'modules'),
      moduleSchema,
    );
    return { connected: s.data.IsConnected, modules: list.map((m) => ({ id: String(m.Id), name: m.Name })) };
  }

  /**
   * The organisation mappings made on BMS's Organization Mapping page, one row per mapped organisation,
   * for BillGrid to import as confirmed client mappings (one account ← many organisations).
   */
  organizationMappings(
    moduleIds: string[],
    filter: { accountName?: string; accountCode?: string; active?: boolean } = {},
  ): BmsOrganizationMapping[] {
    const ids = moduleIds.map(Number).filter((n) => Number.isInteger(n));
    if (!ids.length) return [];
    const raws = this.client.pages('organisation mappings', '/v2/admin/k1/organizationmappings/search', {
      body: {
        Filter: {
          SourceProductIds: ids,
          ...(filter.accountName ? { AccountName: filter.accountName } : {}),
          ...(filter.accountCode ? { AccountCode: filter.accountCode } : {}),
          ...(filter.active === undefined ? {} : { IsActive: filter.active ? 1 : 0 }),
        },
      },
    });
    const out: BmsOrganizationMapping[] = [];
    for (const row of this.client.parseEach('Organisation mapping', raws, mappingRowSchema)) {
      for (const m of row.OrganizationMappings ?? []) {
        for (const o of m.SourceOrganizations ?? []) {
          out.push({
            accountId: String(row.AccountId),
            accountName: row.AccountName,
            accountActive: row.IsActive,
            moduleId: String(m.SourceProductId),
            organizationId: o.Id,
            organizationName: o.Name,
            parentId: o.ParentId ?? null,
          });
        }
      }
    }
    return out;
  }

  /**
   * Each sub-organisation of the given modules with its parent organisation, as BMS's Organization Mapping
   * page lists them ("organization (both parent and child) IDs", seed 002): one paged read per module.
   */
  organizationParents(
    moduleIds: string[],
  ): Array<{ moduleId: string; organizationId: string; parentId: string; parentName: string }> {
    const out: Array<{ moduleId: string; organizationId: string; parentId: string; parentName: string }> = [];
    for (const moduleId of moduleIds) {
      const raws = this.client.pages('module organisations', '/v2/admin/k1/organizationmappings', {
        query: { SourceProductId: moduleId },
      });
      for (const o of this.client.parseEach('Module organisation', raws, moduleOrganizationSchema)) {
        for (const c of o.SubOrganizations ?? []) {
          if (c.SourceOrganizationId === o.SourceOrganizationId) continue;
          out.push({
            moduleId,
            organizationId: c.SourceOrganizationId,
            parentId: o.SourceOrganizationId,
            parentName: o.SourceOrganizationName || o.SourceOrganizationId,
          });
        }
      }
    }
    return out;
  }

  /**
   * The Clients mapping's share of BMS's KaseyaOne organisation mappings (ImportsClientMappings): modules
   * are matched to BillGrid's sources by name (the module "Datto RMM" is the source of that name). A tenant
   * not connected to KaseyaOne has none; a read that fails is a problem, and refresh carries on without.
   * The modules' sub-organisations come with their parents, so Clients nests them as BMS's page does.
   */
  importClientMappings(
    sources: readonly { id: string; displayName: string }[],
    existing: readonly ClientMapping[],
  ): { mappings: ClientMapping[]; problems: string[]; parents: SourceCustomerParent[] } {
    const moduleSources: Record<string, string> = {};
    let imported: { mappings: ClientMapping[]; problems: string[] };
    try {
      const k1 = this.kaseyaOne();
      if (!k1.connected) return { mappings: [], problems: [], parents: [] };
      for (const m of k1.modules) {
        const s = sources.find((x) => x.displayName.trim().toLowerCase() === m.name.trim().toLowerCase());
        if (s) moduleSources[m.id] = s.id;
      }
      if (!Object.keys(moduleSources).length) return { mappings: [], problems: [], parents: [] };
      const r = importOrganizationMappings(
        this.organizationMappings(Object.keys(moduleSources)),
        moduleSources,
        existing,
      );
      imported = { mappings: r.mappings, problems: r.conflicts };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return {
        mappings: [],
        problems: [`Kaseya BMS organisation mappings were not imported: ${why}`],
        parents: [],
      };
    }
    try {
      const parents = this.organizationParents(Object.keys(moduleSources)).map((p) => ({
        source: moduleSources[p.moduleId],
        customerId: p.organizationId,
        parentId: p.parentId,
        parentName: p.parentName,
      }));
      return { ...imported, parents };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return {
        ...imported,
        problems: [
          ...imported.problems,
          `Kaseya BMS's organisations and sub-organisations could not be read (Clients shows them unnested): ${why}`,
        ],
        parents: [],
      };
    }
  }

  /**
   * Writes one account's mapping for one module back to BMS (the page saves the whole selection, so the
   * organisations given replace the account's current ones for that module). Sent only when it differs.
   */
  saveOrganizationMapping(input: {
    accountId: string;
    moduleId: string;
    organizations: Array<{ id: string; name: string; parentId: string | null }>;
  }): StepOutcome {
    const current = this.organizationMappings([input.moduleId]).filter(
      (m) => m.accountId === input.accountId,
    );
    const same =
      current.length === input.organizations.length &&
      input.organizations.every((o) => current.some((c) => c.organizationId === o.id));
    if (same)
      return { status: 'unchanged', psaId: input.accountId, message: 'The BMS mapping already says this' };
    const a = this.client.write({
      method: 'post',
      path: '/v2/admin/k1/organizationmappings',
      body: {
        AccountId: Number(input.accountId),
        SourceProductId: Number(input.moduleId),
        SourceOrganizations: input.organizations.map((o) => ({
          Id: o.id,
          Name: o.name,
          ParentId: o.parentId,
        })),
      },
    });
    if (a.kind === 'ok')
      return {
        status: 'applied',
        psaId: input.accountId,
        message: 'Kaseya BMS saved the organisation mapping',
      };
    return {
      status: 'failed',
      // Saving a mapping replaces it: sending it again cannot duplicate anything.
      retryable: a.kind === 'lost' || (a.kind === 'refused' && a.code === 429),
      message: `Kaseya BMS did not save the organisation mapping (${this.client.describe(a)})`,
    };
  }

  // ---------------------------------------------------------------- contracts BillGrid creates

  /**
   * A recurring-services contract for an account. Its name carries `reference` (BillGrid's key), and the
   * contract is looked for by that name first, so a create whose answer was lost is found, not repeated.
   */
  createContract(input: {
    companyId: string;
    name: string;
    reference: string;
    startDate: string;
    endDate?: string;
  }): {
    id: string;
    created: boolean;
  } {
    const name = input.name.includes(input.reference) ? input.name : `${input.name} (${input.reference})`;
    const found = this.client.read({
      method: 'get',
      path: '/v2/finance/contracts/lookup',
      query: { AccountId: input.companyId, Name: input.reference },
    });
    if (found.kind !== 'ok') throw this.client.fail(found, 'contracts');
    const existing = this.client
      .parseEach('Contract', this.client.records(found.result, 'contracts'), contractLookupSchema)
      .find((c) => c.Name.includes(input.reference));
    if (existing) return { id: String(existing.Id), created: false };
    const a = this.client.write({
      method: 'post',
      path: '/v2/finance/contracts/recurringservices',
      body: {
        ContractName: name,
        AccountId: Number(input.companyId),
        ReferenceNumber: input.reference,
        BillingCycleId: this.config.billingCycleId,
        StartDate: `${input.startDate}T00:00:00`,
        ...(input.endDate ? { EndDate: `${input.endDate}T00:00:00` } : {}),
        Services: [],
      },
    });
    if (a.kind !== 'ok')
      throw new PsaError(`Kaseya BMS did not create the contract (${this.client.describe(a)})`);
    const c = createdContractSchema.safeParse(a.result);
    if (!c.success) throw new PsaError('Kaseya BMS created the contract but did not say which it is');
    return { id: String(c.data.Id), created: true };
  }

  /**
   * A CRM account for a client BMS does not have yet. Looked for by name first, so a create whose answer was
   * lost is found, not repeated. BMS requires an account manager, account type and business type.
   */
  createCompany(input: { name: string }): { id: string; created: boolean } {
    const name = input.name.trim();
    const existing = this.findAccount(name);
    if (existing) return { id: String(existing.Id), created: false };
    const { accountManagerId, accountTypeId, businessTypeId } = this.config;
    if (!accountManagerId || !accountTypeId || !businessTypeId)
      throw new PsaError(
        'Kaseya BMS needs an account manager, account type and business type for new accounts: set them in the Kaseya BMS connection',
      );
    const a = this.client.write({
      method: 'post',
      path: '/v2/crm/accounts',
      body: {
        AccountName: name,
        AccountManagerId: accountManagerId,
        AccountTypeId: accountTypeId,
        BusinessTypeId: businessTypeId,
        IsActive: true,
        Locations: [{ LocationName: 'Main', IsMain: true, IsActive: true, Addresses: [] }],
      },
    });
    if (a.kind !== 'ok')
      throw new PsaError(`Kaseya BMS did not create the account (${this.client.describe(a)})`);
    const created = accountSchema.safeParse(a.result);
    if (!created.success) throw new PsaError('Kaseya BMS created the account but did not say which it is');
    this.accountsCache = null;
    return { id: String(created.data.Id), created: true };
  }

  private findAccount(name: string): BmsAccount | null {
    const raws = this.client.pages('accounts', '/v2/crm/accounts/summary', {
      query: { 'Filter.AccountName': name },
    });
    return (
      this.client
        .parseEach('Account', raws, accountSchema)
        .find((a) => a.AccountName.trim().toLowerCase() === name.toLowerCase()) ?? null
    );
  }

  /** A catalogue service by exact name (case-insensitive), created when missing. */
  createService(input: { name: string; description: string; unitPrice: number; unitCost: number }): {
    id: string;
    created: boolean;
  } {
    const name = input.name.trim();
    const found = this.findService(name);
    if (found !== null) return { id: String(found), created: false };
    const a = this.client.write({
      method: 'post',
      path: '/v2/admin/finance/services/services',
      body: {
        Name: name,
        Description: input.description,
        UnitPrice: input.unitPrice,
        UnitCost: input.unitCost,
        IsActive: true,
      },
    });
    if (a.kind !== 'ok')
      throw new PsaError(`Kaseya BMS did not create the service '${name}' (${this.client.describe(a)})`);
    const s = serviceSchema.safeParse(a.result);
    if (!s.success)
      throw new PsaError(`Kaseya BMS created the service '${name}' but did not say which it is`);
    return { id: String(s.data.Id), created: true };
  }

  private findService(name: string): number | null {
    return this.serviceNamed(name)?.Id ?? null;
  }

  private serviceNamed(name: string): BmsService | undefined {
    const raws = this.client.pages('services', '/v2/admin/finance/services/search', {
      body: { Filter: { Name: name } },
    });
    return this.client
      .parseEach('Service', raws, serviceSchema)
      .filter((x) => x.Name.trim().toLowerCase() === name.toLowerCase())
      .sort((a, b) => a.Id - b.Id)[0];
  }

  /** The service apply() would use for each 'new:' SKU: the one named as the product (BMS services have no SKU). */
  findProducts(wanted: readonly { sku: string; name: string }[]): Map<string, PsaProduct> {
    const out = new Map<string, PsaProduct>();
    for (const w of wanted) {
      const hit = this.serviceNamed((w.name || w.sku).trim());
      if (hit)
        out.set(w.sku, {
          id: String(hit.Id),
          name: hit.Name,
          code: '',
          unitPrice: hit.UnitPrice,
          unitCost: hit.UnitCost,
        });
    }
    return out;
  }

  /**
   * Steps whose product is 'new:SKU' (auto-create mode) get the service of that name, found or created. What
   * a name resolved to serves the rest of this execution's batches (a 20,000-line push searched the
   * catalogue for the same three names in each of its 47 batches); a service deleted in BMS meanwhile makes
   * the line's POST fail, never a second service.
   */
  private resolveNewServices(steps: readonly PushStep[]): PushStep[] {
    const made = this.newServices;
    return steps.map((s) => {
      if (s.ref.kind !== 'quantity' || !s.ref.productId.startsWith(AUTO_CREATE_PRODUCT_PREFIX)) return s;
      const sku = s.ref.productId.slice(AUTO_CREATE_PRODUCT_PREFIX.length);
      const name = s.after.productName || sku;
      let id = made.get(name.toLowerCase());
      if (!id) {
        id = this.createService({
          name,
          description: sku,
          unitPrice: s.after.unitPrice,
          unitCost: s.after.unitCost,
        }).id;
        made.set(name.toLowerCase(), id);
      }
      return { ...s, ref: { ...s.ref, productId: id } };
    });
  }

  // ---------------------------------------------------------------- reading lines

  /**
   * Lines of each contract: a Map entry per contract BMS has (absent: no such contract), or null when this
   * tenant cannot read lines at all. Each read is kept (kept-reads.ts) unless `keep` is false (apply keeps
   * its reads itself, after its writes). Where BillGrid's pacer held reads back (the hour's limit), the
   * reads that were made are kept first, then RateLimitWait is thrown: a continuation reads only the rest.
   */
  private readLines(contractIds: string[], reuse = false, keep = true): Map<string, ContractLines> | null {
    if (this.canReadLines === false) return null;
    const out = new Map<string, ContractLines>();
    const wanted = [...new Set(contractIds.filter((id) => int(id) !== null))];
    const now = this.now();
    const ids = wanted.filter((id) => {
      const kept = reuse ? this.lastRead.get(id) : undefined;
      if (kept && now - kept.at >= 0 && now - kept.at < LINES_FRESH_MS) {
        out.set(id, kept.lines);
        return false;
      }
      return true;
    });
    if (!ids.length) return out;
    const answers = this.client.readAll(
      ids.map((id) => ({ method: 'get' as const, path: `/v2/finance/contracts/${id}` })),
    );
    if (answers.some((a) => a.kind === 'no-route')) {
      this.learn('lineRead', false);
      if (!this.warnings.includes(NO_READ_WARNING)) this.warnings.push(NO_READ_WARNING);
      return null;
    }
    // BillGrid's pacer held some back: the caller waits for the next hour (a push continues then).
    const paced = answers.find((a) => BmsClient.isPaced(a));
    const read = new Map<string, ContractLines>();
    answers.forEach((a, i) => {
      if (BmsClient.isPaced(a) || (a.kind === 'refused' && a.code === 404)) return;
      if (a.kind !== 'ok') throw this.client.fail(a, `contract ${ids[i]}`);
      const c = contractDetailSchema.safeParse(a.result);
      if (!c.success) throw new PsaError(`Kaseya BMS answered contract ${ids[i]} with something unreadable`);
      this.learn('lineRead', true);
      const raws = c.data.Services ?? [];
      const before = this.client.problems.length;
      const lines = this.client.parseEach('Contract service', raws, serviceLineSchema);
      const good = new Set(lines.map((l) => l.Id));
      const bad = raws.filter((r) => {
        const rid = (r as { Id?: unknown } | null)?.Id;
        return !(typeof rid === 'number' && good.has(rid));
      });
      read.set(ids[i], {
        at: now,
        accountId:
          c.data.AccountId === null || c.data.AccountId === undefined ? '' : String(c.data.AccountId),
        name: c.data.ContractName,
        lines,
        unreadable: bad.map((r, k) => {
          const sid = (r as { ServiceId?: unknown } | null)?.ServiceId;
          return {
            serviceId: typeof sid === 'number' ? sid : null,
            message: this.client.problems[before + k]?.message ?? 'unreadable',
          };
        }),
      });
    });
    for (const [id, c] of read) {
      out.set(id, c);
      this.lastRead.set(id, { at: now, lines: c });
    }
    if (keep) this.keep(read, now);
    if (paced) throw new RateLimitWait(this.client.describe(paced), this.resumeInMs());
    return out;
  }

  /** Keeps these contracts as read (or as read and then written) for later comparisons (kept-reads.ts). */
  private keep(contracts: ReadonlyMap<string, ContractLines>, now: number): void {
    if (!this.kept || !contracts.size) return;
    const q = new Map<string, KeptContract>();
    for (const [id, c] of contracts) q.set(id, keptOf(c));
    this.kept.put(q, now);
  }

  readBilling(scope: PsaReadScope): PsaBillingState {
    // A comparison that only shows or approves may answer from contracts read a few minutes ago, and a
    // push's continuation from what the push read and wrote since it began.
    const now = this.now();
    const since = scope.pushBeganAt;
    const reuse =
      since !== undefined && since <= now
        ? now - since + 1
        : Math.min(scope.recentReadsMs ?? 0, KEPT_READS_MS);
    const kept =
      this.kept && reuse > 0 && this.canReadLines !== false
        ? this.kept.get(scope.contractIds, reuse, now)
        : new Map<string, KeptContract>();
    const lines = this.readLines(scope.contractIds.filter((id) => !kept.has(id)));
    const quantities: PsaQuantityNow[] = [];
    if (lines) {
      const read = [...lines].map(([contractId, c]): [string, KeptContract] => [contractId, keptOf(c)]);
      for (const [contractId, k] of [...kept, ...read]) {
        for (const [productId, psaId, quantity, unitPrice, unitCost] of k.q) {
          quantities.push({
            ref: { kind: 'quantity', companyId: k.a, contractId, productId },
            psaId,
            quantity,
            unitPrice,
            unitCost,
          });
        }
      }
    } else if (this.lineStore) {
      // No read path: what BillGrid itself saved (a 'sent' line is left out; apply blocks it).
      const wanted = new Set(scope.contractIds);
      for (const [key, r] of this.lineStore.entries()) {
        const [contractId, serviceId] = key.split('/');
        if (!wanted.has(contractId) || r.state !== 'saved' || r.lineId === null) continue;
        quantities.push({
          ref: { kind: 'quantity', companyId: r.companyId, contractId, productId: serviceId },
          psaId: String(r.lineId),
          quantity: r.units,
          unitPrice: r.unitPrice,
          unitCost: r.unitCost,
        });
      }
    }
    return { quantities, charges: [] };
  }

  // ---------------------------------------------------------------- push

  apply(step: PushStep): StepOutcome {
    return this.applyAll([step])[0];
  }

  /** Steps on distinct targets go out together; a second step on the same target waits for the next round. */
  applyAll(steps: readonly PushStep[]): StepOutcome[] {
    const outcomes = new Array<StepOutcome>(steps.length);
    let rest = steps.map((s, i) => ({ s, i }));
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
      round.forEach((x, j) => (outcomes[x.i] = res[j]));
      rest = later;
    }
    return outcomes;
  }

  private applyRound(given: readonly PushStep[]): StepOutcome[] {
    let steps: readonly PushStep[];
    try {
      steps = this.resolveNewServices(given);
    } catch (err) {
      const message = err instanceof Error ? err.message : 'Kaseya BMS could not be read';
      return given.map(() => ({ status: 'failed', message, retryable: true }));
    }
    const contracts = steps.flatMap((s) => (s.ref.kind === 'quantity' ? [s.ref.contractId] : []));
    let lines: Map<string, ContractLines> | null;
    try {
      lines = contracts.length ? this.readLines(contracts, true, false) : new Map<string, ContractLines>();
    } catch (err) {
      const message = err instanceof Error ? err.message : 'Kaseya BMS could not be read';
      // Held back by the hourly limit: nothing was sent, the push continues after the hour.
      const later = err instanceof RateLimitWait ? { continueLater: true } : {};
      return steps.map(() => ({ status: 'failed', message, retryable: true, ...later }));
    }
    let decisions = steps.map((s) => this.decide(s, lines));
    if (lines === null) {
      try {
        decisions = this.guardUnseenLines(decisions);
      } catch (err) {
        const message = err instanceof Error ? err.message : 'Kaseya BMS could not be read';
        return steps.map(() => ({ status: 'failed', message, retryable: true }));
      }
    }
    const sends = decisions.flatMap((d) => (d.kind === 'send' ? [d] : []));
    const written = [...new Set(sends.map((d) => d.key.split('/')[0]))];
    // A contract written to is read again before any later write to it.
    for (const id of written) this.lastRead.delete(id);
    // No comparison answers from a contract as it was before this write, or while its outcome is unknown:
    // it is kept again below only once BMS said every write to it was saved.
    if (written.length) this.kept?.drop(written, this.now());
    const stamp = new Date().toISOString();
    // Journal before sending (no read path only): a lost answer leaves 'sent', never a silent gap.
    if (this.lineStore) {
      for (const d of sends) {
        if (d.fromRecord && d.lineId === null)
          this.lineStore.put(d.key, { ...d.record, lineId: null, state: 'sent', at: stamp });
      }
    }
    const answers = this.client.writeAll(sends.map((d) => d.call));
    if (lines) this.keepAfterWrites(lines, sends, answers);
    let next = 0;
    return decisions.map((d): StepOutcome => {
      if (d.kind === 'fail') return { status: 'failed', message: d.message, retryable: d.retryable };
      if (d.kind === 'unchanged') return { status: 'unchanged', psaId: d.psaId, message: d.message };
      return this.settle(d, answers[next++], stamp);
    });
  }

  /**
   * After a round's writes: keeps each contract it read as read, with the writes BMS saved applied to it
   * (kept-reads.ts). A contract with a write whose answer was not a plain "saved" (lost, refused, a new line
   * whose id BMS did not give) is not kept: the next comparison reads it. A write BillGrid's pacer held
   * back was not sent and changes nothing.
   */
  private keepAfterWrites(
    lines: ReadonlyMap<string, ContractLines>,
    sends: ReadonlyArray<Extract<Decision, { kind: 'send' }>>,
    answers: readonly BmsAnswer[],
  ): void {
    if (!this.kept) return;
    const after = new Map<string, ContractLines | null>();
    for (const [id, c] of lines) after.set(id, { ...c, lines: [...c.lines] });
    sends.forEach((d, i) => {
      const [contractId, service] = d.key.split('/');
      const c = after.get(contractId);
      if (!c) return;
      const a = answers[i];
      // Held back by BillGrid's pacer: nothing was sent, the contract is as read.
      if (a && BmsClient.isPaced(a)) return;
      const saved = a?.kind === 'ok' ? serviceLineSchema.safeParse(a.result) : null;
      const lineId = d.lineId ?? (saved?.success ? saved.data.Id : null);
      if (a?.kind !== 'ok' || lineId === null) {
        after.set(contractId, null);
        return;
      }
      const { units, unitPrice, unitCost } = d.record;
      const others = c.lines.filter((l) => l.Id !== lineId);
      const was = c.lines.find((l) => l.Id === lineId);
      c.lines = [
        ...others,
        {
          ...(was ?? { ServiceName: '', ContractId: Number(contractId) }),
          Id: lineId,
          ServiceId: Number(service),
          Units: units,
          UnitPrice: unitPrice,
          UnitCost: unitCost,
        },
      ];
    });
    const keep = new Map<string, ContractLines>();
    for (const [id, c] of after) if (c) keep.set(id, c);
    this.keep(keep, this.now());
  }

  /**
   * Without a read path, a line is added only to a contract whose billing price (the summary's
   * ContractBillingPrice) is exactly what BillGrid's record accounts for: a contract that bills more has
   * services BillGrid cannot see, which may include this one, so nothing is added to it. The check can
   * only stop a request, never cause one.
   */
  private guardUnseenLines(decisions: Decision[]): Decision[] {
    const adds = decisions.flatMap((d) => (d.kind === 'send' && d.lineId === null ? [d] : []));
    if (!adds.length || !this.lineStore) return decisions;
    const ids = [...new Set(adds.map((d) => d.key.split('/')[0]))];
    const prices = this.billingPrices(ids);
    const recorded = new Map<string, number>();
    for (const [key, r] of this.lineStore.entries()) {
      const c = key.split('/')[0];
      if (r.state === 'saved')
        recorded.set(c, (recorded.get(c) ?? 0) + Math.round(r.units * r.unitPrice * 100));
    }
    return decisions.map((d): Decision => {
      if (d.kind !== 'send' || d.lineId !== null) return d;
      const contractId = d.key.split('/')[0];
      const price = prices.get(contractId);
      const mine = recorded.get(contractId) ?? 0;
      if (price === undefined || price === null)
        return { kind: 'fail', retryable: false, message: `Kaseya BMS has no contract ${contractId}` };
      if (Math.round(price * 100) === mine) return d;
      return {
        kind: 'fail',
        retryable: false,
        message: `Contract ${contractId} bills ${price.toFixed(2)} in Kaseya BMS, of which BillGrid's own record accounts for ${(mine / 100).toFixed(2)}: it has services this BMS's API cannot show, possibly this one, so BillGrid did not add ${d.what}. Add or change it in BMS by hand`,
      };
    });
  }

  /** Each contract's ContractBillingPrice (summary), found by the name its lookup gives; null when absent. */
  private billingPrices(contractIds: string[]): Map<string, number | null> {
    const out = new Map<string, number | null>();
    const looked = this.client.read({
      method: 'get',
      path: '/v2/finance/contracts/lookup',
      query: { Ids: contractIds.join(',') },
    });
    if (looked.kind !== 'ok') throw this.client.fail(looked, 'contracts');
    const names = this.client.parseEach(
      'Contract',
      this.client.records(looked.result, 'contracts'),
      contractLookupSchema,
    );
    const answers = this.client.readAll(
      names.map((c) => ({
        method: 'get' as const,
        path: '/v2/finance/contracts/summary',
        query: { 'Filter.ContractName': c.Name, PageSize: this.config.pageSize, PageNumber: 1 },
      })),
    );
    answers.forEach((a, i) => {
      if (a.kind !== 'ok') throw this.client.fail(a, 'contracts');
      const rows = this.client.parseEach(
        'Contract',
        this.client.records(a.result, 'contracts'),
        contractSummarySchema,
      );
      const row = rows.find((r) => r.Id === names[i].Id);
      out.set(String(names[i].Id), row?.ContractBillingPrice ?? null);
    });
    return out;
  }

  private settle(d: Extract<Decision, { kind: 'send' }>, a: BmsAnswer, stamp: string): StepOutcome {
    const note = d.fromRecord
      ? " (compared with BillGrid's own record: this BMS cannot read contract services back)"
      : '';
    if (a.kind === 'ok') {
      const line = serviceLineSchema.safeParse(a.result);
      if (d.lineId !== null) this.learn('lineUpdate', true);
      const lineId = d.lineId ?? (line.success ? line.data.Id : null);
      // The record serves a tenant that cannot read lines back; where reads work it would only grow (a
      // 20,000-line month's records outgrew the document properties' 500 KB).
      if (this.canReadLines !== true || d.fromRecord)
        this.lineStore?.put(d.key, {
          ...d.record,
          lineId,
          state: lineId === null ? 'sent' : 'saved',
          at: stamp,
        });
      return {
        status: 'applied',
        psaId: lineId === null ? '' : String(lineId),
        message: `Kaseya BMS saved ${d.what}${note}`,
      };
    }
    if (a.kind === 'no-route' && d.lineId !== null) {
      // This tenant has no update of a line: say what to set by hand, never add a second line.
      this.learn('lineUpdate', false);
      return { status: 'failed', retryable: false, message: this.noUpdateMessage(d) };
    }
    // No answer, or a server error: the change may have been applied before BMS failed.
    const uncertain =
      a.kind === 'lost' || a.kind === 'unreadable' || (a.kind === 'refused' && a.status >= 500);
    if (uncertain) {
      const why =
        a.kind === 'lost'
          ? `did not answer while saving ${d.what} (${a.message})`
          : `failed while saving ${d.what} (${this.client.describe(a)})`;
      return {
        status: 'failed',
        retryable: true,
        message:
          d.fromRecord && d.lineId === null
            ? `Kaseya BMS ${why}; it may or may not have been added, and this BMS cannot read contract services back: check the contract in BMS before pushing again`
            : `Kaseya BMS ${why}; it may or may not have been saved - push again: BillGrid re-reads before sending`,
      };
    }
    // Refused: BMS did not act, so a 'sent' record made for this request is withdrawn.
    if (d.fromRecord && d.lineId === null) this.lineStore?.remove(d.key);
    // Held back by BillGrid's pacer (nothing sent): the push continues after the hour.
    if (BmsClient.isPaced(a))
      return { status: 'failed', retryable: true, continueLater: true, message: this.client.describe(a) };
    return {
      status: 'failed',
      retryable: a.kind === 'refused' && a.code === 429,
      message: `Kaseya BMS refused ${d.what}: ${this.client.describe(a)}`,
    };
  }

  private noUpdateMessage(d: { what: string; record: { units: number } }): string {
    return `This Kaseya BMS's API cannot change the units of a contract service that is already on the contract; set ${d.what} by hand in BMS (Finance > Contracts > the contract > Billing Information). BillGrid did not add a second line`;
  }

  private decide(s: PushStep, lines: Map<string, ContractLines> | null): Decision {
    if (s.ref.kind === 'charge') return { kind: 'fail', retryable: false, message: CHARGE_REFUSED };
    const { contractId, productId, companyId } = s.ref;
    const serviceId = int(productId);
    if (serviceId === null)
      return {
        kind: 'fail',
        retryable: false,
        message: `'${productId}' is not a Kaseya BMS service: map the product to a service of BMS's catalogue`,
      };
    if (int(contractId) === null)
      return { kind: 'fail', retryable: false, message: `'${contractId}' is not a Kaseya BMS contract id` };
    const units = s.after.quantity;
    if (!Number.isInteger(units) || units < 0)
      return {
        kind: 'fail',
        retryable: false,
        message: `Kaseya BMS keeps whole units on a contract service; ${units} is not a whole number of 0 or more`,
      };
    const key = lineKey(contractId, serviceId);
    const record = { companyId, units, unitPrice: s.after.unitPrice, unitCost: s.after.unitCost };
    const what = `${s.after.productName || `service ${serviceId}`} on contract ${contractId}: ${units} units at ${s.after.unitPrice}`;
    const post = (fromRecord: boolean): Decision => ({
      kind: 'send',
      lineId: null,
      key,
      record,
      what,
      fromRecord,
      call: {
        method: 'post',
        path: `/v2/finance/contracts/recurringservices/${contractId}/services`,
        body: [
          {
            ServiceId: serviceId,
            ...(s.after.productName ? { ServiceName: s.after.productName } : {}),
            Units: units,
            UnitCost: s.after.unitCost,
            UnitPrice: s.after.unitPrice,
            EffectiveDate: `${s.after.effectiveDate}T00:00:00`,
          },
        ],
      },
    });
    const change = (lineId: number, fromRecord: boolean): Decision => {
      if (this.canUpdateLines === false)
        return { kind: 'fail', retryable: false, message: this.noUpdateMessage({ what, record }) };
      return {
        kind: 'send',
        lineId,
        key,
        record,
        what,
        fromRecord,
        call: {
          method: 'put',
          path: `/v2/finance/contracts/recurringservices/${contractId}/services/${lineId}`,
          body: {
            Units: units,
            UnitCost: s.after.unitCost,
            UnitPrice: s.after.unitPrice,
            EffectiveDate: `${s.after.effectiveDate}T00:00:00`,
          },
        },
      };
    };
    const same = (u: number, p: number, c: number): boolean =>
      u === units && p === s.after.unitPrice && c === s.after.unitCost;

    if (lines) {
      const c = lines.get(contractId);
      if (!c) return { kind: 'fail', retryable: false, message: `Kaseya BMS has no contract ${contractId}` };
      const unreadable = c.unreadable.find((u) => u.serviceId === serviceId || u.serviceId === null);
      if (unreadable)
        return {
          kind: 'fail',
          retryable: false,
          message: `Contract ${contractId} has a service line BillGrid cannot read (${unreadable.message}); correct it in Kaseya BMS, then push again. Nothing was sent, so no second line was added`,
        };
      const mine = c.lines.filter((l) => l.ServiceId === serviceId);
      if (mine.length > 1)
        return {
          kind: 'fail',
          retryable: false,
          message: `Contract ${contractId} has ${mine.length} lines of service ${serviceId} in Kaseya BMS; BillGrid keeps one line per service: merge them in BMS, then push again`,
        };
      if (mine.length === 1) {
        const l = mine[0];
        if (same(l.Units, l.UnitPrice, l.UnitCost))
          return { kind: 'unchanged', psaId: String(l.Id), message: 'Kaseya BMS already bills this' };
        return change(l.Id, false);
      }
      if (units === 0)
        return { kind: 'unchanged', psaId: '', message: 'Nothing to bill and no line in Kaseya BMS' };
      return post(false);
    }
    // No read path: BillGrid's own record is the only memory of what it added.
    if (!this.lineStore)
      return {
        kind: 'fail',
        retryable: false,
        message:
          "This Kaseya BMS's API cannot read contract services back and BillGrid has no record store here, so it cannot tell whether this line is already on the contract; nothing was sent",
      };
    const r = this.lineStore.get(key);
    if (r?.state === 'sent' || (r && r.lineId === null))
      return {
        kind: 'fail',
        retryable: false,
        message: `BillGrid asked Kaseya BMS to add ${what} on ${r.at} but got no answer it could trust, and this BMS cannot read contract services back: check the contract in BMS, then confirm the line in BillGrid; nothing was sent again`,
      };
    if (r && r.lineId !== null) {
      if (same(r.units, r.unitPrice, r.unitCost))
        return {
          kind: 'unchanged',
          psaId: String(r.lineId),
          message: "Kaseya BMS bills this (BillGrid's own record)",
        };
      return change(r.lineId, true);
    }
    if (units === 0) return { kind: 'unchanged', psaId: '', message: 'Nothing to bill' };
    return post(true);
  }

  /**
   * After a person checked a line BillGrid sent without an answer (no read path): record the line as there
   * (with BMS's line id) or as not there, so the next push converges.
   */
  confirmLine(input: { contractId: string; serviceId: string; lineId: number | null }): void {
    if (!this.lineStore) return;
    const key = lineKey(input.contractId, input.serviceId);
    const r = this.lineStore.get(key);
    if (!r) return;
    if (input.lineId === null) this.lineStore.remove(key);
    else
      this.lineStore.put(key, { ...r, lineId: input.lineId, state: 'saved', at: new Date().toISOString() });
  }

  // ---------------------------------------------------------------- tenant checks (read-only)

  /** A contract id to probe with: the first of the summary's first page. */
  private anyContractId(): string | null {
    const a = this.client.read({
      method: 'get',
      path: '/v2/finance/contracts/summary',
      query: { PageSize: 1, PageNumber: 1 },
    });
    if (a.kind !== 'ok') throw this.client.fail(a, 'contracts');
    const first = this.client.parseEach(
      'Contract',
      this.client.records(a.result, 'contracts'),
      contractSummarySchema,
    )[0];
    return first ? String(first.Id) : null;
  }

  /** Does this tenant answer GET /v2/finance/contracts/{id} with the contract's services? */
  probeLineRead(): ProbeOutcome {
    const id = this.anyContractId();
    if (id === null) return { status: 'unchecked', detail: 'The tenant has no contract to read' };
    const a = this.client.read({ method: 'get', path: `/v2/finance/contracts/${id}` });
    if (a.kind === 'no-route')
      return {
        status: 'differs',
        detail: `GET /v2/finance/contracts/{id} does not exist here (${a.status}): BillGrid compares with its own record`,
      };
    if (a.kind !== 'ok') return { status: 'unchecked', detail: this.client.describe(a) };
    const c = contractDetailSchema.safeParse(a.result);
    if (!c.success || !Array.isArray(c.data.Services))
      return { status: 'differs', detail: 'The contract was read, but without its services' };
    this.learn('lineRead', true);
    return {
      status: 'confirmed',
      detail: `Contract ${id} was read with its ${c.data.Services.length} services`,
    };
  }

  /**
   * Does this tenant accept a PUT of a line's units? Asked of line 0, which does not exist, so nothing
   * changes: a bare 404 means no such route; BMS's own refusal ("not found") means the route is there.
   */
  probeLineUpdate(accountId?: string): ProbeOutcome {
    const id = accountId ? (this.listContracts([accountId])[0]?.id ?? null) : this.anyContractId();
    if (id === null)
      return {
        status: 'unchecked',
        detail: accountId
          ? `Account ${accountId} has no contract to ask about`
          : 'The tenant has no contract to ask about',
      };
    const a = this.client.write({
      method: 'put',
      path: `/v2/finance/contracts/recurringservices/${id}/services/0`,
      body: { Units: 0 },
    });
    if (a.kind === 'no-route') {
      this.learn('lineUpdate', false);
      return {
        status: 'differs',
        detail:
          'BMS has no update of a contract service here: changed units are reported for setting by hand',
      };
    }
    if (a.kind === 'refused' && a.code !== 429)
      return { status: 'confirmed', detail: `The route answers (${a.message})` };
    return { status: 'unchecked', detail: this.client.describe(a) };
  }

  /** Names an account from its id, for messages. */
  accountName(id: string): string | null {
    return this.accounts().find((a) => String(a.Id) === id)?.AccountName ?? null;
  }

  /** Whole list of a contract's lines, when this tenant can read them (null otherwise). */
  contractLines(contractId: string): BmsServiceLine[] | null {
    const m = this.readLines([contractId]);
    return m ? (m.get(contractId)?.lines ?? []) : null;
  }
}
