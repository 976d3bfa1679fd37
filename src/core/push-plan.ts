import { fnv1a64 } from './hash';
import type { PushOperation, PushStep, TargetRef } from './psa';
import { refKey } from './reconcile';
import type { ActionKind, ReconcileAction, TargetAfter } from './reconcile';

/**
 * P50 push plan: the approved, actionable reconcile actions as PushSteps, grouped per PSA entity
 * (company + contract or invoice) in a deterministic order. A quantity target is pushed only when every
 * line summed into it is approved: pushing part of a sum would lower a seat count by mistake.
 */

export interface PlanGroup {
  /** e.g. 'company:C1/contract:K7' or 'company:C1/invoice:latest'. */
  entity: string;
  steps: PushStep[];
}

export interface SkippedAction {
  lineKeys: string[];
  reason: 'not-approved' | 'partly-approved';
  message: string;
}

export interface PushPlan {
  groups: PlanGroup[];
  /** All steps, in group order. */
  steps: PushStep[];
  skipped: SkippedAction[];
}

const OPERATION: Partial<Record<ActionKind, PushOperation>> = {
  create: 'create-quantity',
  'set-quantity': 'set-quantity',
  'add-charge': 'add-charge',
  'append-invoice-line': 'add-charge',
  'update-charge': 'update-charge',
};

/** Canonical text of the values a step writes; field order fixed so the hash is stable. */
function afterText(a: TargetAfter): string {
  return [
    a.quantity,
    a.unitPrice,
    a.unitCost,
    a.effectiveDate,
    a.description,
    a.productName,
    a.sku,
    a.productId ?? '',
  ].join('\u001f');
}

/** Same target and same wanted values → same key, whichever run or plan produced it. */
export function idempotencyKey(ref: TargetRef, after: TargetAfter): string {
  return `${fnv1a64(refKey(ref))}:${fnv1a64(afterText(after))}`;
}

export function entityOf(ref: TargetRef, chargeContainer: 'contract' | 'invoice' = 'contract'): string {
  return ref.kind === 'quantity'
    ? `company:${ref.companyId}/contract:${ref.contractId}`
    : `company:${ref.companyId}/${chargeContainer}:${ref.container}`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildPushPlan(
  actions: readonly ReconcileAction[],
  approved: ReadonlySet<string>,
  chargeContainer: 'contract' | 'invoice' = 'contract',
): PushPlan {
  const byEntity = new Map<string, { step: PushStep; order: string }[]>();
  const skipped: SkippedAction[] = [];
  for (const a of actions) {
    const operation = OPERATION[a.action];
    if (!operation || !a.ref || !a.after) continue;
    let n = 0;
    for (const k of a.lineKeys) if (approved.has(k)) n++;
    if (n < a.lineKeys.length) {
      skipped.push(
        n === 0
          ? { lineKeys: a.lineKeys, reason: 'not-approved', message: 'Not approved' }
          : {
              lineKeys: a.lineKeys,
              reason: 'partly-approved',
              message: `Only ${n} of the ${a.lineKeys.length} lines for this contract service are approved`,
            },
      );
      continue;
    }
    const rk = refKey(a.ref);
    const step: PushStep = {
      idempotencyKey: `${fnv1a64(rk)}:${fnv1a64(afterText(a.after))}`,
      operation,
      ref: a.ref,
      // Shared with the action, not copied: plans and actions are read-only values.
      lineKeys: a.lineKeys,
      before: a.before,
      after: a.after,
      ...(a.psaId ? { psaId: a.psaId } : {}),
      ...(a.codes ? { codes: a.codes } : {}),
    };
    // Within an entity: quantities ('0') before charges ('1'), then by target.
    const entry = { step, order: (a.ref.kind === 'quantity' ? '0' : '1') + rk };
    const e = entityOf(a.ref, chargeContainer);
    const list = byEntity.get(e);
    if (list) list.push(entry);
    else byEntity.set(e, [entry]);
  }
  const groups = [...byEntity.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([entity, entries]) => ({
      entity,
      steps: entries.sort((a, b) => cmp(a.order, b.order)).map((x) => x.step),
    }));
  skipped.sort((a, b) => cmp(a.lineKeys[0], b.lineKeys[0]));
  return { groups, steps: groups.flatMap((g) => g.steps), skipped };
}
