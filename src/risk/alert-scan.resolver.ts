import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { RISK_ASSESSORS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import { badInput } from '../core/errors.js';
import { alertThresholds } from './alert.rules.js';
import { RiskScanResult, RiskScanService } from './alert.scan.js';

@Resolver()
export class RiskScanResolver {
  @Authorized(...RISK_ASSESSORS)
  @Mutation(() => RiskScanResult, {
    description:
      'Runs the early-warning scan now (SHIPMENT_DELAYED, CONCENTRATION, REVIEW_DUE, COMPLAINT_UNRESOLVED, CARRIER_SAFETY): raises, escalates and resolves alerts to match; `at` (default now, not in the future) is the moment judged',
  })
  async runRiskScan(@Arg('at', () => Date, { nullable: true }) at: Date | null, @Ctx() ctx: Context): Promise<RiskScanResult> {
    const now = new Date();
    if (at && at.getTime() > now.getTime() + 60_000) throw badInput('at', 'must not be in the future');
    return new RiskScanService(ctx.em).scan(alertThresholds(ctx.hub.config), at ?? now);
  }
}
