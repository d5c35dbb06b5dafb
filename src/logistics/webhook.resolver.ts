import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ADMINS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { badInput } from '../core/errors.js';
import { ConnectionType, PageArgs, toConnection, type Connection } from '../graphql/pagination.js';
import { decodeTimeIdCursor, encodeCursor, pageSize } from '../core/cursor.js';
import { WebhookInboxFilter } from './logistics.inputs.js';
import { WebhookInbox } from './webhook-inbox.entity.js';
import { WebhookService } from './webhook.service.js';

export const WebhookInboxConnection = ConnectionType('WebhookInbox', WebhookInbox);

@Resolver(() => WebhookInbox)
export class WebhookInboxResolver {
  @Authorized(...ADMINS)
  @Query(() => WebhookInboxConnection, { description: 'Pushes received, newest first (support: find the ones that failed or matched no shipment)' })
  async webhookInbox(
    @Arg('filter', () => WebhookInboxFilter, { nullable: true }) filter: WebhookInboxFilter | null,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<WebhookInbox>> {
    const limit = pageSize(first);
    const base = ctx.em.createQueryBuilder(WebhookInbox, 'w');
    if (filter?.partnerCode) base.andWhere({ partnerCode: filter.partnerCode });
    if (filter?.outcomes?.length) base.andWhere({ outcome: { $in: filter.outcomes } });
    const qb = base.clone();
    if (after) {
      const { at, id } = decodeTimeIdCursor(after);
      qb.andWhere('(w.received_at, w.id) < (?, ?)', [at, id]);
    }
    const rows = await qb.orderBy([{ receivedAt: 'desc' }, { id: 'desc' }]).limit(limit + 1).getResultList();
    const total = () => base.clone().getCount();
    return toConnection(rows, limit, total, (w) => encodeCursor([w.receivedAt.toISOString(), w.id]));
  }

  @Authorized(...ADMINS)
  @Mutation(() => WebhookInbox, { description: 'Maps and applies a kept push again (after a fix, or once its shipment is registered); replays change nothing' })
  reprocessWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<WebhookInbox> {
    return new WebhookService(ctx.em, ctx.hub.logistics.secrets, ctx.hub.log, ctx.hub.metrics, ctx.hub.logistics).reprocess(id);
  }
}
