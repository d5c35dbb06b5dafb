import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { Financing } from '../financing/financing.entity.js';
import { LogisticsPartner } from './partner.entity.js';
import { ExceptionReason, ShipmentStatus, TrackingSource } from './tracking.js';

/**
 * A shipment behind financed goods, tracked with one partner. Its status is folded from its
 * events (`foldStatus`); the poll schedule (`nextPollAt`, lease) lives on the row so that it
 * survives restarts and is shared by hubs on one database.
 */
@ObjectType({ description: 'A tracked shipment' })
@Entity({ tableName: 'shipment' })
@Unique({ name: 'shipment_partner_tracking_uidx', properties: ['partner', 'trackingNumber'] })
@Index({ name: 'shipment_client_idx', properties: ['client'] })
@Index({ name: 'shipment_financing_idx', properties: ['financing'] })
@Index({ name: 'shipment_next_poll_idx', properties: ['nextPollAt'] })
@Index({ name: 'shipment_created_idx', properties: ['createdAt', 'id'] })
export class Shipment {
  [OptionalProps]?:
    | 'status'
    | 'exceptionReason'
    | 'statusAt'
    | 'lastEventAt'
    | 'estimatedDeliveryAt'
    | 'pollFailures'
    | 'createdAt'
    | 'updatedAt'
    | 'nextPollAt'
    | 'lastPolledAt'
    | 'lastPollError'
    | 'leasedUntil'
    | 'leasedBy'
    | 'trackingStoppedAt'
    | 'trackingStoppedReason'
    | 'financing'
    | 'carrierCode'
    | 'expectedDeliveryAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => LogisticsPartner })
  partner!: LogisticsPartner;

  @Field(() => String, { description: 'As the partner knows it (trimmed, upper case)' })
  @Property({ type: 'string', length: 64 })
  trackingNumber!: string;

  @Field(() => String, { nullable: true, description: 'Kuaidi100 `com`, DHL `service`, AfterShip `slug`' })
  @Property({ type: 'string', length: 40, nullable: true })
  carrierCode?: string | null = null;

  @ManyToOne({ entity: () => Client })
  client!: Client;

  @ManyToOne({ entity: () => Financing, nullable: true })
  financing?: Financing | null = null;

  @Field(() => Date, { nullable: true, description: 'When the desk expects the goods (from the contract)' })
  @Property({ type: 'datetime', nullable: true })
  expectedDeliveryAt?: Date | null = null;

  @Field(() => ShipmentStatus)
  @Enum({ items: () => ShipmentStatus, type: 'string', default: ShipmentStatus.PENDING })
  status: ShipmentStatus = ShipmentStatus.PENDING;

  @Field(() => ExceptionReason, { nullable: true })
  @Enum({ items: () => ExceptionReason, type: 'string', nullable: true })
  exceptionReason?: ExceptionReason | null = null;

  @Field(() => Date, { nullable: true, description: 'When the event that set the status happened' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  statusAt?: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the newest event happened' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  lastEventAt?: Date | null = null;

  @Field(() => Date, { nullable: true, description: "The partner's estimated delivery" })
  @Property({ type: 'datetime', length: 3, nullable: true })
  estimatedDeliveryAt?: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the partner said it stopped tracking (Kuaidi100 abort, AfterShip expiry)' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  trackingStoppedAt?: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  trackingStoppedReason?: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When the poller pulls next; null = not polled (push partner, terminal, or tracking stopped)' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  nextPollAt?: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', length: 3, nullable: true })
  lastPolledAt?: Date | null = null;

  /** Consecutive failed polls (backs the schedule off). */
  @Property({ type: 'integer', default: 0 })
  pollFailures: number = 0;

  @Field(() => String, { nullable: true, description: 'Why the last poll failed (our words, never a credential)' })
  @Property({ type: 'string', length: 500, nullable: true })
  lastPollError?: string | null = null;

  /** The poller lease: the hub `leasedBy` polls it until `leasedUntil`. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  leasedUntil?: Date | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  leasedBy?: string | null = null;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** One stored tracking event: the partner's raw code and text, and our status and reason. */
@ObjectType('TrackingEvent', { description: "A shipment's tracking event, in both the partner's words and ours" })
@Entity({ tableName: 'tracking_event' })
@Unique({ name: 'tracking_event_shipment_key_uidx', properties: ['shipment', 'key'] })
@Index({ name: 'tracking_event_shipment_time_idx', properties: ['shipment', 'occurredAt'] })
export class TrackingEventRecord {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Shipment })
  shipment!: Shipment;

  @Field(() => String, { description: 'Event identity: replays and full-history resends carry the same key' })
  @Property({ type: 'string', length: 64 })
  key!: string;

  @Field(() => ShipmentStatus)
  @Enum({ items: () => ShipmentStatus, type: 'string' })
  status!: ShipmentStatus;

  @Field(() => ExceptionReason, { nullable: true })
  @Enum({ items: () => ExceptionReason, type: 'string', nullable: true })
  reason?: ExceptionReason | null = null;

  @Field(() => String, { nullable: true, description: "The partner's code as sent" })
  @Property({ type: 'string', length: 100, nullable: true })
  rawCode?: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  rawSubCode?: string | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  description!: string;

  /** The partner's time string, verbatim. */
  @Property({ type: 'string', length: 64 })
  rawTime!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  occurredAt!: Date;

  @Field(() => Boolean, { description: 'The partner gave no UTC offset and one was assumed' })
  @Property({ type: 'boolean' })
  offsetAssumed!: boolean;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 300, nullable: true })
  location?: string | null = null;

  @Field(() => TrackingSource)
  @Enum({ items: () => TrackingSource, type: 'string' })
  source!: TrackingSource;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  receivedAt!: Date;
}
