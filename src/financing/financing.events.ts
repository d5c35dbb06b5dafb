import type { EntityManager } from '@mikro-orm/postgresql';
import { appendEvent } from '../events/outbox.js';

/** Outbox topics of the financing domain; the risk domain reacts to them. */
export const FinancingTopic = {
  /** A deal changed status, or an AML hold was placed or cleared. Aggregate: the financing. */
  TRANSITIONED: 'financing.transitioned',
  /** A repayment was booked. Aggregate: the financing. */
  REPAYMENT_RECORDED: 'financing.repayment_recorded',
  /** A deal moved to another delinquency bucket. Aggregate: the financing. */
  BUCKET_CHANGED: 'financing.bucket_changed',
  /** A credit line was opened, adjusted, frozen or unfrozen. Aggregate: the credit line. */
  CREDIT_LINE_CHANGED: 'credit_line.changed',
} as const;

/** Appends to the caller's unit of work: call it with the transaction's EntityManager. */
export function recordFinancingEvent(
  em: EntityManager,
  topic: (typeof FinancingTopic)[keyof typeof FinancingTopic],
  aggregateId: string,
  payload: Record<string, unknown>,
): void {
  appendEvent(em, topic, aggregateId, payload);
}
