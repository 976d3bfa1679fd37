/**
 * F5 as a write probe of the tenant check, on the test company the user names: does the documented price
 * path (PATCH of a contract service's adjustedPrice) re-price, and what does a 0-unit adjustment carrying a
 * price do on this tenant (re-price, nothing, or refused: the sandbox's `adjustmentPrice` variants)? BillGrid
 * changes prices by PATCH only and never sends a 0-unit adjustment, so the answer is a record, not a switch.
 *
 * What it changes, in order, and how it puts it back (nothing else is touched):
 *  1. PATCH adjustedPrice of one contract service to its price + 1 (the period rows re-price);
 *  2. a 0-unit adjustment from the start of the period in force carrying the ORIGINAL price (so where
 *     adjustments re-price, it is itself the restore);
 *  3. PATCH adjustedPrice back to the original price when the price is not back yet.
 * It reads the price back after each step, and whatever goes wrong after step 1 it still tries step 3; if the
 * price cannot be put back it says exactly which service and which price to set by hand.
 * Autotask cannot delete an adjustment (create only, ContractServiceAdjustmentsEntity.htm): where it accepts
 * the 0-unit one, it stays in the contract's history with 0 units at the original price (it bills nothing).
 * Only a contract service whose unposted periods all have one price is used, so putting it back restores
 * every period exactly.
 */
import { z } from 'zod';
import type { ProbeContext, ProbeResult } from '../../descriptor';
import { PsaError, type PsaTarget } from '../../../core/psa';
import type { AtUnit } from './schemas';
import { unitSchema } from './schemas';
import { AutotaskTarget, unitRowInForce } from './target';

/** What the 0-unit adjustment did. */
export type AdjustmentPriceBehaviour = 'reprice' | 'units-only' | 'reject-zero';

const BEHAVIOUR: Record<AdjustmentPriceBehaviour, string> = {
  reprice: 're-prices the service',
  'units-only': 'leaves the price as it was',
  'reject-zero': 'is refused',
};

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function probeAdjustmentPrice(target: PsaTarget, ctx: ProbeContext, today: string): ProbeResult {
  if (!(target instanceof AutotaskTarget))
    return { status: 'unchecked', detail: 'Not an Autotask connection' };
  const company = Number(ctx.testCompanyId);
  if (!ctx.testCompanyId || !Number.isInteger(company))
    return { status: 'unchecked', detail: 'Name a test company to run this check' };
  const client = target.client;
  let rows: AtUnit[];
  try {
    const contracts = client.queryAll(
      'Contracts',
      [
        [
          { op: 'eq', field: 'companyID', value: company },
          { op: 'eq', field: 'contractType', value: target.config.contractTypes.recurringService },
          { op: 'eq', field: 'status', value: target.config.activeContractStatus },
        ],
      ],
      z.object({ id: z.number() }),
      ['id'],
    );
    rows = contracts.length
      ? client.queryAll(
          'ContractServiceUnits',
          [[{ op: 'in', field: 'contractID', value: contracts.map((c) => c.id) }]],
          unitSchema,
        )
      : [];
  } catch (err) {
    if (err instanceof PsaError) return { status: 'unchecked', detail: err.message };
    throw err;
  }
  // A contract service in force today, its period not posted, every unposted period at one price.
  const byService = new Map<number, AtUnit[]>();
  for (const r of rows)
    byService.set(r.contractServiceID, [...(byService.get(r.contractServiceID) ?? []), r]);
  let pick: { rows: AtUnit[]; row: AtUnit } | null = null;
  for (const [, list] of [...byService].sort(([a], [b]) => a - b)) {
    // The period in force today, else the next one to come.
    const row =
      unitRowInForce(list, today) ??
      list.filter((r) => r.startDate > today).sort((a, b) => (a.startDate < b.startDate ? -1 : 1))[0];
    const open = list.filter((r) => !r.approveAndPostDate);
    if (!row || row.approveAndPostDate || row.price === null || row.price === undefined) continue;
    if (new Set(open.map((r) => r.price)).size !== 1) continue;
    pick = { rows: list, row };
    break;
  }
  if (!pick)
    return {
      status: 'unchecked',
      detail: `Company ${company} has no active recurring-service contract with a service in force on ${today} whose open periods have one price: add one to run this check`,
    };
  const { row } = pick;
  const original = row.price as number;
  const trial = round2(original + 1);
  const from = row.startDate;
  const path = `Contracts/${row.contractID}/Services`;
  const rowsNow = (): AtUnit[] | null => {
    try {
      return client.queryAll(
        'ContractServiceUnits',
        [[{ op: 'eq', field: 'contractServiceID', value: row.contractServiceID }]],
        unitSchema,
      );
    } catch {
      return null;
    }
  };
  const priceNow = (): number | null => {
    const now = rowsNow();
    return now ? (unitRowInForce(now, from)?.price ?? null) : null;
  };
  // Every open period at the original price again (an adjustment re-prices from its date on only).
  const allBack = (): boolean => {
    const now = rowsNow();
    return now !== null && now.every((r) => Boolean(r.approveAndPostDate) || r.price === original);
  };
  const service = `contract service ${row.contractServiceID} (service ${row.serviceID}) on contract ${row.contractID}`;

  const patched = client.mutate(
    'patch',
    path,
    { id: row.contractServiceID, adjustedPrice: trial },
    `the price of ${service}`,
  );
  if (!patched.ok)
    return {
      status: 'differs',
      detail: `Autotask refused the documented price change (PATCH adjustedPrice) of ${service}: ${patched.message}; nothing was changed`,
    };
  const afterPatch = priceNow();
  let behaviour: AdjustmentPriceBehaviour | null = null;
  let problem: string | null =
    afterPatch === trial
      ? null
      : `PATCH adjustedPrice ${trial} left the price in force at ${afterPatch ?? 'unknown'}: the documented path did not re-price`;
  if (!problem) {
    const adj = client.mutate(
      'post',
      'ContractServiceAdjustments',
      {
        contractID: row.contractID,
        serviceID: row.serviceID,
        effectiveDate: from,
        unitChange: 0,
        adjustedUnitPrice: original,
      },
      `a 0-unit adjustment of ${service}`,
    );
    if (!adj.ok) behaviour = adj.retryable ? null : 'reject-zero';
    else {
      const p = priceNow();
      behaviour = p === original ? 'reprice' : p === trial ? 'units-only' : null;
    }
    if (!behaviour) problem = 'the 0-unit adjustment could not be read back';
  }
  // Put the price back, whatever happened since the first change.
  let back = allBack();
  if (!back) {
    client.mutate(
      'patch',
      path,
      { id: row.contractServiceID, adjustedPrice: original },
      `the price of ${service}`,
    );
    back = allBack();
  }
  if (!back)
    return {
      status: 'differs',
      detail: `${problem ? `${problem}; ` : ''}BillGrid could not put the price back: set the price of ${service} to ${original} in Autotask (PATCH adjustedPrice ${original}, or the contract's service in the Autotask screens)`,
    };
  if (problem || !behaviour)
    return {
      status: 'differs',
      detail: `${problem ?? 'unknown'}; the price of ${service} is back to ${original}`,
    };
  const kept =
    behaviour === 'reject-zero'
      ? ''
      : '; Autotask keeps that adjustment (0 units, the original price) in the contract history: adjustments cannot be deleted';
  return {
    status: 'confirmed',
    detail: `Prices change by PATCH adjustedPrice (checked on ${service}, now back to ${original}); a 0-unit adjustment carrying a price ${BEHAVIOUR[behaviour]} (${behaviour}), which BillGrid never sends${kept}`,
  };
}
