import type { Decimal } from 'decimal.js';
import { Field, ID, InputType, Int } from 'type-graphql';
import { RepaymentMethod } from '../financing/financing.enums.js';
import { GuaranteeInput } from '../financing/financing.inputs.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { AlertKind, AlertStatus, RemediationAction, Severity } from './alert.enums.js';

@InputType()
export class AlertFilter {
  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => [AlertKind], { nullable: true })
  kinds?: AlertKind[] | null;

  @Field(() => [AlertStatus], { nullable: true, description: 'Default: every status' })
  statuses?: AlertStatus[] | null;

  @Field(() => Severity, { nullable: true, description: 'This severity and worse' })
  minSeverity?: Severity | null;

  @Field(() => String, { nullable: true, description: 'Assigned to this relationship manager' })
  assignedTo?: string | null;
}

@InputType()
export class AlertChangedFilter {
  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => Severity, { nullable: true, description: 'Only alerts at this severity or worse (as of the change)' })
  minSeverity?: Severity | null;

  @Field(() => [AlertKind], { nullable: true })
  kinds?: AlertKind[] | null;
}

@InputType({
  description:
    "What to do about an alert as it is resolved, in the same transaction. The target defaults to the alert's subject " +
    '(a deal for a FINANCING subject, a credit line for a CREDIT_LINE one) and must be one of its client\'s; the note is the reason recorded',
})
export class RemediationInput {
  @Field(() => RemediationAction)
  action!: RemediationAction;

  @Field(() => ID, { nullable: true, description: 'EXTEND_REPAYMENT, CHANGE_GUARANTEE, TERMINATE_WITH_RECOURSE: the deal' })
  financingId?: string | null;

  @Field(() => ID, { nullable: true, description: 'REDUCE_LIMIT, FREEZE_LINE: the credit line' })
  creditLineId?: string | null;

  @Field(() => Int, { nullable: true, description: 'EXTEND_REPAYMENT (required): days from today to the new maturity, beyond the current one' })
  tenorDays?: number | null;

  @Field(() => RepaymentMethod, { nullable: true, description: "EXTEND_REPAYMENT: default the deal's current method" })
  repaymentMethod?: RepaymentMethod | null;

  @Field(() => Int, { nullable: true, description: 'EXTEND_REPAYMENT with EQUAL_INSTALMENTS: how many' })
  instalments?: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'REDUCE_LIMIT (required): below the current limit' })
  newLimit?: Decimal | null;

  @Field(() => GuaranteeInput, { nullable: true, description: 'CHANGE_GUARANTEE (required)' })
  guarantee?: GuaranteeInput | null;
}
