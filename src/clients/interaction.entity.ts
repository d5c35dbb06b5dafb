import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Client } from './client.entity.js';
import { InteractionKind } from './client.enums.js';

@ObjectType({ description: 'A meeting, visit, call, online session or e-mail with a client' })
@Entity({ tableName: 'interaction' })
@Index({ name: 'interaction_client_idx', properties: ['client', 'occurredAt', 'id'] })
@Index({ name: 'interaction_follow_up_idx', properties: ['followUpDueAt'] })
export class Interaction {
  /** Defaulted properties `em.create` need not be given. */
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client, deleteRule: 'cascade' })
  client!: Client;

  @Field(() => InteractionKind)
  @Enum({ items: () => InteractionKind, type: 'string' })
  kind!: InteractionKind;

  // Millisecond precision: a keyset-pagination key (see Client.createdAt).
  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  occurredAt!: Date;

  @Field(() => String)
  @Property({ type: 'text' })
  summary!: string;

  @Field(() => Date, { nullable: true, description: 'When the desk promised to follow up' })
  @Property({ type: 'datetime', nullable: true })
  followUpDueAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  followUpDoneAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Name of the API key that recorded it' })
  @Property({ type: 'string', length: 200, nullable: true })
  recordedBy?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
