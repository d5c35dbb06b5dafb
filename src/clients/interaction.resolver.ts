import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Client } from './client.entity.js';
import { afterWrite } from './client.resolver.js';
import { isUuid } from '../core/text.js';
import { Interaction } from './interaction.entity.js';
import { FollowUp, FollowUpFilter, RecordInteractionInput } from './interaction.inputs.js';
import { followUpCursor, InteractionService } from './interaction.service.js';
import { selectsField } from '../graphql/selection.js';
import { CLIENT_WRITERS, READERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { badInput } from '../core/errors.js';
import { ConnectionType, PageArgs, toConnection, type Connection } from '../graphql/pagination.js';
import { decodeCursor, encodeCursor, pageSize } from '../core/cursor.js';
import type { Row } from '../db/rows.js';

export const InteractionConnection = ConnectionType('Interaction', Interaction);
export const FollowUpConnection = ConnectionType('FollowUp', FollowUp);

const interactionCursor = (i: Row<Interaction>) => encodeCursor([i.occurredAt.toISOString(), i.id]);

@Resolver(() => Interaction)
export class InteractionResolver {
  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => Interaction, { description: "Records a contact with a client; moves the client's lastContactAt forward" })
  async recordInteraction(@Arg('input', () => RecordInteractionInput) input: RecordInteractionInput, @Ctx() ctx: Context): Promise<Interaction> {
    return afterWrite(ctx, await new InteractionService(ctx.em, ctx.viewer).record(input));
  }

  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => Interaction, { description: 'Marks the follow-up promised at an interaction as done' })
  async completeFollowUp(@Arg('interactionId', () => ID) interactionId: string, @Ctx() ctx: Context): Promise<Interaction> {
    return afterWrite(ctx, await new InteractionService(ctx.em, ctx.viewer).completeFollowUp(interactionId));
  }

  @Authorized(...READERS)
  @Query(() => FollowUpConnection, {
    description: 'What is due, soonest first: promised follow-ups and clients overdue for contact (core enterprises monthly, others quarterly)',
  })
  async followUps(
    @Arg('filter', () => FollowUpFilter, { nullable: true }) filter: FollowUpFilter | null,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<FollowUp>> {
    const page = await new InteractionService(ctx.em, ctx.viewer).followUps(filter, first, after);
    // Counted only if asked, alongside the page's relations.
    const total = () => page.count();
    return toConnection(page.rows, page.limit, total, followUpCursor);
  }

  @FieldResolver(() => Client)
  async client(@Root() interaction: Row<Interaction>, @Ctx() ctx: Context): Promise<Client | null> {
    return ctx.loaders.clients.byId.load(interaction.client.id);
  }
}

@Resolver(() => FollowUp)
export class FollowUpResolver {
  @FieldResolver(() => Client)
  client(@Root() followUp: FollowUp, @Ctx() ctx: Context): Promise<Client | null> {
    return ctx.loaders.clients.byId.load(followUp.clientId);
  }

  @FieldResolver(() => Interaction, { nullable: true, description: 'The interaction that promised it (EXPLICIT only)' })
  interaction(@Root() followUp: FollowUp, @Ctx() ctx: Context): Promise<Row<Interaction> | null> | null {
    return followUp.interactionId ? ctx.loaders.clients.interactionById.load(followUp.interactionId) : null;
  }
}

@Resolver(() => Client)
export class ClientInteractionsResolver {
  @FieldResolver(() => InteractionConnection, { description: 'Meetings, visits, calls, online sessions and e-mails, newest first' })
  async interactions(
    @Root() client: Row<Client>,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Row<Interaction>>> {
    const limit = pageSize(first);
    let from: { occurredAt: string; id: string } | null = null;
    if (after) {
      const [occurredAt, id] = decodeCursor(after, 2);
      if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt)) || typeof id !== 'string' || !isUuid(id)) {
        throw badInput('after', 'is not a cursor this list returned');
      }
      from = { occurredAt, id };
    }
    const loaders = ctx.loaders.clients;
    const [rows, total] = await Promise.all([
      loaders.interactionPages.load({ clientId: client.id, fetch: limit + 1, after: from }),
      selectsField(info, 'totalCount') ? loaders.interactionCounts.load(client.id) : Promise.resolve(0),
    ]);
    return toConnection(rows, limit, total, interactionCursor);
  }
}
