import { fnv1a64 } from '../hash';
import type { PsaBillingState, StepOutcome } from '../psa';
import { refKey } from '../reconcile';
import type { PlannedStep, PushPlan } from '../push-plan';

/**
 * A tiny in-memory PSA with convergent semantics, for tests and the workbench: applying a step sets the
 * target to the step's `after` values whatever the step's operation says (a create of an existing
 * contract service updates it; an add of a charge whose line key exists updates it). States are never
 * mutated; each apply returns a new state.
 */

const values = (s: PlannedStep) => ({
  quantity: s.after.quantity,
  unitPrice: s.after.unitPrice,
  unitCost: s.after.unitCost,
});

export function applyStep(
  state: PsaBillingState,
  step: PlannedStep,
): { state: PsaBillingState; outcome: StepOutcome } {
  if (step.ref.kind === 'quantity') {
    const ref = step.ref;
    const k = refKey(ref);
    const i = state.quantities.findIndex((q) => refKey(q.ref) === k);
    const cur = i >= 0 ? state.quantities[i] : null;
    const psaId = cur?.psaId ?? `cs-${fnv1a64(k).slice(0, 8)}`;
    const v = values(step);
    if (
      cur &&
      cur.psaId !== null &&
      cur.quantity === v.quantity &&
      cur.unitPrice === v.unitPrice &&
      cur.unitCost === v.unitCost
    ) {
      return { state, outcome: { status: 'unchanged', psaId, message: 'Already up to date' } };
    }
    const next = { ref, psaId, ...v };
    const quantities = state.quantities.slice();
    if (i >= 0) quantities[i] = next;
    else quantities.push(next);
    return {
      state: { ...state, quantities },
      outcome: { status: 'applied', psaId, message: 'Contract service set' },
    };
  }
  const ref = step.ref;
  const i = state.charges.findIndex((c) => c.ref.lineKey === ref.lineKey);
  const cur = i >= 0 ? state.charges[i] : null;
  const psaId = cur?.psaId ?? `ch-${fnv1a64(ref.lineKey).slice(0, 8)}`;
  const next = {
    ref,
    psaId,
    ...values(step),
    description: step.after.description,
    date: step.after.effectiveDate,
  };
  const same =
    cur !== null &&
    cur.quantity === next.quantity &&
    cur.unitPrice === next.unitPrice &&
    cur.unitCost === next.unitCost &&
    cur.description === next.description &&
    cur.date === next.date &&
    cur.ref.container === next.ref.container;
  if (same) {
    return { state, outcome: { status: 'unchanged', psaId, message: 'Already up to date' } };
  }
  const charges = state.charges.slice();
  if (i >= 0) charges[i] = next;
  else charges.push(next);
  return { state: { ...state, charges }, outcome: { status: 'applied', psaId, message: 'Charge set' } };
}

export function applyPlan(state: PsaBillingState, plan: Pick<PushPlan, 'steps'>): PsaBillingState {
  return plan.steps.reduce((s, step) => applyStep(s, step).state, state);
}

/** States compared regardless of record order. */
export function canonicalState(state: PsaBillingState): string {
  const q = state.quantities.map((x) => JSON.stringify(x)).sort();
  const c = state.charges.map((x) => JSON.stringify(x)).sort();
  return JSON.stringify({ q, c });
}
