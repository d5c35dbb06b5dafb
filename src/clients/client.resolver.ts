import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Client } from './client.entity.js';
import type { Context } from '../graphql/context.js';
import { READERS } from '../auth/viewer.js';

@Resolver(() => Client)
export class ClientResolver {
  @Authorized(...READERS)
  @Query(() => Client, { nullable: true })
  client(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Client | null> {
    return ctx.loaders.clients.byId.load(id);
  }
}
