/**
 * Pure decisions for one push step, given what Autotask holds right now. Convergent by construction:
 * a quantity change is the difference between the target and the units in force on the effective date,
 * and a charge is found by the line key in its name, so re-running a step that already landed sends nothing.
 */
import { LINE_KEY_PATTERN } from '../../../core/line-key';
import { chargeForm, chargeFormNote } from '../../../core/money';
import type { PushStep } from '../../../core/psa';
import { sameMoney, sameQuantity } from '../../../core/reconcile';
import type { AutotaskConfig } from './config';
import type { AtCharge, AtUnit } from './schemas';

export type Decision =
  | { kind: 'unchanged'; psaId: string; message: string }
  | {
      kind: 'send';
      method: 'post' | 'patch';
      path: string;
      body: Record<string, unknown>;
      psaId: string | null;
      what: string;
      /**
       * False when the step may need another request once this one lands (a price after the units): the
       * target then reads Autotask back and decides again. Absent = settles.
       */
      settles?: boolean;
    }
  | { kind: 'fail'; message: string; retryable: boolean };

/** Autotask's ContractCharges text lengths (F8). */
export const CHARGE_LIMITS = { name: 100, description: 2000 } as const;
const NAME_MAX = CHARGE_LIMITS.name;
const DESCRIPTION_MAX = CHARGE_LIMITS.description;
const KEY_IN_TEXT = new RegExp(LINE_KEY_PATTERN.source.replace(/^\^|\$$/g, ''));

/** The line key a charge name carries, e.g. "Twilio voice usage (BG-1a2b…)" → "BG-1a2b…". */
export function lineKeyOf(name: string): string | null {
  return KEY_IN_TEXT.exec(name)?.[0] ?? null;
}

/** Charge name: the product as staff know it, then the line key that lets a re-run find it. */
export function chargeName(step: PushStep, lineKey: string): string {
  const suffix = ` (${lineKey})`;
  const label = (step.after.productName || step.after.sku || 'BillGrid charge').trim();
  const room = NAME_MAX - suffix.length;
  return (label.length > room ? `${label.slice(0, room - 1)}…` : label) + suffix;
}

/** Autotask keeps charge quantities, prices and costs to 4 decimals (it rounds what it is sent). */
export const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
/** Equal as Autotask stores them: fractional usage that Autotask rounded is not a change to re-send. */
const same4 = (a: number, b: number): boolean => Math.abs(round4(a) - round4(b)) < 1e-9;

const fmt = (n: number): string => String(round4(n));

export function decideQuantity(
  step: PushStep,
  contractId: number,
  serviceId: number,
  row: AtUnit | null,
): Decision {
  const { quantity, unitPrice, unitCost, effectiveDate } = step.after;
  if (!Number.isInteger(quantity) || quantity < 0) {
    return {
      kind: 'fail',
      retryable: false,
      message: `Autotask keeps whole units on a contract service; ${fmt(quantity)} is not a whole, non-negative number`,
    };
  }
  const current = row?.units ?? 0;
  if (row && sameQuantity(current, quantity) && sameMoney(row.price ?? 0, unitPrice)) {
    return {
      kind: 'unchanged',
      psaId: String(row.contractServiceID),
      message: `Already ${fmt(quantity)} units on ${effectiveDate}`,
    };
  }
  if (row?.approveAndPostDate) {
    // F6: Autotask refuses to change a posted period; sending would only fail (or, after a repost, prorate).
    return {
      kind: 'fail',
      retryable: false,
      message: `Autotask has approved and posted the contract period ${row.startDate} to ${row.endDate} (on ${row.approveAndPostDate.slice(0, 10)}), which a change from ${effectiveDate} would modify: bill the difference as a charge, or push it from a date after that period`,
    };
  }
  const change = quantity - current;
  // One request per decision, chosen from what Autotask holds now (F5): units by adjustment, a price by PATCH
  // of the contract service's adjustedPrice (the documented path; an adjustment's price may be ignored, and
  // one of 0 units refused). The target reads back and decides again until nothing is left, so the final
  // state is the same whichever request a crash lost: each request moves one field towards the target and
  // none carries the other's value.
  if (!row && quantity === 0) {
    // No units to add: an adjustment of 0 units may be refused (F5), so the service is added directly.
    return {
      kind: 'send',
      method: 'post',
      path: `Contracts/${contractId}/Services`,
      body: { contractID: contractId, serviceID: serviceId, unitPrice, unitCost },
      psaId: null,
      what: `adding the service with 0 units`,
      settles: false,
    };
  }
  if (!row) {
    // Adding the service: the adjustment creates it and carries a first price (whether Autotask takes it is
    // unverified; the read-back PATCHes it when not).
    return {
      kind: 'send',
      method: 'post',
      path: 'ContractServiceAdjustments',
      body: {
        contractID: contractId,
        serviceID: serviceId,
        effectiveDate,
        unitChange: change,
        adjustedUnitPrice: unitPrice,
        adjustedUnitCost: unitCost,
      },
      psaId: null,
      what: `adding the service with ${fmt(quantity)} units from ${effectiveDate}`,
      settles: false,
    };
  }
  const psaId = String(row.contractServiceID);
  const priced = sameMoney(row.price ?? 0, unitPrice);
  if (change !== 0) {
    return {
      kind: 'send',
      method: 'post',
      path: 'ContractServiceAdjustments',
      body: { contractID: contractId, serviceID: serviceId, effectiveDate, unitChange: change },
      psaId,
      what: `the adjustment of ${fmt(current)} → ${fmt(quantity)} units from ${effectiveDate}`,
      settles: priced,
    };
  }
  // Same units, another price (a cost alone is not billed and has no documented path: left as it is).
  return {
    kind: 'send',
    method: 'patch',
    path: `Contracts/${contractId}/Services`,
    body: { id: row.contractServiceID, adjustedPrice: unitPrice },
    psaId,
    what: `the price change ${fmt(row.price ?? 0)} → ${fmt(unitPrice)} of contract service ${row.contractServiceID}`,
    settles: true,
  };
}

/** Autotask's precision for a charge's quantity, price and cost. */
export const CHARGE_DECIMALS = 4;

/**
 * The charge's fields as Autotask is sent them: quantity × unit price at 4 decimals when that bills the line's
 * amount to the cent, else 1 × the amount with the line's "quantity × unit price" leading the description.
 */
export function chargeValues(a: PushStep['after']): {
  unitQuantity: number;
  unitPrice: number;
  unitCost: number;
  description: string;
} {
  const f = chargeForm(a.quantity, a.unitPrice, a.unitCost, CHARGE_DECIMALS);
  const description = f.asAmount
    ? `${chargeFormNote(a.quantity, a.unitPrice)}: ${a.description}`
    : a.description;
  return {
    unitQuantity: f.quantity,
    unitPrice: f.unitPrice,
    unitCost: f.unitCost,
    description: description.slice(0, DESCRIPTION_MAX),
  };
}

function sameCharge(c: AtCharge, v: ReturnType<typeof chargeValues>, date: string): boolean {
  return (
    same4(c.unitQuantity, v.unitQuantity) &&
    same4(c.unitPrice ?? 0, v.unitPrice) &&
    same4(c.unitCost ?? 0, v.unitCost) &&
    c.datePurchased === date &&
    (c.description ?? '') === v.description
  );
}

/**
 * `found` are the Autotask charges whose name carries the step's line key (normally none or one).
 * `billingCodeId` is needed only to create.
 */
export function decideCharge(
  step: PushStep,
  found: readonly AtCharge[],
  billingCodeId: number | null,
  config: Pick<AutotaskConfig, 'chargeType'>,
): Decision {
  if (step.ref.kind !== 'charge') return { kind: 'fail', retryable: false, message: 'Not a charge step' };
  const { container, lineKey } = step.ref;
  const contractId = Number(container);
  if (!Number.isInteger(contractId)) {
    return { kind: 'fail', retryable: false, message: `'${container}' is not an Autotask contract id` };
  }
  const a = step.after;
  const values = { name: chargeName(step, lineKey), datePurchased: a.effectiveDate, ...chargeValues(a) };
  const existing = [...found].sort((x, y) => x.id - y.id)[0];
  if (existing) {
    const dup =
      found.length > 1
        ? ` (Autotask has ${found.length} charges for this line; BillGrid keeps charge ${existing.id})`
        : '';
    if (existing.contractID !== contractId) {
      return {
        kind: 'fail',
        retryable: false,
        message: `This line is already charged on Autotask contract ${existing.contractID} (charge ${existing.id}), not on contract ${contractId}; move or delete it in Autotask first`,
      };
    }
    if (sameCharge(existing, values, a.effectiveDate)) {
      return {
        kind: 'unchanged',
        psaId: String(existing.id),
        message: `Charge ${existing.id} is already up to date${dup}`,
      };
    }
    if (existing.isBilled) {
      return {
        kind: 'fail',
        retryable: false,
        message: `Autotask has already invoiced charge ${existing.id} (${fmt(existing.unitQuantity)} × ${fmt(existing.unitPrice ?? 0)}); it can no longer be changed - credit or adjust it in Autotask`,
      };
    }
    return {
      kind: 'send',
      method: 'patch',
      path: `Contracts/${contractId}/Charges`,
      body: { id: existing.id, ...values },
      psaId: String(existing.id),
      what: `the update of charge ${existing.id}${dup}`,
    };
  }
  if (billingCodeId === null) {
    return {
      kind: 'fail',
      retryable: false,
      message: `No Autotask Material billing code for the charge '${a.productName || a.sku}' (a service's own code is a Service code, which charges cannot take): choose a material code as the default item code, or set the material code for charges in the Autotask connection`,
    };
  }
  return {
    kind: 'send',
    method: 'post',
    path: `Contracts/${contractId}/Charges`,
    body: {
      contractID: contractId,
      ...values,
      billingCodeID: billingCodeId,
      chargeType: config.chargeType,
      isBillableToCompany: true,
      // No status: it is read-only on ContractCharges (F10).
    },
    psaId: null,
    what: `the new charge '${values.name}'`,
  };
}
