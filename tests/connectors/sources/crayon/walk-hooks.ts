/**
 * Crayon's part of the browser walk (tests/browser/walk-hooks.ts): seed 003's month pulled alone shows
 * monthly and annual seats, Azure usage in arrears and a pro-rata line.
 */
import type { SourceWalkHooks } from '../../../browser/walk-hooks';

export const hooks: SourceWalkHooks = {
  checkMonth(lines) {
    expect(lines.length).toBeGreaterThan(5);
    const kinds = new Set(lines.map((x) => `${x.get('Cycle')}/${x.get('Charge type')}`));
    for (const k of ['monthly/recurring', 'annual/recurring', 'usage/arrears', 'monthly/pro-rata'])
      expect([k, kinds.has(k)]).toEqual([k, true]);
  },
};
