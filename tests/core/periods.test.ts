import fc from 'fast-check';
import {
  PeriodError,
  arrearsBillingMonth,
  billedOn,
  billingMonthOf,
  billingPeriod,
  contractStartWarnings,
  currentBillingMonth,
  nextMonth,
  previousMonth,
  proration,
} from '../../src/core/periods';

describe('billing periods', () => {
  it('gives the first and last day of the month', () => {
    expect(billingPeriod('2026-10', 'Europe/London')).toEqual({
      month: '2026-10',
      start: '2026-10-01',
      end: '2026-10-31',
    });
    expect(billingPeriod('2028-02')).toEqual({ month: '2028-02', start: '2028-02-01', end: '2028-02-29' });
    expect(billingPeriod('2026-02').end).toBe('2026-02-28');
  });

  it.each(['2026-13', '2026-1', '26-10', '2026-10-01', 'October'])('rejects the month %p', (m) => {
    expect(() => billingPeriod(m)).toThrow(
      new PeriodError(`Billing month '${m}' is not in yyyy-mm form (e.g. 2026-10)`),
    );
  });

  it('rejects an unknown time zone', () => {
    expect(() => billingPeriod('2026-10', 'Mars/Olympus')).toThrow("Time zone 'Mars/Olympus' is not known");
  });

  it('steps across year ends', () => {
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(nextMonth('2026-12')).toBe('2027-01');
  });

  it('knows which month it is in the spreadsheet time zone', () => {
    const instant = new Date('2026-10-31T23:30:00Z');
    expect(currentBillingMonth(instant, 'UTC')).toBe('2026-10');
    expect(currentBillingMonth(instant, 'Australia/Sydney')).toBe('2026-11');
    expect(currentBillingMonth(new Date('2026-11-01T02:00:00Z'), 'America/New_York')).toBe('2026-10');
  });
});

describe('arrears', () => {
  it("bills usage to the month it ended in ('most-recent') or the month after ('next')", () => {
    expect(arrearsBillingMonth('2026-09-30', 'most-recent')).toBe('2026-09');
    expect(arrearsBillingMonth('2026-09-30', 'next')).toBe('2026-10');
    expect(arrearsBillingMonth('2026-12-31', 'next')).toBe('2027-01');
  });

  it('lands usage/arrears lines by their period end, other lines by their period start', () => {
    const usage = { chargeType: 'usage' as const, periodStart: '2026-09-01', periodEnd: '2026-09-30' };
    const recurring = { ...usage, chargeType: 'recurring' as const };
    expect(billingMonthOf(usage, 'next')).toBe('2026-10');
    expect(billingMonthOf({ ...usage, chargeType: 'arrears' }, 'most-recent')).toBe('2026-09');
    expect(billingMonthOf(recurring, 'next')).toBe('2026-09');
  });
});

describe('proration', () => {
  it('counts the days of a partial period inside the month', () => {
    expect(proration('2026-10-15', '2026-10-31')).toEqual({ days: 17, daysInPeriod: 31, fraction: 17 / 31 });
    expect(proration('2026-02-01', '2026-02-28')).toEqual({ days: 28, daysInPeriod: 28, fraction: 1 });
  });

  it('clips a period to the billing month asked for', () => {
    expect(proration('2026-09-20', '2026-10-10', '2026-10')).toMatchObject({ days: 10, daysInPeriod: 31 });
    expect(proration('2026-09-01', '2026-09-30', '2026-10')).toMatchObject({ days: 0, fraction: 0 });
  });

  it('rejects bad dates and periods with a readable message', () => {
    expect(() => proration('2026-02-30', '2026-03-01')).toThrow(
      "Period start '2026-02-30' is not a real date in yyyy-mm-dd form",
    );
    expect(() => proration('2026-10-10', '2026-10-01')).toThrow(
      'Period end 2026-10-01 is before period start 2026-10-10',
    );
  });
});

describe('contract start warnings', () => {
  it('is silent for a contract starting on the 1st before the first usage', () => {
    expect(contractStartWarnings('2026-09-01', '2026-09-03')).toEqual([]);
  });

  it('warns when the contract starts after the first usage or not on the 1st', () => {
    expect(contractStartWarnings('2026-09-15', '2026-09-03')).toEqual([
      'Contract starts 2026-09-15, after the first usage on 2026-09-03; that usage cannot be billed on it',
      'Contract starts 2026-09-15, not on the 1st of a month; the PSA will prorate its first invoice',
    ]);
  });
});

describe('period properties', () => {
  const monthArb = fc
    .tuple(fc.integer({ min: 1990, max: 2200 }), fc.integer({ min: 1, max: 12 }))
    .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);

  it('property: a billing month runs from the 1st to the day before the next month starts', () => {
    fc.assert(
      fc.property(monthArb, (m) => {
        const p = billingPeriod(m);
        const next = billingPeriod(nextMonth(m));
        const dayAfterEnd = new Date(`${p.end}T00:00:00Z`);
        dayAfterEnd.setUTCDate(dayAfterEnd.getUTCDate() + 1);
        expect(p.start).toBe(`${m}-01`);
        expect(dayAfterEnd.toISOString().slice(0, 10)).toBe(next.start);
        expect(previousMonth(nextMonth(m))).toBe(m);
      }),
    );
  });

  it('property: proration of a period inside its month is between 0 and 1 and counts days inclusively', () => {
    fc.assert(
      fc.property(monthArb, fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 30 }), (m, d, len) => {
        const { end } = billingPeriod(m);
        const last = Number(end.slice(8));
        const from = Math.min(d, last);
        const to = Math.min(from + len, last);
        const iso = (n: number) => `${m}-${String(n).padStart(2, '0')}`;
        const p = proration(iso(from), iso(to));
        expect(p.days).toBe(to - from + 1);
        expect(p.daysInPeriod).toBe(last);
        expect(p.fraction).toBeGreaterThan(0);
        expect(p.fraction).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("property: 'next' always bills one month after 'most-recent'", () => {
    fc.assert(
      fc.property(monthArb, fc.integer({ min: 1, max: 28 }), (m, d) => {
        const end = `${m}-${String(d).padStart(2, '0')}`;
        expect(arrearsBillingMonth(end, 'next')).toBe(nextMonth(arrearsBillingMonth(end, 'most-recent')));
      }),
    );
  });
});

describe('billedOn: where usage in arrears is billed (P32)', () => {
  const usage = {
    chargeType: 'usage' as const,
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    effectiveDate: '2026-10-31',
  };
  it('most recent: the month consumed, dated as the source dated it', () => {
    expect(billedOn(usage, 'most-recent')).toEqual({ billingMonth: '2026-10', effectiveDate: '2026-10-31' });
  });
  it('next: the following billing month, dated on its first day', () => {
    expect(billedOn(usage, 'next')).toEqual({ billingMonth: '2026-11', effectiveDate: '2026-11-01' });
    expect(billedOn({ ...usage, periodEnd: '2026-12-31', effectiveDate: '2026-12-31' }, 'next')).toEqual({
      billingMonth: '2027-01',
      effectiveDate: '2027-01-01',
    });
  });
  it('a recurring line is billed as it is, whatever the mode', () => {
    const recurring = { ...usage, chargeType: 'recurring' as const, effectiveDate: '2026-10-01' };
    expect(billedOn(recurring, 'next')).toEqual({ billingMonth: '2026-10', effectiveDate: '2026-10-01' });
  });
});
