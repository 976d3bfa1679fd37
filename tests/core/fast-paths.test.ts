/**
 * The core's fast paths (#23: the 100,000-line pipeline under 1 s) give exactly what the plain versions
 * they replaced gave. Each reference below is the previous implementation, kept here verbatim in
 * substance, and compared on random inputs.
 */
import { endOfMonth, format, parseISO, addMonths } from 'date-fns';
import fc from 'fast-check';
import { isRealIsoDate } from '../../src/core/billing-line';
import type { BillingLine, RawBillingLine } from '../../src/core/billing-line';
import { assignLineKeys, keyOf, lineIdentity } from '../../src/core/line-key';
import type { DuplicateRecord } from '../../src/core/line-key';
import { billedOn, monthOf, nextMonth, PeriodError } from '../../src/core/periods';
import type { PushStep, TargetRef } from '../../src/core/psa';
import { buildPushPlan, entityOf, idempotencyKey, stepKey } from '../../src/core/push-plan';
import { fnv1a64 } from '../../src/core/hash';
import { CompanyIndex, normalizeName, similarity } from '../../src/core/matching';
import type { MatchCandidate } from '../../src/core/matching';
import { applyModifiers } from '../../src/core/modifiers';
import { microsToCents, toMicros } from '../../src/core/money';
import { DEFAULT_SETTINGS, defaultBillingSettings } from '../../src/core/settings';
import type { ReconcileAction } from '../../src/core/reconcile';
import { refKey } from '../../src/core/reconcile';
import { raw, rawLineArb } from './fixtures';
import { applyModifiers as refApplyModifiers } from './before-23/modifiers';
import { reconcile as refReconcile } from './before-23/reconcile';
import { reconcile } from '../../src/core/reconcile';
import { chargeGroupKeyOf } from '../../src/core/charge-groups';
import { withContractOwnerChecks } from '../../src/core/contract-owner';
import type { ReconcileInput } from '../../src/core/reconcile';
import { mappingTargetResolver } from '../../src/core/targets';
import type { Mappings } from '../../src/core/mapping';
import type { BillingSettings } from '../../src/core/settings';
import type { PsaBillingState, PsaCapabilities } from '../../src/core/psa';
import { CONTRACT_PSA, INVOICE_PSA } from '../../src/core/testing/capabilities';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---- references (the implementations before #23) ----

function refIsRealIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}
const refNextMonth = (month: string): string => format(addMonths(parseISO(`${month}-01`), 1), 'yyyy-MM');
const refMonthOf = (iso: string): string => format(parseISO(iso), 'yyyy-MM');
const refLastDay = (month: string): string => format(endOfMonth(parseISO(`${month}-01`)), 'yyyy-MM-dd');

function refContentOf(l: RawBillingLine): string {
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
  ].join('\u001f');
}

/** assignLineKeys before #23: content built and keys hashed for every line. */
function refAssign(input: readonly RawBillingLine[]) {
  const seen = new Map<string, { best: number; content: string; dup: DuplicateRecord }>();
  input.forEach((l, i) => {
    if (!l.recordId) return;
    const id = lineIdentity(l);
    const content = refContentOf(l);
    const s = seen.get(id);
    if (!s) {
      seen.set(id, {
        best: i,
        content,
        dup: {
          key: keyOf(id),
          source: l.source,
          customerId: l.customerId,
          customerName: l.customerName,
          recordId: l.recordId,
          count: 1,
        },
      });
      return;
    }
    s.dup.count++;
    if (cmp(content, s.content) < 0) {
      s.best = i;
      s.content = content;
    }
  });
  const kept = new Set([...seen.values()].map((s) => s.best));
  const lines = input.filter((l, i) => !l.recordId || kept.has(i));
  const duplicates = [...seen.values()]
    .map((s) => s.dup)
    .filter((d) => d.count > 1)
    .sort((a, b) => cmp(a.key, b.key));
  const ids = lines.map(lineIdentity);
  const keys = ids.map((id) => keyOf(id));
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
  const collisions = [...groups].map(([key, m]) => ({ key, count: m.length }));
  collisions.sort((a, b) => cmp(a.key, b.key));
  for (const { key: k } of collisions) {
    const members = groups.get(k) as number[];
    const content = new Map(members.map((i) => [i, refContentOf(lines[i])]));
    members.sort((a, b) => cmp(ids[a], ids[b]) || cmp(content.get(a) as string, content.get(b) as string));
    for (let n = 1; n < members.length; n++) {
      const i = members[n];
      let ord = n + 1;
      let key = keyOf(ids[i], ord);
      while (first.has(key)) key = keyOf(ids[i], ++ord);
      first.set(key, i);
      keys[i] = key;
    }
  }
  return { lines: lines.map((l, i) => ({ ...l, key: keys[i] })), collisions, duplicates };
}

/** buildPushPlan before #23: one order string and one entity string per step. */
function refPlan(
  actions: readonly ReconcileAction[],
  approved: ReadonlySet<string>,
  container: 'contract' | 'invoice',
) {
  const byEntity = new Map<string, { step: PushStep; order: string }[]>();
  for (const a of actions) {
    if (!a.ref || !a.after || a.action === 'none' || a.action === 'blocked') continue;
    if (!a.lineKeys.every((k) => approved.has(k))) continue;
    const rk = refKey(a.ref);
    const step = { idempotencyKey: idempotencyKey(a.ref, a.after), ref: a.ref } as PushStep;
    const e = entityOf(a.ref, container);
    const list = byEntity.get(e) ?? [];
    list.push({ step, order: (a.ref.kind === 'quantity' ? '0' : '1') + rk });
    byEntity.set(e, list);
  }
  return [...byEntity.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([entity, entries]) => ({
      entity,
      keys: entries.sort((a, b) => cmp(a.order, b.order)).map((x) => x.step.idempotencyKey),
    }));
}

// ---- properties ----

const isoLike = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
    )
    .map(
      ([y, m, d]) =>
        `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    ),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '2024-02-29',
    '2100-02-29',
    '2000-02-29',
    '1900-02-29',
    '2026-1-01',
    ' 2026-01-01',
    '2026-01-01\n',
  ),
);

describe('core fast paths give what the plain versions gave', () => {
  it('isRealIsoDate: arithmetic agrees with the Date round trip', () => {
    fc.assert(
      fc.property(isoLike, (s) => isRealIsoDate(s) === refIsRealIsoDate(s)),
      { numRuns: 5000 },
    );
  });

  it('monthOf, nextMonth and the arrears last day agree with date-fns; bad input throws the same PeriodError', () => {
    fc.assert(
      fc.property(isoLike, (s) => {
        if (refIsRealIsoDate(s) && s >= '1000') {
          expect(monthOf(s)).toBe(refMonthOf(s));
          const m = s.slice(0, 7);
          if (m < '9999-12') expect(nextMonth(m)).toBe(refNextMonth(m));
          const line = {
            chargeType: 'usage' as const,
            periodStart: s,
            periodEnd: s,
            effectiveDate: '9999-12-31',
          };
          expect(billedOn(line, 'most-recent').effectiveDate).toBe(refLastDay(m));
        } else if (!refIsRealIsoDate(s)) {
          expect(() => monthOf(s)).toThrow(PeriodError);
        }
      }),
      { numRuns: 800 },
    );
    expect(() => nextMonth('2026-13')).toThrow("Billing month '2026-13' is not in yyyy-mm form");
    expect(() => monthOf('2026-02-30')).toThrow("Date '2026-02-30' is not a real date in yyyy-mm-dd form");
  });

  it('assignLineKeys: same lines, keys, collisions and duplicates as before, repeats included', () => {
    // Few ids and record ids, so repeated records and identical identities both happen often.
    const lines = fc.array(
      fc
        .tuple(rawLineArb, fc.constantFrom('Acme', 'Acme Ltd'), fc.option(fc.constantFrom('T1', 'T2')))
        .map(([l, customerName, tag]): RawBillingLine => ({
          ...l,
          customerName,
          ...(tag ? { tags: [tag] } : {}),
        })),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(lines, (input) => {
        expect(assignLineKeys(input)).toEqual(refAssign(input));
      }),
      { numRuns: 400 },
    );
  });

  it('assignLineKeys: each line copied with its own properties, in their order, and the key last', () => {
    // Lines as connectors make them (with and without a record id) and in any other shape: fields in another
    // order, optional fields, an own undefined record id, an own '__proto__'.
    const shaped = fc
      .tuple(
        rawLineArb,
        fc.constantFrom('plain', 'recorded', 'undefined-record', 'tags', 'evidence', 'shuffled', 'proto'),
        fc.nat(),
      )
      .map(([l, shape, n]): RawBillingLine => {
        const { recordId, ...plain } = l;
        const entries = Object.entries(plain);
        if (shape === 'plain') return plain;
        if (shape === 'recorded') return { ...plain, recordId: recordId ?? 'r9' };
        if (shape === 'undefined-record') return { ...plain, recordId: undefined };
        if (shape === 'tags') return { ...plain, recordId: 'r1', tags: ['azure'] };
        if (shape === 'evidence') return { ...plain, evidence: '3 devices' };
        if (shape === 'shuffled') {
          const [moved] = entries.splice(n % entries.length, 1);
          entries.push(moved);
          return Object.fromEntries(entries) as unknown as RawBillingLine;
        }
        return Object.fromEntries([...entries, ['__proto__', { x: 1 }]]) as unknown as RawBillingLine;
      });
    fc.assert(
      fc.property(shaped, (l) => {
        // Alone (every key differs) and twice (a repeat: the slower path); each copy is of l.
        for (const out of [...assignLineKeys([l]).lines, ...assignLineKeys([l, l]).lines]) {
          expect(Object.keys(out)).toEqual([...Object.keys(l), 'key']);
          for (const name of Object.keys(l))
            expect(
              Object.is(
                (out as unknown as Record<string, unknown>)[name],
                (l as unknown as Record<string, unknown>)[name],
              ),
            ).toBe(true);
          expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('buildPushPlan: same groups in the same order with the same steps as before', () => {
    const refArb: fc.Arbitrary<TargetRef> = fc.oneof(
      fc.record({
        kind: fc.constant('quantity' as const),
        companyId: fc.constantFrom('C1', 'C2'),
        contractId: fc.constantFrom('K1', 'K2'),
        productId: fc.constantFrom('P1', 'P2', 'P3'),
      }),
      fc.record({
        kind: fc.constant('charge' as const),
        companyId: fc.constantFrom('C1', 'C2'),
        container: fc.constantFrom('K1', 'K2', 'latest'),
        lineKey: fc.constantFrom('BG-a', 'BG-b', 'BG-c', 'BG-d'),
      }),
    );
    const actionArb = fc
      .tuple(
        refArb,
        fc.constantFrom(
          'create',
          'set-quantity',
          'add-charge',
          'append-invoice-line',
          'update-charge',
          'none',
          'blocked' as const,
        ),
        fc.integer({ min: 0, max: 9 }),
        fc.subarray(['L1', 'L2', 'L3', 'L4', 'L5'], { minLength: 1 }),
      )
      .map(([ref, action, q, lineKeys]): ReconcileAction => ({
        action,
        ref,
        lineKeys,
        psaId: q % 2 ? `id${q}` : null,
        before: null,
        after: {
          quantity: q,
          unitPrice: 1,
          unitCost: 0.5,
          effectiveDate: '2026-10-01',
          description: 'd',
          productName: 'p',
          sku: 's',
        },
        reason: null,
        codes: null,
        message: '',
      }));
    fc.assert(
      fc.property(
        fc.array(actionArb, { maxLength: 30 }),
        fc.subarray(['L1', 'L2', 'L3', 'L4', 'L5']),
        fc.constantFrom('contract' as const, 'invoice' as const),
        (actions, approved, container) => {
          const plan = buildPushPlan(actions, new Set(approved), container);
          const got = plan.groups.map((g) => ({
            entity: g.entity,
            keys: g.steps.map(stepKey),
          }));
          expect(got).toEqual(refPlan(actions, new Set(approved), container));
          expect(plan.steps).toEqual(plan.groups.flatMap((g) => g.steps));
          for (const s of plan.steps) {
            const a = actions.find((x) => x.ref === s.ref) as ReconcileAction;
            expect('psaId' in s).toBe(Boolean(a.psaId));
            // The operation table before #23.
            expect(s.operation).toBe(
              {
                create: 'create-quantity',
                'set-quantity': 'set-quantity',
                'add-charge': 'add-charge',
                'append-invoice-line': 'add-charge',
                'update-charge': 'update-charge',
              }[a.action as string],
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('line keys hashed field by field equal the key of the identity text, any characters included', () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(
        rawLineArb,
        fc.record({
          customerId: text,
          subscriptionId: text,
          sku: text,
          recordId: fc.option(text, { nil: undefined }),
        }),
        (l, ids) => {
          const line: RawBillingLine = { ...l, ...ids };
          expect(assignLineKeys([line]).lines[0].key).toBe(keyOf(lineIdentity(line)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('idempotencyKey: hashing the fields one by one gives the key of the joined text', () => {
    const refKeyOf = (ref: TargetRef, a: PushStep['after']): string =>
      `${fnv1a64(refKey(ref))}:${fnv1a64(
        [
          a.quantity,
          a.unitPrice,
          a.unitCost,
          a.effectiveDate,
          a.description,
          a.productName,
          a.sku,
          a.productId ?? '',
        ].join('\u001f'),
      )}`;
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, 0.1 + 0.2, 1e21, 1e-7));
    fc.assert(
      fc.property(
        fc.record({
          quantity: num,
          unitPrice: num,
          unitCost: num,
          effectiveDate: text,
          description: text,
          productName: text,
          sku: text,
          productId: fc.option(text, { nil: undefined }),
        }),
        fc.oneof(
          fc.record({
            kind: fc.constant('charge' as const),
            companyId: text,
            container: text,
            lineKey: text,
          }),
          fc.record({
            kind: fc.constant('quantity' as const),
            companyId: text,
            contractId: text,
            productId: text,
          }),
        ),
        (after, ref: TargetRef) => {
          expect(idempotencyKey(ref, after)).toBe(refKeyOf(ref, after));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('CompanyIndex.search: the letter-count bound skips no company that scoring every name would list', () => {
    // Few letters, so names are close and many candidates tie or sit right at the k-th score.
    const nameArb = fc
      .array(fc.constantFrom('a', 'b', 'e', 'n', 'o', ' ', '1', '2', 'ü', '-'), {
        minLength: 1,
        maxLength: 14,
      })
      .map((cs) => cs.join(''));
    const brute = (
      companies: { id: string; name: string }[],
      norm: string,
      k: number,
      floor: number,
    ): MatchCandidate[] =>
      companies
        .map((c) => {
          const n = normalizeName(c.name);
          const score = n === norm ? 100 : Math.round(similarity(norm, n) * 10) / 10;
          return { companyId: c.id, companyName: c.name, score };
        })
        .filter((c) => c.score >= floor)
        .sort((a, b) => b.score - a.score || cmp(a.companyId, b.companyId))
        .slice(0, k);
    fc.assert(
      fc.property(
        fc.uniqueArray(nameArb, { minLength: 1, maxLength: 25 }),
        nameArb,
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(0, 50, 70, 90, 98),
        (names, query, k, floor) => {
          const companies = names.map((name, i) => ({ id: `C${String(i).padStart(2, '0')}`, name }));
          const norm = normalizeName(query);
          if (norm === '') return;
          expect(new CompanyIndex(companies).search(norm, k, floor)).toEqual(
            brute(companies, norm, k, floor),
          );
        },
      ),
      { numRuns: 600 },
    );
  });

  it('CompanyIndex.search: the letter-count bound and the early stop skip no company a full scan would list, names of any length', () => {
    // Names up to ~90 characters (the 32- and 64-character mask paths and the plain one beyond), searched
    // names made from them by a few edits so that close rivals and ties at the k-th score are common.
    const words = ['blue', 'harbor', 'north', 'wind', 'müller', 'co', 'a', 'ab', '7', 'ø', '&', 'ß'];
    const nameArb = fc
      .array(fc.constantFrom(...words), { minLength: 1, maxLength: 14 })
      .map((ws) => ws.join(' '));
    const edit = (name: string, edits: [number, number, string][]): string =>
      edits.reduce((n, [kind, at, c]) => {
        const i = at % (n.length + 1);
        return kind === 0
          ? n.slice(0, i) + c + n.slice(i)
          : kind === 1
            ? n.slice(0, i) + n.slice(i + 1)
            : n.slice(0, i) + c + n.slice(i + 1);
      }, name);
    const brute = (companies: { id: string; name: string }[], norm: string, k: number, floor: number) =>
      companies
        .map((c) => {
          const n = normalizeName(c.name);
          return {
            companyId: c.id,
            companyName: c.name,
            score: n === norm ? 100 : Math.round(similarity(norm, n) * 10) / 10,
          };
        })
        .filter((c) => c.score >= floor)
        .sort((a, b) => b.score - a.score || cmp(a.companyId, b.companyId))
        .slice(0, k);
    fc.assert(
      fc.property(
        fc.array(nameArb, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.constantFrom('a', 'o', ' ', 'x', '9')),
          { maxLength: 6 },
        ),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(0, 30, 50, 70, 90, 98),
        (names, pick, edits, k, floor) => {
          const companies = names.map((name, i) => ({ id: `C${String(i).padStart(2, '0')}`, name }));
          const norm = normalizeName(edit(names[pick % names.length], edits));
          if (norm === '') return;
          expect(new CompanyIndex(companies).search(norm, k, floor)).toEqual(
            brute(companies, norm, k, floor),
          );
        },
      ),
      { numRuns: 400 },
    );
    // A name with more than 255 letters of one kind is compared without the letter-count bound.
    const long = [
      { id: 'A', name: 'a'.repeat(300) },
      { id: 'B', name: `${'a'.repeat(299)}b` },
      { id: 'C', name: 'b'.repeat(300) },
    ];
    for (const q of ['a'.repeat(300), 'a'.repeat(280), `b${'a'.repeat(299)}`])
      for (const floor of [0, 90])
        expect(new CompanyIndex(long).search(q, 3, floor)).toEqual(brute(long, q, 3, floor));
  });

  it('modifiers: favourable pro-rata and $0 lines are the ones the exact cents say, amounts under a cent included', () => {
    const exactCents = (n: number): number => Number(microsToCents(toMicros(n)));
    const totalArb = fc.oneof(
      fc.constantFrom(
        0,
        -0,
        0.004,
        0.005,
        0.0049999,
        -0.005,
        -0.0049,
        0.01,
        -0.01,
        0.00999,
        -0.00999,
        1e-7,
        -1e-7,
      ),
      fc.double({ min: -0.02, max: 0.02, noNaN: true }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    );
    const settings = {
      ...DEFAULT_SETTINGS,
      modifiers: { dropAzure: false, collapseAzure: false, dropFavourableProRata: true, dropZero: true },
    };
    fc.assert(
      fc.property(totalArb, fc.constantFrom('pro-rata' as const, 'usage' as const), (total, chargeType) => {
        const l = { ...raw({ chargeType, sku: 'X1', productName: 'p' }), key: 'BG-1', total };
        const [fate] = applyModifiers([l], () => settings).fates;
        const c = exactCents(total);
        const want = chargeType === 'pro-rata' && c < 0 ? 'favourable-pro-rata' : c === 0 ? 'zero' : null;
        expect(fate.fate === 'dropped' ? fate.reason : null).toBe(want);
      }),
      { numRuns: 1000 },
    );
  });

  const whoOf = (i: number) => ({ source: ['market', 'usage'][i % 2], customerId: `c${1 + (i >> 1)}` });
  // A month over few customers, products and contracts, so that lines share quantity targets, the PSA
  // already has some of them, prices repeat and every kind of action and hold happens.
  const monthArb = fc
    .record({
      raws: fc.array(
        fc
          .tuple(rawLineArb, fc.boolean(), fc.nat({ max: 5 }), fc.boolean())
          .map(([l, recurring, k, annual]) => {
            // Half recurring (quantity targets), prices and costs from a few values (messages repeat).
            const unitPrice = [0.5, 2, 10][k % 3];
            return {
              ...l,
              chargeType: recurring ? ('recurring' as const) : l.chargeType,
              cycle: annual ? ('annual' as const) : l.cycle,
              quantity: l.quantity % 3,
              unitPrice,
              unitCost: [0.4, 2][k % 2],
              total: Math.round((l.quantity % 3) * unitPrice * 100) / 100,
            };
          }),
        { minLength: 1, maxLength: 40 },
      ),
      twice: fc.nat({ max: 3 }),
      clients: fc.array(
        fc.record({
          source: fc.constantFrom('market', 'usage'),
          customerId: fc.constantFrom('c1', 'c2', 'c3'),
          companyId: fc.constantFrom('CO1', 'CO2'),
          excluded: fc.nat({ max: 5 }).map((n) => n === 0),
        }),
        { maxLength: 4 },
      ),
      // Every customer of both sources mapped to a company, and mostly to that company's contract (K1 is
      // CO1's, K2 CO2's), so that most lines reach a target. A company id holding U+0000 (refKey's separator)
      // now and then: targets are then ordered by the refKey texts.
      everyone: fc.array(
        fc.tuple(fc.constantFrom('CO1', 'CO2', 'CO2', 'CO1', 'CO1\u0000'), fc.nat({ max: 3 })),
        {
          minLength: 6,
          maxLength: 6,
        },
      ),
      products: fc.subarray(['SKU-A', 'SKU-B', 'MST-AZR-PLAN']),
      contracts: fc.array(
        fc.record({
          source: fc.constantFrom('market', 'usage'),
          customerId: fc.constantFrom('c1', 'c2', 'c3'),
          subscriptionId: fc.constantFrom('', 's1'),
          contractId: fc.constantFrom('K1', 'K2'),
          syncStopped: fc.nat({ max: 3 }).map((n) => n === 0),
        }),
        { maxLength: 4 },
      ),
      lifecycle: fc.constantFrom('auto-create' as const, 'manual' as const, 'default-item' as const),
      arrearsMode: fc.constantFrom('most-recent' as const, 'next' as const),
      invoiceBehaviour: fc.constantFrom('latest' as const, 'new' as const, 'recurring' as const),
      prorate: fc.boolean(),
      caps: fc.constantFrom<PsaCapabilities>(
        CONTRACT_PSA,
        INVOICE_PSA,
        { ...CONTRACT_PSA, chargeDecimals: 2, chargeDatesKept: true },
        { ...INVOICE_PSA, chargeDecimals: 2 },
        { ...CONTRACT_PSA, addsZeroQuantities: false, quantityCostSettable: false },
        { ...CONTRACT_PSA, chargesRefused: 'No charges here' },
        { ...CONTRACT_PSA, groupedCharges: true },
        { ...CONTRACT_PSA, groupedCharges: true, chargeDecimals: 2, chargeDatesKept: true },
      ),
      chargeDetail: fc.constantFrom('per-line' as const, 'grouped' as const, undefined),
      currency: fc.constantFrom('USD' as const, 'USD' as const, 'EUR' as const, null),
      charged: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 20 }), fc.boolean(), fc.boolean()), {
        maxLength: 8,
      }),
      // Charges the PSA holds under a grouped charge's key (billed while charge detail was grouped).
      chargedGroups: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 20 })), { maxLength: 3 }),
      held: fc.array(
        fc.tuple(fc.constantFrom('market', 'usage'), fc.constantFrom('c1', 'c2', 'c3'), fc.nat()),
        { maxLength: 2 },
      ),
      quantities: fc.array(
        fc.tuple(
          fc.constantFrom('CO1', 'CO2'),
          fc.constantFrom('K1', 'K2'),
          fc.constantFrom('P-A', 'P-B', 'new:SKU-A', 'new:SKU-B', 'new:MST-AZR-PLAN', 'ITEM'),
          fc.integer({ min: 0, max: 30 }),
          fc.option(fc.constant('Q1'), { nil: null }),
          fc.constantFrom(0.5, 2, 10),
          fc.constantFrom(0.4, 2),
        ),
        { maxLength: 6 },
      ),
      dropped: fc.nat({ max: 3 }),
      // The PSA says whose each contract is (lines mapped to another company's contract are held).
      owners: fc.boolean(),
    })
    .map((m) => {
      const lines = assignLineKeys(m.raws).lines;
      const mappings: Mappings = {
        clients: [
          ...m.clients,
          ...m.everyone.map(([companyId], i) => ({ ...whoOf(i), companyId, excluded: false })),
        ].map((c) => ({
          source: c.source,
          customerId: c.customerId,
          customerName: c.customerId,
          companyId: c.companyId,
          status: c.excluded ? ('excluded' as const) : ('manual' as const),
          score: null,
        })),
        products: m.products.map((sku) => ({
          source: 'market',
          sku,
          productId: `P-${sku.slice(-1)}`,
          status: 'manual' as const,
        })),
        contracts: [
          ...m.contracts,
          ...m.everyone.map(([companyId, k], i) => ({
            ...whoOf(i),
            subscriptionId: '',
            contractId: (companyId === 'CO1') === k > 0 ? 'K1' : 'K2',
            syncStopped: false,
          })),
        ],
      };
      const base = defaultBillingSettings();
      const settings: BillingSettings = {
        ...base,
        global: {
          ...base.global,
          productLifecycle: m.lifecycle,
          codes: { ...base.global.codes, itemCode: 'ITEM' },
          arrearsMode: m.arrearsMode,
          invoiceBehaviour: m.invoiceBehaviour,
          targetInvoiceId: m.invoiceBehaviour === 'recurring' ? 'INV9' : null,
          prorate: m.prorate,
          ...(m.chargeDetail === undefined ? {} : { chargeDetail: m.chargeDetail }),
        },
      };
      const contracts = [
        { id: 'K1', name: 'K1', companyId: 'CO1', kind: 'recurring-service' as const },
        { id: 'K2', name: 'K2', companyId: 'CO2', kind: 'fixed-price' as const },
      ];
      const resolver = mappingTargetResolver(mappings, settings, contracts);
      // Services lines reach, those a sync-stopped line reaches first (their quantity is shown, not changed).
      const reached = lines
        .map((l) => resolver.resolve(l, m.caps))
        .sort(
          (a, b) =>
            Number(b.ok === false && b.reason === 'sync-stopped') -
            Number(a.ok === false && a.reason === 'sync-stopped'),
        )
        .flatMap((r) => (r.ref?.kind === 'quantity' ? [r.ref] : []));
      const state: PsaBillingState = {
        charges: m.charged
          .map(([i, quantity, moved, invoiced]) => {
            const l = lines[i % lines.length];
            return {
              ref: { kind: 'charge' as const, companyId: 'CO1', container: 'K1', lineKey: l.key },
              psaId: `CH${i}`,
              quantity: i % 3 === 0 ? l.quantity : quantity,
              unitPrice: l.unitPrice,
              unitCost: l.unitCost,
              description: '',
              date: moved ? '2026-11-01' : l.effectiveDate,
              invoiced,
            };
          })
          .concat(
            m.chargedGroups.map(([i, quantity]) => {
              const l = lines[i % lines.length];
              const lineKey = chargeGroupKeyOf(l, 'K1', m.arrearsMode);
              const ref = { kind: 'charge' as const, companyId: 'CO1', container: 'K1', lineKey };
              return {
                ref,
                psaId: `GR${i}`,
                quantity,
                unitPrice: 1,
                unitCost: 1,
                description: '',
                date: l.effectiveDate,
                invoiced: false,
              };
            }),
          ),
        quantities: m.quantities.map(
          ([companyId, contractId, productId, quantity, psaId, unitPrice, unitCost], i) => ({
            // Half of them services some line reaches (a held line's included), when there are any.
            ref:
              i % 2 === 0 && reached.length > 0
                ? reached[i % reached.length]
                : { kind: 'quantity' as const, companyId, contractId, productId },
            psaId,
            quantity,
            unitPrice,
            unitCost,
          }),
        ),
      };
      const input = (): ReconcileInput => ({
        // A few lines twice (a grid edit that skipped parsing), and a few dropped by a modifier.
        lines: [...lines.slice(m.dropped), ...lines.slice(m.dropped, m.dropped + m.twice)],
        dropped: lines
          .slice(0, m.dropped)
          .map((line) => ({ line, reason: 'zero' as const, message: 'Dropped' })),
        state,
        resolver: m.owners ? withContractOwnerChecks(resolver, contracts, (id) => `Company ${id}`) : resolver,
        capabilities: m.caps,
        psaCurrency: m.currency,
        held: m.held.map(([source, customerId, i]) => ({
          source,
          customerId,
          sku: lines[i % lines.length].sku,
          message: `row ${i} cannot be billed`,
        })),
      });
      return { lines, settings, input };
    });

  it('reconcile: the same actions, in the same order, and the same action per line as before, grouped charges included', () => {
    fc.assert(
      fc.property(monthArb, ({ input }) => {
        expect(reconcile(input())).toEqual(refReconcile(input()));
      }),
      { numRuns: 600 },
    );
  });

  it('applyModifiers: the same lines, fates, dropped and collapsed lines as before', () => {
    const modsArb = fc.record({
      dropAzure: fc.boolean(),
      collapseAzure: fc.boolean(),
      dropFavourableProRata: fc.boolean(),
      dropZero: fc.boolean(),
    });
    fc.assert(
      fc.property(monthArb, fc.array(modsArb, { minLength: 1, maxLength: 3 }), ({ lines }, mods) => {
        // Modifiers per customer, so one run mixes them.
        const settingsFor = (l: BillingLine) => ({
          ...DEFAULT_SETTINGS,
          modifiers: mods[Number(l.customerId.slice(1)) % mods.length],
        });
        const got = applyModifiers(lines, settingsFor);
        const want = refApplyModifiers(lines, settingsFor);
        expect(got).toEqual(want);
        expect(got.fates).toEqual(want.fates);
      }),
      { numRuns: 400 },
    );
  });

  it('a repeated record is named after its first copy and the kept copy is the one whose content sorts first', () => {
    const a = raw({ recordId: 'r1', customerName: 'First', quantity: 5 });
    const b = raw({ recordId: 'r1', customerName: 'Second', quantity: 3 });
    const out = assignLineKeys([a, b]);
    expect(out.duplicates).toEqual([expect.objectContaining({ customerName: 'First', count: 2 })]);
    expect(out.lines.map((l: BillingLine) => l.quantity)).toEqual([3]);
  });
});
