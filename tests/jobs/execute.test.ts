import { applyStep } from '../../src/core/testing/memory-psa';
import type { PsaBillingState, PsaTarget, PushStep, StepOutcome } from '../../src/core/psa';
import fc from 'fast-check';
import { batchesOf, executePlan } from '../../src/jobs/execute';
import { idempotencyKey } from '../../src/core/push-plan';
import type { PlannedStep } from '../../src/core/push-plan';
import { Journal, JOURNAL_FLUSH_BYTES, JOURNAL_PREFIX, type JournalStore } from '../../src/jobs/ledger';

function memoryStore(): JournalStore & { data: Record<string, string>; writes: number } {
  const data: Record<string, string> = {};
  const store = {
    data,
    writes: 0,
    putAll(entries: Record<string, string>) {
      store.writes++;
      Object.assign(data, entries);
    },
    all: () => ({ ...data }),
    removeAll(keys: string[]) {
      for (const k of keys) delete data[k];
    },
  };
  return store;
}

function memoryPsa(crashAt = -1): PsaTarget & { state: PsaBillingState; calls: number } {
  const psa = {
    id: 'memory',
    displayName: 'Memory PSA',
    state: { quantities: [], charges: [] } as PsaBillingState,
    calls: 0,
    testConnection: () => ({ ok: true, message: 'ok' }),
    listCompanies: () => [],
    listProducts: () => [],
    listContracts: () => [],
    listCodes: () => ({ incomeAccounts: [], expenseAccounts: [], taxCodes: [], itemCodes: [] }),
    readBilling: () => psa.state,
    apply(step: PushStep): StepOutcome {
      psa.calls++;
      const r = applyStep(psa.state, step);
      psa.state = r.state;
      if (psa.calls === crashAt) throw new Error('Address unavailable: connection reset');
      return r.outcome;
    },
  };
  return psa;
}

const step = (n: number): PushStep => ({
  idempotencyKey: `k${n}`,
  operation: 'add-charge',
  ref: { kind: 'charge', companyId: 'C1', container: 'K1', lineKey: `BG-${String(n).padStart(16, '0')}` },
  lineKeys: [`BG-${String(n).padStart(16, '0')}`],
  before: null,
  after: {
    quantity: n,
    unitPrice: 2,
    unitCost: 1,
    effectiveDate: '2026-10-31',
    description: `Charge ${n}`,
    productName: 'Voice',
    sku: 'VOICE',
  },
});

describe('executePlan', () => {
  it("hashes the keys of the steps it sends, not the plan's: journal entries carry each step's own key", () => {
    const journal = new Journal(memoryStore());
    // As buildPushPlan makes them: the key unset.
    const planned: PlannedStep[] = [1, 2, 3, 4, 5].map((n) => ({ ...step(n), idempotencyKey: undefined }));
    let batches = 0;
    const r = executePlan(planned, memoryPsa(), journal, {
      runId: 'R1',
      user: 'u',
      chargeContainer: 'contract',
      hasTime: () => batches++ < 2,
      batchSize: 2,
    });
    expect(r).toMatchObject({ finished: false, applied: 4 });
    const want = planned.map((s) => idempotencyKey(s.ref, s.after));
    expect(journal.entries().map((e) => e.idempotencyKey)).toEqual(want.slice(0, 4));
    expect(planned.map((s) => s.idempotencyKey)).toEqual([...want.slice(0, 4), undefined]);
  });

  it('a grouped charge: every row says which charge it went to; its journal entry stays within a property', () => {
    const store = memoryStore();
    const members = Array.from({ length: 450 }, (_, i) => `BG-${String(i).padStart(16, 'a')}`);
    const grouped: PushStep = { ...step(9), lineKeys: members };
    const r = executePlan([grouped], memoryPsa(), new Journal(store), {
      runId: 'R1',
      user: 'u',
      chargeContainer: 'contract',
      hasTime: () => true,
    });
    for (const k of members)
      expect(r.byLine.get(k)?.message).toMatch(/^In grouped charge BG-0{15}9 \(450 lines\): /);
    const [entry] = Object.values(store.data);
    expect(new TextEncoder().encode(entry).length).toBeLessThan(9 * 1024);
    const keys = (JSON.parse(entry) as { lineKeys: string[] }).lineKeys;
    expect(keys).toEqual([...members.slice(0, 200), '… and 250 more']);
  });

  it('journals every step before and after it is applied, and reports per line', () => {
    const store = memoryStore();
    const journal = new Journal(store);
    const psa = memoryPsa();
    const steps = [step(1), step(2), step(3)];
    const r = executePlan(steps, psa, journal, {
      runId: 'R1',
      user: 'a@b.c',
      chargeContainer: 'contract',
      hasTime: () => true,
      batchSize: 1,
    });
    expect(r).toMatchObject({ finished: true, applied: 3, unchanged: 0, failed: 0 });
    expect(store.writes).toBe(6);
    expect(journal.entries().map((e) => e.result)).toEqual(['applied', 'applied', 'applied']);
    expect(r.byLine.get(steps[1].lineKeys[0])).toMatchObject({ status: 'applied' });
    expect(psa.state.charges).toHaveLength(3);
  });

  it('stops between steps when the budget runs out and a re-run converges without duplicates', () => {
    const journal = new Journal(memoryStore());
    const psa = memoryPsa();
    let budget = 2;
    const steps = [step(1), step(2), step(3), step(4)];
    const first = executePlan(steps, psa, journal, {
      runId: 'R1',
      user: 'u',
      chargeContainer: 'contract',
      hasTime: () => budget-- > 0,
      batchSize: 1,
    });
    expect(first.finished).toBe(false);
    expect(first.applied).toBe(2);
    const second = executePlan(steps, psa, journal, {
      runId: 'R1',
      user: 'u',
      chargeContainer: 'contract',
      hasTime: () => true,
    });
    expect(second).toMatchObject({ finished: true, applied: 2, unchanged: 2 });
    expect(psa.state.charges).toHaveLength(4);
  });

  it('records a transport failure as failed, keeps going, and a re-run finds the charge instead of adding it', () => {
    const journal = new Journal(memoryStore());
    const psa = memoryPsa(2);
    const steps = [step(1), step(2), step(3)];
    const r = executePlan(steps, psa, journal, {
      runId: 'R',
      user: 'u',
      chargeContainer: 'contract',
      hasTime: () => true,
    });
    expect(r).toMatchObject({ applied: 2, failed: 1 });
    expect(r.byLine.get(steps[1].lineKeys[0])?.message).toContain('connection reset');
    const again = executePlan(steps, psa, journal, {
      runId: 'R',
      user: 'u',
      chargeContainer: 'contract',
      hasTime: () => true,
    });
    expect(again).toMatchObject({ applied: 0, unchanged: 3, failed: 0 });
    expect(psa.state.charges).toHaveLength(3);
  });

  it("stops when the account's daily quota is used up and a later run finishes without duplicates", () => {
    const journal = new Journal(memoryStore());
    const psa = memoryPsa();
    let quotaLeft = 2;
    const withQuota = Object.assign(psa, {
      applyAll: (steps: readonly PushStep[]) => {
        if (quotaLeft-- <= 0) throw new Error('Service invoked too many times for one day: urlfetch.');
        return steps.map((s) => psa.apply(s));
      },
    });
    const steps = [1, 2, 3, 4, 5, 6, 7].map(step);
    const opts = {
      runId: 'R',
      user: 'u',
      chargeContainer: 'contract' as const,
      hasTime: () => true,
      batchSize: 2,
    };
    const first = executePlan(steps, withQuota, journal, opts);
    expect(first).toMatchObject({ finished: false, dailyQuota: true, applied: 4, failed: 2 });
    // The batch after the refused one was not even tried.
    expect(psa.calls).toBe(4);
    quotaLeft = 10;
    const next = executePlan(steps, withQuota, journal, opts);
    expect(next).toMatchObject({ finished: true, applied: 3, unchanged: 4 });
    expect(next.dailyQuota).toBeUndefined();
    expect(psa.state.charges).toHaveLength(7);
  });

  it('stops after a batch whose rate limit outlasts the execution; the continuation sends those steps once', () => {
    const journal = new Journal(memoryStore());
    const psa = memoryPsa();
    let windowFull = false;
    const limited = Object.assign(psa, {
      applyAll: (steps: readonly PushStep[]): StepOutcome[] => {
        // The second batch finds the window full for longer than the run has left.
        if (psa.calls >= 2 && !windowFull) windowFull = true;
        if (windowFull)
          return steps.map(() => ({
            status: 'failed',
            retryable: true,
            continueLater: true,
            message: 'rate limit used up for about 200 s',
          }));
        return steps.map((s) => psa.apply(s));
      },
    });
    const steps = [1, 2, 3, 4, 5, 6].map(step);
    const opts = {
      runId: 'R',
      user: 'u',
      chargeContainer: 'contract' as const,
      hasTime: () => true,
      batchSize: 2,
    };
    const first = executePlan(steps, limited, journal, opts);
    expect(first).toMatchObject({ finished: false, applied: 2, failed: 2 });
    expect(first.dailyQuota).toBeUndefined();
    expect(first.byLine.get(steps[2].lineKeys[0])?.message).toMatch(/rate limit/);
    // The third batch was not tried.
    expect(first.byLine.has(steps[4].lineKeys[0])).toBe(false);
    windowFull = false;
    psa.calls = -100; // the window has room again
    const next = executePlan(steps, limited, journal, opts);
    expect(next).toMatchObject({ finished: true, applied: 4, unchanged: 2, failed: 0 });
    expect(psa.state.charges).toHaveLength(6);
  });

  it('a step the PSA certainly did not send (notSent) leaves no journal entry and its row waits; one the journal held before keeps its entry', () => {
    const store = memoryStore();
    const journal = new Journal(store);
    // An interrupted run left step 4 pending: that entry may be the only record that it was sent.
    const four = step(4);
    journal.write({
      time: '2026-11-02T06:00:00.000Z',
      runId: 'R0',
      user: 'u',
      idempotencyKey: four.idempotencyKey,
      operation: four.operation,
      entity: 'K1',
      lineKeys: four.lineKeys,
      psaId: null,
      before: four.before,
      after: four.after,
      result: 'pending',
      message: '',
    });
    const psa = memoryPsa();
    const paused = Object.assign(psa, {
      applyAll: (steps: readonly PushStep[]): StepOutcome[] =>
        steps.map(() => ({
          status: 'failed',
          retryable: true,
          continueLater: true,
          notSent: true,
          message: 'rate limit used up for about 200 s',
        })),
    });
    const steps = [3, 4].map(step);
    const r = executePlan(steps, paused, journal, {
      runId: 'R',
      user: 'u',
      chargeContainer: 'contract' as const,
      hasTime: () => true,
      batchSize: 2,
    });
    expect(r).toMatchObject({ finished: false, failed: 2 });
    expect(r.byLine.get(steps[0].lineKeys[0])).toMatchObject({ status: 'waiting' });
    expect(r.byLine.get(steps[1].lineKeys[0])).toMatchObject({ status: 'failed' });
    // Step 3 sent nothing: no entry, so no push is taken to have sent its line. Step 4 keeps its record.
    expect(journal.unrecordedKeys()).toEqual(new Set(steps[1].lineKeys));
    expect(Object.keys(store.data)).toEqual([JOURNAL_PREFIX + 'k4']);
  });

  it('journals a whole batch in one write before and one after, and uses applyAll when the PSA has it', () => {
    const store = memoryStore();
    const psa = memoryPsa();
    const batches: number[] = [];
    const withBatch = Object.assign(psa, {
      applyAll: (steps: readonly PushStep[]) => {
        batches.push(steps.length);
        return steps.map((s) => psa.apply(s));
      },
    });
    const steps = [1, 2, 3, 4, 5].map(step);
    const r = executePlan(steps, withBatch, new Journal(store), {
      runId: 'R',
      user: 'u',
      chargeContainer: 'contract',
      hasTime: () => true,
      batchSize: 2,
    });
    expect(r).toMatchObject({ finished: true, applied: 5 });
    expect(batches).toEqual([2, 2, 1]);
    expect(store.writes).toBe(6);
  });

  it('moves the journal to the ledger before it outgrows PropertiesService (500 KB in all)', () => {
    const store = memoryStore();
    const journal = new Journal(store);
    const ledger: string[] = [];
    let largest = 0;
    const flushedAt: number[] = [];
    const steps = Array.from({ length: 600 }, (_, i) => {
      const s = step(i + 1);
      return { ...s, after: { ...s.after, description: 'x'.repeat(800) } };
    });
    executePlan(steps, memoryPsa(), journal, {
      runId: 'R',
      user: 'u',
      chargeContainer: 'contract',
      hasTime: () => true,
      flushJournal: () => {
        largest = Math.max(largest, JSON.stringify(store.data).length);
        flushedAt.push(JSON.stringify(store.data).length);
        journal.flush((es) => ledger.push(...es.map((e) => e.idempotencyKey)));
      },
    });
    journal.flush((es) => ledger.push(...es.map((e) => e.idempotencyKey)));
    expect(ledger).toHaveLength(600);
    expect(new Set(ledger).size).toBe(600);
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThan(400_000);
    // A step's result replaces its pending entry: only what the store holds counts towards a flush.
    expect(flushedAt.length).toBeGreaterThan(0);
    for (const bytes of flushedAt) expect(bytes).toBeGreaterThan(JOURNAL_FLUSH_BYTES);
  });

  it('flushes the journal to the ledger once and forgets it; damaged entries surface as failed', () => {
    const store = memoryStore();
    const journal = new Journal(store);
    executePlan([step(1)], memoryPsa(), journal, {
      runId: 'R',
      user: 'u',
      chargeContainer: 'contract',
      hasTime: () => true,
    });
    store.data[`${JOURNAL_PREFIX}broken`] = '{not json';
    const appended: string[] = [];
    expect(journal.flush((es) => appended.push(...es.map((e) => `${e.idempotencyKey}:${e.result}`)))).toBe(2);
    expect(appended.sort()).toEqual(['broken:failed', 'k1:applied']);
    expect(journal.entries()).toEqual([]);
  });
});

describe('batchesOf', () => {
  const key = (s: string) => s.split('#')[0];
  it('keeps an entity in one batch when it fits, and the order', () => {
    const items = ['a#1', 'a#2', 'b#1', 'b#2', 'b#3', 'c#1', 'd#1', 'd#2'];
    expect(batchesOf(items, 4, key)).toEqual([
      ['a#1', 'a#2'],
      ['b#1', 'b#2', 'b#3', 'c#1'],
      ['d#1', 'd#2'],
    ]);
    // An entity larger than a batch is split at the batch size.
    expect(batchesOf(['a#1', 'a#2', 'a#3', 'b#1'], 2, key)).toEqual([
      ['a#1', 'a#2'],
      ['a#3', 'b#1'],
    ]);
  });

  it('covers every item once, in order, within the size, never splitting an entity that fits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 1, max: 7 }))),
        fc.integer({ min: 1, max: 10 }),
        (runs, size) => {
          const items = runs.flatMap(([e, n], r) => Array.from({ length: n }, (_, i) => `${e}${r}#${i}`));
          const batches = batchesOf(items, size, key);
          expect(batches.flat()).toEqual(items);
          for (const b of batches) expect(b.length).toBeGreaterThan(0);
          for (const b of batches) expect(b.length).toBeLessThanOrEqual(size);
          for (const [e, n] of runs.map(([x, n], r) => [`${x}${r}`, n] as const)) {
            const holding = batches.filter((b) => b.some((t) => key(t) === e)).length;
            expect(holding).toBeLessThanOrEqual(Math.ceil(n / size) + (n > size ? 1 : 0));
            if (n <= size) expect(holding).toBe(1);
          }
        },
      ),
    );
  });
});
