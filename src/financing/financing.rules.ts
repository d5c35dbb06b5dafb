import { Decimal } from 'decimal.js';
import { DelinquencyBucket, RepaymentMethod } from './financing.enums.js';

/**
 * Pure money and date rules of the financing domain: no database, no clock. Amounts are
 * decimal.js values; dates are business dates `YYYY-MM-DD` in China Standard Time (UTC+8).
 */

export const ZERO = new Decimal(0);
const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_COUNT_BASIS = 365;

/** Rounded to cents, half up (as money is booked). */
export const cents = (d: Decimal): Decimal => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

export const sum = (values: readonly Decimal[]): Decimal => values.reduce((a, b) => a.plus(b), ZERO);

/** The business date (China Standard Time) of a moment. */
export function businessDate(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

const dateMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateMs(to) - dateMs(from)) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(dateMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

export interface PlannedInstalment {
  seq: number;
  dueDate: string;
  principal: Decimal;
}

/**
 * The principal schedule of `principal` lent on `start` for `tenorDays`: one repayment at
 * maturity (BULLET), or `count` equal instalments evenly spaced over the tenor, the last one
 * taking the cents that do not divide evenly. Interest is paid with each repayment as accrued.
 */
export function buildSchedule(principal: Decimal, start: string, tenorDays: number, method: RepaymentMethod, count: number): PlannedInstalment[] {
  if (method === RepaymentMethod.BULLET || count <= 1) {
    return [{ seq: 1, dueDate: addDays(start, tenorDays), principal }];
  }
  const each = principal.dividedBy(count).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  const out: PlannedInstalment[] = [];
  for (let i = 1; i <= count; i++) {
    out.push({
      seq: i,
      dueDate: addDays(start, Math.round((tenorDays * i) / count)),
      principal: i === count ? principal.minus(each.times(count - 1)) : each,
    });
  }
  return out;
}

/** A principal repayment on a business date. */
export interface PrincipalPayment {
  date: string;
  principal: Decimal;
}

/**
 * Simple interest, actual/365, on `principal` lent on `start`, reduced by the principal
 * payments, up to `asOf` (exclusive of the start day, inclusive of `asOf`). Not rounded.
 */
export function accruedInterest(principal: Decimal, annualRate: Decimal, start: string, payments: readonly PrincipalPayment[], asOf: string): Decimal {
  if (asOf <= start) return ZERO;
  const sorted = payments.filter((p) => p.date <= asOf).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let balance = principal;
  let from = start;
  let interest = ZERO;
  const accrue = (to: string) => {
    const days = Math.max(0, daysBetween(from, to));
    if (days > 0) interest = interest.plus(balance.times(annualRate).times(days).dividedBy(DAY_COUNT_BASIS));
    if (to > from) from = to;
  };
  for (const p of sorted) {
    accrue(p.date);
    balance = balance.minus(p.principal);
  }
  accrue(asOf);
  return interest;
}

/** One row of a (possibly superseded) schedule version. */
export interface ScheduleRow {
  version: number;
  /** Business date the version took effect (disbursement, then each restructuring). */
  effectiveFrom: string;
  /** Principal repaid in total before the version took effect. */
  principalPaidBefore: Decimal;
  dueDate: string;
  principal: Decimal;
}

/**
 * Days past due as of `asOf`: days since the due date of the earliest instalment of the
 * schedule version in force that the principal repaid by then does not cover. 0 when nothing is
 * due yet, or before the first version.
 */
export function daysPastDue(schedule: readonly ScheduleRow[], payments: readonly PrincipalPayment[], asOf: string): number {
  const inForce = schedule.filter((r) => r.effectiveFrom <= asOf);
  if (!inForce.length) return 0;
  const version = Math.max(...inForce.map((r) => r.version));
  const rows = inForce.filter((r) => r.version === version).sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  const paidTowards = sum(payments.filter((p) => p.date <= asOf).map((p) => p.principal)).minus(rows[0]!.principalPaidBefore);
  let due = ZERO;
  for (const row of rows) {
    due = due.plus(row.principal);
    if (due.greaterThan(paidTowards)) return Math.max(0, daysBetween(row.dueDate, asOf));
  }
  return 0;
}

export function bucketOf(dpd: number): DelinquencyBucket {
  if (dpd <= 0) return DelinquencyBucket.CURRENT;
  if (dpd <= 30) return DelinquencyBucket.DPD_1_30;
  if (dpd <= 60) return DelinquencyBucket.DPD_31_60;
  if (dpd <= 90) return DelinquencyBucket.DPD_61_90;
  return DelinquencyBucket.DPD_90_PLUS;
}

export interface DatedRate {
  effectiveDate: string;
  rate: Decimal;
}

/** The rate in force on `date`: the latest one effective on or before it. */
export function rateInForce(rates: readonly DatedRate[], date: string): DatedRate | null {
  let best: DatedRate | null = null;
  for (const r of rates) if (r.effectiveDate <= date && (!best || r.effectiveDate > best.effectiveDate)) best = r;
  return best;
}

export type RateCapVerdict =
  | { ok: true; cap: Decimal | null; lpr: DatedRate | null }
  | { ok: false; reason: 'ABOVE_CAP'; cap: Decimal; lpr: DatedRate }
  | { ok: false; reason: 'NO_LPR' };

/** Whether `annualRate` respects `multiple` × the one-year LPR in force on `contractDate`. */
export function checkRateCap(annualRate: Decimal, contractDate: string, lprs: readonly DatedRate[], multiple: Decimal | null): RateCapVerdict {
  if (multiple === null) return { ok: true, cap: null, lpr: null };
  const lpr = rateInForce(lprs, contractDate);
  if (!lpr) return { ok: false, reason: 'NO_LPR' };
  const cap = lpr.rate.times(multiple);
  return annualRate.greaterThan(cap) ? { ok: false, reason: 'ABOVE_CAP', cap, lpr } : { ok: true, cap, lpr };
}

/** "0.154" → "15.4%". */
export function percent(rate: Decimal): string {
  return `${rate.times(100).toDecimalPlaces(4).toFixed()}%`;
}
