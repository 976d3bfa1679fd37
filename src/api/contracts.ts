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
import { connectedPsa, SOURCE_NAMES } from '../jobs/connections';
import { scheduledMonth } from '../jobs/run';
import { readLookups, writeLookups } from '../sheets/lookups';
import { readMappings, writeMappings } from '../sheets/mappings';
import { parseArg, SidebarError } from './args';
import { psaCanCreate, soleRecurringContract } from './clients';
import { apiContext } from './context';
import { requireEditor } from './rights';

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
}

export interface ContractsView {
  rows: ContractLinkRow[];
  /** The connected PSA can create missing companies and contracts from BillGrid. */
  canCreate: boolean;
}

const k = (a: string, b: string) => `${a}\u0000${b}`;

function contractsView(ss: Spreadsheet, canCreate: boolean): ContractsView {
  const lookups = readLookups(ss);
  const mappings = readMappings(ss, lookups).mappings;
  const companyName = new Map((lookups?.companies ?? []).map((c) => [c.id, c.name]));
  const contracts = new Map((lookups?.contracts ?? []).map((c) => [c.id, c]));
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
      sourceName: SOURCE_NAMES[m.source] ?? m.source,
      customerId: m.customerId,
      customerName: m.customerName || m.customerId,
      companyId,
      companyName: companyName.get(companyId) ?? companyId,
      contractId: link?.contractId ?? null,
      contractName: link ? (contracts.get(link.contractId)?.name ?? link.contractId) : null,
      candidates: [...contracts.values()]
        .filter((c) => c.companyId === companyId && c.kind !== 'invoice')
        .map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
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

export const linkInput = z.object({
  source: text('Source', 40),
  customerId: text('Customer', 200),
  contractId: text('PSA contract', 100),
});

/** Link a customer's charges to one of its company's contracts (replacing the previous link). */
export function linkContract(input: unknown): ContractsView {
  requireEditor(apiContext(), 'link contracts');
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
    writeMappings(
      ss,
      {
        contracts: [
          { source: a.source, customerId: a.customerId, subscriptionId: '', contractId: contract.id },
        ],
      },
      { lookups },
    );
    return contractsView(ss, psaCanCreate());
  });
}

export const createInput = z.object({
  source: text('Source', 40),
  customerId: text('Customer', 200),
  customerName: text('Customer name', 200),
  /** The customer's PSA company when it already has one; null creates the company too. */
  companyId: text('PSA company', 100).nullable(),
  /** The billing month being worked on: the contract starts the month before (usage in arrears). */
  month: z.string().refine(isBillingMonth, { error: 'Billing month must look like 2026-10' }).nullable(),
});

export interface CreatedInPsa {
  companyName: string;
  contractName: string;
  createdCompany: boolean;
  createdContract: boolean;
}

/**
 * Create what the PSA is missing for one customer: its company (found by exact name first, so a
 * second click reuses it) and a recurring-service contract; then map and link the customer.
 */
export function createMissingInPsa(input: unknown): CreatedInPsa {
  requireEditor(apiContext(), 'create companies and contracts in the PSA');
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
    let contractId = soleRecurringContract(lookups, companyId);
    let contractName = lookups.contracts.find((c) => c.id === contractId)?.name ?? '';
    let createdContract = false;
    if (contractId === null) {
      // No month picked yet (the setup wizard): the month a billing run normally covers, the previous one.
      const month = a.month ?? scheduledMonth();
      contractName = `${companyName} - Managed Services`;
      const startDate = target.contractStartFor(`${month}-01`);
      const c = target.createContract({
        companyId,
        name: contractName,
        kind: 'recurring-service',
        startDate,
      });
      contractId = c.id;
      createdContract = c.created;
      const contract: PsaContract = {
        id: contractId,
        companyId,
        name: contractName,
        kind: 'recurring-service',
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
        contracts: [{ source: a.source, customerId: a.customerId, subscriptionId: '', contractId }],
      },
      { lookups },
    );
    return { companyName, contractName, createdCompany, createdContract };
  });
}
