import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Metrics } from '../core/metrics.js';
import type { OutboxConsumerRegistry, ReplayableConsumer } from './consumer-registry.js';
import { backoffMs, deliver, describeFailure, isTransientFailure, stackOf, type Failure, type RetryPolicy } from './consumer-retry.js';
import { DeadLetterService } from './dead-letter.service.js';
import type { OutboxDispatcher } from './dispatcher.js';
import { comparePositions, positionOf, type DomainEvent, type Position } from './outbox.js';
import { positionOfRow, readSettled, settledHorizon, type PositionRow } from './outbox.sql.js';
import { sqlRows } from '../db/sql.js';
import { WakeLoop } from './wake-loop.js';

/** One reaction a durable consumer runs on the events it reads. */
export interface ConsumerRule {
  /** For logs. */
  name: string;
  /** The topics it reads; the consumer reads the union of its rules' topics from the outbox. */
  topics: readonly string[];
  /** Whether it acts on an event of its topics (default: every one). */
  accepts?(e: DomainEvent): boolean;
  /** Its effects of one event, in the consumer's transaction (`tem`); nothing may escape it. */
  act(tem: EntityManager, e: DomainEvent): Promise<void>;
  /**
   * Work done once for all the events of one transaction that the rule took, after their `act`:
   * checks of the current state that come to the same whether made once or after each event.
   */
  settle?(tem: EntityManager, events: readonly DomainEvent[]): Promise<void>;
}

export interface DurableConsumerOptions {
  /** Its row in `outbox_consumer`: one position per name, shared by every hub. */
  name: string;
  rules: readonly ConsumerRule[];
  retry: RetryPolicy;
  log: Logger;
  /** Events per transaction while things go well (default 100). */
  batchSize?: number;
  /** Reads the outbox at least this often when nothing wakes it (default 1 s). */
  pollMs?: number;
  metrics?: Metrics;
  /** Where it registers itself on start, so that its dead letters can be retried. */
  registry?: OutboxConsumerRegistry;
}

const DEFAULT_BATCH = 100;
/** A batch stops taking events after this much work (see `batch`). */
const BATCH_BUDGET_MS = 50;

const ruleAccepts = (rule: ConsumerRule, e: DomainEvent) => rule.topics.includes(e.topic) && (!rule.accepts || rule.accepts(e));

/**
 * The one durable outbox consumer: reads the events its rules want, in commit order, and runs the
 * rules on them, each event once across restarts and across every hub sharing the database.
 *
 * - **Position.** Kept in `outbox_consumer` and moved in the same transaction as the rules'
 *   writes. Each transaction first takes the consumer's lock, then reads the position and the
 *   settled events after it: hubs take turns, none acts on an event another committed, and a
 *   crash loses nothing (the transaction rolls back, the lock goes with the connection).
 * - **First position.** On a database where it never ran, the settled horizon: the newest event
 *   whose transaction is older than every one still running. An event of a transaction that
 *   commits late sorts after it, so it is read, not skipped.
 * - **Batches.** Up to `batchSize` events per transaction, so that it keeps up with ingest, but
 *   no more than about 50 ms of work: a writing transaction holds back delivery on every hub
 *   until it commits. Its lag is `scf_outbox_consumer_lag_seconds`.
 * - **Failures.** When a batch fails for a reason of the database's ("try again", connection
 *   lost) it waits and tries again. Otherwise it goes through that batch's events one per
 *   transaction, retrying each with backoff; an event that keeps failing while the database
 *   answers is parked in `outbox_dead_letter` and stepped over in one transaction, so one poison
 *   event does not hold back every event behind it.
 */
export class DurableConsumer implements ReplayableConsumer {
  private readonly topics: readonly string[];
  private readonly batchSize: number;
  private readonly loop: WakeLoop;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private wakeSleeper: (() => void) | null = null;
  /** Where this consumer last saw the position (it moved it, or skipped to it); others may be further. */
  private known: Position | null = null;
  /** After a batch failed: its events are taken one per transaction up to here. */
  private singleUntil: Position | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly dispatcher: OutboxDispatcher,
    private readonly opts: DurableConsumerOptions,
  ) {
    this.topics = [...new Set(opts.rules.flatMap((r) => r.topics))];
    this.batchSize = opts.batchSize ?? DEFAULT_BATCH;
    this.loop = new WakeLoop(
      () => this.drain(),
      (err) => opts.log.error({ consumer: opts.name, error: describeFailure(err), stack: stackOf(err) }, 'outbox consumer failed; will retry'),
      opts.pollMs ?? 1000,
    );
  }

  async start(): Promise<void> {
    this.opts.registry?.register(this.opts.name, this);
    // A consumer that never ran starts at the settled horizon; one that did keeps its position.
    const horizon = await settledHorizon(this.orm.em.fork());
    await this.orm.em.fork().getConnection().execute(
      `insert into outbox_consumer (name, txid, seq) values (?, ?::text::xid8, ?::bigint) on conflict (name) do nothing`,
      [this.opts.name, horizon.txid.toString(), horizon.seq.toString()],
    );
    const topics = new Set(this.topics);
    // Events this hub dispatches wake it; other hubs' commits reach the dispatcher through NOTIFY.
    this.unsubscribe = this.dispatcher.onEvent((e) => {
      if (topics.has(e.topic)) this.wake();
    });
    this.wake();
  }

  /** Reads the outbox now (coalesced: at most one read runs, and one more is queued). */
  wake(): void {
    this.loop.wake();
  }

  private async drain(): Promise<void> {
    let waits = 0;
    while (!this.stopped) {
      let read: DomainEvent[] = [];
      try {
        if (this.singleUntil) {
          if (!(await this.single())) return;
          continue;
        }
        const n = await this.batch((events) => (read = events));
        waits = 0;
        if (n < this.batchSize) return;
      } catch (err) {
        if (this.stopped) return;
        const transient = isTransientFailure(err) || !(await this.databaseAnswers());
        const last = read.at(-1);
        if (!transient && last) {
          this.opts.log.warn(
            { consumer: this.opts.name, error: describeFailure(err), events: read.length },
            'outbox consumer batch failed; taking its events one at a time',
          );
          this.singleUntil = positionOf(last);
          continue;
        }
        this.opts.metrics?.consumerRetries.inc({ consumer: this.opts.name, reason: 'database-unavailable' });
        this.opts.log.warn({ consumer: this.opts.name, error: describeFailure(err) }, 'outbox consumer could not read; retrying');
        if (!(await this.sleep(backoffMs(this.opts.retry, ++waits)))) return;
      }
    }
  }

  /** One transaction over up to `batchSize` events; returns how many it read. */
  private async batch(onRead: (events: DomainEvent[]) => void): Promise<number> {
    // A look without the lock first, from where this consumer last knew the position to be: a
    // wake with nothing new, or with only events no rule acts on, costs one read and no locking
    // transaction (each would take a transaction id). Skipped events need no effects, so the
    // position may stay behind them until an event that does comes along (and after a restart
    // they are skipped again).
    const ahead = await readSettled(this.orm.em.fork(), { after: this.known ??= await this.storedPosition(), topics: this.topics, limit: this.batchSize });
    const lastAhead = ahead.at(-1);
    if (!lastAhead || !ahead.some((e) => this.accepts(e))) {
      if (lastAhead) this.known = positionOf(lastAhead);
      this.observe([], 'batch');
      return ahead.length;
    }
    const { from, events } = await this.orm.em.fork().transactional(async (tem) => {
      const at = await this.lockPosition(tem);
      const read = await readSettled(tem, { after: at, topics: this.topics, limit: this.batchSize });
      onRead(read);
      // Once this transaction writes, it holds back every hub's delivery until it commits (the
      // settled horizon): it stops taking events after a short budget.
      const started = Date.now();
      const done: DomainEvent[] = [];
      for (const e of read) {
        await this.act(tem, e);
        done.push(e);
        if (Date.now() - started >= BATCH_BUDGET_MS) break;
      }
      await this.settle(tem, done);
      const last = done.at(-1);
      if (last) await this.moveTo(tem, positionOf(last));
      return { from: at, events: done };
    });
    const last = events.at(-1);
    this.known = last ? positionOf(last) : from;
    this.observe(events, 'batch');
    return events.length;
  }

  /**
   * One event after a failed batch, with retries and parking; false when stopping. Past the
   * failed batch's last event it goes back to batches.
   */
  private async single(): Promise<boolean> {
    const until = this.singleUntil!;
    const [next] = await readSettled(this.orm.em.fork(), { after: await this.storedPosition(), upTo: until, topics: this.topics, limit: 1 });
    if (!next) {
      this.singleUntil = null;
      return true;
    }
    const outcome = await deliver(next, {
      consumer: this.opts.name,
      policy: this.opts.retry,
      log: this.opts.log,
      metrics: this.opts.metrics,
      handle: (e) => this.handle(e),
      park: (e, failure) => this.park(e, failure),
      databaseAnswers: () => this.databaseAnswers(),
      sleep: (ms) => this.sleep(ms),
    });
    if (outcome === 'stopped') return false;
    if (comparePositions(positionOf(next), until) >= 0) this.singleUntil = null;
    return true;
  }

  /**
   * Acts on one event in a transaction of its own, unless the stored position is at or past it
   * already (this hub before a restart, or another hub, did it); returns whether it acted.
   */
  async handle(e: DomainEvent): Promise<boolean> {
    const acted = await this.orm.em.fork().transactional(async (tem) => {
      if (comparePositions(await this.lockPosition(tem), positionOf(e)) >= 0) return false;
      await this.act(tem, e);
      await this.settle(tem, [e]);
      await this.moveTo(tem, positionOf(e));
      return true;
    });
    if (acted) {
      this.known = positionOf(e);
      this.observe([e], 'single');
    }
    return acted;
  }

  /**
   * A dead letter's retry: the rules' effects in the caller's transaction, deliberately without
   * the position check (the event is behind the position, so the check would skip it) and without
   * moving the position, which is past it already. The retry locks the dead letter and resolves
   * it in the same transaction, so it runs once.
   */
  async replay(tem: EntityManager, e: DomainEvent): Promise<void> {
    await this.act(tem, e);
    await this.settle(tem, [e]);
  }

  /** Steps over a poison event: records it and moves the position past it, in one transaction. */
  private park(e: DomainEvent, failure: Failure): Promise<boolean> {
    return this.orm.em.fork().transactional(async (tem) => {
      if (comparePositions(await this.lockPosition(tem), positionOf(e)) >= 0) return false;
      await new DeadLetterService(tem).park(tem, this.opts.name, e, failure);
      await this.moveTo(tem, positionOf(e));
      return true;
    });
  }

  private async act(tem: EntityManager, e: DomainEvent): Promise<void> {
    for (const rule of this.opts.rules) if (ruleAccepts(rule, e)) await rule.act(tem, e);
  }

  private async settle(tem: EntityManager, events: readonly DomainEvent[]): Promise<void> {
    for (const rule of this.opts.rules) {
      if (!rule.settle) continue;
      const taken = events.filter((e) => ruleAccepts(rule, e));
      if (taken.length) await rule.settle(tem, taken);
    }
  }

  private accepts(e: DomainEvent): boolean {
    return this.opts.rules.some((rule) => ruleAccepts(rule, e));
  }

  private observe(events: readonly DomainEvent[], mode: 'batch' | 'single'): void {
    const m = this.opts.metrics;
    if (!m) return;
    const last = events.at(-1);
    m.consumerLag.set({ consumer: this.opts.name }, last ? Math.max(0, (Date.now() - last.createdAt.getTime()) / 1000) : 0);
    if (!last) return;
    m.consumerEvents.inc({ consumer: this.opts.name }, events.length);
    m.consumerBatches.inc({ consumer: this.opts.name, mode });
  }

  /**
   * The stored position, locked until `tem` ends: other hubs wait their turn. An advisory lock
   * rather than `for update`: locking a row would give the transaction an id at once, and a
   * transaction with an id holds back every hub's delivery (the settled horizon) until it ends.
   */
  private async lockPosition(tem: EntityManager): Promise<Position> {
    await sqlRows(tem, 'select pg_advisory_xact_lock(hashtextextended(?, 0))', [`outbox_consumer:${this.opts.name}`]);
    return this.readPosition(tem);
  }

  private async moveTo(tem: EntityManager, p: Position): Promise<void> {
    await sqlRows(tem, `update outbox_consumer set txid = ?::text::xid8, seq = ?::bigint, updated_at = now() where name = ?`, [
      p.txid.toString(),
      p.seq.toString(),
      this.opts.name,
    ]);
  }

  /** The stored position, read without a lock. */
  storedPosition(): Promise<Position> {
    return this.readPosition(this.orm.em.fork());
  }

  /** The stored position, through `em` (in its transaction when it has one). */
  private async readPosition(em: EntityManager): Promise<Position> {
    const [row] = await sqlRows<PositionRow>(em, `select txid::text as txid_text, seq::text as seq_text from outbox_consumer where name = ?`, [this.opts.name]);
    if (!row) throw new Error(`outbox consumer ${this.opts.name} has no position (start() creates it)`);
    return positionOfRow(row);
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

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wakeSleeper?.();
    await this.loop.stop();
  }
}
