import type { Decimal } from 'decimal.js';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { DecimalScalar } from '../graphql/scalars.js';
import { ReviewOutcome } from './risk.enums.js';

@InputType({ description: "A client's financial statement for one period; one per client and period" })
export class AddFinancialStatementInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => LocalDateResolver, { description: 'Last day of the period (YYYY-MM-DD), not in the future' })
  periodEnd!: string;

  @Field(() => DecimalScalar, { description: 'Greater than zero' })
  totalAssets!: Decimal;

  @Field(() => DecimalScalar, { description: 'Greater than zero' })
  totalLiabilities!: Decimal;

  @Field(() => DecimalScalar, { description: 'Not negative, at most totalAssets' })
  currentAssets!: Decimal;

  @Field(() => DecimalScalar, { description: 'Greater than zero, at most totalLiabilities' })
  currentLiabilities!: Decimal;

  @Field(() => DecimalScalar, { description: 'May be negative (accumulated losses)' })
  retainedEarnings!: Decimal;

  @Field(() => DecimalScalar, { description: 'May be negative' })
  ebit!: Decimal;

  @Field(() => DecimalScalar, { description: 'Not negative' })
  revenue!: Decimal;

  @Field(() => DecimalScalar, { description: 'May be negative' })
  bookEquity!: Decimal;

  @Field(() => DecimalScalar, { nullable: true, description: 'Net cash from operating activities; may be negative' })
  operatingCashFlow?: Decimal | null;
}

@InputType({ description: "A periodic risk review of an ACTIVE or WATCHLIST client, and when the next one is due" })
export class RecordRiskReviewInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => ReviewOutcome)
  outcome!: ReviewOutcome;

  @Field(() => String, { description: "The reviewer's reasoning; required, at most 2000 characters" })
  note!: string;

  @Field(() => LocalDateResolver, {
    nullable: true,
    description: "Business date of the review; default today (China Standard Time); not in the future, nor before the client's latest review",
  })
  reviewedOn?: string | null;

  @Field(() => LocalDateResolver, {
    nullable: true,
    description: 'After reviewedOn, at most 12 months after it; default reviewedOn + 3 months (1 month if the client is WATCHLIST after the review); not allowed with EXIT',
  })
  nextReviewDate?: string | null;
}
