import type { NonEmptyArray } from 'type-graphql';
import { RiskScanResolver } from './alert-scan.resolver.js';
import { AlertChangedResolver, AlertResolver } from './alert.resolver.js';
import { ClientRiskResolver, FinancialStatementResolver, RiskAssessmentResolver, RiskReviewResolver } from './risk.resolver.js';

/** The risk domain's resolvers, for the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RISK_RESOLVERS: NonEmptyArray<Function> = [
  FinancialStatementResolver,
  RiskAssessmentResolver,
  RiskReviewResolver,
  ClientRiskResolver,
  AlertResolver,
  AlertChangedResolver,
  RiskScanResolver,
];
