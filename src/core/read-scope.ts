/**
 * What a month's comparison asks the PSA to read (PsaReadScope), built in one place for every comparison:
 * a pull's, Review, approval, a dry run and a push (jobs/month.ts planMonth), and the tests that compare
 * as the jobs do. A connector reads only what the scope names, so the scope decides how much is read.
 */
import type { BillingLine } from './billing-line';
import { chargeGroupKeyOf } from './charge-groups';
import type { PsaCapabilities, PsaReadScope } from './psa';
import type { TargetResolution, TargetResolver } from './targets';

export type Resolved = Extract<TargetResolution, { ok: true }>;

export interface ReadScopeInput {
  /** The billing period (YYYY-MM-DD, inclusive). */
  period: { start: string; end: string };
  /** The month's lines as the comparison reconciles them (modifiers applied). */
  lines: readonly BillingLine[];
  resolver: TargetResolver;
  capabilities: PsaCapabilities;
  /** Each row's PSA reference from earlier pushes (line key → PSA id): PsaReadScope.knownIds. */
  knownIds?: Readonly<Record<string, string>>;
  /**
   * Keys whose rows say no push has sent them (no PSA reference, empty Status, not in the journal or
   * Ledger), in row order; the scope's `unsentKeys` are those the month charges. Absent: nothing is
   * claimed, and a connector reads as if every key may be in the PSA.
   */
  neverSent?: readonly string[];
  /** Each line that resolved, with its resolution (e.g. the products auto-create may need). */
  onResolved?: (line: BillingLine, r: Resolved) => void;
}

/**
 * The read scope of a month: the companies and contracts (or invoice containers) its resolved lines reach,
 * the keys of its charges (and of their grouped charges, so a line billed in one form is never billed again
 * in the other), what earlier pushes recorded, and which keys no push has sent.
 */
export function monthReadScope(input: ReadScopeInput): PsaReadScope {
  const scope: PsaReadScope = {
    periodStart: input.period.start,
    periodEnd: input.period.end,
    companyIds: [],
    contractIds: [],
    lineKeys: [],
  };
  const companies = new Set<string>();
  const contracts = new Set<string>();
  const groupKeys = new Set<string>();
  for (const line of input.lines) {
    const r = input.resolver.resolve(line, input.capabilities);
    if (!r.ok) continue;
    input.onResolved?.(line, r);
    companies.add(r.companyId);
    if (r.ref.kind === 'quantity') {
      contracts.add(r.ref.contractId);
      if (r.settings.prorate === false) scope.readNextMonth = true;
    } else {
      // A contract, or an invoice container (latest, new:…, recurring:…), as the PSA names it.
      contracts.add(r.ref.container);
      scope.lineKeys.push(line.key);
      if (input.capabilities.groupedCharges)
        groupKeys.add(chargeGroupKeyOf(line, r.ref.container, r.settings.arrearsMode));
    }
  }
  for (const k of groupKeys) scope.lineKeys.push(k);
  scope.companyIds = [...companies].sort();
  scope.contractIds = [...contracts].sort();
  if (input.knownIds && Object.keys(input.knownIds).length) scope.knownIds = { ...input.knownIds };
  if (input.neverSent) {
    const charged = new Set(scope.lineKeys);
    scope.unsentKeys = input.neverSent.filter((k) => charged.has(k));
  }
  return scope;
}
