import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * An outbox event that a consumer failed on too often and stepped over, so that the events behind
 * it could go on. It keeps a copy of the event (the outbox row may be gone by the time an operator
 * looks) and stays until an ADMIN retries or discards it.
 */
@ObjectType('DeadLetter', { description: 'An outbox event a consumer parked after repeated failures' })
@Entity({ tableName: 'outbox_dead_letter' })
@Unique({ name: 'outbox_dead_letter_event_uidx', properties: ['consumer', 'txid', 'seq'] })
@Index({
  name: 'outbox_dead_letter_unresolved_idx',
  expression: 'create index "outbox_dead_letter_unresolved_idx" on "outbox_dead_letter" ("consumer") where "resolved_at" is null',
})
export class OutboxDeadLetter {
  [OptionalProps]?: 'resolvedAt' | 'resolvedBy' | 'resolution';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'The consumer that parked it (its name in `outbox_consumer`)' })
  @Property({ type: 'string', length: 64 })
  consumer!: string;

  @Field(() => String, { description: 'Outbox position: the writing transaction' })
  @Property({ type: 'string', columnType: 'xid8' })
  txid!: string;

  @Field(() => String, { description: 'Outbox position: the sequence within the outbox' })
  // A string: the ORM's default for bigint is a JS bigint, which GraphQL cannot serialise.
  @Property({ type: new BigIntType('string') })
  seq!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  topic!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  aggregateId!: string;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Field(() => Date, { description: 'When the event was committed' })
  @Property({ type: 'datetime', length: 3 })
  occurredAt!: Date;

  @Field(() => String, { description: "The last failure: the error's class and message, truncated" })
  @Property({ type: 'string', length: 1000 })
  error!: string;

  @Field(() => Int, { description: 'Failed attempts, operator retries included' })
  @Property({ type: 'integer' })
  attempts!: number;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  firstFailedAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  lastFailedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Set when retried successfully or discarded' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  resolvedAt?: Date | null = null;

  @Field(() => String, { nullable: true, description: 'The API key name that retried or discarded it' })
  @Property({ type: 'string', length: 120, nullable: true })
  resolvedBy?: string | null = null;

  @Field(() => String, { nullable: true, description: '"retried by <key name>", or the note it was discarded with' })
  @Property({ type: 'string', length: 1000, nullable: true })
  resolution?: string | null = null;
}
