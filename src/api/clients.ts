/**
 * Mapping customers by hand from the sidebar (P20): list the Clients tab, assign a customer to a PSA
 * company (status 'manual', never changed by matching again), confirm automatic matches, exclude ("do
 * not invoice"), unassign, and per-client overrides. Several customers may map to one company.
 * The Clients tab stays the single source of truth: this writes the same rows a person could type.
 */
import { createsCompanies, createsContracts, listsInvoices, PsaError } from '../core/psa';
import type { PsaCapabilities, PsaInvoiceChoice } from '../core/psa';
import { z } from 'zod';
import {
  MappingIndex,
  customerContextResolver,
  sourceCustomerKey,
  type ClientMapping,
  type ClientMappingStatus,
  type ContractMapping,
} from '../core/mapping';
import {
  CHARGE_DETAILS,
  INVOICE_BEHAVIOURS,
  LATEST_INVOICE_RULES,
  NO_LATEST_INVOICE,
  defaultBillingSettings,
  modifiersSchema,
} from '../core/settings';
import type {
  BillingSettings,
  ChargeDetail,
  InvoiceBehaviour,
  LatestInvoiceRule,
  Modifiers,
  NoLatestInvoice,
  SettingsOverride,
} from '../core/settings';
import { withDocumentLock } from '../platform/lock';
import { activeSpreadsheet } from '../platform/spreadsheet';
import type { Spreadsheet } from '../platform/spreadsheet';
import { connectedPsa, sourceNames } from '../jobs/connections';
import { loadSettings } from '../jobs/run';
import { readLookups } from '../sheets/lookups';
import type { Lookups } from '../sheets/lookups';
import { readMappings, removeClientMappings, writeMappings } from '../sheets/mappings';
import { readSourceParents } from '../sheets/source-parents';
import { parseArg, SidebarError } from './args';

const idText = (label: string, max = 200) =>
  z
    .string({ error: `${label} is missing` })
    .trim()
    .min(1, { error: `${label} is missing` })
    .max(max, { error: `${label} is too long` });

export const customerKey = z.object({ source: idText('Source', 40), customerId: idText('Customer') });
type CustomerKey = z.infer<typeof customerKey>;

export const assignment = customerKey.extend({
  customerName: z.string().max(500).default(''),
  /** The PSA company; null to exclude the customer. */
  companyId: idText('PSA company', 100).nullable(),
});

export interface AssignResult {
  customerName: string;
  companyName: string | null;
  status: 'manual' | 'excluded';
  contractLinked: boolean;
}

/** The company's one recurring-service contract, if it has exactly one. */
export function soleRecurringContract(lookups: Lookups | null, companyId: string): string | null {
  const own = (lookups?.contracts ?? []).filter(
    (c) => c.companyId === companyId && c.kind === 'recurring-service',
  );
  return own.length === 1 ? own[0].id : null;
}

export function assignClient(input: unknown): AssignResult {
  const a = parseArg(assignment, input, 'Client mapping');
  return withDocumentLock('mapping a client', () => {
    const ss = activeSpreadsheet();
    const lookups = readLookups(ss);
    const company = a.companyId ? lookups?.companies.find((c) => c.id === a.companyId) : null;
    if (a.companyId && !company) {
      throw new SidebarError(
        'That PSA company is not in the list read from the PSA; refresh clients and try again.',
      );
    }
    const status = a.companyId ? 'manual' : 'excluded';
    const current = readMappings(ss, lookups).mappings;
    const previous = current.clients.find((c) => c.source === a.source && c.customerId === a.customerId);
    // A new company: the old contract links belong to the old company.
    if (previous?.companyId && previous.companyId !== a.companyId) removeClientMappings(ss, [a]);
    const linked =
      previous?.companyId === a.companyId &&
      current.contracts.some((c) => c.source === a.source && c.customerId === a.customerId);
    const contracts: ContractMapping[] = [];
    const sole = company && !linked ? soleRecurringContract(lookups, company.id) : null;
    if (sole)
      contracts.push({ source: a.source, customerId: a.customerId, subscriptionId: '', contractId: sole });
    writeMappings(
      ss,
      {
        clients: [
          {
            source: a.source,
            customerId: a.customerId,
            customerName: a.customerName || previous?.customerName || '',
            companyId: a.companyId,
            status,
            score: null,
            ...(previous?.overrides ? { overrides: previous.overrides } : {}),
          },
        ],
        ...(contracts.length ? { contracts } : {}),
      },
      { lookups },
    );
    return {
      customerName: a.customerName,
      companyName: company?.name ?? null,
      status,
      contractLinked: contracts.length > 0 || linked,
    };
  });
}

export interface CompanyOption {
  id: string;
  name: string;
}

/** PSA companies for the assign dropdown, from the lookup tab (no PSA request). */
export function listCompanies(): CompanyOption[] {
  return companyOptions(readLookups(activeSpreadsheet()));
}

function companyOptions(lookups: Lookups | null): CompanyOption[] {
  return (lookups?.companies ?? [])
    .filter((c) => c.active)
    .map((c) => ({ id: c.id, name: c.name }))
    .sort((x, y) => x.name.localeCompare(y.name));
}

/** The overrides a client row may carry from the sidebar: modifiers, invoice behaviour, target invoice. */
const clientOverridesSchema = z.lazy(() =>
  z.object({
    modifiers: modifiersSchema.partial().optional(),
    invoiceBehaviour: z
      .enum(INVOICE_BEHAVIOURS, {
        error: `Invoice behaviour must be one of ${INVOICE_BEHAVIOURS.join(', ')}`,
      })
      .optional(),
    targetInvoiceId: z
      .string()
      .trim()
      .max(100, { error: 'Target invoice is too long' })
      .regex(/^[\w:-]*$/, { error: 'Target invoice must be an invoice id' })
      .nullable()
      .optional(),
    chargeDetail: z
      .enum(CHARGE_DETAILS, { error: `Charge detail must be one of ${CHARGE_DETAILS.join(', ')}` })
      .optional(),
    latestInvoice: z
      .enum(LATEST_INVOICE_RULES, {
        error: `Latest invoice must be one of ${LATEST_INVOICE_RULES.join(', ')}`,
      })
      .optional(),
    noLatestInvoice: z
      .enum(NO_LATEST_INVOICE, {
        error: `When no invoice qualifies must be one of ${NO_LATEST_INVOICE.join(', ')}`,
      })
      .optional(),
  }),
);
export type ClientOverrides = {
  modifiers?: Partial<Modifiers>;
  invoiceBehaviour?: InvoiceBehaviour;
  targetInvoiceId?: string | null;
  /** One charge per line or grouped (#23), where the PSA can group charges. */
  chargeDetail?: ChargeDetail;
  /** Which invoice is the latest, and what happens when none is (#16), where the PSA bills on invoices. */
  latestInvoice?: LatestInvoiceRule;
  noLatestInvoice?: NoLatestInvoice;
};

export interface ClientRow {
  source: string;
  sourceName: string;
  customerId: string;
  customerName: string;
  companyId: string | null;
  companyName: string | null;
  /** The PSA company is active in the PSA (null: no company, or not in the list read from the PSA). */
  companyActive: boolean | null;
  /** The PSA's account code for the company, where the PSA keeps one (searchable); null or absent otherwise. */
  companyCode?: string | null;
  status: ClientMappingStatus;
  /** Name similarity 0–100 of an automatic match. */
  score: number | null;
  overrides: ClientOverrides;
  /** The PSA contract the customer's charges go to, when linked. */
  contractName: string | null;
  /**
   * Where the PSA keeps charges on invoices: the company's latest invoice that can still take charges
   * and its recurring invoices, as last read from the PSA (Refresh); null / empty otherwise.
   */
  lastInvoice: string | null;
  /**
   * When the client's charges go on its latest invoice and, under the client's own latest-invoice rule,
   * none qualifies (as last read from the PSA): 'none qualifies — ' and what a push then does (setting
   * noLatestInvoice). Null otherwise.
   */
  lastInvoiceNone?: string | null;
  recurringInvoices: string[];
  /** The target invoice is chosen from the PSA's own list (the PSA lists a company's invoices). */
  canPickInvoice: boolean;
  /** The connected PSA can keep one charge for many lines: charge detail is offered for the client (#23). */
  canGroupCharges?: boolean;
  /** The connected PSA bills charges on invoices: which invoice is the latest is offered for the client (#16). */
  billsOnInvoices?: boolean;
  /** The source customer this one belongs to (a subaccount's main account), as the last refresh found it. */
  parentId: string | null;
  parentName: string | null;
}

export interface ClientsView {
  rows: ClientRow[];
  companies: CompanyOption[];
  problems: string[];
  /** The connected PSA lets BillGrid create missing companies and contracts. */
  canCreateInPsa: boolean;
  /** Integration names by source id ('pax8' → 'Pax8'). */
  sourceNames: Record<string, string>;
}

/** True when the connected PSA lists a company's invoices for the target-invoice picker. */
export function psaListsInvoices(): boolean {
  try {
    return listsInvoices(connectedPsa().target);
  } catch {
    return false;
  }
}

export const invoicePickerArg = customerKey;

export interface InvoiceChoicesView {
  companyName: string;
  /** Newest first: invoices that can still take charges, then recurring invoices. */
  choices: PsaInvoiceChoice[];
}

/**
 * The invoice picker: the PSA's invoices a customer's charges can go to (its company's open invoices and
 * recurring invoices), read from the PSA now. Editors only: it is how a client's target invoice is chosen.
 */
export function listInvoiceChoices(input: unknown): InvoiceChoicesView {
  const key = parseArg(invoicePickerArg, input, 'Client');
  const ss = activeSpreadsheet();
  const { mapping, lookups } = findClient(ss, key);
  if (!mapping.companyId) {
    throw new SidebarError(
      `${mapping.customerName || mapping.customerId} is not mapped to a PSA company yet.`,
    );
  }
  const target = connectedPsa().target;
  if (!listsInvoices(target)) {
    throw new SidebarError(`The connected PSA (${target.displayName}) keeps no invoices to choose from.`);
  }
  const companyName = lookups?.companies.find((c) => c.id === mapping.companyId)?.name ?? mapping.companyId;
  try {
    return { companyName, choices: target.listInvoices(mapping.companyId) };
  } catch (err) {
    if (err instanceof PsaError) throw new SidebarError(err.message);
    throw err;
  }
}

/** True when the connected PSA can create companies and contracts from BillGrid. */
export function psaCanCreate(): boolean {
  try {
    const target = connectedPsa().target;
    return createsCompanies(target) && createsContracts(target);
  } catch {
    return false;
  }
}

/** The connected PSA's capabilities; null when none is connected. */
function psaCapabilities(): PsaCapabilities | null {
  try {
    return connectedPsa().capabilities;
  } catch {
    return null;
  }
}

const pickOverrides = (o: SettingsOverride | undefined): ClientOverrides => ({
  ...(o?.chargeDetail ? { chargeDetail: o.chargeDetail } : {}),
  ...(o?.latestInvoice ? { latestInvoice: o.latestInvoice } : {}),
  ...(o?.noLatestInvoice ? { noLatestInvoice: o.noLatestInvoice } : {}),
  ...(o?.modifiers ? { modifiers: o.modifiers } : {}),
  ...(o?.invoiceBehaviour ? { invoiceBehaviour: o.invoiceBehaviour } : {}),
  ...(o?.targetInvoiceId !== undefined ? { targetInvoiceId: o.targetInvoiceId } : {}),
});

/** What a push does with a client's charges when no invoice qualifies as its latest, in the users' words. */
const noLatestText = (n: NoLatestInvoice): string =>
  n === 'new'
    ? 'none qualifies — its charges go on a new invoice for their month (“When no invoice qualifies”)'
    : 'none qualifies — its charges are held, each row saying why, until the PSA has an invoice that can take them or “When no invoice qualifies” is set to a new invoice';

/** The saved settings; the defaults when none are saved or they cannot be read (Defaults says why). */
function settingsOrDefaults(): BillingSettings {
  try {
    return loadSettings();
  } catch {
    return defaultBillingSettings();
  }
}

function clientsView(ss: Spreadsheet): ClientsView {
  const lookups = readLookups(ss);
  const read = readMappings(ss, lookups);
  const companyName = new Map((lookups?.companies ?? []).map((c) => [c.id, c.name]));
  const companyActive = new Map((lookups?.companies ?? []).map((c) => [c.id, c.active]));
  const companyCode = new Map((lookups?.companies ?? []).map((c) => [c.id, c.code ?? null]));
  const contractName = new Map((lookups?.contracts ?? []).map((c) => [c.id, c.name]));
  const contractOf = new Map(
    read.mappings.contracts
      .filter((c) => c.subscriptionId === '')
      .map((c) => [sourceCustomerKey(c.source, c.customerId), c.contractId]),
  );
  const names = sourceNames();
  const picker = psaListsInvoices();
  const capabilities = psaCapabilities();
  const grouping = capabilities?.groupedCharges === true;
  const onInvoices = capabilities?.chargeContainer === 'invoice';
  // Invoice containers read at Refresh (lookup tab): the latest invoice under each latest-invoice rule (an
  // invoice read before the rules existed is the default rule's) and the recurring invoices.
  const invoicesOf = new Map<string, { last: Map<LatestInvoiceRule, string>; recurring: string[] }>();
  for (const c of lookups?.contracts ?? []) {
    if (c.kind !== 'invoice' && c.kind !== 'recurring-invoice') continue;
    const e = invoicesOf.get(c.companyId) ?? { last: new Map<LatestInvoiceRule, string>(), recurring: [] };
    if (c.kind === 'recurring-invoice') e.recurring.push(c.name);
    else
      for (const rule of c.latestUnder ?? ['unsent' as const])
        if (!e.last.has(rule)) e.last.set(rule, c.name);
    invoicesOf.set(c.companyId, e);
  }
  // Each client's settings as a push resolves them (global → integration → company → the client's own).
  const contextOf = onInvoices
    ? customerContextResolver(settingsOrDefaults(), new MappingIndex(read.mappings))
    : null;
  const parents = readSourceParents(ss);
  const rows = read.mappings.clients.map((m): ClientRow => {
    const contract = contractOf.get(sourceCustomerKey(m.source, m.customerId));
    const inv = m.companyId ? invoicesOf.get(m.companyId) : undefined;
    const s = contextOf?.(m).settings;
    const lastInvoice = inv?.last.get(s?.latestInvoice ?? 'unsent') ?? null;
    const parent = parents.get(sourceCustomerKey(m.source, m.customerId));
    return {
      source: m.source,
      sourceName: names[m.source] ?? m.source,
      customerId: m.customerId,
      customerName: m.customerName || m.customerId,
      companyId: m.companyId,
      companyName: m.companyId ? (companyName.get(m.companyId) ?? m.companyId) : null,
      companyActive: m.companyId ? (companyActive.get(m.companyId) ?? null) : null,
      companyCode: m.companyId ? (companyCode.get(m.companyId) ?? null) : null,
      status: m.status,
      score: m.score,
      overrides: pickOverrides(m.overrides),
      contractName: contract ? (contractName.get(contract) ?? contract) : null,
      lastInvoice,
      lastInvoiceNone:
        s &&
        lookups &&
        lastInvoice === null &&
        m.companyId &&
        m.status !== 'excluded' &&
        s.invoiceBehaviour === 'latest'
          ? noLatestText(s.noLatestInvoice ?? 'hold')
          : null,
      recurringInvoices: inv?.recurring ?? [],
      canPickInvoice: picker && m.companyId !== null,
      ...(grouping ? { canGroupCharges: true } : {}),
      ...(onInvoices ? { billsOnInvoices: true } : {}),
      parentId: parent?.parentId ?? null,
      parentName: parent?.parentName ?? null,
    };
  });
  rows.sort((a, b) => a.customerName.localeCompare(b.customerName) || a.source.localeCompare(b.source));
  return {
    rows,
    companies: companyOptions(lookups),
    problems: read.problems.filter((p) => p.tab === 'Clients').map((p) => p.message),
    canCreateInPsa: psaCanCreate(),
    sourceNames: names,
  };
}

/** Every mapped or excluded customer with its company, status, score, overrides and contract. */
export function listClients(): ClientsView {
  return clientsView(activeSpreadsheet());
}

function findClient(ss: Spreadsheet, key: CustomerKey): { mapping: ClientMapping; lookups: Lookups | null } {
  const lookups = readLookups(ss);
  const mapping = readMappings(ss, lookups).mappings.clients.find(
    (c) => c.source === key.source && c.customerId === key.customerId,
  );
  if (!mapping) {
    throw new SidebarError(
      `Customer ${key.customerId} is not in the Clients tab any more; refresh the list and try again.`,
    );
  }
  return { mapping, lookups };
}

/** Unassign: the customer is unmapped again (its contract links go too) and back in the list to map. */
export function unassignClient(input: unknown): ClientsView {
  const key = parseArg(customerKey, input, 'Client');
  return withDocumentLock('unassigning a client', () => {
    const ss = activeSpreadsheet();
    findClient(ss, key);
    removeClientMappings(ss, [key]);
    return clientsView(ss);
  });
}

/** A person accepts automatic matches: they become 'confirmed' and matching never changes them. */
export function confirmClients(input: unknown): ClientsView {
  const keys = parseArg(z.array(customerKey).max(5000), input, 'Clients to confirm');
  return withDocumentLock('confirming clients', () => {
    const ss = activeSpreadsheet();
    const lookups = readLookups(ss);
    const wanted = new Set(keys.map((c) => sourceCustomerKey(c.source, c.customerId)));
    const confirmed = readMappings(ss, lookups)
      .mappings.clients.filter(
        (c) => c.status === 'auto' && wanted.has(sourceCustomerKey(c.source, c.customerId)),
      )
      .map((c) => ({ ...c, status: 'confirmed' as const }));
    if (confirmed.length) writeMappings(ss, { clients: confirmed }, { lookups });
    return clientsView(ss);
  });
}

export const overridesInput = customerKey.extend({ overrides: clientOverridesSchema });

/**
 * Per-client overrides (modifiers, invoice behaviour, target invoice) on the customer's Clients row.
 * Saving them confirms an automatic match: a person has looked at this client.
 */
export function saveClientOverrides(input: unknown): ClientsView {
  const a = parseArg(overridesInput, input, 'Client settings');
  return withDocumentLock('saving client settings', () => {
    const ss = activeSpreadsheet();
    const { mapping, lookups } = findClient(ss, a);
    const { modifiers, invoiceBehaviour, targetInvoiceId, chargeDetail, latestInvoice, noLatestInvoice } =
      a.overrides;
    const kept = { ...(mapping.overrides ?? {}) };
    delete kept.modifiers;
    delete kept.invoiceBehaviour;
    delete kept.targetInvoiceId;
    delete kept.chargeDetail;
    delete kept.latestInvoice;
    delete kept.noLatestInvoice;
    const overrides: SettingsOverride = {
      ...kept,
      ...(modifiers && Object.keys(modifiers).length ? { modifiers } : {}),
      ...(invoiceBehaviour ? { invoiceBehaviour } : {}),
      ...(targetInvoiceId ? { targetInvoiceId } : {}),
      ...(chargeDetail ? { chargeDetail } : {}),
      ...(latestInvoice ? { latestInvoice } : {}),
      ...(noLatestInvoice ? { noLatestInvoice } : {}),
    };
    const { overrides: _old, ...rest } = mapping;
    void _old;
    writeMappings(
      ss,
      {
        clients: [
          {
            ...rest,
            status: mapping.status === 'auto' ? 'confirmed' : mapping.status,
            ...(Object.keys(overrides).length ? { overrides } : {}),
          },
        ],
      },
      { lookups },
    );
    return clientsView(ss);
  });
}

export const exclusion = customerKey.extend({ customerName: z.string().max(500).default('') });

/**
 * Exclude ("do not invoice") any customer, whatever its status — matched, confirmed or mapped by hand. Its
 * PSA company is remembered for Include; 'excluded' is a person's choice, so Refresh never re-matches it.
 * A customer not in the Clients tab yet (still to map) is added as excluded.
 */
export function excludeClient(input: unknown): ClientsView {
  const a = parseArg(exclusion, input, 'Client');
  return withDocumentLock('excluding a client', () => {
    const ss = activeSpreadsheet();
    const lookups = readLookups(ss);
    const previous = readMappings(ss, lookups).mappings.clients.find(
      (c) => c.source === a.source && c.customerId === a.customerId,
    );
    const row: ClientMapping = previous
      ? { ...previous, status: 'excluded', score: null }
      : {
          source: a.source,
          customerId: a.customerId,
          customerName: a.customerName,
          companyId: null,
          status: 'excluded',
          score: null,
        };
    writeMappings(ss, { clients: [row] }, { lookups });
    return clientsView(ss);
  });
}

/**
 * Include an excluded customer again: back to its remembered PSA company (as mapped by hand), or, with
 * none, unmapped (the next Refresh may match it).
 */
export function includeClient(input: unknown): ClientsView {
  const key = parseArg(customerKey, input, 'Client');
  return withDocumentLock('including a client', () => {
    const ss = activeSpreadsheet();
    const { mapping, lookups } = findClient(ss, key);
    if (mapping.status !== 'excluded') {
      throw new SidebarError(`${mapping.customerName || mapping.customerId} is not excluded.`);
    }
    if (mapping.companyId) writeMappings(ss, { clients: [{ ...mapping, status: 'manual' }] }, { lookups });
    else removeClientMappings(ss, [key]);
    return clientsView(ss);
  });
}
