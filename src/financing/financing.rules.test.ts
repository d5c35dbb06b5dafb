import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { DelinquencyBucket, RepaymentMethod } from './financing.enums.js';
import {
  accruedInterest,
  addDays,
  bucketOf,
  buildSchedule,
  businessDate,
  checkRateCap,
  daysBetween,
  daysPastDue,
  isIsoDate,
  type ScheduleRow,
} from './financing.rules.js';

const D = (v: string) => new Decimal(v);

describe('business dates', () => {
  it('are China Standard Time dates', () => {
    expect(businessDate(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
    expect(businessDate(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
  });
  it('count calendar days across months and leap days', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-12-31', '2026-01-01')).toBe(1);
    expect(addDays('2024-02-28', 366)).toBe('2025-02-28');
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
  });
});

describe('accruedInterest (simple, actual/365)', () => {
  it('accrues principal × rate × days / 365', () => {
    // 1 000 000 at 3.65% for 10 days = 1 000.00 exactly.
    expect(accruedInterest(D('1000000'), D('0.0365'), '2026-01-01', [], '2026-01-11').toFixed()).toBe('1000');
  });
  it('accrues on the reduced balance after a principal payment', () => {
    const i = accruedInterest(D('1000000'), D('0.0365'), '2026-01-01', [{ date: '2026-01-11', principal: D('500000') }], '2026-01-21');
    expect(i.toFixed()).toBe('1500'); // 10 days on 1m + 10 days on 0.5m
  });
  it('is zero on the start day and ignores later payments', () => {
    expect(accruedInterest(D('1000'), D('0.1'), '2026-01-01', [], '2026-01-01').toFixed()).toBe('0');
    expect(accruedInterest(D('365'), D('0.1'), '2026-01-01', [{ date: '2026-02-01', principal: D('365') }], '2026-01-02').toFixed()).toBe('0.1');
  });
});

describe('buildSchedule', () => {
  it('repays a bullet at maturity', () => {
    expect(buildSchedule(D('400000.10'), '2026-01-01', 90, RepaymentMethod.BULLET, 1)).toEqual([
      { seq: 1, dueDate: '2026-04-01', principal: D('400000.10') },
    ]);
  });
  it('splits equal instalments evenly, the last taking the odd cents', () => {
    const s = buildSchedule(D('100000.00'), '2026-01-01', 90, RepaymentMethod.EQUAL_INSTALMENTS, 3);
    expect(s.map((r) => [r.dueDate, r.principal.toFixed(2)])).toEqual([
      ['2026-01-31', '33333.33'],
      ['2026-03-02', '33333.33'],
      ['2026-04-01', '33333.34'],
    ]);
  });
});

describe('daysPastDue and buckets', () => {
  const v1: ScheduleRow[] = [
    { version: 1, effectiveFrom: '2026-01-01', principalPaidBefore: D('0'), dueDate: '2026-02-01', principal: D('50') },
    { version: 1, effectiveFrom: '2026-01-01', principalPaidBefore: D('0'), dueDate: '2026-03-01', principal: D('50') },
  ];
  it('counts from the earliest instalment not covered by principal repaid', () => {
    expect(daysPastDue(v1, [], '2026-02-01')).toBe(0);
    expect(daysPastDue(v1, [], '2026-02-02')).toBe(1);
    expect(daysPastDue(v1, [{ date: '2026-02-10', principal: D('50') }], '2026-02-20')).toBe(0);
    expect(daysPastDue(v1, [{ date: '2026-02-10', principal: D('49.99') }], '2026-02-20')).toBe(19);
    expect(daysPastDue(v1, [{ date: '2026-02-10', principal: D('50') }], '2026-03-05')).toBe(4);
    expect(daysPastDue(v1, [], '2025-12-31')).toBe(0);
  });
  it('follows the schedule version in force on the date, counting only what was repaid since', () => {
    const v2: ScheduleRow[] = [
      ...v1,
      { version: 2, effectiveFrom: '2026-02-15', principalPaidBefore: D('20'), dueDate: '2026-06-01', principal: D('80') },
    ];
    const paid = [{ date: '2026-02-10', principal: D('20') }];
    expect(daysPastDue(v2, paid, '2026-02-14')).toBe(13); // old schedule: instalment of Feb 1 short
    expect(daysPastDue(v2, paid, '2026-03-05')).toBe(0); // restructured: nothing due until June
    expect(daysPastDue(v2, paid, '2026-06-03')).toBe(2);
  });
  it('buckets 0 / 1–30 / 31–60 / 61–90 / 91+', () => {
    expect([0, 1, 30, 31, 60, 61, 90, 91].map(bucketOf)).toEqual([
      DelinquencyBucket.CURRENT,
      DelinquencyBucket.DPD_1_30,
      DelinquencyBucket.DPD_1_30,
      DelinquencyBucket.DPD_31_60,
      DelinquencyBucket.DPD_31_60,
      DelinquencyBucket.DPD_61_90,
      DelinquencyBucket.DPD_61_90,
      DelinquencyBucket.DPD_90_PLUS,
    ]);
  });
});

describe('checkRateCap', () => {
  const lprs = [
    { effectiveDate: '2024-10-21', rate: D('0.031') },
    { effectiveDate: '2025-05-20', rate: D('0.030') },
  ];
  it('uses the LPR in force on the contract date', () => {
    expect(checkRateCap(D('0.124'), '2025-05-19', lprs, D('4'))).toMatchObject({ ok: true });
    const v = checkRateCap(D('0.124'), '2025-05-20', lprs, D('4'));
    expect(v).toMatchObject({ ok: false, reason: 'ABOVE_CAP' });
    if (!v.ok && v.reason === 'ABOVE_CAP') {
      expect(v.cap.toFixed()).toBe('0.12');
      expect(v.lpr.effectiveDate).toBe('2025-05-20');
    }
  });
  it('allows exactly the cap, and anything without a policy', () => {
    expect(checkRateCap(D('0.12'), '2026-01-01', lprs, D('4')).ok).toBe(true);
    expect(checkRateCap(D('0.5'), '2026-01-01', lprs, null).ok).toBe(true);
  });
  it('refuses when no LPR was in force', () => {
    expect(checkRateCap(D('0.05'), '2019-01-01', lprs, D('4'))).toEqual({ ok: false, reason: 'NO_LPR' });
  });
});
