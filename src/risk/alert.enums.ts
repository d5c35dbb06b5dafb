import { registerEnumType } from 'type-graphql';

export enum AlertKind {
  CREDIT_DETERIORATION = 'CREDIT_DETERIORATION',
  PAYMENT_OVERDUE = 'PAYMENT_OVERDUE',
  SHIPMENT_EXCEPTION = 'SHIPMENT_EXCEPTION',
  SHIPMENT_DELAYED = 'SHIPMENT_DELAYED',
  CONCENTRATION = 'CONCENTRATION',
  CREDIT_LIMIT_NEAR = 'CREDIT_LIMIT_NEAR',
  REVIEW_DUE = 'REVIEW_DUE',
  COMPLAINT_UNRESOLVED = 'COMPLAINT_UNRESOLVED',
  CARRIER_SAFETY = 'CARRIER_SAFETY',
}

export enum Severity {
  INFO = 'INFO',
  WARNING = 'WARNING',
  CRITICAL = 'CRITICAL',
}

export enum AlertStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}

/** What happened to an alert; each `alert.changed` event carries one. */
export enum AlertChange {
  RAISED = 'RAISED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
  ESCALATED = 'ESCALATED',
}

/** What resolving an alert may do about it, through the financing services. */
export enum RemediationAction {
  /** Restructures the deal to a later maturity. */
  EXTEND_REPAYMENT = 'EXTEND_REPAYMENT',
  /** Sets or replaces the deal's guarantee. */
  CHANGE_GUARANTEE = 'CHANGE_GUARANTEE',
  /** Lowers the credit line's limit. */
  REDUCE_LIMIT = 'REDUCE_LIMIT',
  /** Freezes the credit line: no new deal against it. */
  FREEZE_LINE = 'FREEZE_LINE',
  /** Accelerates the deal: everything owed falls due today; the deal becomes DEFAULTED. */
  TERMINATE_WITH_RECOURSE = 'TERMINATE_WITH_RECOURSE',
}

export const SEVERITY_RANK: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

registerEnumType(AlertKind, { name: 'AlertKind', description: 'The early-warning rule that raised an alert' });
registerEnumType(Severity, { name: 'Severity' });
registerEnumType(AlertStatus, { name: 'AlertStatus', description: 'OPEN → ACKNOWLEDGED → RESOLVED; an escalation keeps the status and raises the severity' });
registerEnumType(AlertChange, { name: 'AlertChange' });
registerEnumType(RemediationAction, {
  name: 'RemediationAction',
  description: 'What resolving an alert may do: EXTEND_REPAYMENT, CHANGE_GUARANTEE and TERMINATE_WITH_RECOURSE act on a deal, REDUCE_LIMIT and FREEZE_LINE on a credit line',
});
