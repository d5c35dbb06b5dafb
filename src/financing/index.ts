import type { NonEmptyArray } from 'type-graphql';
import { ChainMemberExposureResolver, ClientFinancingResolver, DebtorExposureResolver } from './client-financing.resolver.js';
import { ComplianceResolver } from './compliance.resolver.js';
import { CreditLineResolver } from './credit-line.resolver.js';
import { FinancingResolver, ReceivableResolver, RepaymentResolver } from './financing.resolver.js';

/** The financing domain's resolvers, for the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const FINANCING_RESOLVERS: NonEmptyArray<Function> = [
  CreditLineResolver,
  FinancingResolver,
  ReceivableResolver,
  RepaymentResolver,
  ClientFinancingResolver,
  DebtorExposureResolver,
  ChainMemberExposureResolver,
  ComplianceResolver,
];
