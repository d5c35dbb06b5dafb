import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { ALERT_HANDLERS, READERS } from '../auth/viewer.js';
import { Client } from '../clients/client.entity.js';
import { decodeEventCursor, encodeEventCursor, positionOf, type DomainEvent } from '../events/outbox.js';
import { afterFinancingWrite, policyOf } from '../financing/context.js';
import { actorOf } from '../graphql/context.js';
import type { Context } from '../graphql/context.js';
import { notFound, unauthenticated } from '../core/errors.js';
import { ConnectionType, PageArgs, toConnection, type Connection } from '../graphql/pagination.js';
import { Alert, AlertRemediation, remediationOf } from './alert.entity.js';
import { AlertChange, AlertKind, SEVERITY_RANK, Severity } from './alert.enums.js';
import { AlertChangedFilter, AlertFilter, RemediationInput } from './alert.inputs.js';
import { AlertService } from './alert.service.js';
import { ALERT_CHANGED } from './risk.events.js';
import { isEvent, payloadOf } from '../events/catalogue.js';
import { assertMayRemediate } from './remediation.rules.js';
import type { Row } from '../db/rows.js';

export const AlertConnection = ConnectionType('Alert', Alert);

@Resolver(() => Alert)
export class AlertResolver {
  @Authorized(...READERS)
  @Query(() => AlertConnection, { description: 'Alerts matching the filter, newest first' })
  async alerts(
    @Arg('filter', () => AlertFilter, { nullable: true }) filter: AlertFilter | null,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<Row<Alert>>> {
    const page = await new AlertService(ctx.em).list(filter, first, after);
    // Counted only if asked, alongside the page's relations.
    const total = () => page.count();
    return toConnection(page.rows, page.limit, total, page.cursorOf);
  }

  @Authorized(...ALERT_HANDLERS)
  @Mutation(() => Alert, { description: 'OPEN → ACKNOWLEDGED: someone is on it' })
  acknowledgeAlert(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Alert> {
    return new AlertService(ctx.em).acknowledge(id, actorOf(ctx));
  }

  @Authorized(...ALERT_HANDLERS)
  @Mutation(() => Alert, {
    description:
      'Resolves an OPEN or ACKNOWLEDGED alert with a note and, optionally, a remediation done through the financing services in the same ' +
      "transaction (the note is its reason); a remediation needs the role of the financing action it does",
  })
  async resolveAlert(
    @Arg('id', () => ID) id: string,
    @Arg('note', () => String) note: string,
    @Arg('remediation', () => RemediationInput, { nullable: true }) remediation: RemediationInput | null,
    @Ctx() ctx: Context,
  ): Promise<Alert> {
    if (!ctx.viewer) throw unauthenticated();
    if (!remediation) return new AlertService(ctx.em).resolve(id, note, actorOf(ctx));
    // Before anything is read or written: a refused remediation leaves no trace.
    assertMayRemediate(ctx.viewer.role, remediation.action);
    return afterFinancingWrite(ctx, await new AlertService(ctx.em).resolve(id, note, actorOf(ctx), remediation, policyOf(ctx)));
  }

  @FieldResolver(() => AlertRemediation, { nullable: true, description: 'What the resolution did through the financing services, if anything' })
  remediation(@Root() a: Row<Alert>): AlertRemediation | null {
    return remediationOf(a);
  }

  @FieldResolver(() => Client)
  async client(@Root() a: Row<Alert>, @Ctx() ctx: Context): Promise<Client> {
    const client = await ctx.loaders.clients.byId.load(a.client.id);
    if (!client) throw notFound('Client', a.client.id);
    return client;
  }
}

@ObjectType({ description: 'A committed change to an alert' })
export class AlertChangedEvent {
  @Field(() => String, { description: 'Pass as `after` when resubscribing to resume right after this event' })
  cursor!: string;

  @Field(() => AlertChange)
  change!: AlertChange;

  @Field(() => Alert, { description: 'The alert as it is when the event is delivered' })
  alert!: Alert;

  @Field(() => Severity, { description: 'The severity the change set' })
  severity!: Severity;

  @Field(() => Date, { description: 'When the change was committed' })
  occurredAt!: Date;
}

interface AlertChangedArgs {
  filter?: { clientId?: string | null; minSeverity?: Severity | null; kinds?: AlertKind[] | null } | null;
  after?: string | null;
}

function alertChangedStream({ args, context }: SubscribeResolverData<unknown, AlertChangedArgs, Context>): AsyncIterable<DomainEvent> {
  const clientId = args.filter?.clientId?.toLowerCase() ?? null;
  const min = args.filter?.minSeverity ? SEVERITY_RANK[args.filter.minSeverity] : null;
  const kinds = args.filter?.kinds?.length ? new Set<string>(args.filter.kinds) : null;
  const after = args.after ? decodeEventCursor(args.after) : null;
  return context.hub.dispatcher.stream((e) => {
    if (!isEvent(e, ALERT_CHANGED)) return false;
    const p = payloadOf(e, ALERT_CHANGED);
    if (clientId && p.clientId !== clientId) return false;
    if (kinds && !kinds.has(p.kind)) return false;
    if (min !== null && SEVERITY_RANK[p.severity] < min) return false;
    return true;
  }, after);
}

@Resolver()
export class AlertChangedResolver {
  @Authorized(...READERS)
  @Subscription(() => AlertChangedEvent, {
    subscribe: (data) => alertChangedStream(data as SubscribeResolverData<unknown, AlertChangedArgs, Context>),
    description: 'Alerts raised, escalated, acknowledged and resolved, in commit order; with `after`, first what came after that cursor',
  })
  async alertChanged(
    @Root() event: DomainEvent,
    @Ctx() ctx: Context,
    @Arg('filter', () => AlertChangedFilter, { nullable: true }) _filter: AlertChangedFilter | null,
    @Arg('after', () => String, { nullable: true, description: 'A cursor of an earlier event' }) _after: string | null,
  ): Promise<AlertChangedEvent> {
    // The subscription's context outlives many events: read each through a fresh fork and loaders.
    ctx.renew();
    const alert = await ctx.em.findOne(Alert, { id: event.aggregateId });
    if (!alert) throw notFound('Alert', event.aggregateId);
    const p = payloadOf(event, ALERT_CHANGED);
    return {
      cursor: encodeEventCursor(positionOf(event)),
      change: p.change,
      alert,
      severity: p.severity,
      occurredAt: event.createdAt,
    };
  }
}
