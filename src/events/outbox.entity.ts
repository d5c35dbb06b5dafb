import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One domain event, appended in the same transaction as the change it describes.
 *
 * `txid` is the writing transaction's id (`pg_current_xact_id()`); the dispatcher delivers in
 * `(txid, seq)` order and only rows whose transaction is older than every transaction still
 * running, so a transaction that commits late can never be overtaken (see `dispatcher.ts`).
 */
@Entity({ tableName: 'outbox_event' })
@Index({ name: 'outbox_event_position_idx', properties: ['txid', 'seq'] })
export class OutboxEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  seq!: string;

  @Property({ type: 'string', columnType: 'xid8', defaultRaw: 'pg_current_xact_id()' })
  txid!: string;

  @Property({ type: 'string', length: 64 })
  topic!: string;

  @Property({ type: 'string', length: 64 })
  aggregateId!: string;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'datetime', defaultRaw: 'clock_timestamp()' })
  createdAt!: Date;
}
