/**
 * Contract start checks before the push (seeds 003/004): on a PSA that bills a contract's periods from its
 * start date, a contract must start on or before the first usage billed on it and, for recurring services,
 * on the 1st of a month, or the PSA refuses the change or prorates the first invoice. Checked per linked
 * contract over the month's lines, so every row of such a contract is refused with the fix, not sent.
 */
import type { BillingLine } from './billing-line';
import { contractStartWarnings } from './periods';
import type { PsaCapabilities, PsaContract } from './psa';
import type { TargetResolution, TargetResolver } from './targets';

export type ContractStartFacts = Pick<PsaContract, 'id' | 'name' | 'kind' | 'startDate'>;

/** One linked contract that would fail or prorate: what is wrong and how to fix it. */
export interface ContractStartProblem {
  contractId: string;
  contractName: string;
  startDate: string;
  /** The earliest period start of the month's lines on it. */
  firstUsage: string;
  lineCount: number;
  message: string;
}

const contractOf = (r: TargetResolution): string | null =>
  r.ok ? (r.ref.kind === 'quantity' ? r.ref.contractId : r.ref.container) : null;

const firstOfMonth = (iso: string): string => `${iso.slice(0, 7)}-01`;

/** The row's message for one contract: the problems, then the fix. */
function problemMessage(c: ContractStartFacts, firstUsage: string): string | null {
  const start = c.startDate.slice(0, 10);
  const recurring = c.kind !== 'fixed-price';
  // A fixed-price contract holds charges only: its periods do not prorate them.
  const warnings = contractStartWarnings(start, firstUsage).filter(
    (w) => recurring || !/not on the 1st/.test(w),
  );
  if (!warnings.length) return null;
  const fixDate = firstOfMonth(start < firstUsage ? start : firstUsage);
  return (
    `Contract '${c.name}': ${warnings.join('; ')}. ` +
    `Fix: set its start date to ${fixDate} in the PSA (or link another contract), then refresh clients`
  );
}

/**
 * Wraps a resolver so that the lines of a contract failing the start checks are refused ('contract-start')
 * with the fix. Every line of the month is resolved once here; `resolve` answers from that pass for them.
 * Does nothing on a PSA without `contractStartChecks` or for contracts not in `contracts`.
 */
export function withContractStartChecks(
  base: TargetResolver,
  lines: readonly BillingLine[],
  contracts: readonly ContractStartFacts[],
  capabilities: PsaCapabilities,
): { resolver: TargetResolver; problems: ContractStartProblem[] } {
  if (!capabilities.contractStartChecks) return { resolver: base, problems: [] };
  const known = new Map(contracts.map((c) => [c.id, c]));
  const resolved = new Map<string, TargetResolution>();
  const usage = new Map<string, { first: string; count: number }>();
  for (const line of lines) {
    const r = base.resolve(line, capabilities);
    resolved.set(line.key, r);
    const id = contractOf(r);
    if (id === null || !known.has(id)) continue;
    const u = usage.get(id);
    if (!u) usage.set(id, { first: line.periodStart, count: 1 });
    else {
      u.count++;
      if (line.periodStart < u.first) u.first = line.periodStart;
    }
  }
  const problems: ContractStartProblem[] = [];
  const refused = new Map<string, string>();
  for (const [id, u] of usage) {
    const c = known.get(id) as ContractStartFacts;
    const message = problemMessage(c, u.first);
    if (message === null) continue;
    refused.set(id, message);
    problems.push({
      contractId: id,
      contractName: c.name,
      startDate: c.startDate.slice(0, 10),
      firstUsage: u.first,
      lineCount: u.count,
      message,
    });
  }
  problems.sort(
    (a, b) => a.contractName.localeCompare(b.contractName) || a.contractId.localeCompare(b.contractId),
  );
  return {
    problems,
    resolver: {
      resolve(line, caps) {
        const r = resolved.get(line.key) ?? base.resolve(line, caps);
        const id = contractOf(r);
        const message = id === null ? undefined : refused.get(id);
        return message === undefined || !r.ok
          ? r
          : { ok: false, reason: 'contract-start', message, ref: r.ref };
      },
    },
  };
}
