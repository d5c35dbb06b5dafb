import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { VARIABLES, type RawConfig } from '../config.js';
import type { OutboxConsumerRegistry, ReplayableConsumer } from '../events/consumer-registry.js';
import { deliver, describeFailure, stackOf, type Failure, type RetryPolicy } from '../events/consumer-retry.js';
import { DeadLetterService } from '../events/dead-letter.service.js';
import type { OutboxDispatcher } from '../events/dispatcher.js';
import { positionOf, type DomainEvent, type Position } from '../events/outbox.js';
import { FinancingTopic } from '../financing/financing.events.js';
import type { Metrics } from '../http/metrics.js';
import { parseShipmentUpdated, SHIPMENT_UPDATED } from '../logistics/shipment.events.js';
import { EXCEPTION_STATUSES } from '../logistics/tracking.js';
import { applyAlertRules, concernsAlertRules, type AlertThresholds } from './alert.rules.js';
import { AssessmentTrigger } from './risk.enums.js';
import { carriersOf } from './operational.js';
import { RiskTopic } from './risk.events.js';
import { RiskService } from './risk.service.js';
import { sqlRows } from '../db/sql.js';

/** The consumer name under which the position is kept in `outbox_consumer`. */
export const RISK_CONSUMER = 'risk.reactions';
/** Wait before resuming when the stream itself failed (fell behind, or the database failed). */
const RETRY_MS = 1000;
/** The longest wait between retries of a failing event, unless `RISK_REACTION_RETRY_MS` is longer. */
const MAX_RETRY_DELAY_MS = 60_000;

/** The retry policy a configuration sets (`RISK_REACTION_MAX_ATTEMPTS`, `RISK_REACTION_RETRY_MS`). */
export function riskRetryPolicy(config: Pick<RawConfig, 'RISK_REACTION_MAX_ATTEMPTS' | 'RISK_REACTION_RETRY_MS'>): RetryPolicy {
  return { maxAttempts: config.RISK_REACTION_MAX_ATTEMPTS, firstDelayMs: config.RISK_REACTION_RETRY_MS, maxDelayMs: MAX_RETRY_DELAY_MS };
}

const DEFAULT_RETRY_POLICY = riskRetryPolicy({
  RISK_REACTION_MAX_ATTEMPTS: VARIABLES.RISK_REACTION_MAX_ATTEMPTS.default,
  RISK_REACTION_RETRY_MS: VARIABLES.RISK_REACTION_RETRY_MS.default,
});

export interface RiskReactionOptions {
  retry?: RetryPolicy;
  metrics?: Metrics;
  /** Where it registers itself on start, so that its dead letters can be retried. */
  consumers?: OutboxConsumerRegistry;
}

/** What an event asks of the reaction: which client to re-assess and why; null when nothing. */
export function reassessmentOf(e: DomainEvent): { clientId: string; trigger: AssessmentTrigger } | null {
  const clientId = typeof e.payload.clientId === 'string' ? e.payload.clientId : null;
  if (!clientId) return null;
  if (e.topic === RiskTopic.STATEMENT_ADDED) return { clientId, trigger: AssessmentTrigger.STATEMENT_ADDED };
  if (e.topic === FinancingTopic.BUCKET_CHANGED) return { clientId, trigger: AssessmentTrigger.BUCKET_CHANGED };
  if (e.topic === SHIPMENT_UPDATED) {
    const p = parseShipmentUpdated(e.payload);
    if (EXCEPTION_STATUSES.has(p.status) && (p.statusChanged || p.reasonChanged)) return { clientId, trigger: AssessmentTrigger.SHIPMENT_EXCEPTION };
  }
  return null;
}

/** Whether the risk reactions act on an event at all. */
export function concernsRisk(e: DomainEvent): boolean {
  return concernsAlertRules(e) || reassessmentOf(e) !== null;
}

/**
 * The risk domain's reactions to outbox events, in commit order: re-assesses a client when its
 * inputs change (a new statement, a bucket change, a shipment exception — and, for the latter,
 * the logistics providers that carry for the client), and applies the early-warning rules
 * (`applyAlertRules`).
 *
 * Its position in the outbox is persisted (`outbox_consumer`) and advanced in the same
 * transaction as the assessments an event causes: after a restart it resumes where it stopped
 * (the dispatcher replays from the table), and hubs sharing a database act on each event once —
 * the guarded upsert makes the second one skip it.
 *
 * An event it fails on is retried with backoff; one that keeps failing while the database answers
 * (a poison event: a bad payload, a bug, a broken constraint) is parked in `outbox_dead_letter`
 * and stepped over in one transaction, so that it does not hold back every event behind it.
 */
export class RiskReaction implements ReplayableConsumer {
  private stream: AsyncIterableIterator<DomainEvent> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private wakeSleeper: (() => void) | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly dispatcher: OutboxDispatcher,
    private readonly log: Logger,
    private readonly thresholds: AlertThresholds,
    private readonly opts: RiskReactionOptions = {},
  ) {}

  async start(): Promise<void> {
    this.opts.consumers?.register(RISK_CONSUMER, this);
    // First start on a database: begin at the newest event, as the dispatcher does.
    await this.orm.em.fork().getConnection().execute(
      `insert into outbox_consumer (name, txid, seq)
       select ?, coalesce((select txid from outbox_event order by txid desc, seq desc limit 1), '0'::xid8),
                 coalesce((select seq from outbox_event order by txid desc, seq desc limit 1), 0)
       on conflict (name) do nothing`,
      [RISK_CONSUMER],
    );
    const after = await this.storedPosition();
    this.running = this.loop(after);
  }

  private async loop(after: Position | null): Promise<void> {
    let from = after;
    while (!this.stopped) {
      try {
        this.stream = this.dispatcher.stream(concernsRisk, from, { internal: true });
        for await (const e of this.stream) {
          const outcome = await deliver(e, {
            consumer: RISK_CONSUMER,
            policy: this.opts.retry ?? DEFAULT_RETRY_POLICY,
            log: this.log,
            metrics: this.opts.metrics,
            handle: (ev) => this.handle(ev),
            park: (ev, failure) => this.park(ev, failure),
            databaseAnswers: () => this.databaseAnswers(),
            sleep: (ms) => this.sleep(ms),
          });
          if (outcome === 'stopped') return;
          from = positionOf(e);
        }
        return; // the dispatcher stopped
      } catch (err) {
        if (this.stopped) return;
        // Fell behind, or the database failed: resume from what was committed.
        this.log.warn({ error: describeFailure(err), stack: stackOf(err) }, 'risk reactions failed; resuming from their stored position');
        await new Promise((r) => setTimeout(r, RETRY_MS));
        from = (await this.storedPosition().catch(() => from)) ?? from;
      }
    }
  }

  /** Acts on one event unless it was acted on already; returns whether it did. */
  async handle(e: DomainEvent): Promise<boolean> {
    if (!concernsRisk(e)) return false;
    return this.orm.em.fork().transactional(async (tem) => {
      // The guard that makes delivery once-only: an event at or behind the stored position was
      // acted on already (by this hub before a restart, or by another hub).
      if (!(await this.advance(tem, positionOf(e)))) return false;
      await this.act(tem, e);
      return true;
    });
  }

  /**
   * A dead letter's retry: the same actions, in the caller's transaction, deliberately WITHOUT
   * the `advance` guard — the event is behind the stored position, so the guard would skip it —
   * and without moving the position, which is past it already. It runs once per dead letter:
   * the retry locks the dead letter and resolves it in this same transaction.
   */
  async replay(tem: EntityManager, e: DomainEvent): Promise<void> {
    if (!concernsRisk(e)) return;
    await this.act(tem, e);
  }

  /** Steps over a poison event: records it and moves the position past it, in one transaction. */
  private park(e: DomainEvent, failure: Failure): Promise<boolean> {
    return this.orm.em.fork().transactional(async (tem) => {
      // Another hub may have handled or parked it meanwhile: then there is nothing to record.
      if (!(await this.advance(tem, positionOf(e)))) return false;
      await new DeadLetterService(tem).park(tem, RISK_CONSUMER, e, failure);
      return true;
    });
  }

  /** The reaction's effects of one event, in `tem`'s transaction. */
  private async act(tem: EntityManager, e: DomainEvent): Promise<void> {
    await applyAlertRules(tem, e, this.thresholds);
    const what = reassessmentOf(e);
    if (!what) return;
    const clients = [what.clientId];
    // A shipment exception also moves the operational score of the providers carrying it.
    if (what.trigger === AssessmentTrigger.SHIPMENT_EXCEPTION) clients.push(...(await carriersOf(tem, what.clientId)));
    const risk = new RiskService(tem);
    for (const clientId of clients) {
      const exists = await sqlRows<{ n: number }>(tem, 'select 1 as n from client where id = ?', [clientId]);
      if (exists.length) await risk.assessIn(tem, clientId, { trigger: what.trigger, by: 'risk reactions' });
    }
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await this.orm.em.fork().getConnection().execute('select 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Waits `ms`, cut short by `stop()`; false when stopping. */
  private sleep(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSleeper = null;
        resolve(!this.stopped);
      }, ms);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        this.wakeSleeper = null;
        resolve(false);
      };
    });
  }

  /** Moves the stored position to `p` if it is behind; false when `p` was consumed already. */
  private async advance(tem: EntityManager, p: Position): Promise<boolean> {
    const rows = await sqlRows<{ name: string }>(
      tem,
      `insert into outbox_consumer (name, txid, seq) values (?, ?::xid8, ?)
       on conflict (name) do update set txid = excluded.txid, seq = excluded.seq, updated_at = now()
        where (outbox_consumer.txid, outbox_consumer.seq) < (excluded.txid, excluded.seq)
       returning name`,
      [RISK_CONSUMER, p.txid.toString(), p.seq.toString()],
    );
    return rows.length > 0;
  }

  private async storedPosition(): Promise<Position | null> {
    const rows = await this.orm.em
      .fork()
      .getConnection()
      .execute<{ txid: string; seq: string }[]>(`select txid::text as txid, seq::text as seq from outbox_consumer where name = ?`, [RISK_CONSUMER]);
    const row = rows[0];
    return row ? { txid: BigInt(row.txid), seq: BigInt(row.seq) } : null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleeper?.();
    await this.stream?.return?.();
    await this.running;
  }
}
