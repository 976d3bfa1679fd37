/**
 * Contracts (P22): which PSA contract each mapped customer's charges go to, linked once and remembered
 * in the Contracts tab; and "create missing in the PSA" — the company and/or its recurring-service
 * contract for a customer the PSA does not have yet (PSAs that can create them), recorded in the Clients and Contracts
 * tabs and the lookup tabs so the next pull and push use them at once.
 */
import { z } from 'zod';
import { isBillingMonth } from '../core/periods';
import type { PsaContract, PsaContractKind } from '../core/psa';
import { createsCompanies, createsContracts } from '../core/psa';
import { withDocumentLock } from '../platform/lock';
import { activeSpreadsheet } from '../platform/spreadsheet';
import type { Spreadsheet } from '../platform/spreadsheet';
import { connectedPsa, sourceNames } from '../jobs/connections';
import { loadSettings, runPush, saveSettings, scheduledMonth } from '../jobs/run';
import type { PushRunResult } from '../jobs/run';
import { readLookups, writeLookups } from '../sheets/lookups';
import { readMappings, writeMappings } from '../sheets/mappings';
import { listMonths, readGrid } from '../sheets/grid';
import { rememberLineLinks as rememberLinks } from '../sheets/line-links';
import type { LineLinksResult } from '../sheets/line-links';
import { MappingIndex, serviceMappingGap } from '../core/mapping';
import type { ContractMapping } from '../core/mapping';
import { nextScheduledSync } from './jobs';
import { parseArg, SidebarError } from './args';
import { apiContext } from './context';
import { requirePusher } from './rights';
import { psaCanCreate, soleRecurringContract } from './clients';

export interface ContractOption {
  id: string;
  name: string;
  kind: PsaContractKind;
}

export interface ContractLinkRow {
  source: string;
  sourceName: string;
  customerId: string;
  customerName: string;
  companyId: string;
  companyName: string;
  contractId: string | null;
  contractName: string | null;
  /** The company's contracts a person may pick. */
  candidates: ContractOption[];
  /**
   * The linked contract's own proration setting (F6): true prorates mid-period changes, false moves them to
   * the next period's first day; null follows the client's and the integration's settings and Defaults.
   */
  prorate: boolean | null;
}

export interface ContractsView {
  rows: ContractLinkRow[];
  /** The connected PSA can create missing companies and contracts from BillGrid. */
  canCreate: boolean;
}

const k = (a: string, b: string) => `${a}\u0000${b}`;

function contractsView(ss: Spreadsheet, canCreate: boolean): ContractsView {
  let own: NonNullable<ReturnType<typeof loadSettings>['contracts']> = {};
  try {
    own = loadSettings().contracts ?? {};
  } catch {
    // Unreadable settings: Defaults says so; the links are still shown.
  }
  const lookups = readLookups(ss);
  const mappings = readMappings(ss, lookups).mappings;
  const companyName = new Map((lookups?.companies ?? []).map((c) => [c.id, c.name]));
  const contracts = new Map((lookups?.contracts ?? []).map((c) => [c.id, c]));
  const names = sourceNames();
  const linked = new Map(
    mappings.contracts.filter((c) => c.subscriptionId === '').map((c) => [k(c.source, c.customerId), c]),
  );
  const rows: ContractLinkRow[] = [];
  for (const m of mappings.clients) {
    if (m.status === 'excluded' || !m.companyId) continue;
    const link = linked.get(k(m.source, m.customerId));
    const companyId = m.companyId;
    rows.push({
      source: m.source,
      sourceName: names[m.source] ?? m.source,
      customerId: m.customerId,
      customerName: m.customerName || m.customerId,
      companyId,
      companyName: companyName.get(companyId) ?? companyId,
      contractId: link?.contractId ?? null,
      contractName: link ? (contracts.get(link.contractId)?.name ?? link.contractId) : null,
      candidates: [...contracts.values()]
        .filter((c) => c.companyId === companyId && c.kind !== 'invoice')
        .map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
      prorate: link ? (own[link.contractId]?.prorate ?? null) : null,
    });
  }
  // Customers still without a contract first: they are what needs a person.
  rows.sort(
    (a, b) =>
      Number(a.contractId !== null) - Number(b.contractId !== null) ||
      a.customerName.localeCompare(b.customerName),
  );
  return { rows, canCreate };
}

export function listContractLinks(): ContractsView {
  return contractsView(activeSpreadsheet(), psaCanCreate());
}

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .min(1, { error: `${label} is missing` })
    .max(max, { error: `${label} is too long` });

export const linkInput = z.lazy(() =>
  z.object({
    source: text('Source', 40),
    customerId: text('Customer', 200),
    contractId: text('PSA contract', 100),
    /** One subscription's own contract (ApplicationLink's Subscription ID → Contract); left out = the customer's default. */
    subscriptionId: z.string().trim().max(200, { error: 'Subscription is too long' }).optional(),
  }),
);

/**
 * Link a customer's charges, or one subscription's, to one of its company's contracts (replacing the
 * previous link). A subscription's own link wins over the annual rule and the customer's default.
 */
export function linkContract(input: unknown): ContractsView {
  const a = parseArg(linkInput, input, 'Contract link');
  return withDocumentLock('linking a contract', () => {
    const ss = activeSpreadsheet();
    const lookups = readLookups(ss);
    const client = readMappings(ss, lookups).mappings.clients.find(
      (c) => c.source === a.source && c.customerId === a.customerId,
    );
    const contract = lookups?.contracts.find((c) => c.id === a.contractId);
    if (!client?.companyId) throw new SidebarError('Map the customer to a PSA company first (Clients).');
    if (!contract || contract.companyId !== client.companyId) {
      throw new SidebarError('That contract is not one of the mapped PSA company’s contracts.');
    }
    const subscriptionId = a.subscriptionId ?? '';
    const previous = readMappings(ss, lookups).mappings.contracts.find(
      (c) => c.source === a.source && c.customerId === a.customerId && c.subscriptionId === subscriptionId,
    );
    // Another contract for the same customer: a stopped sync stays stopped until someone resumes it.
    const kept = previous?.syncStopped ? { syncStopped: true } : {};
    writeMappings(
      ss,
      {
        contracts: [
          {
            source: a.source,
            customerId: a.customerId,
            subscriptionId,
            contractId: contract.id,
            ...kept,
          },
        ],
      },
      { lookups },
    );
    return contractsView(ss, psaCanCreate());
  });
}

export const contractProrateInput = z.lazy(() =>
  z.object({
    contractId: text('PSA contract', 100),
    /** 'inherit': the contract follows its client's, its integration's and the default setting. */
    prorate: z.enum(['on', 'off', 'inherit'], { error: "Proration must be 'on', 'off' or 'inherit'" }),
  }),
);

/**
 * One linked contract's proration (F6): on, a mid-period quantity change takes effect on its date and the PSA
 * prorates it; off, it waits for the first day of the contract's next billing period; inherit, as the client's
 * settings say. Kept in the billing settings by contract id; it wins over every other level.
 */
export function setContractProrate(input: unknown): ContractsView {
  const a = parseArg(contractProrateInput, input, 'Contract proration');
  return withDocumentLock('saving a contract’s proration', () => {
    const ss = activeSpreadsheet();
    const linked = readMappings(ss, readLookups(ss)).mappings.contracts.some(
      (c) => c.contractId === a.contractId,
    );
    if (!linked) throw new SidebarError('That contract is not linked to any customer (Contracts).');
    const settings = loadSettings();
    const contracts = { ...(settings.contracts ?? {}) };
    if (a.prorate === 'inherit') delete contracts[a.contractId];
    else contracts[a.contractId] = { prorate: a.prorate === 'on' };
    saveSettings({ ...settings, contracts });
    return contractsView(ss, psaCanCreate());
  });
}

export const createInput = z.lazy(() =>
  z.object({
    source: text('Source', 40),
    customerId: text('Customer', 200),
    customerName: text('Customer name', 200),
    /** The customer's PSA company when it already has one; null creates the company too. */
    companyId: text('PSA company', 100).nullable(),
    /** The billing month being worked on: the contract starts the month before (usage in arrears). */
    month: z.string().refine(isBillingMonth, { error: 'Billing month must look like 2026-10' }).nullable(),
    /** A fixed-price contract holds the customer's annual subscriptions; left out = recurring service. */
    kind: z
      .enum(['recurring-service', 'fixed-price'], { error: 'Contract kind is not one BillGrid creates' })
      .optional(),
    /**
     * A contract of this subscription's own (seed 004, ApplicationLink's Subscription ID → Contract ID): found
     * by its name or created, and linked to the subscription only. Needs the customer's company.
     */
    subscriptionId: z.string().trim().min(1, { error: 'Subscription is missing' }).max(200).optional(),
  }),
);

export interface CreatedInPsa {
  companyName: string;
  contractName: string;
  createdCompany: boolean;
  createdContract: boolean;
}

/**
 * Create what the PSA is missing for one customer: its company (found by exact name first, so a
 * second click reuses it) and a recurring-service contract, then map and link the customer; or its
 * fixed-price contract, which annual subscriptions reach by the annual rule (not linked as the default).
 */
export function createMissingInPsa(input: unknown): CreatedInPsa {
  const a = parseArg(createInput, input, 'Create in the PSA');
  const psa = connectedPsa();
  const target = psa.target;
  if (!createsCompanies(target) || !createsContracts(target)) {
    throw new SidebarError(
      `BillGrid cannot create companies or contracts in ${target.displayName} yet: create them there, then refresh clients.`,
    );
  }
  return withDocumentLock('creating in the PSA', () => {
    const ss = activeSpreadsheet();
    const lookups = readLookups(ss) ?? {
      companies: [],
      products: [],
      contracts: [],
      codes: { incomeAccounts: [], expenseAccounts: [], taxCodes: [], itemCodes: [] },
    };
    let companyId = a.companyId;
    let companyName = a.customerName;
    let createdCompany = false;
    if (companyId === null) {
      const c = target.createCompany({ name: a.customerName });
      companyId = c.id;
      createdCompany = c.created;
    } else {
      const known = lookups.companies.find((c) => c.id === companyId);
      if (!known) throw new SidebarError('That PSA company is not in the list read from the PSA.');
      companyName = known.name;
    }
    if (!lookups.companies.some((c) => c.id === companyId)) {
      lookups.companies.push({ id: companyId, name: companyName, active: true });
    }
    const kind = a.kind ?? 'recurring-service';
    const sub = a.subscriptionId;
    if (sub !== undefined && a.companyId === null)
      throw new SidebarError('Map the customer to a PSA company first (Clients).');
    const subName = sub === undefined ? '' : `${companyName} - Subscription ${sub}`;
    const own = lookups.contracts.filter((c) => c.companyId === companyId && c.kind === kind);
    let contractId = own.length === 1 ? own[0].id : null;
    if (kind === 'recurring-service') contractId = soleRecurringContract(lookups, companyId);
    // A subscription's own contract: the one of that name (a second click reuses it), else a new one.
    if (sub !== undefined) contractId = own.find((c) => c.name === subName)?.id ?? null;
    let contractName = lookups.contracts.find((c) => c.id === contractId)?.name ?? '';
    let createdContract = false;
    if (contractId === null) {
      // No month picked yet (the setup wizard): the month a billing run normally covers, the previous one.
      const month = a.month ?? scheduledMonth();
      contractName =
        subName || `${companyName} - ${kind === 'fixed-price' ? 'Annual Subscriptions' : 'Managed Services'}`;
      const startDate = target.contractStartFor(`${month}-01`);
      const c = target.createContract({ companyId, name: contractName, kind, startDate });
      contractId = c.id;
      createdContract = c.created;
      const contract: PsaContract = {
        id: contractId,
        companyId,
        name: contractName,
        kind,
        startDate,
        endDate: null,
      };
      if (!lookups.contracts.some((x) => x.id === contract.id)) lookups.contracts.push(contract);
    }
    writeLookups(ss, lookups.companies, lookups.products, lookups.contracts, lookups.codes);
    const previous = readMappings(ss, lookups).mappings.clients.find(
      (c) => c.source === a.source && c.customerId === a.customerId,
    );
    writeMappings(
      ss,
      {
        clients: [
          {
            source: a.source,
            customerId: a.customerId,
            customerName: a.customerName,
            companyId,
            status: 'manual',
            score: null,
            ...(previous?.overrides ? { overrides: previous.overrides } : {}),
          },
        ],
        contracts:
          sub !== undefined
            ? [{ source: a.source, customerId: a.customerId, subscriptionId: sub, contractId }]
            : kind === 'recurring-service'
              ? [{ source: a.source, customerId: a.customerId, subscriptionId: '', contractId }]
              : [],
      },
      { lookups },
    );
    return { companyName, contractName, createdCompany, createdContract };
  });
}

/** One contract service's sync, as a mapping row (seed 002: last sync, next sync, stop/resume). */
export interface ServiceSyncRow {
  source: string;
  sourceName: string;
  customerId: string;
  customerName: string;
  /** '' = the customer's default contract (every subscription without its own row). */
  subscriptionId: string;
  /** What the month's lines of this subscription are (first product seen), when a month was given. */
  product: string;
  contractId: string;
  contractName: string;
  /** The subscription has its own Contracts row (else it follows the customer's default row). */
  ownRow: boolean;
  /** The customer's PSA company ('' when not mapped) and its contracts a person may link this subscription to. */
  companyId: string;
  candidates: ContractOption[];
  stopped: boolean;
  lastSync: string | null;
  /** Null when stopped or when nothing is scheduled. */
  nextSync: string | null;
  /**
   * Seed 002's "Mapping Settings Incomplete" (shown under Last sync): why the customer's mapping cannot bring
   * units to this contract service; null when the mapping is complete.
   */
  mappingIncomplete: string | null;
}

export interface ServiceSyncView {
  month: string | null;
  /** The connected PSA can create a contract for one subscription from BillGrid. */
  canCreate: boolean;
  rows: ServiceSyncRow[];
  /** When BillGrid next pushes by itself (null: pushes are made by hand). */
  nextSync: string | null;
}

const k3 = (a: string, b: string, c: string) => `${a}\u0000${b}\u0000${c}`;

function serviceSyncView(ss: Spreadsheet, monthArg: string | null, canCreate = false): ServiceSyncView {
  const lookups = readLookups(ss);
  const mappings = readMappings(ss, lookups).mappings;
  const contractName = new Map((lookups?.contracts ?? []).map((c) => [c.id, c.name]));
  const contractCompany = new Map((lookups?.contracts ?? []).map((c) => [c.id, c.companyId]));
  const companyName = new Map((lookups?.companies ?? []).map((c) => [c.id, c.name]));
  const nameOf = new Map(mappings.clients.map((c) => [k(c.source, c.customerId), c.customerName]));
  const companyOf = new Map(mappings.clients.map((c) => [k(c.source, c.customerId), c.companyId ?? '']));
  const candidatesOf = (companyId: string): ContractOption[] =>
    (lookups?.contracts ?? [])
      .filter((c) => companyId !== '' && c.companyId === companyId && c.kind !== 'invoice')
      .map((c) => ({ id: c.id, name: c.name, kind: c.kind }));
  const names = sourceNames();
  const next = nextScheduledSync();
  const index = new MappingIndex(mappings);
  const rows = new Map<string, ServiceSyncRow>();
  const row = (
    m: ContractMapping,
    subscriptionId: string,
    product: string,
    customerName: string,
  ): ServiceSyncRow => ({
    source: m.source,
    sourceName: names[m.source] ?? m.source,
    customerId: m.customerId,
    customerName: customerName || nameOf.get(k(m.source, m.customerId)) || m.customerId,
    subscriptionId,
    product,
    contractId: m.contractId,
    contractName: contractName.get(m.contractId) ?? m.contractId,
    ownRow: m.subscriptionId === subscriptionId,
    companyId: companyOf.get(k(m.source, m.customerId)) ?? '',
    candidates: candidatesOf(companyOf.get(k(m.source, m.customerId)) ?? ''),
    stopped: m.syncStopped === true,
    lastSync: m.lastSync ?? null,
    nextSync: m.syncStopped ? null : next,
    mappingIncomplete: serviceMappingGap({
      client: index.client(m.source, m.customerId),
      customerName: customerName || nameOf.get(k(m.source, m.customerId)) || m.customerId,
      sourceName: names[m.source] ?? m.source,
      contractCompanyId: contractCompany.get(m.contractId) || null,
      companyName: (id) => companyName.get(id) ?? id,
    }),
  });
  const month = monthArg && listMonths(ss).includes(monthArg) ? monthArg : null;
  if (month) {
    // Each subscription the month bills, through the Contracts row it follows.
    for (const r of readGrid(ss, month, { lookups }).rows) {
      const l = r.line;
      const key = k3(l.source, l.customerId, l.subscriptionId);
      if (rows.has(key)) continue;
      const m = index.contract(l.source, l.customerId, l.subscriptionId);
      if (m) rows.set(key, row(m, l.subscriptionId, l.productName || l.sku, l.customerName));
    }
  }
  // Rows of the tab the month did not show (or every row without a month).
  for (const m of mappings.contracts) {
    const key = k3(m.source, m.customerId, m.subscriptionId);
    if (!rows.has(key) && (!month || m.syncStopped)) rows.set(key, row(m, m.subscriptionId, '', ''));
  }
  return {
    month,
    canCreate,
    nextSync: next,
    rows: [...rows.values()].sort(
      (a, b) =>
        a.customerName.localeCompare(b.customerName) ||
        a.subscriptionId.localeCompare(b.subscriptionId) ||
        a.source.localeCompare(b.source),
    ),
  };
}

export const serviceSyncMonthArg = z.lazy(() =>
  z.string().trim().refine(isBillingMonth, { error: 'Billing month must look like 2026-10' }).nullable(),
);

export function listServiceSync(monthArg: unknown): ServiceSyncView {
  const m = parseArg(serviceSyncMonthArg.optional(), monthArg, 'Billing month') ?? null;
  return serviceSyncView(activeSpreadsheet(), m, psaCanCreate());
}

export const serviceKey = z.lazy(() =>
  z.object({
    source: text('Source', 40),
    customerId: text('Customer', 200),
    /** '' = the customer's default contract. */
    subscriptionId: z.string({ error: 'Subscription must be text' }).trim().max(200),
    month: serviceSyncMonthArg.optional(),
  }),
);

/**
 * Stop or resume sync of one subscription's contract service. A subscription that follows the customer's
 * default contract gets its own Contracts row (same contract), so only it stops.
 */
function setServiceSync(input: unknown, stopped: boolean): ServiceSyncView {
  const a = parseArg(serviceKey, input, 'Contract service');
  return withDocumentLock(stopped ? 'stopping sync' : 'resuming sync', () => {
    const ss = activeSpreadsheet();
    const lookups = readLookups(ss);
    const contracts = readMappings(ss, lookups).mappings.contracts;
    const mine = (m: ContractMapping, sub: string) =>
      m.source === a.source && m.customerId === a.customerId && m.subscriptionId === sub;
    const own = contracts.find((m) => mine(m, a.subscriptionId));
    const base = own ?? contracts.find((m) => mine(m, ''));
    if (!base) {
      throw new SidebarError(
        'This customer has no PSA contract linked yet (Contracts): link one first, then stop or resume its sync.',
      );
    }
    const row: ContractMapping = own
      ? { ...own, syncStopped: stopped }
      : {
          source: a.source,
          customerId: a.customerId,
          subscriptionId: a.subscriptionId,
          contractId: base.contractId,
          syncStopped: stopped,
        };
    writeMappings(ss, { contracts: [row] }, { lookups });
    return serviceSyncView(ss, a.month ?? null, psaCanCreate());
  });
}

export function stopServiceSync(input: unknown): ServiceSyncView {
  return setServiceSync(input, true);
}

export function resumeServiceSync(input: unknown): ServiceSyncView {
  return setServiceSync(input, false);
}

export interface ServiceSyncResult {
  /** What the sync sent: as a push of the month, for this service's rows only. */
  sync: PushRunResult;
  view: ServiceSyncView;
}

/**
 * "Sync now" of one contract service (seed 002: units synced nightly and on demand): pushes only this
 * subscription's approved rows of the month (and those summed into the same PSA record), convergently,
 * journalled and in the Ledger like any push, and stamps its Last sync. Refused, with the reason, when the
 * service's sync is stopped, its mapping is incomplete or nothing of it is approved. Pushing rights.
 */
export function syncServiceNow(input: unknown): ServiceSyncResult {
  requirePusher(apiContext());
  const a = parseArg(serviceKey, input, 'Contract service');
  const month = a.month;
  if (!month) throw new SidebarError('Choose the billing month to sync this service for (Month).');
  const ss = activeSpreadsheet();
  if (!listMonths(ss).includes(month))
    throw new SidebarError(
      `${month} has not been pulled yet: pull it (Month), review and approve, then sync.`,
    );
  const before = serviceSyncView(ss, month, psaCanCreate());
  const row =
    before.rows.find(
      (r) => r.source === a.source && r.customerId === a.customerId && r.subscriptionId === a.subscriptionId,
    ) ?? null;
  const label = row
    ? row.product || row.subscriptionId || row.customerName
    : a.subscriptionId || a.customerId;
  if (!row)
    throw new SidebarError(
      `${label} has no PSA contract linked for ${month} (Contracts): link one first, then sync it.`,
    );
  if (row.stopped)
    throw new SidebarError(
      `Sync is stopped for ${label} (billed by hand): nothing was sent. Resume its sync first to sync it now.`,
    );
  if (row.mappingIncomplete)
    throw new SidebarError(`${row.mappingIncomplete} Nothing was sent for ${label}: fix the mapping first.`);
  const lookups = readLookups(ss);
  const index = new MappingIndex(readMappings(ss, lookups).mappings);
  const approved = readGrid(ss, month, { lookups }).rows.filter((r) => {
    const l = r.line;
    if (!r.approved || l.source !== a.source || l.customerId !== a.customerId) return false;
    if (a.subscriptionId !== '') return l.subscriptionId === a.subscriptionId;
    const own = index.contract(l.source, l.customerId, l.subscriptionId);
    return !own || own.subscriptionId === '';
  });
  if (!approved.length)
    throw new SidebarError(
      `Nothing of ${label} is approved in ${month}: approve its row (Review or the grid's Approved box), then sync it.`,
    );
  const sync = runPush(month, 'manual', false, undefined, {
    source: a.source,
    customerId: a.customerId,
    subscriptionId: a.subscriptionId,
  });
  return { sync, view: serviceSyncView(ss, month, psaCanCreate()) };
}

/**
 * Remember the PSA company, contract and service/item links staff edited in a month's grid rows, for
 * later months (seed 004's per-line links; sheets/line-links.ts): each goes into the Clients, Contracts
 * or Products tab at the level the seed links it. The edited rows already push with their links.
 */
export function rememberLineLinks(monthArg: unknown): LineLinksResult {
  const m = parseArg(lineLinksMonthArg, monthArg, 'Billing month');
  return withDocumentLock('remembering line links', () => rememberLinks(activeSpreadsheet(), m));
}

export const lineLinksMonthArg = z
  .string({ error: 'Billing month is missing' })
  .trim()
  .refine(isBillingMonth, { error: 'Billing month must look like 2026-10' });
