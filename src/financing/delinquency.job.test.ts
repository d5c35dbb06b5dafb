import { describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { DelinquencyJob, msUntilNextRun } from './delinquency.job.js';

const HOUR = 3_600_000;

describe('msUntilNextRun', () => {
  it('waits for the configured hour China Standard Time, today when it is still ahead', () => {
    // 2026-03-01 00:30 CST = 2026-02-28 16:30 UTC; 01:00 CST is half an hour away.
    expect(msUntilNextRun(new Date('2026-02-28T16:30:00Z'), 1)).toBe(HOUR / 2);
  });
  it('waits until tomorrow once the hour has passed, or is exactly now', () => {
    expect(msUntilNextRun(new Date('2026-02-28T17:00:00Z'), 1)).toBe(24 * HOUR);
    expect(msUntilNextRun(new Date('2026-02-28T18:00:00Z'), 1)).toBe(23 * HOUR);
  });
});

describe('DelinquencyJob', () => {
  it('catches up with a scan as soon as it starts, then waits for the hour', async () => {
    const runs: Date[] = [];
    class Recording extends DelinquencyJob {
      override async runOnce(now = new Date()): Promise<void> {
        runs.push(now);
      }
    }
    const job = new Recording({} as MikroORM, pino({ level: 'silent' }), 1);
    job.start();
    await job.stop(); // waits for the scan in progress
    expect(runs).toHaveLength(1);
  });
});
