import type { BillingLine, RawBillingLine } from './billing-line';
import { fnv1a64, fnvFeed, fnvHex, fnvHigh, fnvLow, fnvStart } from './hash';

/**
 * Line keys: 'BG-' + 16 hex digits (19 characters, fits any PSA reference field).
 *
 * A key is a hash of the line's identity: source, customer id, subscription id, SKU, charge type,
 * period start/end and the vendor's record id when there is one. Amounts, names and descriptions are
 * NOT part of it, so a re-pull with a changed quantity or price keeps the key (and the staff's edits,
 * approval and PSA reference attached to it).
 *
 * Lines with the same identity in one pull (a vendor that bills the same SKU twice without a record id)
 * are disambiguated by an ordinal after sorting them by their full content, so the result does not
 * depend on row order. The first keeps the plain key; the others get '#2', '#3'… folded into the hash.
 */
export const LINE_KEY_PREFIX = 'BG-';
export const LINE_KEY_PATTERN = /^BG-[0-9a-f]{16}$/;

const SEP = '\u001f';

type Identity = Pick<
  RawBillingLine,
  'source' | 'customerId' | 'subscriptionId' | 'sku' | 'chargeType' | 'periodStart' | 'periodEnd' | 'recordId'
>;

export function lineIdentity(l: Identity): string {
  return [
    l.source,
    l.customerId,
    l.subscriptionId,
    l.sku,
    l.chargeType,
    l.periodStart,
    l.periodEnd,
    l.recordId ?? '',
  ].join(SEP);
}

export const keyOf = (identity: string, ordinal = 1): string =>
  LINE_KEY_PREFIX + fnv1a64(ordinal === 1 ? identity : `${identity}${SEP}#${ordinal}`);

/** Hashes lineIdentity(l) field by field, without building the identity text. */
function feedIdentity(l: Identity): void {
  fnvStart();
  fnvFeed(l.source);
  fnvFeed(SEP);
  fnvFeed(l.customerId);
  fnvFeed(SEP);
  fnvFeed(l.subscriptionId);
  fnvFeed(SEP);
  fnvFeed(l.sku);
  fnvFeed(SEP);
  fnvFeed(l.chargeType);
  fnvFeed(SEP);
  fnvFeed(l.periodStart);
  fnvFeed(SEP);
  fnvFeed(l.periodEnd);
  fnvFeed(SEP);
  fnvFeed(l.recordId ?? '');
}

/** Everything else about the line, to order genuinely repeated charges deterministically. */
function contentOf(l: RawBillingLine): string {
  return [
    l.quantity,
    l.unitCost,
    l.unitPrice,
    l.total,
    l.currency,
    l.cycle,
    l.effectiveDate,
    l.orderId,
    l.productName,
    l.description,
    l.customerName,
    (l.tags ?? []).join(','),
  ].join(SEP);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The own properties of a line as connectors produce it (rawBillingLine's fields in their order), without and
 * with a record id: most lines of a pull have one of these two shapes.
 */
const PLAIN_LINE: readonly string[] = [
  'source',
  'customerId',
  'customerName',
  'subscriptionId',
  'sku',
  'productName',
  'description',
  'periodStart',
  'periodEnd',
  'cycle',
  'chargeType',
  'quantity',
  'unitCost',
  'unitPrice',
  'total',
  'currency',
  'effectiveDate',
  'orderId',
];

/** Whether `names` is PLAIN_LINE, followed by 'recordId' when `recorded`. */
function plainShape(names: readonly string[], recorded: boolean): boolean {
  if (names.length !== PLAIN_LINE.length + (recorded ? 1 : 0)) return false;
  for (let i = 0; i < PLAIN_LINE.length; i++) if (names[i] !== PLAIN_LINE[i]) return false;
  return !recorded || names[PLAIN_LINE.length] === 'recordId';
}

/**
 * `{ ...l, key }`: the same own enumerable properties in the same order with the same values. V8 gives each
 * object made by a spread followed by a property of its own a hidden class of its own (about 800 bytes and
 * 4 × the time per line, for every line of a pull). A line of one of the two usual shapes is copied as one
 * object literal (its whole size allocated once); any other is copied name by name.
 */
function withKey(l: RawBillingLine, key: string): BillingLine {
  const from = l as unknown as Record<string, unknown>;
  const names = Object.keys(from);
  if (plainShape(names, false) || plainShape(names, true)) {
    // Written out twice: each literal is one allocation of its final size.
    if (names.length === PLAIN_LINE.length)
      return {
        source: l.source,
        customerId: l.customerId,
        customerName: l.customerName,
        subscriptionId: l.subscriptionId,
        sku: l.sku,
        productName: l.productName,
        description: l.description,
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
        cycle: l.cycle,
        chargeType: l.chargeType,
        quantity: l.quantity,
        unitCost: l.unitCost,
        unitPrice: l.unitPrice,
        total: l.total,
        currency: l.currency,
        effectiveDate: l.effectiveDate,
        orderId: l.orderId,
        key,
      };
    return {
      source: l.source,
      customerId: l.customerId,
      customerName: l.customerName,
      subscriptionId: l.subscriptionId,
      sku: l.sku,
      productName: l.productName,
      description: l.description,
      periodStart: l.periodStart,
      periodEnd: l.periodEnd,
      cycle: l.cycle,
      chargeType: l.chargeType,
      quantity: l.quantity,
      unitCost: l.unitCost,
      unitPrice: l.unitPrice,
      total: l.total,
      currency: l.currency,
      effectiveDate: l.effectiveDate,
      orderId: l.orderId,
      recordId: l.recordId,
      key,
    };
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    // An own '__proto__' would set the copy's prototype when assigned.
    if (name === '__proto__') return { ...l, key };
    out[name] = from[name];
  }
  out.key = key;
  return out as unknown as BillingLine;
}

/** One vendor record that reached the pull more than once (e.g. served on two pages). */
export interface DuplicateRecord {
  key: string;
  source: string;
  customerId: string;
  customerName: string;
  recordId: string;
  /** How many times it came; all but the first were dropped. */
  count: number;
}

export interface KeyCollision {
  key: string;
  /** How many lines in the pull shared the identity (or, astronomically rarely, the hash). */
  count: number;
}

/**
 * Key every line of one pull. Output is in input order; shuffling the input only shuffles the output.
 * `collisions` lists identities that needed ordinals, so the pull can warn about them.
 *
 * One vendor record is one line: lines that carry the vendor's own record id and share their whole
 * identity are the same record received twice (a page served twice), not two charges — the first is
 * kept and the others dropped and listed in `duplicates`, never numbered into rows of their own
 * (that would bill the record twice). Only lines without a record id are numbered.
 */
export function assignLineKeys(input: readonly RawBillingLine[]): {
  lines: BillingLine[];
  collisions: KeyCollision[];
  duplicates: DuplicateRecord[];
} {
  // Most pulls: every line's key differs (no record twice, no identity twice, no hash collision). Then the
  // keys are the lines' identity keys, and nothing needs the identity texts.
  // Two keys are the same text exactly when their 64-bit hashes are equal: the hashes are compared in an
  // open-addressing table of numbers, so no key text is hashed again to be looked up.
  const n = input.length;
  const fast = new Array<string>(n);
  const high = new Int32Array(n);
  const low = new Int32Array(n);
  let size = 16;
  while (size < 2 * n) size *= 2;
  const slots = new Int32Array(size); // 1 + the line's index; 0 = free
  let i0 = 0;
  scan: for (; i0 < n; i0++) {
    fnvStart();
    feedIdentity(input[i0]);
    const hi = fnvHigh();
    const lo = fnvLow();
    let at = (lo ^ Math.imul(hi, 0x9e3779b1)) & (size - 1);
    for (let j = slots[at]; j !== 0; j = slots[at]) {
      if (high[j - 1] === hi && low[j - 1] === lo) break scan;
      at = (at + 1) & (size - 1);
    }
    slots[at] = i0 + 1;
    high[i0] = hi;
    low[i0] = lo;
    fast[i0] = fnvHex(LINE_KEY_PREFIX);
  }
  if (i0 === n) {
    return { lines: input.map((l, i) => withKey(l, fast[i])), collisions: [], duplicates: [] };
  }
  // Each identity is built and hashed once. Which copy of a repeated record is kept must not depend on
  // row order: the one whose content sorts first. Contents are only built for repeats (rare).
  const inputIds = input.map(lineIdentity);
  const seen = new Map<string, { best: number; content: string | null; count: number }>();
  let repeats = 0;
  for (let i = 0; i < input.length; i++) {
    if (!input[i].recordId) continue;
    const id = inputIds[i];
    const s = seen.get(id);
    if (!s) {
      seen.set(id, { best: i, content: null, count: 1 });
      continue;
    }
    repeats++;
    s.count++;
    const content = contentOf(input[i]);
    if (s.content === null) s.content = contentOf(input[s.best]);
    if (cmp(content, s.content) < 0) {
      s.best = i;
      s.content = content;
    }
  }
  let lines: readonly RawBillingLine[] = input;
  let ids = inputIds;
  const duplicates: DuplicateRecord[] = [];
  if (repeats > 0) {
    const keep = (i: number): boolean => !input[i].recordId || seen.get(inputIds[i])?.best === i;
    lines = input.filter((_, i) => keep(i));
    ids = inputIds.filter((_, i) => keep(i));
    // Named after the first copy that came (as the pull reports it).
    const firstOf = new Map<string, RawBillingLine>();
    input.forEach((l, i) => {
      if (l.recordId && !firstOf.has(inputIds[i])) firstOf.set(inputIds[i], l);
    });
    for (const [id, s] of seen) {
      if (s.count < 2) continue;
      const l = firstOf.get(id) as RawBillingLine;
      duplicates.push({
        key: keyOf(id),
        source: l.source,
        customerId: l.customerId,
        customerName: l.customerName,
        recordId: l.recordId as string,
        count: s.count,
      });
    }
    duplicates.sort((a, b) => cmp(a.key, b.key));
  }
  const keys = ids.map((id) => keyOf(id));
  // Most pulls have no repeats: remember the first index per key, and build groups only for repeats.
  const first = new Map<string, number>();
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const f = first.get(k);
    if (f === undefined) first.set(k, i);
    else {
      const g = groups.get(k);
      if (g) g.push(i);
      else groups.set(k, [f, i]);
    }
  });

  const collisions: KeyCollision[] = [];
  for (const [k, members] of groups) collisions.push({ key: k, count: members.length });
  collisions.sort((a, b) => cmp(a.key, b.key));
  // Sorted order, so even the (astronomically rare) re-hash below never depends on row order.
  for (const { key: k } of collisions) {
    const members = groups.get(k) as number[];
    const content = new Map(members.map((i) => [i, contentOf(lines[i])]));
    members.sort((a, b) => cmp(ids[a], ids[b]) || cmp(content.get(a) as string, content.get(b) as string));
    for (let n = 1; n < members.length; n++) {
      const i = members[n];
      // Ordinals start at 2; skip any that would clash with another line's key.
      let ord = n + 1;
      let key = keyOf(ids[i], ord);
      while (first.has(key)) key = keyOf(ids[i], ++ord);
      first.set(key, i);
      keys[i] = key;
    }
  }
  return { lines: lines.map((l, i) => withKey(l, keys[i])), collisions, duplicates };
}
