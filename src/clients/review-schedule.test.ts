import { describe, expect, it } from 'vitest';
import { addDays } from '../financing/financing.rules.js';
import { ClientStatus } from './client.enums.js';
import { addMonths, anniversaryReviewOn, reviewDateAfterMove } from './review-schedule.js';

describe('addMonths', () => {
  it('adds calendar months, ending on the last day of a shorter month', () => {
    expect(addMonths('2026-01-15', 3)).toBe('2026-04-15');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-12-31', 12)).toBe('2027-12-31');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });
});

describe('reviewDateAfterMove', () => {
  const today = '2026-05-10';
  it('schedules a quarter ahead for ACTIVE and a month ahead for WATCHLIST when there is no date', () => {
    expect(reviewDateAfterMove(ClientStatus.ACTIVE, null, today)).toBe('2026-08-10');
    expect(reviewDateAfterMove(ClientStatus.WATCHLIST, null, today)).toBe('2026-06-10');
  });

  it('clears the date outside ACTIVE and WATCHLIST', () => {
    for (const s of [ClientStatus.PROSPECT, ClientStatus.SUSPENDED, ClientStatus.TERMINATED]) {
      expect(reviewDateAfterMove(s, '2026-06-01', today)).toBeNull();
    }
  });

  it('keeps the date a client has, except that the watch list brings a later one forward', () => {
    expect(reviewDateAfterMove(ClientStatus.ACTIVE, '2026-07-01', today)).toBe('2026-07-01');
    expect(reviewDateAfterMove(ClientStatus.WATCHLIST, '2026-05-20', today)).toBe('2026-05-20');
    expect(reviewDateAfterMove(ClientStatus.WATCHLIST, '2026-07-01', today)).toBe('2026-06-10');
  });
});

describe('anniversaryReviewOn', () => {
  it('is the first cadence anniversary of the creation date after today', () => {
    expect(anniversaryReviewOn('2026-05-10', ClientStatus.ACTIVE, '2026-05-10')).toBe('2026-08-10');
    expect(anniversaryReviewOn('2019-02-20', ClientStatus.ACTIVE, '2026-05-10')).toBe('2026-05-20');
    expect(anniversaryReviewOn('2019-02-05', ClientStatus.ACTIVE, '2026-05-10')).toBe('2026-08-05');
    // Due on today itself would be overdue on the day the schedule starts: the next one.
    expect(anniversaryReviewOn('2026-02-10', ClientStatus.ACTIVE, '2026-05-10')).toBe('2026-08-10');
    expect(anniversaryReviewOn('2024-01-31', ClientStatus.ACTIVE, '2026-05-10')).toBe('2026-07-31');
    expect(anniversaryReviewOn('2024-03-25', ClientStatus.WATCHLIST, '2026-05-10')).toBe('2026-05-25');
    expect(anniversaryReviewOn('2024-03-05', ClientStatus.WATCHLIST, '2026-05-10')).toBe('2026-06-05');
    expect(anniversaryReviewOn('2024-03-05', ClientStatus.PROSPECT, '2026-05-10')).toBeNull();
  });

  it('spreads clients created on different days over the coming cadence', () => {
    const today = '2026-05-10';
    // One client created on each of 90 consecutive days.
    const dates = Array.from({ length: 90 }, (_, i) => anniversaryReviewOn(addDays('2023-01-01', i), ClientStatus.ACTIVE, today)!);
    for (const d of dates) {
      expect(d > today).toBe(true);
      expect(d <= addMonths(today, 3)).toBe(true);
    }
    expect(new Set(dates).size).toBeGreaterThan(85);
  });
});
