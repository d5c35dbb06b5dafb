import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { ClientKind } from '../clients/client.enums.js';
import type { Context } from '../graphql/context.js';
import { notFound } from '../core/errors.js';
import { CreditLine } from './credit-line.entity.js';
import { ChainExposure, ChainMemberExposure, DebtorExposure } from './exposure.service.js';
import { FinancingStatus } from './financing.enums.js';
import { Financing } from './financing.entity.js';
import { LedgerEntry } from './ledger-entry.entity.js';
import type { Row } from '../db/rows.js';

async function clientOf(ctx: Context, id: string): Promise<Client> {
  const client = await ctx.loaders.clients.byId.load(id);
  if (!client) throw notFound('Client', id);
  return client;
}

/** A client's credit lines, deals, ledger and concentration. */
@Resolver(() => Client)
export class ClientFinancingResolver {
  @FieldResolver(() => [CreditLine], { description: 'Newest first, expired and frozen ones included' })
  creditLines(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Row<CreditLine>[]> {
    return ctx.loaders.financing.creditLinesByClient.load(client.id);
  }

  @FieldResolver(() => [Financing], { description: 'Newest first' })
  async financings(
    @Root() client: Row<Client>,
    @Arg('statuses', () => [FinancingStatus], { nullable: true }) statuses: FinancingStatus[] | null,
    @Ctx() ctx: Context,
  ): Promise<Row<Financing>[]> {
    const all = await ctx.loaders.financing.financingsByClient.load(client.id);
    return statuses?.length ? all.filter((f) => statuses.includes(f.status)) : all;
  }

  @FieldResolver(() => [LedgerEntry], { description: 'Disbursements, repayments and fees, newest first' })
  transactions(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Row<LedgerEntry>[]> {
    return ctx.loaders.financing.ledger.load(client.id);
  }

  @FieldResolver(() => [DebtorExposure], { description: "Exposure per debtor across the client's financed receivables, largest first" })
  debtorExposure(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<DebtorExposure[]> {
    return ctx.loaders.financing.debtorExposure.load(client.id);
  }

  @FieldResolver(() => ChainExposure, { nullable: true, description: 'Core enterprises: exposure across their supply chain' })
  chainExposure(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<ChainExposure | null> | null {
    return client.kind === ClientKind.CORE_ENTERPRISE ? ctx.loaders.financing.chainExposure.load(client.id) : null;
  }
}

@Resolver(() => DebtorExposure)
export class DebtorExposureResolver {
  @FieldResolver(() => Client)
  debtor(@Root() e: DebtorExposure, @Ctx() ctx: Context): Promise<Client> {
    return clientOf(ctx, e.debtorId);
  }
}

@Resolver(() => ChainMemberExposure)
export class ChainMemberExposureResolver {
  @FieldResolver(() => Client)
  client(@Root() e: ChainMemberExposure, @Ctx() ctx: Context): Promise<Client> {
    return clientOf(ctx, e.clientId);
  }
}
