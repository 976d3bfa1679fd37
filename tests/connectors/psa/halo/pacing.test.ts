/**
 * Pacing to hosted Halo's 300 requests per rolling 5 minutes: no 300 s window ever holds more than 300
 * requests, whether the host's sleep moves the clock (Google) or only models it (the emulator), and a
 * second execution sharing the stored window does not start with a burst.
 */
import type { RequestWindowStore } from '../../../../src/core/http';
import { HaloPacer, HOSTED_LIMIT, RateLimitPause } from '../../../../src/connectors/psa/halo/pacing';

/** Send times of `rounds` rounds of 5 through a pacer; `realSleep`: sleeping advances the clock. */
function run(rounds: number, realSleep: boolean, store?: RequestWindowStore, start = 0) {
  let clock = start;
  const sent: number[] = [];
  let virtual = start;
  const pacer = new HaloPacer({
    now: () => clock,
    sleep: (ms) => {
      if (realSleep) clock += ms;
      virtual += ms;
    },
    store,
    maxWaitMs: 300_000,
  });
  for (let r = 0; r < rounds; r++) {
    pacer.before(5);
    // The time the requests leave: the clock, plus what a modelled sleep added.
    const at = realSleep ? clock : Math.max(clock, virtual);
    for (let i = 0; i < 5; i++) sent.push(at);
    pacer.save();
    clock += 200; // each round takes 200 ms
    virtual += 200;
  }
  return { sent, waited: pacer.waitedMs, end: realSleep ? clock : virtual };
}

const worstWindow = (times: number[]): number => {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i] - t[j] >= HOSTED_LIMIT.windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
};

const memory = (): RequestWindowStore & { times: number[] | null } => ({
  times: null,
  get() {
    return this.times;
  },
  put(t) {
    this.times = [...t];
  },
});

describe('HaloPSA pacing', () => {
  it.each([true, false])(
    'never more than 300 requests in any 5 minutes (sleep moves the clock: %s)',
    (real) => {
      const r = run(200, real); // 1,000 requests
      expect(worstWindow(r.sent)).toBeLessThanOrEqual(300);
      // Paced, not stalled: 1,000 requests need a little over three windows.
      expect(r.end).toBeGreaterThanOrEqual(3 * HOSTED_LIMIT.windowMs);
      expect(r.end).toBeLessThan(4 * HOSTED_LIMIT.windowMs);
    },
  );

  it('the first 300 go at once: nothing waits below the limit', () => {
    expect(run(60, true).waited).toBe(0);
  });

  it('a second execution reads the window the first kept and does not start with a burst', () => {
    const store = memory();
    const first = run(60, true, store); // 300 requests in 12 s
    const second = run(20, true, store, first.end + 1000);
    expect(worstWindow([...first.sent, ...second.sent])).toBeLessThanOrEqual(300);
    expect(second.waited).toBeGreaterThan(0);
    // Without the stored window the second execution would burst into the full window.
    const alone = run(20, true, undefined, first.end + 1000);
    expect(alone.waited).toBe(0);
    expect(worstWindow([...first.sent, ...alone.sent])).toBeGreaterThan(300);
  });

  it('two executions saving at once both keep their requests in the stored window', () => {
    const store = {
      ...memory(),
      update(change: (stored: number[]) => number[]) {
        this.times = change(this.times ?? []);
        return this.times;
      },
    };
    const clock = 1_000_000;
    const pacer = () => new HaloPacer({ now: () => clock, sleep: () => undefined, store });
    const a = pacer();
    const b = pacer();
    // Both read the (empty) window before either saves: a sidebar read during a push.
    a.before(100);
    b.before(100);
    a.save();
    b.save();
    expect(store.times).toHaveLength(200);
    // A third execution sees both: 150 more do not fit without waiting.
    let slept = 0;
    const c = new HaloPacer({ now: () => clock, sleep: (ms) => (slept += ms), store });
    c.before(150);
    expect(slept).toBeGreaterThan(0);
    // Overwriting instead of merging (a store without update) would have kept only one execution's 100.
    const plain = memory();
    const d = new HaloPacer({ now: () => clock, sleep: () => undefined, store: plain });
    const e = new HaloPacer({ now: () => clock, sleep: () => undefined, store: plain });
    d.before(100);
    e.before(100);
    d.save();
    e.save();
    expect(plain.times).toHaveLength(100);
  });

  it('with a time budget: waits out the window while it fits, stops with a message naming the limit when not', () => {
    let clock = 0;
    let left = 240_000;
    const sleeps: number[] = [];
    const pacer = new HaloPacer({
      now: () => clock,
      sleep: (ms) => {
        sleeps.push(ms);
        clock += ms;
        left -= ms;
      },
      timeLeftMs: () => left,
    });
    pacer.before(300);
    clock += 100_000;
    left -= 100_000;
    // Room again 200 s from now; 140 s left: no sleep, a pause that names the limit.
    expect(() => pacer.before(5)).toThrow(RateLimitPause);
    expect(() => pacer.before(5)).toThrow(/300 requests per rolling 5 minutes.*continues from a trigger/);
    expect(sleeps).toEqual([]);
    // A new execution (a continuation a minute later) with a fresh budget waits the 140 s left.
    clock += 60_000;
    left = 270_000;
    pacer.before(5);
    expect(sleeps).toEqual([140_000]);
    expect(clock).toBe(300_000);
  });

  it('waits at most maxWaitMs at a time (an execution must not sleep its budget away)', () => {
    let clock = 0;
    const sleeps: number[] = [];
    const pacer = new HaloPacer({
      now: () => clock,
      sleep: (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      maxWaitMs: 10_000,
    });
    pacer.before(300);
    pacer.before(5);
    expect(sleeps).toEqual([10_000]);
  });
});
