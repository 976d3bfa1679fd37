import type { BillingLine, Currency } from './billing-line';
import type { DroppedLine } from './modifiers';
import type { ChargeTargetRef, PsaBillingState, PushStep, QuantityTargetRef, TargetRef } from './psa';
import { chargeGroupKeyOf, groupValues } from './charge-groups';
import { LINE_KEY_PREFIX } from './line-key';
import { chargeForm, chargeFormNote } from './money';
import { billedOn, nextMonthStart } from './periods';
import type { ArrearsMode, DefaultCodes, EffectiveSettings } from './settings';
import type { BlockReason, PsaCapabilities, TargetResolver } from './targets';

/**
 * P41 reconciliation: one proposed action per target (a quantity target may gather several lines) and
 * one blocked action per line that cannot reach a target. Pure; the PSA state is read by the caller.
 */

export type ActionKind =
  'create' | 'set-quantity' | 'add-charge' | 'update-charge' | 'append-invoice-line' | 'none' | 'blocked';

export interface TargetValues {
  quantity: number;
  unitPrice: number;
  unitCost: number;
}

export type TargetAfter = PushStep['after'];

export interface ReconcileAction {
  action: ActionKind;
  /** Null only for lines blocked before a target was known. */
  ref: TargetRef | null;
  /** Sorted. One key for charges and blocked lines; all summed lines for a quantity target. */
  lineKeys: string[];
  /** The PSA record's id when it exists. */
  psaId: string | null;
  /** What the PSA has now (null when the record does not exist). */
  before: TargetValues | null;
  /** What BillGrid wants (null when blocked). */
  after: TargetAfter | null;
  reason: BlockReason | null;
  /** Default codes in force for the client (for items the connector creates); null when blocked. */
  codes: DefaultCodes | null;
  /** One sentence for the grid's Action/Status cell. */
  message: string;
}

export interface ReconcileInput {
  /** Lines after modifiers (kept + collapsed). */
  lines: readonly BillingLine[];
  /** Lines dropped by a modifier: reported as blocked, never pushed. */
  dropped?: readonly DroppedLine[];
  state: PsaBillingState;
  resolver: TargetResolver;
  capabilities: PsaCapabilities;
  /**
   * The PSA's billing currency for every line; lines in another currency are blocked. Null: each line's
   * resolved settings say (the PSA currency of its client, integration or the defaults), or nothing is
   * checked when they do not.
   */
  psaCurrency: Currency | null;
  /**
   * Charges that exist but cannot be read as lines (a row the source sent unreadable, or one that needs
   * fixing): a quantity target that sums lines of the same client and product is left as it is, since
   * its sum would leave them out.
   */
  held?: readonly HeldCharge[];
}

export interface HeldCharge {
  source: string;
  customerId: string;
  sku: string;
  /** Where it is and why, e.g. "row 12 cannot be billed: Quantity 'ten' is not a number". */
  message: string;
}

const heldKey = (h: Pick<HeldCharge, 'source' | 'customerId' | 'sku'>): string =>
  `${h.source}\u0000${h.customerId}\u0000${h.sku}`;

export interface ReconcileResult {
  /** Deterministic order: targets by refKey, then blocked lines by key. */
  actions: ReconcileAction[];
  /** The action each line key ended in (shared by all lines of a quantity target). */
  byLine: Map<string, ReconcileAction>;
}

/** A canonical string for a target, used for grouping, ordering and idempotency keys. */
export function refKey(ref: TargetRef): string {
  return ref.kind === 'quantity'
    ? `q\u0000${ref.companyId}\u0000${ref.contractId}\u0000${ref.productId}`
    : `c\u0000${ref.lineKey}`;
}

/** A contract service whoever's company the ref names (the contract's own company is the PSA's to say). */
const serviceKey = (ref: QuantityTargetRef): string => `${ref.contractId}\u0000${ref.productId}`;

/** Half a cent for money, a millionth for quantities: PSAs round, and a re-run must still say "none". */
export const sameMoney = (a: number, b: number): boolean => Math.abs(a - b) < 0.005;
export const sameQuantity = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6;
const sameValues = (a: TargetValues, b: TargetValues): boolean =>
  sameQuantity(a.quantity, b.quantity) &&
  sameMoney(a.unitPrice, b.unitPrice) &&
  sameMoney(a.unitCost, b.unitCost);

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * refKey order: charges ('c') by line key, then quantity targets ('q') by refKey. Line keys (a grouped
 * charge's key included) are unique among targets. (reconcile orders its targets without it when no id
 * holds a U+0000; see quantityOrder.)
 */
function sortTargets(targets: ReconcileAction[]): ReconcileAction[] {
  const charges: ReconcileAction[] = [];
  const quantities: { k: string; a: ReconcileAction }[] = [];
  for (const a of targets) {
    const ref = a.ref as TargetRef;
    if (ref.kind === 'charge') charges.push(a);
    else quantities.push({ k: refKey(ref), a });
  }
  const out = byLineKey(charges);
  quantities.sort((x, y) => cmp(x.k, y.k));
  for (const q of quantities) out.push(q.a);
  return out;
}

/**
 * The quantity targets' actions in refKey order, company by company, contract by contract, product by
 * product: the order of the joined refKey texts when no id holds a U+0000 (the separator, which sorts before
 * every other character), without building them. Keys sorted by the built-in sort (code unit order, as `<`).
 */
function quantityOrder(groupOf: Map<string, Map<string, Map<string, QuantityGroup>>>): ReconcileAction[] {
  const out: ReconcileAction[] = [];
  for (const companyId of [...groupOf.keys()].sort()) {
    const contracts = groupOf.get(companyId) as Map<string, Map<string, QuantityGroup>>;
    const contractIds = contracts.size > 1 ? [...contracts.keys()].sort() : contracts.keys();
    for (const contractId of contractIds) {
      const products = contracts.get(contractId) as Map<string, QuantityGroup>;
      for (const productId of [...products.keys()].sort())
        out.push((products.get(productId) as QuantityGroup).action as ReconcileAction);
    }
  }
  return out;
}

const lineKeyOf = (a: ReconcileAction): string => (a.ref as ChargeTargetRef).lineKey;

/** The value of a lowercase hex digit, or -1. */
const hexDigit = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1);

/**
 * Charges in line key order. A month has ~100k, nearly all with keys of the usual form ('BG-' and hex
 * digits, a grouped charge's too): those are spread over 65,536 buckets by their first four digits (in
 * order: '0'–'9' sort before 'a'–'f'), then each bucket sorted; when any key is of another form, the
 * built-in string sort.
 */
function byLineKey(charges: ReconcileAction[]): ReconcileAction[] {
  const n = charges.length;
  const bucket = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = lineKeyOf(charges[i]);
    const d0 = k.length >= 7 && k.startsWith(LINE_KEY_PREFIX) ? hexDigit(k.charCodeAt(3)) : -1;
    const d1 = d0 < 0 ? -1 : hexDigit(k.charCodeAt(4));
    const d2 = d1 < 0 ? -1 : hexDigit(k.charCodeAt(5));
    const d3 = d2 < 0 ? -1 : hexDigit(k.charCodeAt(6));
    if (d3 < 0) {
      const byKey = new Map(charges.map((a) => [lineKeyOf(a), a]));
      return [...byKey.keys()].sort().map((key) => byKey.get(key) as ReconcileAction);
    }
    bucket[i] = (d0 << 12) | (d1 << 8) | (d2 << 4) | d3;
  }
  const end = new Int32Array(0x10001);
  for (let i = 0; i < n; i++) end[bucket[i] + 1]++;
  for (let b = 1; b <= 0x10000; b++) end[b] += end[b - 1];
  const out = new Array<ReconcileAction>(n);
  for (let i = 0; i < n; i++) out[end[bucket[i]]++] = charges[i];
  // end[b] is now where bucket b ends; each bucket (one or two charges, usually) sorted by insertion.
  let from = 0;
  for (let b = 0; b < 0x10000; b++) {
    const to = end[b];
    for (let i = from + 1; i < to; i++) {
      const a = out[i];
      const k = lineKeyOf(a);
      let j = i - 1;
      while (j >= from && lineKeyOf(out[j]) > k) {
        out[j + 1] = out[j];
        j--;
      }
      out[j + 1] = a;
    }
    from = to;
  }
  return out;
}

const fmt = (n: number): string => String(Math.round(n * 10000) / 10000);

function blocked(
  lineKeys: string[],
  reason: BlockReason,
  message: string,
  ref: TargetRef | null = null,
): ReconcileAction {
  return {
    action: 'blocked',
    ref,
    lineKeys,
    psaId: null,
    before: null,
    after: null,
    reason,
    codes: null,
    message,
  };
}

const usable = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/** Lines normally arrive parsed; this guards against a grid edit that skipped parsing. */
function valueProblem(l: BillingLine): string | null {
  if (!usable(l.quantity)) return `Quantity '${String(l.quantity)}' is not a usable number`;
  if (!usable(l.unitPrice)) return `Unit price '${String(l.unitPrice)}' is not a usable number`;
  if (!usable(l.unitCost)) return `Unit cost '${String(l.unitCost)}' is not a usable number`;
  return null;
}

const afterOf = (l: BillingLine, productId: string, arrearsMode: ArrearsMode): TargetAfter => ({
  quantity: l.quantity,
  unitPrice: l.unitPrice,
  unitCost: l.unitCost,
  // Usage in arrears is dated inside the billing month its arrears mode picks (P32).
  effectiveDate: billedOn(l, arrearsMode).effectiveDate,
  description: l.description || l.productName || l.sku,
  productName: l.productName,
  sku: l.sku,
  productId,
});

/** The member lines of one grouped charge (setting `chargeDetail` 'grouped'). */
interface ChargeGroup {
  ref: ChargeTargetRef;
  productId: string;
  codes: DefaultCodes;
  arrearsMode: ArrearsMode;
  lines: BillingLine[];
  problem: { reason: BlockReason; message: string } | null;
}

interface QuantityGroup {
  ref: QuantityTargetRef;
  productId: string;
  codes: DefaultCodes;
  /** False: a change dated after the period's first day waits for the next period (setting `prorate`). */
  prorate: boolean;
  lines: BillingLine[];
  problem: { reason: BlockReason; message: string } | null;
  /** Set once the lines are all gathered. */
  action: ReconcileAction | null;
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const { capabilities } = input;
  const quantityNow = new Map(input.state.quantities.map((q) => [refKey(q.ref), q]));
  const chargeNow = new Map(input.state.charges.map((c) => [c.ref.lineKey, c]));

  const targets: ReconcileAction[] = [];
  const blockedLines: ReconcileAction[] = [];
  /** Messages of new charges made so far, by quantity and unit price (a month repeats a few thousand). */
  const messages = new Map<number, Map<number, string>>();
  // Quantity targets in the order first reached, found by company, contract and product (no refKey text
  // per line).
  const groups: QuantityGroup[] = [];
  const groupOf = new Map<string, Map<string, Map<string, QuantityGroup>>>();
  /** Whether some company, contract or product id of a quantity target holds a U+0000 (see quantityOrder). */
  let nul = false;
  const chargeGroups = new Map<string, ChargeGroup>();
  /**
   * Contract services some held line reaches (its sync stopped, or its integration disabled), with why:
   * no line may change their quantity.
   */
  const stopped = new Map<string, string>();
  /**
   * Contract services (contract and product) a line would reach on another company's contract: held for
   * every line, since their quantity cannot be right until a person says where that line belongs.
   */
  const misdirected = new Map<string, string>();
  // Filled as actions are made; doubles as the "seen" set for repeated line keys.
  const byLine = new Map<string, ReconcileAction | null>();
  const add = (list: ReconcileAction[], a: ReconcileAction): void => {
    list.push(a);
    byLine.set(a.lineKeys[0], a);
  };

  for (const d of input.dropped ?? []) add(blockedLines, blocked([d.line.key], 'dropped', d.message));

  for (const line of input.lines) {
    if (byLine.has(line.key)) {
      // The first occurrence keeps its place in byLine.
      blockedLines.push(
        blocked([line.key], 'invalid-value', `Line key ${line.key} appears twice; re-pull the month`),
      );
      continue;
    }
    const r = input.resolver.resolve(line, capabilities);
    if (!r.ok) {
      add(blockedLines, blocked([line.key], r.reason, r.message, r.ref ?? null));
      if (
        r.ref?.kind === 'quantity' &&
        (r.reason === 'sync-stopped' || r.reason === 'integration-disabled')
      ) {
        const k = refKey(r.ref);
        if (!stopped.has(k) || r.reason === 'sync-stopped')
          stopped.set(k, r.reason === 'sync-stopped' ? '' : r.message);
      }
      if (r.reason === 'contract-company' && r.ref?.kind === 'quantity')
        misdirected.set(serviceKey(r.ref), r.message);
      continue;
    }
    let problem: QuantityGroup['problem'] = null;
    const bad = valueProblem(line);
    if (bad) problem = { reason: 'invalid-value', message: bad };
    else {
      const psaCurrency = input.psaCurrency ?? r.settings.psaCurrency ?? null;
      if (psaCurrency !== null && line.currency !== psaCurrency) {
        problem = {
          reason: 'currency',
          message: `Currency ${line.currency} differs from the PSA's ${psaCurrency} for this client; the PSA would bill the amount as ${psaCurrency} (set the client's PSA currency in Defaults if it is billed in ${line.currency})`,
        };
      }
    }

    if (r.ref.kind === 'quantity') {
      const { companyId, contractId, productId } = r.ref;
      let contracts = groupOf.get(companyId);
      if (!contracts) {
        groupOf.set(companyId, (contracts = new Map()));
        if (companyId.includes('\u0000')) nul = true;
      }
      let products = contracts.get(contractId);
      if (!products) {
        contracts.set(contractId, (products = new Map()));
        if (contractId.includes('\u0000')) nul = true;
      }
      let g = products.get(productId);
      if (!g) {
        if (productId.includes('\u0000')) nul = true;
        g = {
          ref: r.ref,
          productId: r.productId,
          codes: r.settings.codes,
          prorate: r.settings.prorate !== false,
          // A literal of one: most groups keep one line, and an array pushed into from empty is given room for 17.
          lines: [line],
          problem: null,
          action: null,
        };
        products.set(productId, g);
        groups.push(g);
      } else g.lines.push(line);
      byLine.set(line.key, null); // set below, once the group's action exists
      if (problem && !g.problem) g.problem = problem;
      continue;
    }
    // On a PSA that keeps grouped charges, a line's group key is known whatever the setting: a line billed in
    // one form is never billed again in the other after the setting changed.
    const groupKey =
      capabilities.groupedCharges === true
        ? chargeGroupKeyOf(line, r.ref.container, r.settings.arrearsMode)
        : null;
    if (groupKey !== null && r.settings.chargeDetail === 'grouped') {
      let g = chargeGroups.get(groupKey);
      if (!g)
        chargeGroups.set(
          groupKey,
          (g = {
            ref: { ...r.ref, lineKey: groupKey },
            productId: r.productId,
            codes: r.settings.codes,
            arrearsMode: r.settings.arrearsMode,
            lines: [line],
            problem: null,
          }),
        );
      else g.lines.push(line);
      byLine.set(line.key, null); // set below, once the group's action exists
      if (!problem && r.productId !== g.productId)
        problem = {
          reason: 'invalid-value',
          message: `Lines of ${line.sku} on this contract go to different PSA products (${g.productId}, ${r.productId}), so one grouped charge cannot hold them: give them one product, or set charge detail to one charge per line`,
        };
      const own = chargeNow.get(line.key);
      if (!problem && own)
        problem = {
          reason: 'charge-detail',
          message: `Line ${line.key} is already billed on its own (PSA charge ${own.psaId}); a grouped charge would bill it twice: set charge detail back to one charge per line, or remove that charge in the PSA first`,
        };
      if (problem && !g.problem) g.problem = problem;
      continue;
    }
    const grouped = groupKey === null ? undefined : chargeNow.get(groupKey);
    if (grouped && !problem)
      problem = {
        reason: 'charge-detail',
        message: `Billed in grouped charge ${groupKey} (PSA charge ${grouped.psaId}) while charge detail was grouped; a charge of its own would bill it twice: set charge detail back to grouped, or remove that charge in the PSA first`,
      };
    if (problem) add(blockedLines, blocked([line.key], problem.reason, problem.message, r.ref));
    else if (capabilities.chargesRefused)
      add(blockedLines, blocked([line.key], 'charges-refused', capabilities.chargesRefused, r.ref));
    else
      add(targets, lineChargeAction(r.ref, line, r.productId, r.settings, chargeNow, capabilities, messages));
  }

  const createMessages = new Map<number, string>();
  const held = new Map<string, HeldCharge>();
  for (const h of input.held ?? []) if (!held.has(heldKey(h))) held.set(heldKey(h), h);
  for (const g of groups) {
    const why = stopped.size > 0 ? stopped.get(refKey(g.ref)) : undefined;
    if (why !== undefined) {
      g.problem = why
        ? {
            reason: 'integration-disabled',
            message: `Another line on this contract service is held (${why}): it keeps its quantity`,
          }
        : {
            reason: 'sync-stopped',
            message: 'Sync stopped for another subscription on this contract service: it keeps its quantity',
          };
    }
    const other = misdirected.size ? misdirected.get(serviceKey(g.ref)) : undefined;
    if (other !== undefined && !g.problem)
      g.problem = {
        reason: 'contract-company',
        message: `Another line on this contract service is held: ${other}`,
      };
    const h = held.size ? g.lines.map((l) => held.get(heldKey(l))).find(Boolean) : undefined;
    if (h && !g.problem)
      g.problem = {
        reason: 'invalid-value',
        message: `${h.message}; this contract service sums it with this line, so its quantity is left as it is until that row can be billed`,
      };
    const a = quantityAction(g, quantityNow, capabilities, input.state.contractPeriods, createMessages);
    g.action = a;
    for (const k of a.lineKeys) byLine.set(k, a);
  }

  for (const g of chargeGroups.values()) {
    const h = held.size ? g.lines.map((l) => held.get(heldKey(l))).find(Boolean) : undefined;
    if (h && !g.problem)
      g.problem = {
        reason: 'invalid-value',
        message: `${h.message}; this grouped charge sums it with this line, so it is left as it is until that row can be billed`,
      };
    const a = groupedChargeAction(g, chargeNow, capabilities);
    targets.push(a);
    for (const k of a.lineKeys) byLine.set(k, a);
  }

  // A stopped contract service keeps its quantity: show what the PSA has, for billing it by hand.
  const quantities = nul ? groups.map((g) => g.action as ReconcileAction) : quantityOrder(groupOf);
  for (const list of [blockedLines, targets, quantities])
    for (const a of list) {
      if ((a.reason !== 'sync-stopped' && a.reason !== 'integration-disabled') || a.ref?.kind !== 'quantity')
        continue;
      const q = quantityNow.get(refKey(a.ref));
      if (q && q.psaId !== null) {
        a.psaId = q.psaId;
        a.before = { quantity: q.quantity, unitPrice: q.unitPrice, unitCost: q.unitCost };
      }
    }
  blockedLines.sort((a, b) => cmp(a.lineKeys[0], b.lineKeys[0]));
  return {
    actions: (nul ? sortTargets(targets.concat(quantities)) : byLineKey(targets).concat(quantities)).concat(
      blockedLines,
    ),
    byLine: byLine as Map<string, ReconcileAction>,
  };
}

function lineChargeAction(
  ref: ChargeTargetRef,
  line: BillingLine,
  productId: string,
  settings: EffectiveSettings,
  now: Map<string, PsaBillingState['charges'][number]>,
  capabilities: PsaCapabilities,
  messages: Map<number, Map<number, string>>,
): ReconcileAction {
  const after = afterOf(line, productId, settings.arrearsMode);
  return chargeAction(ref, [line.key], after, settings.codes, now, capabilities, messages);
}

/** The action for one charge (a line's, or a grouped one's: `ref.lineKey` finds it in the PSA). */
const shown = (v: TargetValues): string => `${fmt(v.quantity)} × ${fmt(v.unitPrice)}`;

/** What a charge's message says BillGrid wants: the values sent, and how when the PSA takes them as an amount. */
const wanted = (after: TargetAfter, form: ReturnType<typeof chargeForm> | null): string =>
  form?.asAmount ? `${shown(form)} (${chargeFormNote(after.quantity, after.unitPrice)})` : shown(after);

const newChargeMessage = (onInvoice: boolean, w: string): string =>
  onInvoice ? `Append invoice line: ${w}` : `Add charge: ${w}`;

function chargeAction(
  ref: ChargeTargetRef,
  lineKeys: string[],
  after: TargetAfter,
  codes: DefaultCodes,
  now: Map<string, PsaBillingState['charges'][number]>,
  capabilities: PsaCapabilities,
  /** Messages of new charges by quantity and unit price, reused (null: none kept). */
  messages: Map<number, Map<number, string>> | null,
): ReconcileAction {
  // What the PSA is sent and holds once pushed: compared with what it holds now (the line's own values
  // unless the PSA keeps fewer decimals).
  const form =
    capabilities.chargeDecimals === undefined
      ? null
      : chargeForm(after.quantity, after.unitPrice, after.unitCost, capabilities.chargeDecimals);
  const sent: TargetValues = form ?? after;
  const c = now.size === 0 ? undefined : now.get(ref.lineKey);
  if (!c) {
    const onInvoice = capabilities.chargeContainer === 'invoice';
    let message: string;
    if (form?.asAmount || messages === null) message = newChargeMessage(onInvoice, wanted(after, form));
    else {
      // The message says only the quantity and unit price: one per pair.
      let byPrice = messages.get(after.quantity);
      if (!byPrice) messages.set(after.quantity, (byPrice = new Map()));
      const known = byPrice.get(after.unitPrice);
      if (known === undefined)
        byPrice.set(after.unitPrice, (message = newChargeMessage(onInvoice, shown(after))));
      else message = known;
    }
    return {
      action: onInvoice ? 'append-invoice-line' : 'add-charge',
      ref,
      lineKeys,
      psaId: null,
      before: null,
      after,
      reason: null,
      codes,
      message,
    };
  }
  const before = { quantity: c.quantity, unitPrice: c.unitPrice, unitCost: c.unitCost };
  const same = sameValues(before, sent);
  // The line's billing date moved since the push (its arrears setting changed): the same charge moves
  // with it, unless the PSA has invoiced it already (then it stays where it was billed, once).
  const moved = capabilities.chargeDatesKept === true && c.date !== after.effectiveDate;
  if (same && moved && c.invoiced === true) {
    return {
      action: 'none',
      ref,
      lineKeys,
      psaId: c.psaId,
      before,
      after,
      reason: null,
      codes,
      message: `Already in the PSA, invoiced on ${c.date} (now due on ${after.effectiveDate}): left where it was billed`,
    };
  }
  const dated = moved ? `, dated ${c.date} → ${after.effectiveDate}` : '';
  return {
    action: same && !moved ? 'none' : 'update-charge',
    ref,
    lineKeys,
    psaId: c.psaId,
    before,
    after,
    reason: null,
    codes,
    message:
      same && !moved
        ? 'Already in the PSA'
        : same
          ? `Move charge: ${shown(before)} from ${c.date} to ${after.effectiveDate}`
          : `Update charge: ${shown(before)} → ${wanted(after, form)}${dated}`,
  };
}

/**
 * One grouped charge: its members' exact sum (core/charge-groups.ts), compared as the PSA is sent it. Any
 * member with a problem holds the whole group (a partial sum billed and invoiced could not take the rest).
 */
function groupedChargeAction(
  g: ChargeGroup,
  now: Map<string, PsaBillingState['charges'][number]>,
  capabilities: PsaCapabilities,
): ReconcileAction {
  const lines = g.lines.length > 1 ? g.lines.slice().sort((a, b) => cmp(a.key, b.key)) : g.lines;
  const lineKeys = lines.map((l) => l.key);
  if (g.problem) return blocked(lineKeys, g.problem.reason, g.problem.message, g.ref);
  const v = groupValues(lines);
  const first = lines[0];
  let effectiveDate = billedOn(first, g.arrearsMode).effectiveDate;
  for (const l of lines) {
    const d = billedOn(l, g.arrearsMode).effectiveDate;
    if (d > effectiveDate) effectiveDate = d;
  }
  const names = new Set(lines.map((l) => l.productName || l.sku));
  const after: TargetAfter = {
    quantity: v.quantity,
    unitPrice: v.unitPrice,
    unitCost: v.unitCost,
    effectiveDate,
    description: v.description,
    productName:
      names.size > 1
        ? `${first.productName || first.sku} and ${names.size - 1} other product${names.size > 2 ? 's' : ''}`
        : first.productName,
    sku: first.sku,
    productId: g.productId,
  };
  const a = chargeAction(g.ref, lineKeys, after, g.codes, now, capabilities, null);
  const label = `grouped charge ${g.ref.lineKey} (${lines.length} line${lines.length === 1 ? '' : 's'})`;
  return { ...a, message: `${a.message} · ${label}` };
}

/**
 * Prorate off (F6): a change dated after the first day of the contract's billing period takes effect on the
 * first day of the next one. The period is the PSA's for the contract when it says (a quarter, a year),
 * else the month. Null: the date stands.
 */
function deferredDate(
  effectiveDate: string,
  prorate: boolean,
  period: { start: string; next: string } | undefined,
): string | null {
  if (prorate) return null;
  const p = period && period.start <= effectiveDate && effectiveDate < period.next ? period : null;
  if (effectiveDate === (p ? p.start : `${effectiveDate.slice(0, 8)}01`)) return null;
  return p ? p.next : nextMonthStart(effectiveDate);
}

const cents = (n: number): number => Math.round(n * 100);

/** Whether the lines' unit prices or costs differ in cents. */
function pricesDiffer(lines: readonly BillingLine[]): boolean {
  const price = cents(lines[0].unitPrice);
  const cost = cents(lines[0].unitCost);
  for (let i = 1; i < lines.length; i++)
    if (cents(lines[i].unitPrice) !== price || cents(lines[i].unitCost) !== cost) return true;
  return false;
}

/** The message of a new contract service, one per quantity (a month repeats a few hundred). */
function createMessage(quantity: number, messages: Map<number, string>): string {
  let m = messages.get(quantity);
  if (m === undefined) messages.set(quantity, (m = `Create contract service with quantity ${fmt(quantity)}`));
  return m;
}

function quantityAction(
  g: QuantityGroup,
  now: Map<string, PsaBillingState['quantities'][number]>,
  capabilities: PsaCapabilities,
  periods: PsaBillingState['contractPeriods'],
  /** Messages of new contract services so far, by quantity. */
  messages: Map<number, string>,
): ReconcileAction {
  const lines = g.lines.length > 1 ? g.lines.slice().sort((a, b) => cmp(a.key, b.key)) : g.lines;
  const lineKeys = lines.length === 1 ? [lines[0].key] : lines.map((l) => l.key);
  if (g.problem) return blocked(lineKeys, g.problem.reason, g.problem.message, g.ref);

  const first = lines[0];
  if (lines.length > 1 && pricesDiffer(lines)) {
    const list = [...new Set(lines.map((l) => `${fmt(l.unitPrice)}/${fmt(l.unitCost)}`))].sort().join(', ');
    return blocked(
      lineKeys,
      'invalid-value',
      `Lines for this contract service have different unit prices/costs (${list}); map them to separate services`,
      g.ref,
    );
  }
  let quantity = 0;
  let effectiveDate = first.effectiveDate;
  for (const l of lines) {
    quantity += l.quantity;
    if (l.effectiveDate > effectiveDate) effectiveDate = l.effectiveDate;
  }
  quantity = Math.round(quantity * 1e6) / 1e6;
  // Prorate off: a change dated inside the period takes effect on the 1st of the next one (no proration).
  const later = deferredDate(effectiveDate, g.prorate, periods?.[g.ref.contractId]);
  const deferred = later !== null;
  if (later !== null) effectiveDate = later;
  if (quantity < 0) {
    return blocked(lineKeys, 'invalid-value', `Total quantity ${fmt(quantity)} cannot be negative`, g.ref);
  }
  const { unitPrice, unitCost, productName, sku } = first;
  const description = productName || sku;
  const { productId } = g;
  // Absent = monthly: a service created for these lines is billed per their cycle (its commitment period).
  // Each shape written out whole (one hidden class each, no spread).
  const after: TargetAfter =
    first.cycle !== 'monthly'
      ? {
          quantity,
          unitPrice,
          unitCost,
          effectiveDate,
          description,
          productName,
          sku,
          productId,
          cycle: first.cycle,
        }
      : { quantity, unitPrice, unitCost, effectiveDate, description, productName, sku, productId };
  const read = now.size === 0 ? undefined : now.get(refKey(g.ref));
  // A deferred change is compared with what is in force from the first day of the next period, when the PSA says.
  const q = read && deferred && read.next ? { ...read, ...read.next } : read;
  if ((!q || q.psaId === null) && capabilities.addsZeroQuantities === false && sameQuantity(quantity, 0)) {
    return {
      action: 'none',
      ref: g.ref,
      lineKeys,
      psaId: null,
      before: null,
      after,
      reason: null,
      codes: g.codes,
      message: 'Nothing to bill: quantity 0, and the PSA has no contract service for it',
    };
  }
  if (!q || q.psaId === null) {
    return {
      action: 'create',
      ref: g.ref,
      lineKeys,
      psaId: null,
      before: null,
      after,
      reason: null,
      codes: g.codes,
      message: createMessage(quantity, messages),
    };
  }
  const before = { quantity: q.quantity, unitPrice: q.unitPrice, unitCost: q.unitCost };
  const costOnly =
    capabilities.quantityCostSettable === false &&
    sameQuantity(before.quantity, after.quantity) &&
    sameMoney(before.unitPrice, after.unitPrice) &&
    !sameMoney(before.unitCost, after.unitCost);
  if (costOnly) {
    return {
      action: 'none',
      ref: g.ref,
      lineKeys,
      psaId: q.psaId,
      before,
      after,
      reason: null,
      codes: g.codes,
      message: `Already in the PSA (its unit cost ${fmt(before.unitCost)} differs from ${fmt(after.unitCost)}, which BillGrid cannot change on an existing contract service: change it there if it matters)`,
    };
  }
  const same = sameValues(before, after);
  return {
    action: same ? 'none' : 'set-quantity',
    ref: g.ref,
    lineKeys,
    psaId: q.psaId,
    before,
    after,
    reason: null,
    codes: g.codes,
    message: same
      ? 'Already in the PSA'
      : `Set quantity ${fmt(before.quantity)} → ${fmt(quantity)} (difference ${fmt(quantity - before.quantity)})`,
  };
}
