import { Decimal } from 'decimal.js';
import type { Context } from '../graphql/context.js';
import { RateCapPolicy } from './financing.enums.js';
import { FinancingService, type FinancingPolicy } from './financing.service.js';


export function policyOf(ctx: Context): FinancingPolicy {
  const { RATE_CAP_POLICY, RATE_CAP_LPR_MULTIPLE } = ctx.hub.config;
  return { rateCapMultiple: RATE_CAP_POLICY === RateCapPolicy.NONE ? null : new Decimal(RATE_CAP_LPR_MULTIPLE) };
}

export function financingService(ctx: Context): FinancingService {
  return new FinancingService(ctx.em, policyOf(ctx));
}

/** After a write, loaders must not answer from what they read before it. */
export function afterFinancingWrite<T>(ctx: Context, result: T): T {
  ctx.loaders.financing.clearAll();
  ctx.loaders.clients.clearAll();
  return result;
}
