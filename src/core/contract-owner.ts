/**
 * A line is never billed on another company's contract. A customer's company comes from the Clients
 * mapping (or the row's own PSA company cell); the contract it is pushed to comes from the Contracts mapping
 * (or the row's contract cell). When the PSA says that contract belongs to a different company, pushing would
 * bill that other company for this customer's usage: the line is refused ('contract-company') with both
 * companies named and the fix, so it is never approved or pushed, and the contract service it would reach is
 * held for every line (its quantity stays as it is until the mapping is fixed).
 *
 * Uniform for every PSA: it applies wherever the PSA's contract list (the lookup tab's rows) says whose a
 * contract is — Autotask and ConnectWise contracts, Kaseya BMS recurring-services contracts, HaloPSA's invoices
 * listed as containers. A contract the list does not know, or whose company it does not say, is left alone.
 */
import type { BillingLine } from './billing-line';
import type { PsaContract } from './psa';
import type { PsaCapabilities, TargetResolution, TargetResolver } from './targets';

export type ContractOwnerFacts = Pick<PsaContract, 'id' | 'name' | 'companyId'>;

/** The contract (or contract-like container) a resolution writes to; null when none. */
const targetContract = (r: TargetResolution): string | null =>
  r.ok ? (r.ref.kind === 'quantity' ? r.ref.contractId : r.ref.container) : null;

const who = (line: BillingLine): string =>
  line.customerName ? `'${line.customerName}' (${line.customerId})` : line.customerId;

/** The Status reason for a line mapped to `mapped` whose contract belongs to `owner`. */
export function contractOwnerMessage(
  line: BillingLine,
  contract: ContractOwnerFacts,
  mapped: string,
  owner: string,
): string {
  return (
    `Customer ${who(line)} is mapped to PSA company '${mapped}', but contract '${contract.name}' belongs to ` +
    `'${owner}': pushing would bill '${owner}'. Fix: link the customer to a contract of '${mapped}' ` +
    `(Contracts), or map it to '${owner}' (Clients); until then this contract service keeps its quantity`
  );
}

/**
 * Wraps a resolver (after the rows' overrides) so that a line whose target contract belongs to another
 * company than the line's is refused, keeping the target it would reach (`ref`) so reconcile holds it.
 */
export function withContractOwnerChecks(
  base: TargetResolver,
  contracts: readonly ContractOwnerFacts[],
  companyName: (id: string) => string,
): TargetResolver {
  const known = new Map<string, ContractOwnerFacts>();
  for (const c of contracts) if (c.companyId) known.set(c.id, c);
  if (!known.size) return base;
  return {
    resolve(line: BillingLine, capabilities: PsaCapabilities): TargetResolution {
      const r = base.resolve(line, capabilities);
      if (!r.ok) return r;
      const id = targetContract(r);
      const c = id === null ? undefined : known.get(id);
      if (!c || c.companyId === r.companyId) return r;
      return {
        ok: false,
        reason: 'contract-company',
        message: contractOwnerMessage(line, c, companyName(r.companyId), companyName(c.companyId)),
        ref: r.ref,
      };
    },
  };
}
