import { LocalDateResolver } from 'graphql-scalars';
import type { Decimal } from 'decimal.js';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { CREDIT_OFFICERS, ADMINS, FINANCING_ORIGINATORS, READERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { notFound } from '../core/errors.js';
import { ConnectionType, PageArgs, toConnection, type Connection } from '../graphql/pagination.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { afterFinancingWrite, financingService } from './context.js';
import { actorOf } from '../graphql/context.js';
import { CreditLine } from './credit-line.entity.js';
import { DelinquencyBucket } from './financing.enums.js';
import { BucketChange, Financing, FinancingTransition, Receivable, Repayment, ScheduleInstalment } from './financing.entity.js';
import { ChangeFinancingGuaranteeInput, CreateFinancingInput, FinancingFilter, RecordRepaymentInput, RestructureFinancingInput } from './financing.inputs.js';
import { businessDate } from './financing.rules.js';
import { Guarantee, guaranteeOf } from './guarantee.js';
import { positionOf, type Position } from './financing.service.js';
import { dateArg } from './money.js';
import type { Row } from '../db/rows.js';

export const FinancingConnection = ConnectionType('Financing', Financing);

async function clientOf(ctx: Context, id: string): Promise<Client> {
  const client = await ctx.loaders.clients.byId.load(id);
  if (!client) throw notFound('Client', id);
  return client;
}

async function position(ctx: Context, f: Row<Financing>, asOf: string | null | undefined): Promise<Position> {
  const date = asOf ? dateArg('asOf', asOf) : businessDate(new Date());
  const [schedule, repayments] = await Promise.all([ctx.loaders.financing.schedule.load(f.id), ctx.loaders.financing.repayments.load(f.id)]);
  return positionOf(f, schedule, repayments, date);
}

const AS_OF = { nullable: true, description: 'Business date (China Standard Time) to measure on; default today' } as const;

@Resolver(() => Financing)
export class FinancingResolver {
  @Authorized(...READERS)
  @Query(() => Financing, { nullable: true })
  financing(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Row<Financing> | null> {
    return ctx.loaders.financing.financingById.load(id);
  }

  @Authorized(...READERS)
  @Query(() => FinancingConnection, { description: 'Deals matching the filter, newest first' })
  async financings(
    @Arg('filter', () => FinancingFilter, { nullable: true }) filter: FinancingFilter | null,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<Row<Financing>>> {
    const page = await financingService(ctx).list(filter, first, after);
    // Counted only if asked, alongside the page's relations.
    const total = () => page.count();
    for (const f of page.rows) ctx.loaders.financing.financingById.prime(f.id, f);
    return toConnection(page.rows, page.limit, total, page.cursorOf);
  }

  @Authorized(...FINANCING_ORIGINATORS)
  @Mutation(() => Financing, { description: 'Submits a deal (SUBMITTED); held when the client is on the AML watch list' })
  async createFinancing(@Arg('input', () => CreateFinancingInput) input: CreateFinancingInput, @Ctx() ctx: Context): Promise<Financing> {
    return afterFinancingWrite(ctx, await financingService(ctx).create(input, actorOf(ctx)));
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => Financing, { description: 'SUBMITTED → APPROVED, reserving the amount on the credit line' })
  async approveFinancing(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Financing> {
    return afterFinancingWrite(ctx, await financingService(ctx).approve(id, actorOf(ctx)));
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => Financing, { description: 'SUBMITTED → REJECTED' })
  async rejectFinancing(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context): Promise<Financing> {
    return afterFinancingWrite(ctx, await financingService(ctx).reject(id, reason, actorOf(ctx)));
  }

  @Authorized(...FINANCING_ORIGINATORS)
  @Mutation(() => Financing, { description: 'APPROVED → DISBURSED: builds the schedule and books the ledger' })
  async disburseFinancing(
    @Arg('id', () => ID) id: string,
    @Arg('disbursedAt', () => Date, { nullable: true, description: 'When the money went out, default now (a past date books it late)' })
    disbursedAt: Date | null,
    @Ctx() ctx: Context,
  ): Promise<Financing> {
    return afterFinancingWrite(ctx, await financingService(ctx).disburse(id, actorOf(ctx), disbursedAt));
  }

  @Authorized(...FINANCING_ORIGINATORS)
  @Mutation(() => Repayment, { description: 'Books a repayment: accrued interest first, then principal; more than is due is refused' })
  async recordRepayment(@Arg('input', () => RecordRepaymentInput) input: RecordRepaymentInput, @Ctx() ctx: Context): Promise<Repayment> {
    return afterFinancingWrite(ctx, await financingService(ctx).recordRepayment(input, actorOf(ctx)));
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => Financing, { description: 'Re-schedules the outstanding principal (extends the repayment period); the old schedule is kept' })
  async restructureFinancing(@Arg('input', () => RestructureFinancingInput) input: RestructureFinancingInput, @Ctx() ctx: Context): Promise<Financing> {
    return afterFinancingWrite(ctx, await financingService(ctx).restructure(input, actorOf(ctx)));
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => Financing)
  async markFinancingDefaulted(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context): Promise<Financing> {
    return afterFinancingWrite(ctx, await financingService(ctx).markDefaulted(id, reason, actorOf(ctx)));
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => Financing, { description: "Sets or replaces what secures a deal; the previous guarantee stays in the deal's history" })
  async changeFinancingGuarantee(
    @Arg('input', () => ChangeFinancingGuaranteeInput) input: ChangeFinancingGuaranteeInput,
    @Ctx() ctx: Context,
  ): Promise<Financing> {
    return afterFinancingWrite(ctx, await financingService(ctx).changeGuarantee(input, actorOf(ctx)));
  }

  @Authorized(...CREDIT_OFFICERS)
  @Mutation(() => Financing, {
    description:
      'DISBURSED, OVERDUE or RESTRUCTURED → DEFAULTED, accelerated: the principal outstanding falls due today and, with the interest accrued, ' +
      'is the recourse claim (`recourseClaim`); the old schedule is kept',
  })
  async terminateFinancingWithRecourse(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context): Promise<Financing> {
    return afterFinancingWrite(ctx, await financingService(ctx).terminateWithRecourse(id, reason, actorOf(ctx)));
  }

  @Authorized(...ADMINS)
  @Mutation(() => Financing, { description: 'Releases a deal held by AML screening; recorded in its history' })
  async clearAmlHold(@Arg('id', () => ID) id: string, @Arg('note', () => String) note: string, @Ctx() ctx: Context): Promise<Financing> {
    return afterFinancingWrite(ctx, await financingService(ctx).clearAmlHold(id, note, actorOf(ctx)));
  }

  @FieldResolver(() => Client)
  client(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Client> {
    return clientOf(ctx, f.client.id);
  }

  @FieldResolver(() => Client, { nullable: true, description: 'REVERSE_FACTORING and PREPAYMENT_FINANCING: the core enterprise' })
  anchorClient(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Client> | null {
    return f.anchorClient ? clientOf(ctx, f.anchorClient.id) : null;
  }

  @FieldResolver(() => CreditLine)
  async creditLine(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Row<CreditLine>> {
    const line = await ctx.loaders.financing.creditLineById.load(f.creditLine.id);
    if (!line) throw notFound('CreditLine', f.creditLine.id);
    return line;
  }

  @FieldResolver(() => Guarantee, { description: 'What secures the deal (kind NONE when unsecured); changed by changeFinancingGuarantee' })
  guarantee(@Root() f: Row<Financing>): Guarantee {
    return guaranteeOf(f);
  }

  @FieldResolver(() => [Receivable])
  receivables(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Row<Receivable>[]> {
    return ctx.loaders.financing.receivables.load(f.id);
  }

  @FieldResolver(() => [ScheduleInstalment], { description: 'The schedule in force (empty before disbursement)' })
  async schedule(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Row<ScheduleInstalment>[]> {
    return (await ctx.loaders.financing.schedule.load(f.id)).filter((s) => s.version === f.scheduleVersion);
  }

  @FieldResolver(() => [ScheduleInstalment], { description: 'Every schedule version, superseded ones included' })
  scheduleHistory(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Row<ScheduleInstalment>[]> {
    return ctx.loaders.financing.schedule.load(f.id);
  }

  @FieldResolver(() => [Repayment], { description: 'Oldest first' })
  repayments(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Row<Repayment>[]> {
    return ctx.loaders.financing.repayments.load(f.id);
  }

  @FieldResolver(() => [FinancingTransition], { description: 'Every transition and AML hold, with who, when and why; oldest first' })
  history(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Row<FinancingTransition>[]> {
    return ctx.loaders.financing.transitions.load(f.id);
  }

  @FieldResolver(() => [BucketChange], { description: 'Delinquency bucket changes, oldest first' })
  bucketHistory(@Root() f: Row<Financing>, @Ctx() ctx: Context): Promise<Row<BucketChange>[]> {
    return ctx.loaders.financing.bucketChanges.load(f.id);
  }

  @FieldResolver(() => DecimalScalar, { description: 'Outstanding principal as of the date (0 before disbursement)' })
  async outstanding(@Root() f: Row<Financing>, @Arg('asOf', () => LocalDateResolver, AS_OF) asOf: string | null, @Ctx() ctx: Context): Promise<Decimal> {
    return (await position(ctx, f, asOf)).outstanding;
  }

  @FieldResolver(() => DecimalScalar, { description: 'Interest accrued and unpaid as of the date: simple, actual/365, in cents' })
  async accruedInterest(@Root() f: Row<Financing>, @Arg('asOf', () => LocalDateResolver, AS_OF) asOf: string | null, @Ctx() ctx: Context): Promise<Decimal> {
    return (await position(ctx, f, asOf)).accruedInterest;
  }

  @FieldResolver(() => DecimalScalar, { description: 'Outstanding principal plus accrued interest as of the date: what would settle the deal' })
  async totalDue(@Root() f: Row<Financing>, @Arg('asOf', () => LocalDateResolver, AS_OF) asOf: string | null, @Ctx() ctx: Context): Promise<Decimal> {
    const p = await position(ctx, f, asOf);
    return p.outstanding.plus(p.accruedInterest);
  }

  @FieldResolver(() => Int, { description: 'Days since the earliest instalment not covered by principal repaid' })
  async daysPastDue(@Root() f: Row<Financing>, @Arg('asOf', () => LocalDateResolver, AS_OF) asOf: string | null, @Ctx() ctx: Context): Promise<number> {
    return (await position(ctx, f, asOf)).daysPastDue;
  }

  @FieldResolver(() => DelinquencyBucket)
  async delinquencyBucket(
    @Root() f: Row<Financing>,
    @Arg('asOf', () => LocalDateResolver, AS_OF) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<DelinquencyBucket> {
    return (await position(ctx, f, asOf)).bucket;
  }
}

@Resolver(() => Receivable)
export class ReceivableResolver {
  @FieldResolver(() => Client)
  debtor(@Root() r: Row<Receivable>, @Ctx() ctx: Context): Promise<Client> {
    return clientOf(ctx, r.debtor.id);
  }
}

@Resolver(() => Repayment)
export class RepaymentResolver {
  @FieldResolver(() => Financing)
  async financing(@Root() r: Row<Repayment>, @Ctx() ctx: Context): Promise<Row<Financing>> {
    const f = await ctx.loaders.financing.financingById.load(r.financing.id);
    if (!f) throw notFound('Financing', r.financing.id);
    return f;
  }
}
