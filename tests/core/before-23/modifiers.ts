/**
 * src/core/modifiers.ts as it was before #23's fast paths: the reference tests/core/fast-paths.test.ts compares
 * applyModifiers with on random inputs. Not part of the add-on.
 */
import type { BillingLine, ChargeType, BillingCycle } from '../../../src/core/billing-line';
import { keyOf, lineIdentity } from '../../../src/core/line-key';
import type { AzureRule, EffectiveSettings } from '../../../src/core/settings';
import { microsToCents, microsToNumber, productMicros, toMicros } from '../../../src/core/money';

/**
 * P30 invoice modifiers, applied per line with the settings in force for that line's client, in this order:
 *   1. drop Azure lines            (Drop Azure lines)
 *   2. collapse Azure lines        (one line per source customer and currency; costs and prices summed)
 *   3. drop favourable pro-rata    (pro-rata lines whose total is negative)
 *   4. drop $0 lines               (total rounds to 0.00; also applies to a collapsed line)
 * Nothing is silently lost: every input line gets a fate, and dropped lines are returned for the grid
 * (shown, never pushed).
 */

export type DropReason = 'azure' | 'favourable-pro-rata' | 'zero';

export type LineFate =
  | { key: string; fate: 'kept' }
  | { key: string; fate: 'dropped'; reason: DropReason; message: string }
  | { key: string; fate: 'collapsed'; into: string };

export interface DroppedLine {
  line: BillingLine;
  reason: DropReason;
  message: string;
}

export interface CollapsedLine {
  line: BillingLine;
  /** Keys of the Azure lines summed into it, sorted. */
  from: string[];
}

export interface ModifierResult {
  /** What carries on to mapping and reconciliation: kept input lines (input order), then collapsed lines. */
  lines: BillingLine[];
  /** One fate per input line (input order), then one per collapsed line. */
  fates: LineFate[];
  dropped: DroppedLine[];
  collapsed: CollapsedLine[];
}

export const COLLAPSED_AZURE_SKU = 'AZURE-COLLAPSED';

interface CompiledRule {
  prefixes: string[];
  patterns: RegExp[];
  tags: Set<string>;
  /** Pattern results per product name / description: a pull repeats the same few hundred texts. */
  seen: Map<string, boolean>;
}

const compiled = new WeakMap<AzureRule, CompiledRule>();

function compile(rule: AzureRule): CompiledRule {
  let c = compiled.get(rule);
  if (!c) {
    c = {
      prefixes: rule.skuPrefixes.map((p) => p.toUpperCase()),
      patterns: rule.namePatterns.map((p) => new RegExp(p, 'i')),
      tags: new Set(rule.tags.map((t) => t.toLowerCase())),
      seen: new Map(),
    };
    compiled.set(rule, c);
  }
  return c;
}

function matchesPattern(c: CompiledRule, text: string): boolean {
  let hit = c.seen.get(text);
  if (hit === undefined) {
    hit = c.patterns.some((re) => re.test(text));
    if (c.seen.size < 50_000) c.seen.set(text, hit);
  }
  return hit;
}

/** Whether a line is a Microsoft Azure charge under the rule (see AzureRule). */
export function isAzureLine(
  line: Pick<BillingLine, 'sku' | 'productName' | 'description' | 'tags'>,
  rule: AzureRule,
): boolean {
  const c = compile(rule);
  const sku = line.sku.toUpperCase();
  if (c.prefixes.some((p) => sku.startsWith(p))) return true;
  if (line.tags?.some((t) => c.tags.has(t.toLowerCase()))) return true;
  return matchesPattern(c, line.productName) || matchesPattern(c, line.description);
}

/** Money compared in cents, so 0.004 counts as $0 and -0.001 is not a credit. */
const cents = (n: number): number => Number(microsToCents(toMicros(n)));

/**
 * The sign of cents(n). An amount of a cent or more either way has that sign in cents too (the decimal it
 * was written as is at least 0.01), so only amounts under a cent need the exact decimal (every line of a
 * pull passes here).
 */
function centsSign(n: number): number {
  if (Number.isFinite(n)) {
    if (n >= 0.01) return 1;
    if (n <= -0.01) return -1;
    if (n === 0) return 0;
  }
  return Math.sign(cents(n));
}

function uniform<T>(values: T[], fallback: T): T {
  return values.every((v) => v === values[0]) ? values[0] : fallback;
}

/** `members` sorted by key, so the sums do not depend on row order. */
function collapse(members: BillingLine[]): BillingLine {
  const first = members[0];
  // Exact decimal sums (millionths), so the collapsed line is the members' sum to the last digit.
  let cost = 0n;
  let price = 0n;
  let start = first.periodStart;
  let end = first.periodEnd;
  let effective = first.effectiveDate;
  for (const l of members) {
    cost += productMicros(l.quantity, l.unitCost);
    price += toMicros(l.total);
    if (l.periodStart < start) start = l.periodStart;
    if (l.periodEnd > end) end = l.periodEnd;
    if (l.effectiveDate > effective) effective = l.effectiveDate;
  }
  const chargeType = uniform<ChargeType>(
    members.map((l) => l.chargeType),
    'arrears',
  );
  const cycle = uniform<BillingCycle>(
    members.map((l) => l.cycle),
    'usage',
  );
  const identity = lineIdentity({
    source: first.source,
    customerId: first.customerId,
    subscriptionId: '',
    sku: COLLAPSED_AZURE_SKU,
    chargeType,
    periodStart: start,
    periodEnd: end,
    recordId: `collapsed:${first.currency}`,
  });
  return {
    key: keyOf(identity),
    source: first.source,
    customerId: first.customerId,
    customerName: first.customerName,
    subscriptionId: '',
    sku: COLLAPSED_AZURE_SKU,
    productName: 'Microsoft Azure',
    description: `Microsoft Azure (${members.length} charges collapsed), ${start} to ${end}`,
    periodStart: start,
    periodEnd: end,
    cycle,
    chargeType,
    // Margin untouched: one unit whose cost and price are the sums of the members' totals.
    quantity: 1,
    unitCost: microsToNumber(cost),
    unitPrice: microsToNumber(price),
    total: microsToNumber(price),
    currency: first.currency,
    effectiveDate: effective,
    orderId: '',
    recordId: `collapsed:${first.currency}`,
    tags: ['azure', 'collapsed'],
  };
}

const money = (n: number): string => (n < 0 ? `-${(-n).toFixed(2)}` : n.toFixed(2));

/** The drop rules that apply after collapsing (3 and 4), or null when the line is kept. */
function laterDrop(line: BillingLine, m: EffectiveSettings['modifiers']): DroppedLine | null {
  if (m.dropFavourableProRata && line.chargeType === 'pro-rata' && centsSign(line.total) < 0) {
    return {
      line,
      reason: 'favourable-pro-rata',
      message: `Dropped: favourable pro-rata ${money(line.total)} ${line.currency} (Drop favourable pro-rata is on)`,
    };
  }
  if (m.dropZero && centsSign(line.total) === 0) {
    return { line, reason: 'zero', message: 'Dropped: $0 line (Drop $0 lines is on)' };
  }
  return null;
}

export function applyModifiers(
  lines: readonly BillingLine[],
  settingsFor: (line: BillingLine) => EffectiveSettings,
): ModifierResult {
  const fates: LineFate[] = [];
  const kept: BillingLine[] = [];
  const dropped: DroppedLine[] = [];
  const groups = new Map<string, BillingLine[]>();
  const groupOf: (string | null)[] = [];

  for (const line of lines) {
    const s = settingsFor(line);
    const m = s.modifiers;
    const azure = (m.dropAzure || m.collapseAzure) && isAzureLine(line, s.azureRule);
    if (azure && m.dropAzure) {
      const d: DroppedLine = {
        line,
        reason: 'azure',
        message: 'Dropped: Azure line (Drop Azure lines is on)',
      };
      dropped.push(d);
      fates.push({ key: line.key, fate: 'dropped', reason: d.reason, message: d.message });
      groupOf.push(null);
      continue;
    }
    if (azure && m.collapseAzure) {
      const g = `${line.source}\u0000${line.customerId}\u0000${line.currency}`;
      const members = groups.get(g);
      if (members) members.push(line);
      else groups.set(g, [line]);
      fates.push({ key: line.key, fate: 'collapsed', into: '' }); // filled in below
      groupOf.push(g);
      continue;
    }
    groupOf.push(null);
    const d = laterDrop(line, m);
    if (d) {
      dropped.push(d);
      fates.push({ key: line.key, fate: 'dropped', reason: d.reason, message: d.message });
    } else {
      kept.push(line);
      fates.push({ key: line.key, fate: 'kept' });
    }
  }

  const collapsed: CollapsedLine[] = [];
  const into = new Map<string, string>();
  for (const [g, members] of groups) {
    members.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const line = collapse(members);
    into.set(g, line.key);
    collapsed.push({ line, from: members.map((l) => l.key) });
  }
  groupOf.forEach((g, i) => {
    const f = fates[i];
    if (g !== null && f.fate === 'collapsed') f.into = into.get(g) as string;
  });
  for (const c of collapsed) {
    const d = laterDrop(c.line, settingsFor(c.line).modifiers);
    if (d) {
      dropped.push(d);
      fates.push({ key: c.line.key, fate: 'dropped', reason: d.reason, message: d.message });
    } else {
      kept.push(c.line);
      fates.push({ key: c.line.key, fate: 'kept' });
    }
  }
  return { lines: kept, fates, dropped, collapsed };
}
