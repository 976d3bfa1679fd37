/**
 * Pacing for hosted HaloPSA's 300 requests per rolling 5 minutes (SOURCES.md): before each round of
 * requests BillGrid waits until the window has room, instead of sending a burst and meeting 429s that
 * carry no Retry-After. The window's send times are kept between executions (the store), so a
 * continuation or a trigger that starts right after a busy execution does not start with a full burst.
 */
import { RateLimitWait, type RequestWindowStore } from '../../../core/http';

export interface HaloLimit {
  requests: number;
  windowMs: number;
}

/** Hosted Halo (KelvinTegelaar/PowerShellWarrantyReports#51, homotechsual/HaloAPI#31). */
export const HOSTED_LIMIT: HaloLimit = { requests: 300, windowMs: 300_000 };

export interface PacingDeps {
  now(): number;
  sleep(ms: number): void;
  /** Send times shared by consecutive executions; absent: this execution's own only. */
  store?: RequestWindowStore;
  /**
   * The longest single wait: an execution must not spend its time budget asleep. Past it the round is
   * sent anyway and the retry policy's back-off (5 s doubling to 60 s) meets any 429.
   */
  maxWaitMs?: number;
  limit?: HaloLimit;
  /**
   * What the job may still spend (its time budget). Given, the pacer waits as long as the window needs
   * (up to the whole window) while that fits, and otherwise stops with RateLimitPause instead of sleeping
   * the execution to death: the push continues from a trigger.
   */
  timeLeftMs?: () => number;
}

/** Time a paced wait must leave in the budget for the round it waited for and the statuses after it. */
const AFTER_WAIT_MS = 30_000;

/** The window has no room for longer than this execution has left. */
export class RateLimitPause extends RateLimitWait {
  constructor(waitMs: number) {
    super(
      `HaloPSA's rate limit (${HOSTED_LIMIT.requests} requests per rolling 5 minutes) is used up for about ${Math.ceil(waitMs / 1000)} s more, longer than this run has left: a push continues from a trigger, anything else can be tried again then`,
      waitMs,
    );
    this.name = 'RateLimitPause';
  }

  /**
   * Set by HaloApi when the pause came before the first request of the call it stopped (nothing of that
   * call was sent); false when earlier requests of the call may have gone out.
   */
  nothingSent = false;
}

export class HaloPacer {
  private times: number[] | null = null;
  private readonly limit: HaloLimit;
  private readonly maxWaitMs: number;
  /** Milliseconds slept so far in this execution (reported by the bench and tests). */
  waitedMs = 0;
  private last = 0;

  constructor(private readonly deps: PacingDeps) {
    this.limit = deps.limit ?? HOSTED_LIMIT;
    // With a budget to check against, wait out the window; without one, never long (see maxWaitMs).
    this.maxWaitMs = deps.maxWaitMs ?? (deps.timeLeftMs ? this.limit.windowMs : 60_000);
  }

  /**
   * The clock, never behind the last reading plus what was slept since: Utilities.sleep advances the real
   * clock on Google, but a host that only models the sleep (the local emulator) must not see the window
   * as still full after it.
   */
  private clock(slept = 0): number {
    this.last = Math.max(this.deps.now(), this.last + slept);
    return this.last;
  }

  private window(now: number): number[] {
    this.times ??= (this.deps.store?.get() ?? []).filter((t) => Number.isFinite(t));
    this.times = this.times.filter((t) => t > now - this.limit.windowMs).sort((a, b) => a - b);
    return this.times;
  }

  /** Wait (bounded) until `n` more requests fit in the window, then count them as sent now. */
  before(n: number): void {
    if (n <= 0) return;
    const room = Math.min(n, this.limit.requests);
    let now = this.clock();
    const w = this.window(now);
    const over = w.length + room - this.limit.requests;
    if (over > 0) {
      // The window has room once the `over` oldest requests are older than the window.
      const needed = w[over - 1] + this.limit.windowMs - now;
      const left = this.deps.timeLeftMs?.();
      if (left !== undefined && needed > 0 && needed > left - AFTER_WAIT_MS) throw new RateLimitPause(needed);
      const wait = Math.min(needed, this.maxWaitMs);
      if (wait > 0) {
        this.deps.sleep(wait);
        this.waitedMs += wait;
      }
      now = this.clock(Math.max(wait, 0));
    }
    const kept = this.window(now);
    for (let i = 0; i < n; i++) {
      kept.push(now);
      this.unsaved.push(now);
    }
    // Only the newest `requests` times matter for the next wait.
    this.times = kept.slice(-this.limit.requests);
  }

  /** Milliseconds until every request now in the window (this execution's and the stored ones) has left it. */
  emptyInMs(): number {
    const now = this.clock();
    const w = this.window(now);
    return w.length ? Math.max(0, w[w.length - 1] + this.limit.windowMs - now) : 0;
  }

  /** Send times counted since the last save: what this execution adds to the stored window. */
  private unsaved: number[] = [];

  /**
   * Keep the window for the next execution (one store update per round of requests). The stored window
   * is merged with this execution's new times, not overwritten: another execution (a sidebar read during
   * a push) may have saved its own requests since this one read the store.
   */
  save(): void {
    const store = this.deps.store;
    if (!this.times || !store) return;
    const mine = this.unsaved;
    this.unsaved = [];
    if (!store.update) {
      store.put(this.times);
      return;
    }
    const now = this.clock();
    this.times = store.update((stored) =>
      [...stored.filter((t) => Number.isFinite(t)), ...mine]
        .filter((t) => t > now - this.limit.windowMs)
        .sort((a, b) => a - b)
        .slice(-this.limit.requests),
    );
  }
}
