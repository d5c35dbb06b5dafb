import type { EntityManager } from '@mikro-orm/postgresql';
import { defineTopic, read, type PayloadOf } from '../events/catalogue.js';
import { appendEvent } from '../events/outbox.js';
import { BucketChangeCause, CreditLineChangeKind, CreditLineStatus, DelinquencyBucket, FinancingAction, FinancingStatus } from './financing.enums.js';

/** A deal changed status, or an AML hold was placed or cleared. Aggregate: the financing. */
export interface FinancingTransitionedPayload {
  financingId: string;
  clientId: string;
  action: FinancingAction;
  /** Null when the deal was created. */
  from: FinancingStatus | null;
  to: FinancingStatus;
  reason?: string;
  detail?: Record<string, unknown>;
  actor: string;
}

/** A repayment was booked. Aggregate: the financing. Amounts are decimal strings. */
export interface RepaymentRecordedPayload {
  financingId: string;
  clientId: string;
  repaymentId: string;
  amount: string;
  principal: string;
  interest: string;
  outstandingPrincipal: string;
  paidAt: string;
  actor: string;
}

/** A deal moved to another delinquency bucket. Aggregate: the financing. */
export interface BucketChangedPayload {
  financingId: string;
  clientId: string;
  from: DelinquencyBucket;
  to: DelinquencyBucket;
  daysPastDue: number;
  /** The business date judged (YYYY-MM-DD). */
  asOf: string;
  /** Null on events written before causes were recorded. */
  cause: BucketChangeCause | null;
  status: FinancingStatus;
}

/** A credit line was opened, adjusted, frozen or unfrozen. Aggregate: the credit line. */
export interface CreditLineChangedPayload {
  creditLineId: string;
  clientId: string;
  change: CreditLineChangeKind;
  limit: string;
  previousLimit?: string;
  status: CreditLineStatus;
  reason?: string;
  actor: string;
}

declare module '../events/catalogue.js' {
  interface EventCatalogue {
    'financing.transitioned': FinancingTransitionedPayload;
    'financing.repayment_recorded': RepaymentRecordedPayload;
    'financing.bucket_changed': BucketChangedPayload;
    'credit_line.changed': CreditLineChangedPayload;
  }
}

const STATUSES = Object.values(FinancingStatus);
const BUCKETS = Object.values(DelinquencyBucket);
const optional = <K extends string>(k: K, v: string | null): Partial<Record<K, string>> => (v === null ? {} : ({ [k]: v } as Record<K, string>));

/** Outbox topics of the financing domain; the risk domain reacts to them. */
export const FinancingTopic = {
  TRANSITIONED: defineTopic('financing.transitioned', (raw) => {
    const from = read.strOrNull(raw, 'from');
    const detail = read.object(raw, 'detail');
    return {
      financingId: read.str(raw, 'financingId'),
      clientId: read.str(raw, 'clientId'),
      action: read.oneOf(raw, 'action', Object.values(FinancingAction), FinancingAction.SUBMITTED),
      from: from !== null && (STATUSES as string[]).includes(from) ? (from as FinancingStatus) : null,
      to: read.oneOf(raw, 'to', STATUSES, FinancingStatus.SUBMITTED),
      ...optional('reason', read.strOrNull(raw, 'reason')),
      ...(detail ? { detail } : {}),
      actor: read.str(raw, 'actor'),
    };
  }),
  REPAYMENT_RECORDED: defineTopic('financing.repayment_recorded', (raw) => ({
    financingId: read.str(raw, 'financingId'),
    clientId: read.str(raw, 'clientId'),
    repaymentId: read.str(raw, 'repaymentId'),
    amount: read.str(raw, 'amount', '0'),
    principal: read.str(raw, 'principal', '0'),
    interest: read.str(raw, 'interest', '0'),
    outstandingPrincipal: read.str(raw, 'outstandingPrincipal', '0'),
    paidAt: read.str(raw, 'paidAt'),
    actor: read.str(raw, 'actor'),
  })),
  BUCKET_CHANGED: defineTopic('financing.bucket_changed', (raw) => {
    const cause = read.strOrNull(raw, 'cause');
    return {
      financingId: read.str(raw, 'financingId'),
      clientId: read.str(raw, 'clientId'),
      from: read.oneOf(raw, 'from', BUCKETS, DelinquencyBucket.CURRENT),
      to: read.oneOf(raw, 'to', BUCKETS, DelinquencyBucket.CURRENT),
      daysPastDue: read.num(raw, 'daysPastDue'),
      asOf: read.str(raw, 'asOf'),
      cause: cause !== null && (Object.values(BucketChangeCause) as string[]).includes(cause) ? (cause as BucketChangeCause) : null,
      status: read.oneOf(raw, 'status', STATUSES, FinancingStatus.DISBURSED),
    };
  }),
  CREDIT_LINE_CHANGED: defineTopic('credit_line.changed', (raw) => ({
    creditLineId: read.str(raw, 'creditLineId'),
    clientId: read.str(raw, 'clientId'),
    change: read.oneOf(raw, 'change', Object.values(CreditLineChangeKind), CreditLineChangeKind.LIMIT_ADJUSTED),
    limit: read.str(raw, 'limit', '0'),
    ...optional('previousLimit', read.strOrNull(raw, 'previousLimit')),
    status: read.oneOf(raw, 'status', Object.values(CreditLineStatus), CreditLineStatus.ACTIVE),
    ...optional('reason', read.strOrNull(raw, 'reason')),
    actor: read.str(raw, 'actor'),
  })),
} as const;

export type FinancingTopicName = (typeof FinancingTopic)[keyof typeof FinancingTopic];

/** Appends to the caller's unit of work: call it with the transaction's EntityManager. */
export function recordFinancingEvent<T extends FinancingTopicName>(
  em: EntityManager,
  topic: T,
  aggregateId: string,
  payload: PayloadOf<T>,
): void {
  appendEvent(em, topic, aggregateId, payload);
}
