/**
 * The Autotask sandbox compiles a query's filter once (compileFilter) for speed; it must answer exactly
 * as the reference `matches` does, for every operator, value type and group shape.
 */
import fc from 'fast-check';
import { compileFilter, matches } from '../../../../local/sandbox/autotask/filter';
import type { AtRecord, Condition } from '../../../../local/sandbox/autotask/filter';

const FIELDS = ['id', 'name', 'contractID', 'startDate', 'isActive'];

const value = fc.oneof(
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(0.5, -0, Number.NaN),
  fc.constantFrom('', ' 5 ', '5', '1e1', '0x5', 'abc', 'ABC', 'true', 'false', 'Bg-00ab', 'bg-00'),
  fc.constantFrom('2026-10-01', '2026-10-31', '2026-10-01T00:00:00Z', '2026-1-1'),
  fc.constantFrom(true, false),
  fc.constant(null),
);

const text = fc.oneof(
  fc.constantFrom('BG-00ab Seats', 'seats bg-00AB', 'bg-00', 'x bg-01cd bg-00ab', 'Azure', ''),
  fc.string({ maxLength: 6 }),
);

const record: fc.Arbitrary<AtRecord> = fc.record({
  id: value,
  name: fc.oneof(text, value),
  contractID: value,
  startDate: value,
  isActive: value,
});

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    op: fc.constantFrom('eq', 'noteq', 'gt', 'gte', 'lt', 'lte', 'beginswith', 'endswith', 'contains'),
    field: fc.constantFrom(...FIELDS),
    value: fc.oneof(value, text),
  }),
  fc.record({
    op: fc.constantFrom('in', 'notin'),
    field: fc.constantFrom(...FIELDS),
    value: fc.oneof(
      fc.array(fc.integer({ min: -3, max: 12 }), { maxLength: 5 }),
      fc.array(value, { maxLength: 5 }),
    ),
  }),
  fc.record({ op: fc.constantFrom('exist', 'notexist'), field: fc.constantFrom(...FIELDS) }),
);

/** OR groups of `contains` on one field (how BillGrid finds charges by line key), and nested groups. */
const containsGroup: fc.Arbitrary<Condition> = fc.record({
  op: fc.constant('or'),
  items: fc
    .tuple(
      fc.constantFrom('name', 'name', 'name', ...FIELDS),
      fc.array(fc.oneof(fc.constantFrom('bg-00ab', 'BG-01cd x', 'bg-0', 'seats', 'bg-00ab s'), text), {
        minLength: 1,
        maxLength: 6,
      }),
    )
    .map(([field, vs]) => vs.map((v): Condition => ({ op: 'contains', field, value: v }))),
});

const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small' },
    leaf,
    containsGroup,
    fc.record({
      op: fc.constantFrom('and', 'or'),
      items: fc.array(tie('c'), { minLength: 1, maxLength: 3 }),
    }),
  ),
})).c;

test('compileFilter answers exactly as matches', () => {
  fc.assert(
    fc.property(
      fc.array(condition, { minLength: 1, maxLength: 3 }),
      fc.array(record, { maxLength: 8 }),
      (filter, recs) => {
        const compiled = compileFilter(filter);
        for (const r of recs) expect(compiled(r)).toBe(filter.every((c) => matches(r, c)));
      },
    ),
    { numRuns: 3000 },
  );
});

test('450 line keys looked up in one OR group, as BillGrid sends them', () => {
  const keys = Array.from({ length: 450 }, (_, i) => `BG-${i.toString(16).padStart(16, '0')}`);
  const filter: Condition[] = [
    { op: 'or', items: keys.map((k): Condition => ({ op: 'contains', field: 'name', value: k })) },
  ];
  const compiled = compileFilter(filter);
  const recs: AtRecord[] = [
    { name: `${keys[7]} Microsoft 365` },
    { name: `Usage ${keys[449].toLowerCase()}` },
    { name: 'BG-ffffffffffffffff Azure' },
    { name: 'no key' },
    { name: null },
    { name: `bg-${'0'.repeat(15)}` },
    { name: `BG-ffffffffffffffff then ${keys[3]}` },
    // Shares the keys' common prefix but is none of them; the key comes later.
    { name: `BG-00000000000009ff then ${keys[3]}` },
  ];
  expect(recs.map(compiled)).toEqual(recs.map((r) => matches(r, filter[0])));
  expect(recs.map(compiled)).toEqual([true, true, false, false, false, false, true, true]);
});
