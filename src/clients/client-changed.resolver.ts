import { Arg, Authorized, Ctx, Field, ID, InputType, ObjectType, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Client } from './client.entity.js';
import { CLIENT_CHANGED, ClientChange, parseClientChangedPayload } from './client.events.js';
import { READERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { notFound } from '../core/errors.js';
import { isEvent } from '../events/catalogue.js';
import { decodeEventCursor, encodeEventCursor, positionOf, type DomainEvent } from '../events/outbox.js';

@InputType()
export class ClientChangedFilter {
  @Field(() => ID, { nullable: true, description: 'Only this client' })
  clientId?: string | null;
}

@ObjectType({ description: 'A committed change to a client or to what hangs off it' })
export class ClientChangedEvent {
  @Field(() => String, { description: 'Pass as `after` when resubscribing to resume right after this event' })
  cursor!: string;

  @Field(() => ClientChange)
  change!: ClientChange;

  @Field(() => Client, { description: 'The client as it is when the event is delivered' })
  client!: Client;

  @Field(() => [String], { description: 'Client fields the change touched, where it touched any' })
  fields!: string[];

  @Field(() => ID, { nullable: true, description: 'The link, contact, interaction or feedback the change is about' })
  subjectId!: string | null;

  @Field(() => String, { nullable: true, description: 'The reason given with a status or credit-rating change' })
  reason!: string | null;

  @Field(() => Date, { description: 'When the change was committed' })
  occurredAt!: Date;
}

interface ClientChangedArgs {
  filter?: { clientId?: string | null } | null;
  after?: string | null;
}

/** The stream behind `clientChanged`: replay after the cursor, then live, filtered by client. */
function clientChangedStream({ args, context }: SubscribeResolverData<unknown, ClientChangedArgs, Context>): AsyncIterable<DomainEvent> {
  const clientId = args.filter?.clientId?.toLowerCase() ?? null;
  const after = args.after ? decodeEventCursor(args.after) : null;
  return context.hub.dispatcher.stream((e) => isEvent(e, CLIENT_CHANGED) && (!clientId || e.aggregateId === clientId), after);
}

@Resolver()
export class ClientChangedResolver {
  @Authorized(...READERS)
  @Subscription(() => ClientChangedEvent, {
    subscribe: (data) => clientChangedStream(data as SubscribeResolverData<unknown, ClientChangedArgs, Context>),
    description: 'Every committed change to clients (or one client), in commit order; with `after`, first what came after that cursor',
  })
  async clientChanged(
    @Root() event: DomainEvent,
    @Ctx() ctx: Context,
    @Arg('filter', () => ClientChangedFilter, { nullable: true }) _filter: ClientChangedFilter | null,
    @Arg('after', () => String, { nullable: true, description: 'A cursor of an earlier event' }) _after: string | null,
  ): Promise<ClientChangedEvent> {
    // The subscription's context outlives many events: read each through a fresh fork and loaders.
    ctx.renew();
    const client = await ctx.loaders.clients.byId.load(event.aggregateId);
    if (!client) throw notFound('Client', event.aggregateId);
    const { change, fields, subjectId, reason } = parseClientChangedPayload(event);
    return {
      cursor: encodeEventCursor(positionOf(event)),
      change,
      client,
      fields,
      subjectId,
      reason,
      occurredAt: event.createdAt,
    };
  }
}
