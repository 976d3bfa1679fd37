import { fnvFeed, fnvFeedNumber, fnvKeep, fnvKeptHex, fnvStart } from './hash';
import type { ChargeTargetRef, PushOperation, PushStep, QuantityTargetRef, TargetRef } from './psa';
import type { ActionKind, ReconcileAction, TargetAfter } from './reconcile';

/**
 * P50 push plan: the approved, actionable reconcile actions as PushSteps, grouped per PSA entity
 * (company + contract or invoice) in a deterministic order. A quantity target is pushed only when every
 * line summed into it is approved: pushing part of a sum would lower a seat count by mistake. A grouped
 * charge likewise: part of its sum billed, and invoiced before the rest is approved, could not take the rest.
 */

/**
 * A step as planned: its idempotency key is hashed when first asked for (stepKey), not with the plan. A push
 * execution sends a few hundred steps of a plan that may hold 80,000, and Review sends none: hashing every
 * step's key took about as long as building the rest of the plan.
 */
export type PlannedStep = Omit<PushStep, 'idempotencyKey'> & { idempotencyKey?: string };

export interface PlanGroup {
  /** e.g. 'company:C1/contract:K7' or 'company:C1/invoice:latest'. */
  entity: string;
  steps: PlannedStep[];
}

export interface SkippedAction {
  lineKeys: string[];
  reason: 'not-approved' | 'partly-approved';
  message: string;
}

export interface PushPlan {
  groups: PlanGroup[];
  /** All steps, in group order. */
  steps: PlannedStep[];
  skipped: SkippedAction[];
}

/** The push operation of an action kind; undefined when it pushes nothing. */
function operationOf(kind: ActionKind): PushOperation | undefined {
  switch (kind) {
    case 'create':
      return 'create-quantity';
    case 'set-quantity':
      return 'set-quantity';
    case 'add-charge':
    case 'append-invoice-line':
      return 'add-charge';
    case 'update-charge':
      return 'update-charge';
    default:
      return undefined;
  }
}

/** A value as `Array.prototype.join` writes it (null and undefined as nothing). */
const joined = (v: string | number | null | undefined): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);

/** fnvFeed(joined(v)), numbers fed without their text. */
const feedJoined = (v: string | number | null | undefined): void =>
  typeof v === 'number' ? fnvFeedNumber(v) : fnvFeed(joined(v));

/**
 * Feeds the values a step writes: the fields joined by U+001F in this fixed order (quantity, unit price,
 * unit cost, effective date, description, product name, SKU, product id), so the key is stable; fed field by
 * field without building the joined text (a push plan hashes every step).
 */
function feedAfter(a: TargetAfter): void {
  feedJoined(a.quantity);
  fnvFeed('\u001f');
  feedJoined(a.unitPrice);
  fnvFeed('\u001f');
  feedJoined(a.unitCost);
  fnvFeed('\u001f');
  feedJoined(a.effectiveDate);
  fnvFeed('\u001f');
  feedJoined(a.description);
  fnvFeed('\u001f');
  feedJoined(a.productName);
  fnvFeed('\u001f');
  feedJoined(a.sku);
  fnvFeed('\u001f');
  fnvFeed(a.productId ?? '');
}

/** Feeds refKey(ref), piece by piece. */
function feedRef(ref: TargetRef): void {
  if (ref.kind === 'quantity') {
    fnvFeed('q\u0000');
    fnvFeed(ref.companyId);
    fnvFeed('\u0000');
    fnvFeed(ref.contractId);
    fnvFeed('\u0000');
    fnvFeed(ref.productId);
  } else {
    fnvFeed('c\u0000');
    fnvFeed(ref.lineKey);
  }
}

/**
 * Same target and same wanted values → same key, whichever run or plan produced it:
 * `fnv1a64(refKey(ref)) + ':' + the hash of the values`, built as one flat string (a plan keeps one per step).
 */
export function idempotencyKey(ref: TargetRef, after: TargetAfter): string {
  fnvStart();
  feedRef(ref);
  fnvKeep();
  fnvStart();
  feedAfter(after);
  return fnvKeptHex(':');
}

/** The step's idempotency key, hashed on first use and kept on the step. */
export function stepKey(step: PlannedStep): string {
  return (step.idempotencyKey ??= idempotencyKey(step.ref, step.after));
}

/** The step with its key, as connectors are given it. */
export function keyedStep(step: PlannedStep): PushStep {
  stepKey(step);
  return step as PushStep;
}

export function entityOf(ref: TargetRef, chargeContainer: 'contract' | 'invoice' = 'contract'): string {
  return ref.kind === 'quantity'
    ? `company:${ref.companyId}/contract:${ref.contractId}`
    : `company:${ref.companyId}/${chargeContainer}:${ref.container}`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The steps of one PSA entity: quantities (by product) before charges (by line key), as refKey orders them. */
interface EntitySteps {
  entity: string;
  quantities: PlannedStep[];
  charges: PlannedStep[];
}

const byProduct = (a: PlannedStep, b: PlannedStep): number =>
  cmp((a.ref as QuantityTargetRef).productId, (b.ref as QuantityTargetRef).productId);
const byLineKey = (a: PlannedStep, b: PlannedStep): number =>
  cmp((a.ref as ChargeTargetRef).lineKey, (b.ref as ChargeTargetRef).lineKey);

/**
 * The step of an action; psaId and codes only when the action has them. Each shape is written out whole: a
 * property added to an object after it is made costs a second allocation, and a plan makes one per step.
 * The key is there from the start (unset) so that stepKey fills it in place.
 */
function stepOf(
  a: ReconcileAction,
  operation: PushOperation,
  ref: TargetRef,
  after: TargetAfter,
): PlannedStep {
  // Shared with the action, not copied: neither changes them (a step only gains its key, stepKey).
  const { lineKeys, before, psaId, codes } = a;
  const idempotencyKey = undefined;
  if (psaId) {
    return codes
      ? { idempotencyKey, operation, ref, lineKeys, before, after, psaId, codes }
      : { idempotencyKey, operation, ref, lineKeys, before, after, psaId };
  }
  return codes
    ? { idempotencyKey, operation, ref, lineKeys, before, after, codes }
    : { idempotencyKey, operation, ref, lineKeys, before, after };
}

export function buildPushPlan(
  actions: readonly ReconcileAction[],
  approved: ReadonlySet<string>,
  chargeContainer: 'contract' | 'invoice' = 'contract',
): PushPlan {
  // Entities by company, then by 'contract'/'invoice' and id, so the entity text (entityOf) is built
  // once per entity rather than once per step. Within one entity every quantity ref has the same
  // company and contract, so refKey order is product order, and charge refKey order is line key order.
  const companies = new Map<string, Map<string, Map<string, EntitySteps>>>();
  const entityFor = (ref: TargetRef): EntitySteps => {
    let kinds = companies.get(ref.companyId);
    if (!kinds) companies.set(ref.companyId, (kinds = new Map()));
    const kind = ref.kind === 'quantity' ? 'contract' : chargeContainer;
    let ids = kinds.get(kind);
    if (!ids) kinds.set(kind, (ids = new Map()));
    const id = ref.kind === 'quantity' ? ref.contractId : ref.container;
    let e = ids.get(id);
    if (!e) ids.set(id, (e = { entity: entityOf(ref, chargeContainer), quantities: [], charges: [] }));
    return e;
  };
  const skipped: SkippedAction[] = [];
  for (const a of actions) {
    const operation = operationOf(a.action);
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
              message: `Only ${n} of the ${a.lineKeys.length} lines for this ${a.ref.kind === 'quantity' ? 'contract service' : 'grouped charge'} are approved`,
            },
      );
      continue;
    }
    const step = stepOf(a, operation, a.ref, a.after);
    const e = entityFor(a.ref);
    (a.ref.kind === 'quantity' ? e.quantities : e.charges).push(step);
  }
  const entities: EntitySteps[] = [];
  for (const kinds of companies.values())
    for (const ids of kinds.values()) for (const e of ids.values()) entities.push(e);
  entities.sort((a, b) => cmp(a.entity, b.entity));
  const groups: PlanGroup[] = [];
  const steps: PlannedStep[] = [];
  for (const e of entities) {
    const list = e.quantities.sort(byProduct).concat(e.charges.sort(byLineKey));
    groups.push({ entity: e.entity, steps: list });
    for (const st of list) steps.push(st);
  }
  skipped.sort((a, b) => cmp(a.lineKeys[0], b.lineKeys[0]));
  return { groups, steps, skipped };
}
