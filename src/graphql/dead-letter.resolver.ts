import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ADMINS } from '../auth/viewer.js';
import { actorOf, type Context } from './context.js';
import { ConnectionType, PageArgs, toConnection, type Connection } from './pagination.js';
import { OutboxDeadLetter } from '../events/dead-letter.entity.js';
import { DeadLetterService } from '../events/dead-letter.service.js';

export const DeadLetterConnection = ConnectionType('DeadLetter', OutboxDeadLetter);

/** The operator's view of events that outbox consumers parked: ADMIN only (payloads are raw domain data). */
@Resolver(() => OutboxDeadLetter)
export class DeadLetterResolver {
  @Authorized(...ADMINS)
  @Query(() => DeadLetterConnection, { description: 'Events outbox consumers parked after repeated failures, in outbox order' })
  async deadLetters(
    @Arg('consumer', () => String, { nullable: true, description: 'Only this consumer’s, e.g. "risk.reactions"' }) consumer: string | null,
    @Arg('unresolvedOnly', () => Boolean, { defaultValue: true, description: 'Leave out those retried or discarded' }) unresolvedOnly: boolean,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<OutboxDeadLetter>> {
    const page = await new DeadLetterService(ctx.em).list(consumer, unresolvedOnly, first, after);
    // Counted only if asked, alongside the page's relations.
    const total = () => page.count();
    return toConnection(page.rows, page.limit, total, page.cursorOf);
  }

  @Authorized(...ADMINS)
  @Mutation(() => OutboxDeadLetter, {
    description: 'Runs the consumer’s handler for the event now (its position stays where it is); resolves the dead letter when it succeeds, else fails with RETRY_FAILED and keeps it',
  })
  retryDeadLetter(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<OutboxDeadLetter> {
    return new DeadLetterService(ctx.em).retry(id, actorOf(ctx), ctx.hub.consumers);
  }

  @Authorized(...ADMINS)
  @Mutation(() => OutboxDeadLetter, { description: 'Resolves a dead letter without running it, with the reason' })
  discardDeadLetter(@Arg('id', () => ID) id: string, @Arg('note', () => String) note: string, @Ctx() ctx: Context): Promise<OutboxDeadLetter> {
    return new DeadLetterService(ctx.em).discard(id, note, actorOf(ctx));
  }
}
