import { identifies } from '../../src/core/billing-line';

describe('what identifies a line to a person', () => {
  it('tells two Azure subscriptions of one client apart by description, subscription and period', () => {
    const base = { periodStart: '2026-09-01', periodEnd: '2026-09-30' };
    const prod = identifies({ ...base, description: 'Azure plan - Production', subscriptionId: 'sub-1' });
    const dev = identifies({ ...base, description: 'Azure plan - Development', subscriptionId: 'sub-2' });
    expect(prod).toBe('Azure plan - Production, 2026-09-01 to 2026-09-30 · subscription sub-1');
    expect(dev).not.toBe(prod);
    // A description that already states the period is not repeated.
    expect(identifies({ ...base, description: 'Calls, 2026-09-01 to 2026-09-30', subscriptionId: '' })).toBe(
      'Calls, 2026-09-01 to 2026-09-30',
    );
    expect(identifies(undefined)).toBe('');
  });
});
