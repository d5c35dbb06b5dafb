import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum WebhookOutcome {
  /** Taken in, not yet processed. */
  RECEIVED = 'RECEIVED',
  /** Verified, mapped and applied to its shipment. */
  PROCESSED = 'PROCESSED',
  /** Verified and mapped, but no registered shipment has this tracking number (re-process after registering it). */
  UNMATCHED = 'UNMATCHED',
  /** Verified but could not be mapped or applied (re-process after a fix). */
  FAILED = 'FAILED',
}
registerEnumType(WebhookOutcome, { name: 'WebhookOutcome' });

/**
 * Every push a known partner sent us. Verified pushes keep their raw bytes, so that one that
 * failed to map can be re-processed after a fix (`reprocessWebhook`); refused ones keep only
 * why, not the unauthenticated body.
 */
@ObjectType({ description: 'A push received on /webhooks/:partnerCode' })
@Entity({ tableName: 'webhook_inbox' })
@Index({ name: 'webhook_inbox_received_idx', properties: ['receivedAt', 'id'] })
@Index({ name: 'webhook_inbox_outcome_idx', properties: ['outcome'] })
export class WebhookInbox {
  [OptionalProps]?: 'receivedAt' | 'processedAt' | 'reason' | 'body' | 'trackingNumber' | 'shipmentId' | 'attempts' | 'headers';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  partnerCode!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  receivedAt: Date = new Date();

  /** A subset: content type, user agent, length, request id; never a signature. */
  @Property({ type: 'json' })
  headers: Record<string, string> = {};

  /** The raw request bytes (verified pushes only). */
  @Property({ type: 'blob', nullable: true, lazy: true })
  body?: Buffer | null = null;

  @Field(() => WebhookOutcome)
  @Enum({ items: () => WebhookOutcome, type: 'string' })
  outcome!: WebhookOutcome;

  @Field(() => String, { nullable: true, description: 'Why it was refused or failed' })
  @Property({ type: 'string', length: 1000, nullable: true })
  reason?: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  trackingNumber?: string | null = null;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  shipmentId?: string | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', length: 3, nullable: true })
  processedAt?: Date | null = null;

  @Field(() => Int, { description: 'Times it was processed (1 + re-processings)' })
  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;
}
