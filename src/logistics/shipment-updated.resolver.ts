import { Arg, Authorized, Ctx, Field, ObjectType, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Role } from '../auth/api-key.entity.js';
import { SHIPMENT_READERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { notFound } from '../core/errors.js';
import { decodeEventCursor, encodeEventCursor, positionOf, type DomainEvent } from '../events/outbox.js';
import { ShipmentUpdatedFilter } from './logistics.inputs.js';
import { Shipment, TrackingEventRecord } from './shipment.entity.js';
import { SHIPMENT_UPDATED } from './shipment.events.js';
import { isEvent, payloadOf } from '../events/catalogue.js';
import { readRows, type Row } from '../db/rows.js';

@ObjectType({ description: "A committed change to a shipment: its status, reason or ETA changed, or new events arrived" })
export class ShipmentUpdatedEvent {
  @Field(() => String, { description: 'Pass as `after` when resubscribing to resume right after this event' })
  cursor!: string;

  @Field(() => Shipment, { description: 'The shipment as it is when the event is delivered' })
  shipment!: Row<Shipment>;

  @Field(() => [TrackingEventRecord], { description: 'The events this update added, oldest first' })
  newEvents!: Row<TrackingEventRecord>[];

  @Field(() => Boolean)
  statusChanged!: boolean;

  @Field(() => Boolean)
  reasonChanged!: boolean;

  @Field(() => Boolean)
  etaChanged!: boolean;

  @Field(() => Date, { description: 'When the change was committed' })
  occurredAt!: Date;
}

interface ShipmentUpdatedArgs {
  filter?: { shipmentId?: string | null; clientId?: string | null } | null;
  after?: string | null;
}

function shipmentUpdatedStream({ args, context }: SubscribeResolverData<unknown, ShipmentUpdatedArgs, Context>): AsyncIterable<DomainEvent> {
  const shipmentId = args.filter?.shipmentId?.toLowerCase() ?? null;
  const clientId = args.filter?.clientId?.toLowerCase() ?? null;
  const after = args.after ? decodeEventCursor(args.after) : null;
  const viewer = context.viewer;
  // A PARTNER subscriber hears only of its own partner's shipments (fixed when it subscribes).
  const partnerCode = viewer?.role === Role.PARTNER ? (viewer.partnerCode ?? '') : null;
  return context.hub.dispatcher.stream((e) => {
    if (!isEvent(e, SHIPMENT_UPDATED)) return false;
    if (shipmentId && e.aggregateId !== shipmentId) return false;
    const p = payloadOf(e, SHIPMENT_UPDATED);
    if (clientId && p.clientId !== clientId) return false;
    if (partnerCode !== null && p.partnerCode !== partnerCode) return false;
    return true;
  }, after);
}

@Resolver()
export class ShipmentUpdatedResolver {
  @Authorized(...SHIPMENT_READERS)
  @Subscription(() => ShipmentUpdatedEvent, {
    subscribe: (data) => shipmentUpdatedStream(data as SubscribeResolverData<unknown, ShipmentUpdatedArgs, Context>),
    description: 'Shipment changes in commit order (a PARTNER key: its own partner’s only); with `after`, first what came after that cursor',
  })
  async shipmentUpdated(
    @Root() event: DomainEvent,
    @Ctx() ctx: Context,
    @Arg('filter', () => ShipmentUpdatedFilter, { nullable: true }) _filter: ShipmentUpdatedFilter | null,
    @Arg('after', () => String, { nullable: true, description: 'A cursor of an earlier event' }) _after: string | null,
  ): Promise<ShipmentUpdatedEvent> {
    // The subscription's context outlives many events: read each through a fresh fork and loaders.
    ctx.renew();
    const payload = payloadOf(event, SHIPMENT_UPDATED);
    const shipment = await ctx.loaders.logistics.shipmentById.load(event.aggregateId);
    if (!shipment) throw notFound('Shipment', event.aggregateId);
    const newEvents = payload.newEventKeys.length
      ? await readRows(ctx.em, TrackingEventRecord, 'select {columns} from tracking_event t where t.shipment_id = ? and t.key in (?) order by t.occurred_at, t.id', [shipment.id, payload.newEventKeys])
      : [];
    return {
      cursor: encodeEventCursor(positionOf(event)),
      shipment,
      newEvents,
      statusChanged: payload.statusChanged,
      reasonChanged: payload.reasonChanged,
      etaChanged: payload.etaChanged,
      occurredAt: event.createdAt,
    };
  }
}
