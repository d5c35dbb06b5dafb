import { randomUUID } from 'node:crypto';
import { Check, Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PartnerKind } from './tracking.js';

/**
 * A registered logistics partner account. Credentials (JSON) and the webhook secret are stored
 * sealed by `SecretBox` (AES-256-GCM); the API only says whether they are set.
 */
@ObjectType({ description: 'A logistics partner account the hub pulls from or takes pushes from' })
@Entity({ tableName: 'logistics_partner' })
// The previous webhook secret is kept only with its expiry: never one without the other.
@Check({ name: 'logistics_partner_previous_secret_whole', expression: `("previous_webhook_secret_sealed" is null) = ("previous_secret_expires_at" is null)` })
export class LogisticsPartner {
  [OptionalProps]?:
    | 'active'
    | 'createdAt'
    | 'updatedAt'
    | 'credentialsSealed'
    | 'webhookSecretSealed'
    | 'apiBaseUrl'
    | 'previousWebhookSecretSealed'
    | 'previousSecretExpiresAt'
    | 'previousSecretLastUsedAt'
    | 'secretRotatedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Stable code: `/webhooks/<code>`, PARTNER keys are bound to it' })
  @Property({ type: 'string', length: 64, unique: 'logistics_partner_code_uidx' })
  code!: string;

  @Field(() => PartnerKind)
  @Enum({ items: () => PartnerKind, type: 'string' })
  kind!: PartnerKind;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Base URL of the tracking API (pull partners)' })
  @Property({ type: 'string', length: 500, nullable: true })
  apiBaseUrl?: string | null = null;

  /** Sealed JSON of the credentials (`SecretBox`). Never exposed. */
  @Property({ type: 'text', nullable: true })
  credentialsSealed?: string | null = null;

  /** Sealed webhook secret (Kuaidi100 salt, AfterShip / generic HMAC secret). Never exposed. */
  @Property({ type: 'text', nullable: true })
  webhookSecretSealed?: string | null = null;

  /**
   * Sealed webhook secret replaced by the last rotation, still accepted until
   * `previousSecretExpiresAt` so that pushes signed before the partner switched are not lost.
   * Never exposed. Set together with its expiry or not at all (a check constraint says so).
   */
  @Property({ type: 'text', nullable: true })
  previousWebhookSecretSealed?: string | null = null;

  @Field(() => Date, { nullable: true, description: 'Until when the webhook secret replaced by the last rotation is still accepted; null: only the current one is' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  previousSecretExpiresAt?: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When a push last verified only with the previous webhook secret (the partner has not switched yet)' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  previousSecretLastUsedAt?: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the webhook secret was last set by `updateLogisticsPartner`' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  secretRotatedAt?: Date | null = null;

  @Field(() => Int, { description: 'Seconds between two polls of one shipment' })
  @Property({ type: 'integer' })
  pollIntervalSeconds!: number;

  @Field(() => Boolean, { description: 'false: paused — pushes are answered 404 like an unknown partner, shipments are not polled' })
  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** Partner kinds the hub pulls from (the others only push). */
export const PULL_KINDS: ReadonlySet<PartnerKind> = new Set([PartnerKind.DHL, PartnerKind.KUAIDI100]);
/** Partner kinds that push to `/webhooks/:code`. */
export const PUSH_KINDS: ReadonlySet<PartnerKind> = new Set([PartnerKind.KUAIDI100, PartnerKind.AFTERSHIP, PartnerKind.GENERIC]);
