import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Client } from './client.entity.js';
import { INDUSTRY_VOLATILITY, VolatilityClass } from './client.enums.js';
import {
  ChangeClientCreditRatingInput,
  ChangeClientStatusInput,
  ClientFilter,
  ClientOrder,
  CreateClientInput,
  UpdateClientInput,
} from './client.inputs.js';
import { ClientService } from './client.service.js';
import { CLIENT_STATUS_WRITERS, CLIENT_WRITERS, READERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { ConnectionType, PageArgs, toConnection, type Connection } from '../graphql/pagination.js';
import type { Row } from '../db/rows.js';

export const ClientConnection = ConnectionType('Client', Client);

/** After a write, loaders must not answer from what they read before it. */
export function afterWrite<T>(ctx: Context, result: T): T {
  ctx.loaders.clients.clearAll();
  return result;
}

@Resolver(() => Client)
export class ClientResolver {
  @Authorized(...READERS)
  @Query(() => Client, { nullable: true })
  client(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Client | null> {
    return ctx.loaders.clients.byId.load(id);
  }

  @Authorized(...READERS)
  @Query(() => ClientConnection, { description: 'Clients matching the filter; default order NAME ASC' })
  async clients(
    @Arg('filter', () => ClientFilter, { nullable: true }) filter: ClientFilter | null,
    @Arg('orderBy', () => ClientOrder, { nullable: true }) orderBy: ClientOrder | null,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<Row<Client>>> {
    const page = await new ClientService(ctx.em).list(filter, orderBy, first, after);
    // Counted only if asked, alongside the page's relations.
    const total = () => page.count();
    for (const c of page.rows) ctx.loaders.clients.byId.prime(c.id, c);
    return toConnection(page.rows, page.limit, total, page.cursorOf);
  }

  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => Client)
  async createClient(@Arg('input', () => CreateClientInput) input: CreateClientInput, @Ctx() ctx: Context): Promise<Client> {
    return afterWrite(ctx, await new ClientService(ctx.em).create(input));
  }

  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => Client, { description: 'Edits a client; a status change must be an allowed move' })
  async updateClient(@Arg('input', () => UpdateClientInput) input: UpdateClientInput, @Ctx() ctx: Context): Promise<Client> {
    return afterWrite(ctx, await new ClientService(ctx.em).update(input));
  }

  @Authorized(...CLIENT_STATUS_WRITERS)
  @Mutation(() => Client, { description: 'Moves a client to another status (risk officers too)' })
  async changeClientStatus(@Arg('input', () => ChangeClientStatusInput) input: ChangeClientStatusInput, @Ctx() ctx: Context): Promise<Client> {
    return afterWrite(ctx, await new ClientService(ctx.em).changeStatus(input));
  }

  @Authorized(...CLIENT_STATUS_WRITERS)
  @Mutation(() => Client, { description: "Sets a client's external credit rating (risk officers too)" })
  async changeClientCreditRating(
    @Arg('input', () => ChangeClientCreditRatingInput) input: ChangeClientCreditRatingInput,
    @Ctx() ctx: Context,
  ): Promise<Client> {
    return afterWrite(ctx, await new ClientService(ctx.em).changeCreditRating(input));
  }

  @FieldResolver(() => VolatilityClass, { description: "How much the client's industry swings" })
  industryVolatility(@Root() client: Row<Client>): VolatilityClass {
    return INDUSTRY_VOLATILITY[client.industry];
  }
}
