import { randomUUID } from 'node:crypto';
import { Check, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { AlertKind, AlertStatus, RemediationAction, Severity } from './alert.enums.js';
import type { Row } from '../db/rows.js';

/**
 * An early-warning alert. At most one alert per rule and subject is not RESOLVED (the partial
 * unique index `alert_open_uidx`): a repeat finds it, a worse one
 * escalates it.
 */
@ObjectType({ description: 'An early-warning alert with a lifecycle' })
@Entity({ tableName: 'alert' })
@Index({ name: 'alert_raised_idx', properties: ['raisedAt', 'id'] })
@Index({ name: 'alert_client_idx', properties: ['client', 'status'] })
@Index({ name: 'alert_open_uidx', expression: `create unique index "alert_open_uidx" on "alert" ("kind", "subject_id") where "status" <> 'RESOLVED'` })
// A remediation is recorded whole, and only on a resolved alert.
@Check({
  name: 'alert_remediation_whole',
  expression:
    `("remediation_action" is null and "remediation_target_type" is null and "remediation_target_id" is null and "remediation_detail" is null) or ` +
    `("status" = 'RESOLVED' and "remediation_action" is not null and "remediation_target_type" is not null and "remediation_target_id" is not null ` +
    `and "remediation_detail" is not null)`,
})
export class Alert {
  [OptionalProps]?: 'status' | 'raisedAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => AlertKind)
  @Enum({ items: () => AlertKind, type: 'string' })
  kind!: AlertKind;

  @Field(() => Severity)
  @Enum({ items: () => Severity, type: 'string' })
  severity!: Severity;

  @Field(() => AlertStatus)
  @Enum({ items: () => AlertStatus, type: 'string', default: AlertStatus.OPEN })
  status: AlertStatus = AlertStatus.OPEN;

  @ManyToOne({ entity: () => Client })
  client!: Client;

  /** What the rule watches: a deal, a shipment, a credit line, a complaint, or the client itself. */
  @Field(() => String, { description: 'Kind of the subject: CLIENT, FINANCING, SHIPMENT, CREDIT_LINE or COMPLAINT' })
  @Property({ type: 'string', length: 20 })
  subjectType!: string;

  @Field(() => ID, { description: 'Id of the subject the rule watches' })
  @Property({ type: 'uuid' })
  subjectId!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 1000 })
  message!: string;

  @Field(() => String, { nullable: true, description: "The client's relationship manager when it was raised" })
  @Property({ type: 'string', length: 120, nullable: true })
  assignedTo?: string | null = null;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'clock_timestamp()' })
  raisedAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', length: 3, nullable: true })
  escalatedAt?: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', length: 3, nullable: true })
  acknowledgedAt?: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 120, nullable: true })
  acknowledgedBy?: string | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', length: 3, nullable: true })
  resolvedAt?: Date | null = null;

  @Field(() => String, { nullable: true, description: 'API key name, or "risk rules" when the condition cleared' })
  @Property({ type: 'string', length: 120, nullable: true })
  resolvedBy?: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 1000, nullable: true })
  resolutionNote?: string | null = null;

  // What the resolution did (GraphQL `remediation`); null when it only took a note.
  @Enum({ items: () => RemediationAction, type: 'string', nullable: true })
  remediationAction?: RemediationAction | null = null;

  @Property({ type: 'string', length: 20, nullable: true })
  remediationTargetType?: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  remediationTargetId?: string | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  remediationDetail?: string | null = null;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

@ObjectType({ description: 'What was done about an alert when it was resolved, through the financing services' })
export class AlertRemediation {
  @Field(() => RemediationAction)
  action!: RemediationAction;

  @Field(() => String, { description: 'FINANCING or CREDIT_LINE' })
  targetType!: string;

  @Field(() => ID, { description: 'The deal or the credit line acted on' })
  targetId!: string;

  @Field(() => String, { description: 'What changed, e.g. "limit 100000.00 → 60000.00 CNY"' })
  detail!: string;

  @Field(() => String)
  performedBy!: string;

  @Field(() => Date)
  performedAt!: Date;
}

/** The alert's remediation; it was performed by whoever resolved the alert, in that transaction. */
export function remediationOf(a: Row<Alert>): AlertRemediation | null {
  if (!a.remediationAction || !a.remediationTargetType || !a.remediationTargetId || !a.resolvedBy || !a.resolvedAt) return null;
  return {
    action: a.remediationAction,
    targetType: a.remediationTargetType,
    targetId: a.remediationTargetId,
    detail: a.remediationDetail ?? '',
    performedBy: a.resolvedBy,
    performedAt: a.resolvedAt,
  };
}
