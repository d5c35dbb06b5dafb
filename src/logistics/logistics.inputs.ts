import { JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ExceptionReason, PartnerKind, ShipmentStatus } from './tracking.js';
import { WebhookOutcome } from './webhook-inbox.entity.js';

@InputType({ description: 'A logistics partner account. Credentials and the webhook secret are stored encrypted and never returned' })
export class RegisterLogisticsPartnerInput {
  @Field(() => String, { description: 'Letters, digits, `-` and `_`; the webhook URL is /webhooks/<code>' })
  code!: string;

  @Field(() => PartnerKind)
  kind!: PartnerKind;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: "Tracking API base URL; default the partner's public one (DHL, Kuaidi100)" })
  apiBaseUrl?: string | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'DHL `{ apiKey, service? }`, Kuaidi100 `{ customer, key }`, AfterShip `{ apiKey }`' })
  credentials?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: "Kuaidi100's salt, AfterShip's or the generic push's HMAC secret; without one every push is refused" })
  webhookSecret?: string | null;

  @Field(() => Int, { nullable: true, description: 'Seconds between two polls of one shipment (pull partners); default DHL 9000 (under 10 a day), Kuaidi100 1800' })
  pollIntervalSeconds?: number | null;
}

@InputType({
  description:
    'Changes a partner: only the fields given (null or absent: unchanged). Secrets are replaced, never cleared and never returned; to stop pushes, pause the partner (`active: false`)',
})
export class UpdateLogisticsPartnerInput {
  @Field(() => String, { description: 'The partner to change (its code itself never changes)' })
  code!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Tracking API base URL' })
  apiBaseUrl?: string | null;

  @Field(() => Int, { nullable: true, description: 'Seconds between two polls of one shipment, 5 to 604800 (applies from each shipment\'s next poll)' })
  pollIntervalSeconds?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'false pauses the partner (its pushes are answered 404, its shipments are not polled); true resumes it' })
  active?: boolean | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: "Replaces all of the partner's credentials at once (same shape as at registration); the next pull uses them" })
  credentials?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'A new webhook secret (8 to 500 characters); the one it replaces stays valid for `previousSecretValidForSeconds`' })
  webhookSecret?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'With a new `webhookSecret`: how long the replaced secret is still accepted, 0 (refused at once) to 604800 (7 days); default 86400 (24 h)',
  })
  previousSecretValidForSeconds?: number | null;
}

@InputType()
export class RegisterShipmentInput {
  @Field(() => String)
  partnerCode!: string;

  @Field(() => String)
  trackingNumber!: string;

  @Field(() => String, { nullable: true, description: 'Kuaidi100 `com` (required there, e.g. `shunfeng`), DHL `service`, AfterShip `slug`' })
  carrierCode?: string | null;

  @Field(() => ID)
  clientId!: string;

  @Field(() => ID, { nullable: true, description: "A financing deal of the client (or anchored by it) the goods belong to" })
  financingId?: string | null;

  @Field(() => Date, { nullable: true })
  expectedDeliveryAt?: Date | null;
}

@InputType()
export class ShipmentFilter {
  @Field(() => [ID], { nullable: true })
  clientIds?: string[] | null;

  @Field(() => [String], { nullable: true })
  partnerCodes?: string[] | null;

  @Field(() => [ShipmentStatus], { nullable: true })
  statuses?: ShipmentStatus[] | null;

  @Field(() => ID, { nullable: true })
  financingId?: string | null;

  @Field(() => String, { nullable: true })
  trackingNumber?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: not yet in a terminal status; false: terminal' })
  active?: boolean | null;
}

@InputType({ description: 'One event of the generic push, in the canonical vocabulary' })
export class TrackingEventInput {
  @Field(() => String, { nullable: true, description: 'Your event id: when given it alone is the identity (a resend under it is a replay)' })
  id?: string | null;

  @Field(() => String, { description: 'ISO-8601 with a UTC offset, e.g. 2026-03-01T10:00:00+08:00 (kept verbatim: part of the identity)' })
  occurredAt!: string;

  @Field(() => ShipmentStatus)
  status!: ShipmentStatus;

  @Field(() => ExceptionReason, { nullable: true })
  reason?: ExceptionReason | null;

  @Field(() => String, { nullable: true, description: 'Your own code for the event' })
  code?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  location?: string | null;
}

@InputType()
export class PushTrackingEventsInput {
  @Field(() => String, { description: "Your partner code (a PARTNER key may push only to its own partner's shipments)" })
  partnerCode!: string;

  @Field(() => String)
  trackingNumber!: string;

  @Field(() => [TrackingEventInput])
  events!: TrackingEventInput[];

  @Field(() => String, { nullable: true, description: 'ISO-8601 with offset' })
  estimatedDeliveryAt?: string | null;
}

@InputType()
export class ShipmentUpdatedFilter {
  @Field(() => ID, { nullable: true })
  shipmentId?: string | null;

  @Field(() => ID, { nullable: true })
  clientId?: string | null;
}

@InputType()
export class WebhookInboxFilter {
  @Field(() => String, { nullable: true })
  partnerCode?: string | null;

  @Field(() => [WebhookOutcome], { nullable: true })
  outcomes?: WebhookOutcome[] | null;
}
