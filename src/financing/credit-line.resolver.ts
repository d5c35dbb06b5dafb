import { Decimal } from 'decimal.js';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { CREDIT_OFFICERS, READERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { notFound } from '../core/errors.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { afterFinancingWrite } from './context.js';
import { actorOf } from '../graphql/context.js';
import { CreditLine, CreditLineChange, creditLineStatus } from './credit-line.entity.js';
import { CreditLineService } from './credit-line.service.js';
import { CreditLineStatus } from './financing.enums.js';
import { AdjustCreditLimitInput, FreezeCreditLineInput, OpenCreditLineInput } from './financing.inputs.js';
import { ZERO } from './financing.rules.js';
import type { Row } from '../db/rows.js';

@Resolver(() => CreditLine)
export class CreditLineResolver {
  @Authorized(...READERS)
  @Query(() => CreditLine, { nullable: true })
  creditLine(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Row<CreditLine> | null> {
    return ctx.loaders.financing.creditLineById.load(id);
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => CreditLine, { description: 'Opens a credit line; a client has at most one usable line per currency' })
  async openCreditLine(@Arg('input', () => OpenCreditLineInput) input: OpenCreditLineInput, @Ctx() ctx: Context): Promise<CreditLine> {
    return afterFinancingWrite(ctx, await new CreditLineService(ctx.em).open(input, actorOf(ctx)));
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => CreditLine, { description: 'Changes the limit (kept in history with the reason); deals already approved stay' })
  async adjustCreditLimit(@Arg('input', () => AdjustCreditLimitInput) input: AdjustCreditLimitInput, @Ctx() ctx: Context): Promise<CreditLine> {
    return afterFinancingWrite(ctx, await new CreditLineService(ctx.em).adjustLimit(input, actorOf(ctx)));
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => CreditLine, { description: 'No new deal is submitted, approved or disbursed against a frozen line' })
  async freezeCreditLine(@Arg('input', () => FreezeCreditLineInput) input: FreezeCreditLineInput, @Ctx() ctx: Context): Promise<CreditLine> {
    return afterFinancingWrite(ctx, await new CreditLineService(ctx.em).setFrozen(input, true, actorOf(ctx)));
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => CreditLine)
  async unfreezeCreditLine(@Arg('input', () => FreezeCreditLineInput) input: FreezeCreditLineInput, @Ctx() ctx: Context): Promise<CreditLine> {
    return afterFinancingWrite(ctx, await new CreditLineService(ctx.em).setFrozen(input, false, actorOf(ctx)));
  }

  @FieldResolver(() => Client)
  async client(@Root() line: Row<CreditLine>, @Ctx() ctx: Context): Promise<Client> {
    const client = await ctx.loaders.clients.byId.load(line.client.id);
    if (!client) throw notFound('Client', line.client.id);
    return client;
  }

  @FieldResolver(() => CreditLineStatus, { description: 'ACTIVE, FROZEN, or EXPIRED once past expiresAt' })
  status(@Root() line: Row<CreditLine>): CreditLineStatus {
    return creditLineStatus(line);
  }

  @FieldResolver(() => DecimalScalar, { description: 'Approved-not-yet-disbursed amounts plus outstanding principal' })
  utilized(@Root() line: Row<CreditLine>, @Ctx() ctx: Context): Promise<Decimal> {
    return ctx.loaders.financing.utilization.load(line.id);
  }

  @FieldResolver(() => DecimalScalar, { description: 'limit − utilized, never below 0 (a limit cut below utilization leaves 0)' })
  async available(@Root() line: Row<CreditLine>, @Ctx() ctx: Context): Promise<Decimal> {
    const utilized = await ctx.loaders.financing.utilization.load(line.id);
    return Decimal.max(ZERO, new Decimal(line.limit).minus(utilized));
  }

  @FieldResolver(() => [CreditLineChange], { description: 'Opened, limit adjustments, freezes, oldest first' })
  history(@Root() line: Row<CreditLine>, @Ctx() ctx: Context): Promise<Row<CreditLineChange>[]> {
    return ctx.loaders.financing.creditLineHistory.load(line.id);
  }
}
