import { LocalDateResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ADMINS, COMPLIANCE_READERS, READERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { afterFinancingWrite } from './context.js';
import { actorOf } from '../graphql/context.js';
import { AmlWatchEntry, LoanPrimeRate } from './compliance.entity.js';
import { ComplianceService } from './compliance.service.js';
import { DelinquencyScanResult, DelinquencyService } from './delinquency.service.js';
import { AddAmlWatchEntryInput, AddLoanPrimeRateInput } from './financing.inputs.js';
import { businessDate } from './financing.rules.js';
import { dateArg } from './money.js';

@Resolver()
export class ComplianceResolver {
  @Authorized(...READERS)
  @Query(() => [LoanPrimeRate], { description: 'One-year LPR history, newest first' })
  loanPrimeRates(@Ctx() ctx: Context): Promise<LoanPrimeRate[]> {
    return new ComplianceService(ctx.em).listLoanPrimeRates();
  }

  @Authorized(...ADMINS)
  @Mutation(() => LoanPrimeRate, { description: 'Adds a published one-year LPR' })
  addLoanPrimeRate(@Arg('input', () => AddLoanPrimeRateInput) input: AddLoanPrimeRateInput, @Ctx() ctx: Context): Promise<LoanPrimeRate> {
    return new ComplianceService(ctx.em).addLoanPrimeRate(input);
  }

  @Authorized(...COMPLIANCE_READERS)
  @Query(() => [AmlWatchEntry], { description: 'The AML watch list, newest first' })
  amlWatchList(@Ctx() ctx: Context): Promise<AmlWatchEntry[]> {
    return new ComplianceService(ctx.em).listAmlWatchEntries();
  }

  @Authorized(...ADMINS)
  @Mutation(() => AmlWatchEntry, { description: "Deals submitted afterwards for a client matching it are held (AML_HOLD)" })
  addAmlWatchEntry(@Arg('input', () => AddAmlWatchEntryInput) input: AddAmlWatchEntryInput, @Ctx() ctx: Context): Promise<AmlWatchEntry> {
    return new ComplianceService(ctx.em).addAmlWatchEntry(input, actorOf(ctx));
  }

  @Authorized(...ADMINS)
  @Mutation(() => DelinquencyScanResult, { description: 'Runs the daily delinquency scan now, as of a business date (default today)' })
  async runDelinquencyScan(
    @Arg('asOf', () => LocalDateResolver, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<DelinquencyScanResult> {
    const date = asOf ? dateArg('asOf', asOf) : businessDate(new Date());
    return afterFinancingWrite(ctx, await new DelinquencyService(ctx.em).scan(date, { id: actorOf(ctx).id, name: `${actorOf(ctx).name} (delinquency scan)` }));
  }
}
