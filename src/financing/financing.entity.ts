import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { JSONObjectResolver, LocalDateResolver } from 'graphql-scalars';
import { DecimalScalar } from '../graphql/scalars.js';
import { CreditLine } from './credit-line.entity.js';
import { DelinquencyBucket, FinancingAction, FinancingStatus, GuaranteeKind, ProductKind, RepaymentMethod } from './financing.enums.js';

/**
 * A financing deal. Amounts are numeric columns read as strings; arithmetic is decimal.js.
 * `outstandingPrincipal`, `interestPaid` and `recordedBucket` are kept up to date by the
 * services (they feed the credit line's utilisation and the delinquency scan); what a caller
 * sees as of a date is recomputed from repayments and the schedule.
 */
@ObjectType({ description: 'A financing deal, from application to repayment' })
@Entity({ tableName: 'financing' })
@Index({ name: 'financing_client_idx', properties: ['client', 'createdAt', 'id'] })
@Index({ name: 'financing_line_idx', properties: ['creditLine', 'status'] })
@Index({ name: 'financing_status_idx', properties: ['status'] })
@Index({ name: 'financing_created_idx', properties: ['createdAt', 'id'] })
export class Financing {
  [OptionalProps]?:
    | 'status'
    | 'currency'
    | 'outstandingPrincipal'
    | 'interestPaid'
    | 'recordedBucket'
    | 'amlHold'
    | 'scheduleVersion'
    | 'createdAt'
    | 'updatedAt'
    | 'repaymentMethod'
    | 'instalments'
    | 'fee'
    | 'guaranteeKind';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client })
  client!: Client;

  @ManyToOne({ entity: () => CreditLine })
  creditLine!: CreditLine;

  @Field(() => ProductKind)
  @Enum({ items: () => ProductKind, type: 'string' })
  product!: ProductKind;

  @Field(() => FinancingStatus)
  @Enum({ items: () => FinancingStatus, type: 'string', default: FinancingStatus.SUBMITTED })
  status: FinancingStatus = FinancingStatus.SUBMITTED;

  @Field(() => DecimalScalar, { description: 'Principal applied for' })
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  amount!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 3, default: 'CNY' })
  currency: string = 'CNY';

  @Field(() => DecimalScalar, { description: 'Yearly fraction, "0.085" is 8.5%' })
  @Property({ type: 'decimal', precision: 9, scale: 6 })
  annualRate!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  tenorDays!: number;

  @Field(() => LocalDateResolver, { description: 'Business date of the contract (YYYY-MM-DD); the rate cap uses the LPR in force on it' })
  @Property({ type: 'date' })
  contractDate!: string;

  @Field(() => RepaymentMethod)
  @Enum({ items: () => RepaymentMethod, type: 'string', default: RepaymentMethod.BULLET })
  repaymentMethod: RepaymentMethod = RepaymentMethod.BULLET;

  @Field(() => Int)
  @Property({ type: 'integer', default: 1 })
  instalments: number = 1;

  @Field(() => DecimalScalar, { description: 'Arrangement fee charged at disbursement' })
  @Property({ type: 'decimal', precision: 20, scale: 2, default: '0' })
  fee: string = '0';

  /** The core enterprise of reverse factoring and prepayment financing. */
  @ManyToOne({ entity: () => Client, nullable: true })
  anchorClient?: Client | null;

  @Field(() => String, { nullable: true, description: 'INVENTORY_FINANCING: the pledged goods' })
  @Property({ type: 'string', length: 500, nullable: true })
  pledgedGoods?: string | null;

  @Field(() => String, { nullable: true, description: "PREPAYMENT_FINANCING: the core enterprise's purchase order number" })
  @Property({ type: 'string', length: 100, nullable: true })
  purchaseOrderNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'FINANCIAL_LEASING: the leased asset' })
  @Property({ type: 'string', length: 500, nullable: true })
  leasedAsset?: string | null;

  // The guarantee (GraphQL `guarantee`), changed only through FinancingService.changeGuarantee.
  @Enum({ items: () => GuaranteeKind, type: 'string', default: GuaranteeKind.NONE })
  guaranteeKind: GuaranteeKind = GuaranteeKind.NONE;

  @Property({ type: 'string', length: 200, nullable: true })
  guarantor?: string | null;

  @Property({ type: 'decimal', precision: 20, scale: 2, nullable: true })
  guaranteedAmount?: string | null;

  @Property({ type: 'string', length: 500, nullable: true })
  guaranteeDescription?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Set when the deal was terminated with recourse: the principal outstanding plus the interest accrued, due on that day',
  })
  @Property({ type: 'decimal', precision: 20, scale: 2, nullable: true })
  recourseClaim?: string | null;

  @Field(() => Boolean, { description: 'Held by AML screening until an ADMIN clears it' })
  @Property({ type: 'boolean', default: false })
  amlHold: boolean = false;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  amlHoldReason?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  disbursedAt?: Date | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Business date of the last scheduled repayment' })
  @Property({ type: 'date', nullable: true })
  maturityDate?: string | null;

  @Property({ type: 'decimal', precision: 20, scale: 2, default: '0' })
  outstandingPrincipal: string = '0';

  @Property({ type: 'decimal', precision: 20, scale: 2, default: '0' })
  interestPaid: string = '0';

  /** The bucket the last scan or repayment recorded (bucket changes are measured against it). */
  @Enum({ items: () => DelinquencyBucket, type: 'string', default: DelinquencyBucket.CURRENT })
  recordedBucket: DelinquencyBucket = DelinquencyBucket.CURRENT;

  @Field(() => Int, { description: 'Current schedule version: 1 at disbursement, +1 per restructuring' })
  @Property({ type: 'integer', default: 0 })
  scheduleVersion: number = 0;

  @Field(() => String, { nullable: true, description: 'Who submitted the deal (API key name)' })
  @Property({ type: 'string', length: 120, nullable: true })
  submittedBy?: string | null;

  // Millisecond precision: keyset-pagination key (see Client.createdAt).
  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** A receivable assigned to a factoring deal. */
@ObjectType()
@Entity({ tableName: 'receivable' })
@Index({ name: 'receivable_financing_idx', properties: ['financing'] })
@Index({ name: 'receivable_debtor_idx', properties: ['debtor'] })
export class Receivable {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Financing })
  financing!: Financing;

  @Field(() => String)
  @Property({ type: 'string', length: 60 })
  invoiceNumber!: string;

  @ManyToOne({ entity: () => Client })
  debtor!: Client;

  @Field(() => DecimalScalar)
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  amount!: string;

  @Field(() => LocalDateResolver)
  @Property({ type: 'date' })
  dueDate!: string;
}

/** One entry of a deal's history: a status move, an AML hold placed or cleared, a guarantee changed. */
@ObjectType()
@Entity({ tableName: 'financing_transition' })
@Index({ name: 'financing_transition_financing_idx', properties: ['financing', 'at'] })
export class FinancingTransition {
  [OptionalProps]?: 'at';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Financing })
  financing!: Financing;

  @Field(() => FinancingAction)
  @Enum({ items: () => FinancingAction, type: 'string' })
  action!: FinancingAction;

  @Field(() => FinancingStatus, { nullable: true })
  @Enum({ items: () => FinancingStatus, type: 'string', nullable: true })
  fromStatus?: FinancingStatus | null;

  @Field(() => FinancingStatus)
  @Enum({ items: () => FinancingStatus, type: 'string' })
  toStatus!: FinancingStatus;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  reason?: string | null;

  @Field(() => JSONObjectResolver, {
    nullable: true,
    description:
      'What the entry changed beyond the status. GUARANTEE_CHANGED: `{ previous, guarantee }`; ' +
      'TERMINATED_WITH_RECOURSE: `{ recourseClaim, principal, interest, dueDate }` (amounts are decimal strings)',
  })
  @Property({ type: 'json', nullable: true })
  detail?: Record<string, unknown> | null;

  @Field(() => String, { description: 'API key name, or "delinquency scan"' })
  @Property({ type: 'string', length: 120 })
  actorName!: string;

  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'clock_timestamp()' })
  at: Date = new Date();
}

/** One instalment of one schedule version; restructuring adds a version and keeps the old ones. */
@ObjectType()
@Entity({ tableName: 'schedule_instalment' })
@Index({ name: 'schedule_instalment_financing_idx', properties: ['financing', 'version', 'seq'] })
export class ScheduleInstalment {
  @ManyToOne({ entity: () => Financing })
  financing!: Financing;

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => Int)
  @Property({ type: 'integer' })
  version!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  seq!: number;

  @Field(() => LocalDateResolver)
  @Property({ type: 'date' })
  dueDate!: string;

  @Field(() => DecimalScalar)
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  principal!: string;

  @Field(() => LocalDateResolver, { description: 'Business date the version took effect' })
  @Property({ type: 'date' })
  effectiveFrom!: string;

  /** Principal repaid in total before the version took effect. */
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  principalPaidBefore!: string;
}

@ObjectType()
@Entity({ tableName: 'repayment' })
@Index({ name: 'repayment_financing_idx', properties: ['financing', 'paidAt'] })
export class Repayment {
  [OptionalProps]?: 'recordedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Financing })
  financing!: Financing;

  @Field(() => DecimalScalar)
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  amount!: string;

  @Field(() => DecimalScalar, { description: 'Part applied to accrued interest (interest is paid first)' })
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  interest!: string;

  @Field(() => DecimalScalar, { description: 'Part applied to principal' })
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  principal!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  paidAt!: Date;

  @Field(() => String)
  @Property({ type: 'string', length: 120 })
  recordedBy!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  recordedAt: Date = new Date();
}

/** A move of a deal from one delinquency bucket to another. */
@ObjectType()
@Entity({ tableName: 'bucket_change' })
@Index({ name: 'bucket_change_financing_idx', properties: ['financing', 'asOf'] })
export class BucketChange {
  [OptionalProps]?: 'recordedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Financing })
  financing!: Financing;

  @Field(() => DelinquencyBucket)
  @Enum({ items: () => DelinquencyBucket, type: 'string' })
  fromBucket!: DelinquencyBucket;

  @Field(() => DelinquencyBucket)
  @Enum({ items: () => DelinquencyBucket, type: 'string' })
  toBucket!: DelinquencyBucket;

  @Field(() => Int)
  @Property({ type: 'integer' })
  daysPastDue!: number;

  @Field(() => LocalDateResolver, { description: 'Business date the change was measured on' })
  @Property({ type: 'date' })
  asOf!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'clock_timestamp()' })
  recordedAt: Date = new Date();
}
