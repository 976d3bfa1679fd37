/**
 * Refresh (P20, P22, P23): read the sources' customers and the PSA's companies, products and contracts,
 * write the hidden lookup tabs, auto-match customers to companies (≥ 90 %, unambiguous), link each
 * matched customer to its PSA contract when there is exactly one candidate. Confirmed, manual and
 * excluded mappings are never changed. (SKUs are mapped to same-code PSA products at pull time.)
 */
import {
  sourceCustomerKey,
  splitSourceCustomerKey,
  type ClientMapping,
  type ContractMapping,
} from '../core/mapping';
import { matchClients } from '../core/matching';
import type { ClientMatch } from '../core/matching';
import { importsClientMappings, type ImportsClientMappings, type PsaContract } from '../core/psa';
import type { BillingSource } from '../core/source';
import type { Spreadsheet } from '../platform/spreadsheet';
import { writeLookups } from '../sheets/lookups';
import { readMappings, writeMappings } from '../sheets/mappings';
import { parentsOf, readSourceParents, writeSourceParents } from '../sheets/source-parents';
import type { RefreshedCustomer, SourceParent } from '../sheets/source-parents';
import type { ConnectedPsa } from './connections';

export interface RefreshSummary {
  customers: number;
  companies: number;
  matched: number;
  kept: number;
  ambiguous: number;
  unmatched: number;
  contractsLinked: number;
  /** The customers a person must still map, with the best candidates (and their parent, if any). */
  toMap: (Pick<ClientMatch, 'source' | 'customerId' | 'customerName' | 'outcome' | 'message' | 'candidates'> &
    Partial<SourceParent>)[];
  problems: string[];
}

type Imported = ReturnType<ImportsClientMappings['importClientMappings']>;

/** The one recurring contract a customer's charges go to, when the company has exactly one. */
function soleContract(contracts: readonly PsaContract[], companyId: string): PsaContract | null {
  const own = contracts.filter(
    (c) => c.companyId === companyId && c.kind !== 'fixed-price' && c.kind !== 'invoice',
  );
  return own.length === 1 ? own[0] : null;
}

export function refreshMappings(
  ss: Spreadsheet,
  sources: readonly BillingSource[],
  psa: ConnectedPsa,
  onProgress?: (step: string, done: number, total: number) => void,
): RefreshSummary {
  const total = sources.length + 3;
  const problems: string[] = [];
  onProgress?.('Reading PSA companies', 0, total);
  const companies = psa.target.listCompanies();
  onProgress?.('Reading PSA products', 1, total);
  const products = psa.target.listProducts();
  onProgress?.('Reading PSA contracts', 2, total);
  const contracts = psa.target.listContracts(companies.filter((c) => c.active).map((c) => c.id));
  const codes = psa.target.listCodes();
  writeLookups(ss, companies, products, contracts, codes);

  const customers: RefreshedCustomer[] = [];
  const failed = new Set<string>();
  sources.forEach((source, i) => {
    onProgress?.(`Reading ${source.displayName} customers`, 3 + i, total);
    try {
      for (const c of source.listCustomers())
        customers.push({ source: source.id, id: c.id, name: c.name, parentId: c.parentId });
    } catch (err) {
      failed.add(source.id);
      problems.push(`${source.displayName}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  const current = readMappings(ss).mappings;
  // Mappings the PSA itself keeps (optional ability): confirmed here, kept by the matcher like a person's.
  const imported: Imported = importsClientMappings(psa.target)
    ? psa.target.importClientMappings(sources, current.clients)
    : { mappings: [], problems: [] };
  problems.push(...imported.problems);

  // Parents: what each source says, else what the PSA knows of the source's organisations (sub-organisations
  // on its mapping page); a source that could not be read keeps the hierarchy found last time.
  const parents = parentsOf(customers);
  const listed = new Map(customers.map((c) => [sourceCustomerKey(c.source, c.id), c.name]));
  for (const p of imported.parents ?? []) {
    const key = sourceCustomerKey(p.source, p.customerId);
    if (!listed.has(key) || parents.has(key) || p.parentId === p.customerId) continue;
    const parentName = listed.get(sourceCustomerKey(p.source, p.parentId)) || p.parentName;
    parents.set(key, { parentId: p.parentId, parentName });
  }
  if (failed.size) {
    for (const [key, p] of readSourceParents(ss))
      if (failed.has(splitSourceCustomerKey(key)[0]) && !parents.has(key)) parents.set(key, p);
  }
  writeSourceParents(ss, parents);
  const importedKeys = new Set(imported.mappings.map((m) => sourceCustomerKey(m.source, m.customerId)));
  const known = [
    ...current.clients.filter((c) => !importedKeys.has(sourceCustomerKey(c.source, c.customerId))),
    ...imported.mappings,
  ];
  const matches = matchClients(customers, companies, known);
  const clients: ClientMapping[] = [...imported.mappings];
  for (const m of matches) if (m.mapping && m.outcome === 'auto') clients.push(m.mapping);

  // Contracts: link each mapped customer with no link yet to its company's only recurring contract.
  const mapped = [...current.clients.filter((c) => c.status !== 'excluded'), ...clients];
  const linked = new Set(current.contracts.map((c) => sourceCustomerKey(c.source, c.customerId)));
  const newContracts: ContractMapping[] = [];
  for (const m of mapped) {
    if (!m.companyId || linked.has(sourceCustomerKey(m.source, m.customerId))) continue;
    const contract = soleContract(contracts, m.companyId);
    if (!contract) continue;
    newContracts.push({
      source: m.source,
      customerId: m.customerId,
      subscriptionId: '',
      contractId: contract.id,
    });
    linked.add(sourceCustomerKey(m.source, m.customerId));
  }

  writeMappings(
    ss,
    { clients, contracts: newContracts },
    { lookups: { companies, products, contracts, codes } },
  );
  onProgress?.('Done', total, total);
  const count = (o: ClientMatch['outcome']) => matches.filter((m) => m.outcome === o).length;
  return {
    customers: customers.length,
    companies: companies.length,
    matched: count('auto'),
    kept: count('kept'),
    ambiguous: count('ambiguous'),
    unmatched: count('unmatched'),
    contractsLinked: newContracts.length,
    toMap: matches
      .filter((m) => m.outcome === 'ambiguous' || m.outcome === 'unmatched')
      .map(({ source, customerId, customerName, outcome, message, candidates }) => ({
        source,
        customerId,
        customerName,
        outcome,
        message,
        candidates,
        ...parents.get(sourceCustomerKey(source, customerId)),
      })),
    problems,
  };
}
