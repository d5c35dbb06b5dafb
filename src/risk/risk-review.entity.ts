import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { ClientStatus } from '../clients/client.enums.js';
import { ReviewOutcome, Tier } from './risk.enums.js';

/**
 * A periodic risk review of a client, kept forever: what was decided, why, by whom, what the
 * model said of the client then, and when the next one is due.
 */
@ObjectType({ description: 'A periodic risk review of a client' })
@Entity({ tableName: 'risk_review' })
@Index({ name: 'risk_review_client_idx', properties: ['client', 'reviewedOn', 'createdAt'] })
export class RiskReview {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client })
  client!: Client;

  @Field(() => LocalDateResolver, { description: 'Business date of the review' })
  @Property({ type: 'date' })
  reviewedOn!: string;

  @Field(() => ReviewOutcome)
  @Enum({ items: () => ReviewOutcome, type: 'string' })
  outcome!: ReviewOutcome;

  @Field(() => String, { description: "The reviewer's reasoning" })
  @Property({ type: 'string', length: 2000 })
  note!: string;

  @Field(() => String, { description: 'API key name of the reviewer' })
  @Property({ type: 'string', length: 120 })
  reviewer!: string;

  @Field(() => Tier, { nullable: true, description: 'Tier of the newest assessment at the time; null if the client had none' })
  @Enum({ items: () => Tier, type: 'string', nullable: true })
  tier: Tier | null = null;

  @Field(() => Float, { nullable: true, description: 'Score of the newest assessment at the time; null if the client had none' })
  @Property({ type: 'decimal', precision: 5, scale: 1, nullable: true })
  score: string | null = null;

  @Field(() => ClientStatus, { description: "The client's status after the review" })
  @Enum({ items: () => ClientStatus, type: 'string' })
  status!: ClientStatus;

  @Field(() => LocalDateResolver, { name: 'nextReviewDate', nullable: true, description: 'The next review date it set; null after an EXIT' })
  @Property({ type: 'date', nullable: true })
  nextReviewOn: string | null = null;

  // Millisecond precision: ordering key of the history (after reviewedOn).
  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'clock_timestamp()' })
  createdAt: Date = new Date();
}
