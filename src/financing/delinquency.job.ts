import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { businessDate } from './financing.rules.js';
import { DelinquencyService } from './delinquency.service.js';

const HOUR_MS = 3_600_000;
const CST_OFFSET_MS = 8 * HOUR_MS;

/** Milliseconds from `now` to the next `hour`:00 China Standard Time (strictly later). */
export function msUntilNextRun(now: Date, hour: number): number {
  const cst = new Date(now.getTime() + CST_OFFSET_MS);
  const next = Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth(), cst.getUTCDate(), hour) - CST_OFFSET_MS;
  return next > now.getTime() ? next - now.getTime() : next + 24 * HOUR_MS - now.getTime();
}

/**
 * The daily delinquency scan, in process: a catch-up scan at start, then a timer that fires at
 * the configured hour, scans as of that business date, and re-arms. Hub instances sharing a database may all fire; the scan takes
 * an advisory lock and is idempotent, so the later ones find nothing to change.
 */
export class DelinquencyJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
    private readonly hour: number,
  ) {}

  /** Scans once now — a hub that was down at the scan hour catches up; the scan is idempotent — then daily. */
  start(): void {
    this.running = this.runOnce().finally(() => {
      this.running = null;
      this.arm();
    });
  }

  private arm(): void {
    if (this.stopped) return;
    const wait = msUntilNextRun(new Date(), this.hour);
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = null;
        this.arm();
      });
    }, wait);
    // Never keeps the process alive on its own.
    this.timer.unref();
  }

  async runOnce(now = new Date()): Promise<void> {
    const asOf = businessDate(now);
    try {
      const result = await new DelinquencyService(this.orm.em.fork()).scan(asOf);
      this.log.info({ ...result }, 'delinquency scan done');
    } catch (err) {
      this.log.error({ err, asOf }, 'delinquency scan failed');
    }
  }

  /** Cancels the timer and waits for a scan in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
