/**
 * Pure decisions for one push step, given what Autotask holds right now. Convergent by construction:
 * a quantity change is the difference between the target and the units in force on the effective date,
 * and a charge is found by the line key in its name, so re-running a step that already landed sends nothing.
 */
import { LINE_KEY_PATTERN } from '../../../core/line-key';
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
    }
  | { kind: 'fail'; message: string; retryable: boolean };

const NAME_MAX = 100;
const DESCRIPTION_MAX = 2000;
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

const fmt = (n: number): string => String(Math.round(n * 10000) / 10000);

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
  if (
    row &&
    sameQuantity(current, quantity) &&
    sameMoney(row.price ?? 0, unitPrice) &&
    sameMoney(row.cost ?? 0, unitCost)
  ) {
    return {
      kind: 'unchanged',
      psaId: String(row.contractServiceID),
      message: `Already ${fmt(quantity)} units on ${effectiveDate}`,
    };
  }
  const change = quantity - current;
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
    psaId: row ? String(row.contractServiceID) : null,
    what: row
      ? `the adjustment of ${fmt(current)} → ${fmt(quantity)} units from ${effectiveDate}`
      : `adding the service with ${fmt(quantity)} units from ${effectiveDate}`,
  };
}

function sameCharge(c: AtCharge, step: PushStep): boolean {
  const a = step.after;
  return (
    sameQuantity(c.unitQuantity, a.quantity) &&
    sameMoney(c.unitPrice ?? 0, a.unitPrice) &&
    sameMoney(c.unitCost ?? 0, a.unitCost) &&
    c.datePurchased === a.effectiveDate &&
    (c.description ?? '') === a.description.slice(0, DESCRIPTION_MAX)
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
  config: Pick<AutotaskConfig, 'chargeType' | 'chargeStatus'>,
): Decision {
  if (step.ref.kind !== 'charge') return { kind: 'fail', retryable: false, message: 'Not a charge step' };
  const { container, lineKey } = step.ref;
  const contractId = Number(container);
  if (!Number.isInteger(contractId)) {
    return { kind: 'fail', retryable: false, message: `'${container}' is not an Autotask contract id` };
  }
  const a = step.after;
  const values = {
    name: chargeName(step, lineKey),
    description: a.description.slice(0, DESCRIPTION_MAX),
    datePurchased: a.effectiveDate,
    unitQuantity: a.quantity,
    unitPrice: a.unitPrice,
    unitCost: a.unitCost,
  };
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
    if (sameCharge(existing, step)) {
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
      ...(config.chargeStatus ? { status: config.chargeStatus } : {}),
    },
    psaId: null,
    what: `the new charge '${values.name}'`,
  };
}
