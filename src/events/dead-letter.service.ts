import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { idArg, requiredText } from '../core/text.js';
import type { Actor } from '../core/actor.js';
import { badInput, conflict, DomainError, notFound } from '../core/errors.js';
import { decodeCursor, encodeCursor, pageSize } from '../core/cursor.js';
import type { OutboxConsumerRegistry } from './consumer-registry.js';
import { describeFailure, isTransientFailure, type Failure } from './consumer-retry.js';
import { OutboxDeadLetter } from './dead-letter.entity.js';
import type { DomainEvent } from './outbox.js';

/** Thrown inside the retry's transaction so that it rolls back; carries the handler's error out. */
class ReplayFailed extends Error {
  constructor(readonly original: unknown) {
    super('replay failed');
  }
}

export class DeadLetterService {
  constructor(private readonly em: EntityManager) {}

  /**
   * Records a parked event, in the caller's transaction — the one that also moves the consumer's
   * position past it. A second park of the same event (another hub) changes nothing.
   */
  async park(tem: EntityManager, consumer: string, e: DomainEvent, f: Failure): Promise<void> {
    await tem.getConnection().execute(
      `insert into outbox_dead_letter (id, consumer, txid, seq, topic, aggregate_id, payload, occurred_at, error, attempts, first_failed_at, last_failed_at)
       values (gen_random_uuid(), ?, ?::xid8, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
       on conflict (consumer, txid, seq) do nothing`,
      [consumer, e.txid, e.seq, e.topic, e.aggregateId, JSON.stringify(e.payload), e.createdAt, f.error, f.attempts, f.firstFailedAt, f.lastFailedAt],
      'run',
      tem.getTransactionContext(),
    );
  }

  /** Dead letters in outbox order, keyset-paginated. */
  async list(consumer: string | null | undefined, unresolvedOnly: boolean, first?: number | null, after?: string | null) {
    const limit = pageSize(first);
    const where: Record<string, unknown> = {};
    if (consumer) where.consumer = consumer;
    if (unresolvedOnly) where.resolvedAt = null;
    const page: Record<string, unknown> = { ...where };
    if (after) {
      const [txid, seq, name] = decodeCursor(after, 3);
      if (typeof txid !== 'string' || typeof seq !== 'string' || typeof name !== 'string' || !/^\d{1,20}$/.test(txid) || !/^\d{1,20}$/.test(seq)) {
        throw badInput('after', 'is not a cursor this list returned');
      }
      page.$or = [{ txid: { $gt: txid } }, { txid, seq: { $gt: seq } }, { txid, seq, consumer: { $gt: name } }];
    }
    const rows = await this.em.find(OutboxDeadLetter, page, { orderBy: [{ txid: 'asc' }, { seq: 'asc' }, { consumer: 'asc' }], limit: limit + 1 });
    return {
      rows,
      limit,
      cursorOf: (d: OutboxDeadLetter) => encodeCursor([d.txid, d.seq, d.consumer]),
      count: () => this.em.count(OutboxDeadLetter, where),
    };
  }

  /**
   * Runs the consumer's handler for the event now, without touching the consumer's position;
   * on success resolves the dead letter in the same transaction. On failure nothing the handler
   * did is kept, the attempt is recorded, and a RETRY_FAILED error says why.
   */
  async retry(id: string, actor: Actor, consumers: OutboxConsumerRegistry): Promise<OutboxDeadLetter> {
    const key = idArg('id', id);
    try {
      return await this.em.transactional(async (tem) => {
        const d = await this.lockUnresolved(tem, key);
        const consumer = consumers.get(d.consumer);
        if (!consumer) throw conflict(`consumer ${d.consumer} does not run in this hub: its dead letters cannot be retried here`, 'id', { consumer: d.consumer });
        try {
          await consumer.replay(tem, eventOf(d));
          // The handler's writes are flushed here, so that a constraint they break fails the retry, not the commit.
          await tem.flush();
        } catch (err) {
          throw new ReplayFailed(err);
        }
        d.resolvedAt = new Date();
        d.resolvedBy = actor.name;
        d.resolution = `retried by ${actor.name}`;
        return d;
      });
    } catch (err) {
      if (!(err instanceof ReplayFailed)) throw err;
      const error = describeFailure(err.original);
      // As in delivery, the database's own trouble is not the event's: not counted.
      if (isTransientFailure(err.original)) {
        throw new DomainError('RETRY_FAILED', `retryDeadLetter: the database was unavailable (${error}); nothing changed, try again`, 'id', { error });
      }
      const attempts = await this.recordFailure(key, error);
      throw new DomainError('RETRY_FAILED', `retryDeadLetter: the handler failed again (${error}); the dead letter is kept`, 'id', {
        error,
        ...(attempts === null ? {} : { attempts }),
      });
    }
  }

  /** Resolves a dead letter without running it, with the operator's reason. */
  async discard(id: string, note: string, actor: Actor): Promise<OutboxDeadLetter> {
    const key = idArg('id', id);
    const why = requiredText('note', note, 1000);
    return this.em.transactional(async (tem) => {
      const d = await this.lockUnresolved(tem, key);
      d.resolvedAt = new Date();
      d.resolvedBy = actor.name;
      d.resolution = why;
      return d;
    });
  }

  /** Unresolved dead letters per consumer (those with none are absent). */
  async unresolvedCounts(): Promise<Record<string, number>> {
    const rows = await this.em
      .getConnection()
      .execute<{ consumer: string; n: number }[]>(`select consumer, count(*)::int as n from outbox_dead_letter where resolved_at is null group by consumer`);
    return Object.fromEntries(rows.map((r) => [r.consumer, r.n]));
  }

  private async lockUnresolved(tem: EntityManager, id: string): Promise<OutboxDeadLetter> {
    const d = await tem.findOne(OutboxDeadLetter, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!d) throw notFound('DeadLetter', id);
    if (d.resolvedAt) throw conflict(`dead letter is resolved already (${d.resolution ?? ''})`, 'id', { resolvedAt: d.resolvedAt.toISOString() });
    return d;
  }

  /** Counts a failed retry; null when even that could not be written (the database is away). */
  private async recordFailure(id: string, error: string): Promise<number | null> {
    try {
      const rows = await this.em
        .fork()
        .getConnection()
        .execute<{ attempts: number }[]>(
          `update outbox_dead_letter set attempts = attempts + 1, last_failed_at = now(), error = ? where id = ? and resolved_at is null returning attempts`,
          [error, id],
        );
      return rows[0]?.attempts ?? null;
    } catch {
      return null;
    }
  }
}

function eventOf(d: OutboxDeadLetter): DomainEvent {
  return { txid: d.txid, seq: d.seq, topic: d.topic, aggregateId: d.aggregateId, payload: d.payload, createdAt: d.occurredAt };
}
