import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * How far a named in-process reaction has consumed the outbox. Advanced in the same transaction
 * as the reaction's writes, so an event is acted on once even across restarts and hubs.
 */
@Entity({ tableName: 'outbox_consumer' })
export class OutboxConsumer {
  @PrimaryKey({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'string', columnType: 'xid8' })
  txid!: string;

  @Property({ type: 'bigint' })
  seq!: string;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
