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

export const SEVERITY_RANK: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

registerEnumType(AlertKind, { name: 'AlertKind', description: 'The early-warning rule that raised an alert' });
registerEnumType(Severity, { name: 'Severity' });
registerEnumType(AlertStatus, { name: 'AlertStatus', description: 'OPEN → ACKNOWLEDGED → RESOLVED; an escalation keeps the status and raises the severity' });
registerEnumType(AlertChange, { name: 'AlertChange' });
