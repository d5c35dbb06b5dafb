import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PartnerKind } from './tracking.js';

/**
 * A registered logistics partner account. Credentials (JSON) and the webhook secret are stored
 * sealed by `SecretBox` (AES-256-GCM); the API only says whether they are set.
 */
@ObjectType({ description: 'A logistics partner account the hub pulls from or takes pushes from' })
@Entity({ tableName: 'logistics_partner' })
export class LogisticsPartner {
  [OptionalProps]?: 'active' | 'createdAt' | 'updatedAt' | 'credentialsSealed' | 'webhookSecretSealed' | 'apiBaseUrl';

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

  @Field(() => Int, { description: 'Seconds between two polls of one shipment' })
  @Property({ type: 'integer' })
  pollIntervalSeconds!: number;

  @Field(() => Boolean)
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
