import { ClientStatus } from './client.enums.js';

/**
 * The periodic risk review of a client: pure date rules, no database, no clock. Dates are
 * business dates `YYYY-MM-DD` (China Standard Time).
 *
 * ACTIVE and WATCHLIST clients, and only they, have a next review date (`client.next_review_on`,
 * enforced by `client_next_review_chk`). ACTIVE clients are reviewed quarterly; WATCHLIST ones
 * monthly, since being on the watch list means the desk wants to look more often.
 */
export const REVIEW_CADENCE_MONTHS: Readonly<Partial<Record<ClientStatus, number>>> = {
  [ClientStatus.ACTIVE]: 3,
  [ClientStatus.WATCHLIST]: 1,
};

/** Months between reviews of a client in `status`; undefined when that status has no reviews. */
export function reviewCadence(status: ClientStatus): number | undefined {
  return REVIEW_CADENCE_MONTHS[status];
}

export const isUnderReview = (status: ClientStatus): boolean => reviewCadence(status) !== undefined;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `date` plus whole calendar months; a day the target month lacks becomes its last day
 * (2026-11-30 + 3 → 2027-02-28), as PostgreSQL's `date + interval 'n months'` does.
 */
export function addMonths(date: string, months: number): string {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12; // 0-based
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(Number(m[3]), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The next review date a client has after moving to `to` (from another status) on `today`:
 * none outside ACTIVE and WATCHLIST; the one it has, else a cadence from today. Going on the
 * watch list brings a later date forward to a month from today.
 */
export function reviewDateAfterMove(to: ClientStatus, current: string | null | undefined, today: string): string | null {
  const months = reviewCadence(to);
  if (months === undefined) return null;
  const due = addMonths(today, months);
  if (!current) return due;
  return to === ClientStatus.WATCHLIST && current > due ? due : current;
}

/**
 * The first date after `today` that is a whole number of cadences after `createdOn`: how the
 * migration and the seeds give existing clients a date, so that they are not all due on one day.
 * The migration `risk_reviews` computes the same in SQL.
 */
export function anniversaryReviewOn(createdOn: string, status: ClientStatus, today: string): string | null {
  const months = reviewCadence(status);
  if (months === undefined) return null;
  // Start near the answer rather than at the first cadence: old clients are years back.
  const elapsed = monthsBetween(createdOn, today);
  for (let k = Math.max(1, Math.floor(elapsed / months)); ; k++) {
    // Counted from createdOn every time: stepping from the previous date would drift (Jan 31 → Apr 30 → Jul 30).
    const due = addMonths(createdOn, k * months);
    if (due > today) return due;
  }
}

/** Whole months from `from` to `to`, ignoring days (a lower bound of the months between them). */
function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return Math.max(0, (ty - fy) * 12 + (tm - fm) - 1);
}
