import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { AlertThresholds } from './alert.rules.js';
import { RiskScanService } from './alert.scan.js';

/**
 * The early-warning scan, in process: once at start (what became late or overdue while no hub
 * ran is raised now), then every interval. Hubs sharing a database may all run it; the scan takes
 * an advisory lock per rule and is idempotent.
 */
export class RiskScanJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
    private readonly thresholds: AlertThresholds,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.tick();
  }

  private tick(): void {
    this.running = this.runOnce().finally(() => {
      this.running = null;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tick(), this.intervalMs);
      // Never keeps the process alive on its own.
      this.timer.unref();
    });
  }

  async runOnce(now = new Date()): Promise<void> {
    try {
      const result = await new RiskScanService(this.orm.em.fork()).scan(this.thresholds, now);
      const changed = result.rules.filter((r) => r.raised || r.escalated || r.resolved);
      this.log.info({ rules: Object.fromEntries(changed.map(({ kind, error: _, ...counts }) => [kind, counts])) }, 'early-warning scan done');
      for (const r of result.rules) if (r.error) this.log.error({ rule: r.kind, error: r.error }, 'early-warning rule failed');
    } catch (err) {
      this.log.error({ err }, 'early-warning scan failed');
    }
  }

  /** Cancels the timer and waits for a scan in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
