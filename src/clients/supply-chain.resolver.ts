import { Arg, Authorized, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from 'type-graphql';
import { Client } from './client.entity.js';
import { SupplyChainRole } from './client.enums.js';
import { afterWrite } from './client.resolver.js';
import { SupplyChainLink } from './supply-chain-link.entity.js';
import { SupplyChainService } from './supply-chain.service.js';
import { CLIENT_WRITERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { notFound } from '../core/errors.js';
import type { Row } from '../db/rows.js';

@InputType({ description: 'A core enterprise and a counterparty whose kind matches the role' })
export class LinkSupplyChainInput {
  @Field(() => ID, { description: 'A CORE_ENTERPRISE client' })
  coreEnterpriseId!: string;

  @Field(() => ID, { description: 'A SUPPLIER, DISTRIBUTOR or LOGISTICS_PROVIDER client, matching the role' })
  counterpartyId!: string;

  @Field(() => SupplyChainRole)
  role!: SupplyChainRole;
}

@InputType()
export class UnlinkSupplyChainInput {
  @Field(() => ID)
  coreEnterpriseId!: string;

  @Field(() => ID)
  counterpartyId!: string;

  @Field(() => SupplyChainRole)
  role!: SupplyChainRole;
}

async function clientOf(ctx: Context, id: string): Promise<Client> {
  const client = await ctx.loaders.clients.byId.load(id);
  if (!client) throw notFound('Client', id);
  return client;
}

@Resolver(() => SupplyChainLink)
export class SupplyChainResolver {
  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => SupplyChainLink, { description: 'Links a core enterprise to a supplier, distributor or logistics provider' })
  async linkSupplyChain(@Arg('input', () => LinkSupplyChainInput) input: LinkSupplyChainInput, @Ctx() ctx: Context): Promise<SupplyChainLink> {
    return afterWrite(ctx, await new SupplyChainService(ctx.em).link(input));
  }

  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => SupplyChainLink, { description: 'Removes a link; returns it' })
  async unlinkSupplyChain(@Arg('input', () => UnlinkSupplyChainInput) input: UnlinkSupplyChainInput, @Ctx() ctx: Context): Promise<SupplyChainLink> {
    return afterWrite(ctx, await new SupplyChainService(ctx.em).unlink(input));
  }

  @FieldResolver(() => Client)
  coreEnterprise(@Root() link: Row<SupplyChainLink>, @Ctx() ctx: Context): Promise<Client> {
    return clientOf(ctx, link.coreEnterprise.id);
  }

  @FieldResolver(() => Client)
  counterparty(@Root() link: Row<SupplyChainLink>, @Ctx() ctx: Context): Promise<Client> {
    return clientOf(ctx, link.counterparty.id);
  }
}

/** A client's supply-chain neighbours, from either side of a link. */
@Resolver(() => Client)
export class ClientSupplyChainResolver {
  @FieldResolver(() => [Client], { description: "A core enterprise's suppliers, by name" })
  suppliers(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Client[]> {
    return ctx.loaders.clients.counterparties.load(`${client.id}|${SupplyChainRole.SUPPLIER}`);
  }

  @FieldResolver(() => [Client], { description: "A core enterprise's distributors, by name" })
  distributors(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Client[]> {
    return ctx.loaders.clients.counterparties.load(`${client.id}|${SupplyChainRole.DISTRIBUTOR}`);
  }

  @FieldResolver(() => [Client], { description: "A core enterprise's logistics providers, by name" })
  logisticsProviders(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Client[]> {
    return ctx.loaders.clients.counterparties.load(`${client.id}|${SupplyChainRole.LOGISTICS_PROVIDER}`);
  }

  @FieldResolver(() => [Client], { description: 'The core enterprises a supplier, distributor or logistics provider serves, by name' })
  coreEnterprises(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Client[]> {
    return ctx.loaders.clients.coreEnterprises.load(client.id);
  }
}
