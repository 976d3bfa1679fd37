/**
 * interworks.cloud's part of the browser walk (tests/browser/walk-hooks.ts): seed 004's month pulled alone
 * shows recurring seats and the pro-rata lines of its mid-month changes; ApplicationLink's mapping gives a
 * subscription its own contract.
 */
import type { SourceWalkHooks } from '../../../browser/walk-hooks';

export const hooks: SourceWalkHooks = {
  checkMonth(lines) {
    expect(lines.length).toBeGreaterThan(3);
    const kinds = new Set(lines.map((x) => x.get('Charge type')));
    expect([kinds.has('recurring'), kinds.has('pro-rata')]).toEqual([true, true]);
  },
  ownContracts: true,
};
