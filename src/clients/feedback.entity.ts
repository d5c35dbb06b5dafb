import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Client } from './client.entity.js';
import { ComplaintCategory, ComplaintStatus, FeedbackKind } from './client.enums.js';

@ObjectType({ description: 'A satisfaction survey answer or a complaint' })
@Entity({ tableName: 'feedback' })
@Index({ name: 'feedback_client_idx', properties: ['client', 'submittedAt'] })
@Index({ name: 'feedback_status_idx', properties: ['kind', 'status'] })
export class Feedback {
  /** Defaulted properties `em.create` need not be given. */
  [OptionalProps]?: 'submittedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client, deleteRule: 'cascade' })
  client!: Client;

  @Field(() => FeedbackKind)
  @Enum({ items: () => FeedbackKind, type: 'string' })
  kind!: FeedbackKind;

  @Field(() => Int, { nullable: true, description: 'Survey score, 0 (worst) to 10 (best)' })
  @Property({ type: 'smallint', nullable: true })
  score?: number | null;

  @Field(() => ComplaintCategory, { nullable: true })
  @Enum({ items: () => ComplaintCategory, type: 'string', nullable: true })
  category?: ComplaintCategory | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  body?: string | null;

  @Field(() => ComplaintStatus, { nullable: true, description: 'Complaints only' })
  @Enum({ items: () => ComplaintStatus, type: 'string', nullable: true })
  status?: ComplaintStatus | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  resolution?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  resolvedAt?: Date | null;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  submittedAt: Date = new Date();
}
