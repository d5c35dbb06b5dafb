import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/api-key.entity.js';
import { PARTNERS, READERS, SHIPMENT_READERS, SHIPMENT_REFRESHERS, SHIPMENT_WRITERS } from '../auth/viewer.js';
import { Client } from '../clients/client.entity.js';
import { Financing } from '../financing/financing.entity.js';
import type { Context } from '../graphql/context.js';
import { badInput, conflict, notFound } from '../core/errors.js';
import { ConnectionType, PageArgs, toConnection, type Connection } from '../graphql/pagination.js';
import { PushTrackingEventsInput, RegisterShipmentInput, ShipmentFilter } from './logistics.inputs.js';
import { LogisticsPartner, PULL_KINDS } from './partner.entity.js';
import { pullShipment } from './poller.js';
import { Shipment, TrackingEventRecord } from './shipment.entity.js';
import { ShipmentService, type PartnerScope } from './shipment.service.js';
import type { Row } from '../db/rows.js';

export const ShipmentConnection = ConnectionType('Shipment', Shipment);

/** A PARTNER key sees only its partner's shipments; the desk sees all. */
export function scopeOf(ctx: Context): PartnerScope {
  return ctx.viewer?.role === Role.PARTNER ? (ctx.viewer.partnerCode ?? '') : null;
}

export enum PullOutcome {
  OK = 'OK',
  NOT_FOUND_YET = 'NOT_FOUND_YET',
  QUOTA = 'QUOTA',
  FAILED = 'FAILED',
}
registerEnumType(PullOutcome, { name: 'PullOutcome', description: "How a pull went: the partner's answer, not-yet-known (DHL's early 404), quota spent, or a failure" });

const OUTCOMES: Record<string, PullOutcome> = { ok: PullOutcome.OK, 'not-found-yet': PullOutcome.NOT_FOUND_YET, quota: PullOutcome.QUOTA, failed: PullOutcome.FAILED };

@ObjectType()
export class ShipmentRefresh {
  @Field(() => Shipment)
  shipment!: Shipment;

  @Field(() => PullOutcome)
  outcome!: PullOutcome;

  @Field(() => String, { nullable: true, description: 'Why the pull did not give tracking (our words)' })
  message!: string | null;

  @Field(() => Int)
  newEvents!: number;
}

@ObjectType()
export class PushTrackingEventsResult {
  @Field(() => Shipment)
  shipment!: Shipment;

  @Field(() => Int, { description: 'Events stored' })
  accepted!: number;

  @Field(() => Int, { description: 'Events already known (replays): ignored' })
  duplicates!: number;

  @Field(() => Boolean, { description: 'Status, reason, ETA changed or new events arrived (subscribers were told)' })
  changed!: boolean;
}

@Resolver(() => Shipment)
export class ShipmentResolver {
  @Authorized(...SHIPMENT_READERS)
  @Query(() => Shipment, { nullable: true, description: 'A PARTNER key sees only its own partner’s shipments' })
  shipment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Row<Shipment> | null> {
    return new ShipmentService(ctx.em).get(id, scopeOf(ctx));
  }

  @Authorized(...SHIPMENT_READERS)
  @Query(() => ShipmentConnection, { description: 'Shipments matching the filter, newest first (a PARTNER key: its own only)' })
  async shipments(
    @Arg('filter', () => ShipmentFilter, { nullable: true }) filter: ShipmentFilter | null,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<Row<Shipment>>> {
    const page = await new ShipmentService(ctx.em).list(filter, scopeOf(ctx), first, after);
    // Counted only if asked, alongside the page's relations.
    const total = () => page.count();
    for (const s of page.rows) ctx.loaders.logistics.shipmentById.prime(s.id, s);
    return toConnection(page.rows, page.limit, total, page.cursorOf);
  }

  @Authorized(...SHIPMENT_WRITERS)
  @Mutation(() => Shipment, { description: 'Tracks a shipment with a partner for a client (and optionally a deal); pull partners poll it from now on' })
  registerShipment(@Arg('input', () => RegisterShipmentInput) input: RegisterShipmentInput, @Ctx() ctx: Context): Promise<Shipment> {
    return new ShipmentService(ctx.em).register(input);
  }

  @Authorized(...SHIPMENT_REFRESHERS)
  @Mutation(() => ShipmentRefresh, { description: "Pulls the shipment's tracking from its partner now (DHL, Kuaidi100)" })
  async refreshShipment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ShipmentRefresh> {
    const shipment = await new ShipmentService(ctx.em).get(id, null);
    const partner = shipment && (await ctx.loaders.logistics.partnerById.load(shipment.partner.id));
    if (!shipment || !partner) throw notFound('Shipment', id);
    if (!PULL_KINDS.has(partner.kind)) throw badInput('id', `partner ${partner.code} (${partner.kind}) only pushes; there is nothing to pull`);
    if (!partner.active) throw conflict(`partner ${partner.code} is paused: its shipments are not pulled until an ADMIN resumes it`, 'id');
    const { logistics, metrics } = ctx.hub;
    const report = await pullShipment(ctx.hub.orm.em.fork(), logistics.clients, logistics.secrets, shipment.id, { metrics });
    const fresh = await ctx.em.findOneOrFail(Shipment, { id: shipment.id }, { refresh: true });
    ctx.loaders.logistics.clearAll();
    return { shipment: fresh, outcome: OUTCOMES[report.outcome] ?? PullOutcome.FAILED, message: report.message, newEvents: report.newEvents };
  }

  @Authorized(...PARTNERS)
  @Mutation(() => PushTrackingEventsResult, { description: "The generic push for PARTNER keys: events in the canonical vocabulary, for the key's own partner's shipments only" })
  async pushTrackingEvents(@Arg('input', () => PushTrackingEventsInput) input: PushTrackingEventsInput, @Ctx() ctx: Context): Promise<PushTrackingEventsResult> {
    const r = await new ShipmentService(ctx.em).push(input, scopeOf(ctx));
    ctx.loaders.logistics.clearAll();
    return { shipment: r.shipment, accepted: r.newEvents, duplicates: r.duplicates, changed: r.changed };
  }

  @FieldResolver(() => [TrackingEventRecord], { description: 'Oldest first' })
  events(@Root() s: Row<Shipment>, @Ctx() ctx: Context): Promise<Row<TrackingEventRecord>[]> {
    return ctx.loaders.logistics.eventsByShipment.load(s.id);
  }

  @FieldResolver(() => LogisticsPartner)
  async partner(@Root() s: Row<Shipment>, @Ctx() ctx: Context): Promise<Row<LogisticsPartner>> {
    const p = await ctx.loaders.logistics.partnerById.load(s.partner.id);
    if (!p) throw notFound('LogisticsPartner', s.partner.id);
    return p;
  }

  @FieldResolver(() => Client, { nullable: true, description: "The desk's client; null for PARTNER keys (partners see tracking, not the desk's clients)" })
  async client(@Root() s: Row<Shipment>, @Ctx() ctx: Context): Promise<Client | null> {
    if (scopeOf(ctx) !== null) return null;
    return ctx.loaders.clients.byId.load(s.client.id);
  }

  @FieldResolver(() => Financing, { nullable: true, description: 'The deal the goods belong to; null for PARTNER keys' })
  async financing(@Root() s: Row<Shipment>, @Ctx() ctx: Context): Promise<Row<Financing> | null> {
    if (scopeOf(ctx) !== null || !s.financing) return null;
    return ctx.loaders.financing.financingById.load(s.financing.id);
  }
}

@Resolver(() => Client)
export class ClientShipmentsResolver {
  @Authorized(...READERS)
  @FieldResolver(() => [Shipment], { description: "The client's tracked shipments, newest first" })
  shipments(@Root() c: Row<Client>, @Ctx() ctx: Context): Promise<Row<Shipment>[]> {
    return ctx.loaders.logistics.shipmentsByClient.load(c.id);
  }
}

@Resolver(() => Financing)
export class FinancingShipmentsResolver {
  @Authorized(...READERS)
  @FieldResolver(() => [Shipment], { description: 'Shipments of the goods behind the deal, newest first' })
  shipments(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Row<Shipment>[]> {
    return ctx.loaders.logistics.shipmentsByFinancing.load(f.id);
  }
}
