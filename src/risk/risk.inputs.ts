import type { Decimal } from 'decimal.js';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { DecimalScalar } from '../graphql/scalars.js';

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
