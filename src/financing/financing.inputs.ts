import { Decimal } from 'decimal.js';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int } from 'type-graphql';
import { DecimalScalar } from '../graphql/scalars.js';
import { DelinquencyBucket, FinancingStatus, GuaranteeKind, ProductKind, RepaymentMethod } from './financing.enums.js';

@InputType({ description: 'A new credit line; one usable line per client and currency' })
export class OpenCreditLineInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => DecimalScalar)
  limit!: Decimal;

  @Field(() => String, { nullable: true, description: 'ISO 4217, default CNY' })
  currency?: string | null;

  @Field(() => Date)
  expiresAt!: Date;
}

@InputType()
export class AdjustCreditLimitInput {
  @Field(() => ID)
  creditLineId!: string;

  @Field(() => DecimalScalar)
  newLimit!: Decimal;

  @Field(() => String, { description: 'Why; kept in the line history' })
  reason!: string;
}

@InputType()
export class FreezeCreditLineInput {
  @Field(() => ID)
  creditLineId!: string;

  @Field(() => String)
  reason!: string;
}

@InputType({ description: 'A receivable assigned to a RECEIVABLES_FACTORING deal' })
export class ReceivableInput {
  @Field(() => String)
  invoiceNumber!: string;

  @Field(() => ID, { description: 'The client that owes it: a supply-chain counterparty of the borrower' })
  debtorId!: string;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => LocalDateResolver)
  dueDate!: string;
}

@InputType({ description: "A financing application; it draws on the client's usable credit line in its currency" })
export class CreateFinancingInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => ProductKind)
  product!: ProductKind;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => DecimalScalar, { description: 'Yearly fraction, "0.085" is 8.5%' })
  annualRate!: Decimal;

  @Field(() => Int)
  tenorDays!: number;

  @Field(() => ID, { nullable: true, description: 'REVERSE_FACTORING and PREPAYMENT_FINANCING: the core enterprise the client is linked to' })
  anchorClientId?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217, default CNY' })
  currency?: string | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Default: today (China Standard Time)' })
  contractDate?: string | null;

  @Field(() => RepaymentMethod, { nullable: true, description: 'Default BULLET' })
  repaymentMethod?: RepaymentMethod | null;

  @Field(() => Int, { nullable: true, description: 'EQUAL_INSTALMENTS: how many (2 or more)' })
  instalments?: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Arrangement fee charged at disbursement' })
  fee?: Decimal | null;

  @Field(() => [ReceivableInput], { nullable: true, description: 'RECEIVABLES_FACTORING: the receivables financed' })
  receivables?: ReceivableInput[] | null;

  @Field(() => String, { nullable: true, description: 'INVENTORY_FINANCING: the pledged goods' })
  pledgedGoods?: string | null;

  @Field(() => String, { nullable: true, description: "PREPAYMENT_FINANCING: the core enterprise's purchase order number" })
  purchaseOrderNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'FINANCIAL_LEASING: the leased asset' })
  leasedAsset?: string | null;
}

@InputType()
export class RecordRepaymentInput {
  @Field(() => ID)
  financingId!: string;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => Date)
  paidAt!: Date;
}

@InputType({ description: 'Re-schedules the outstanding principal from today; the old schedule stays in history' })
export class RestructureFinancingInput {
  @Field(() => ID)
  financingId!: string;

  @Field(() => Int, { description: 'Days from today to the new maturity' })
  tenorDays!: number;

  @Field(() => RepaymentMethod, { nullable: true, description: 'Default: the current method' })
  repaymentMethod?: RepaymentMethod | null;

  @Field(() => Int, { nullable: true })
  instalments?: number | null;

  @Field(() => String)
  reason!: string;
}

@InputType({ description: 'What secures a deal. NONE (unsecured) takes nothing else; any other kind names its guarantor' })
export class GuaranteeInput {
  @Field(() => GuaranteeKind)
  kind!: GuaranteeKind;

  @Field(() => String, { nullable: true, description: 'Who guarantees, pledges the collateral or insures; required unless kind is NONE' })
  guarantor?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "Amount guaranteed, in the deal's currency" })
  amount?: Decimal | null;

  @Field(() => String, { nullable: true, description: 'E.g. the collateral, or the policy number' })
  description?: string | null;
}

@InputType({ description: "Sets or replaces a deal's guarantee; the previous one stays in the deal's history" })
export class ChangeFinancingGuaranteeInput {
  @Field(() => ID)
  financingId!: string;

  @Field(() => GuaranteeInput)
  guarantee!: GuaranteeInput;

  @Field(() => String, { description: "Why; kept in the deal's history" })
  reason!: string;
}

@InputType({ description: 'Every given criterion must hold; a list matches any of its values' })
export class FinancingFilter {
  @Field(() => [ID], { nullable: true })
  clientIds?: string[] | null;

  @Field(() => [FinancingStatus], { nullable: true })
  statuses?: FinancingStatus[] | null;

  @Field(() => [ProductKind], { nullable: true })
  products?: ProductKind[] | null;

  @Field(() => [DelinquencyBucket], { nullable: true, description: 'The bucket last recorded (by the daily scan or a repayment)' })
  buckets?: DelinquencyBucket[] | null;

  @Field(() => String, { nullable: true })
  currency?: string | null;

  @Field(() => Boolean, { nullable: true })
  amlHold?: boolean | null;
}

@InputType()
export class AddLoanPrimeRateInput {
  @Field(() => LocalDateResolver)
  effectiveDate!: string;

  @Field(() => DecimalScalar, { description: 'Yearly fraction, "0.03" is 3.00%' })
  rate!: Decimal;
}

@InputType({ description: 'A name, a unified social credit code, or both' })
export class AddAmlWatchEntryInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  unifiedSocialCreditCode?: string | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}
