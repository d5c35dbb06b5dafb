import { readQueryRows, type Row } from '../db/rows.js';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from '../clients/client.entity.js';
import { idArg, requiredText } from '../core/text.js';
import { appendEvent } from '../events/outbox.js';
import type { FinancingPolicy } from '../financing/financing.service.js';
import type { Actor } from '../core/actor.js';
import { badInput, conflict, notFound } from '../core/errors.js';
import { decodeTimeIdCursor, encodeCursor, pageSize } from '../core/cursor.js';
import { Alert } from './alert.entity.js';
import { AlertChange, AlertKind, AlertStatus, SEVERITY_RANK, Severity } from './alert.enums.js';
import type { RemediationInput } from './alert.inputs.js';
import { RemediationService, type RemediationDone } from './remediation.service.js';
import { ALERT_CHANGED, type AlertChangedPayload } from './risk.events.js';

/** Who resolves an alert whose condition cleared. */
export const RISK_RULES = 'risk rules';

export interface AlertSignal {
  kind: AlertKind;
  severity: Severity;
  clientId: string;
  subjectType: 'CLIENT' | 'FINANCING' | 'SHIPMENT' | 'CREDIT_LINE' | 'COMPLAINT';
  subjectId: string;
  message: string;
}

export interface AlertFilterValues {
  clientId?: string | null;
  kinds?: AlertKind[] | null;
  statuses?: AlertStatus[] | null;
  minSeverity?: Severity | null;
  assignedTo?: string | null;
}

const atLeast = (min: Severity) => (Object.keys(SEVERITY_RANK) as Severity[]).filter((s) => SEVERITY_RANK[s] >= SEVERITY_RANK[min]);

export class AlertService {
  constructor(private readonly em: EntityManager) {}

  private changed(tem: EntityManager, a: Alert, change: AlertChange, extra: Pick<AlertChangedPayload, 'remediation'> = {}): void {
    appendEvent(tem, ALERT_CHANGED, a.id, { alertId: a.id, clientId: a.client.id, kind: a.kind, severity: a.severity, status: a.status, change, ...extra });
  }

  /**
   * The open alert of a rule and subject, locked. The rule and subject are locked first (an
   * advisory lock until commit) so that the scan and the outbox reactions, finding none at the
   * same moment, do not both insert one: the second waits and then finds the first's.
   */
  private async open(tem: EntityManager, kind: AlertKind, subjectId: string): Promise<Alert | null> {
    await tem.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`alert:${kind}:${subjectId}`]);
    return tem.findOne(Alert, { kind, subjectId, status: { $ne: AlertStatus.RESOLVED } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  }

  /**
   * A rule fired, in the caller's transaction: raises an alert, or escalates the open one when
   * this is worse; a repeat at the same or a lower severity changes nothing. Returns the change.
   */
  async raise(tem: EntityManager, s: AlertSignal): Promise<AlertChange | null> {
    const existing = await this.open(tem, s.kind, s.subjectId);
    if (existing) {
      if (SEVERITY_RANK[s.severity] <= SEVERITY_RANK[existing.severity]) return null;
      existing.severity = s.severity;
      existing.message = s.message;
      existing.escalatedAt = new Date();
      this.changed(tem, existing, AlertChange.ESCALATED);
      return AlertChange.ESCALATED;
    }
    const client = await tem.findOneOrFail(Client, { id: s.clientId });
    const alert = tem.create(Alert, {
      kind: s.kind,
      severity: s.severity,
      client,
      subjectType: s.subjectType,
      subjectId: s.subjectId,
      message: s.message,
      assignedTo: client.relationshipManager ?? null,
    });
    this.changed(tem, alert, AlertChange.RAISED);
    return AlertChange.RAISED;
  }

  /** The rule's condition cleared: resolves the open alert, if any, with a note. */
  async clear(tem: EntityManager, kind: AlertKind, subjectId: string, note: string): Promise<boolean> {
    const existing = await this.open(tem, kind, subjectId);
    if (!existing) return false;
    this.close(tem, existing, note, RISK_RULES);
    return true;
  }

  private close(tem: EntityManager, a: Alert, note: string, by: string, remediation: RemediationDone | null = null): void {
    a.status = AlertStatus.RESOLVED;
    a.resolvedAt = new Date();
    a.resolvedBy = by;
    a.resolutionNote = note;
    if (remediation) {
      a.remediationAction = remediation.action;
      a.remediationTargetType = remediation.targetType;
      a.remediationTargetId = remediation.targetId;
      a.remediationDetail = remediation.detail;
    }
    const extra = remediation ? { remediation: { action: remediation.action, targetType: remediation.targetType, targetId: remediation.targetId } } : {};
    this.changed(tem, a, AlertChange.RESOLVED, extra);
  }

  async acknowledge(id: string, actor: Actor): Promise<Alert> {
    return this.em.transactional(async (tem) => {
      const a = await this.lock(tem, id);
      if (a.status !== AlertStatus.OPEN) throw conflict(`alert is ${a.status}; only an OPEN alert is acknowledged`, 'id', { current: a.status });
      a.status = AlertStatus.ACKNOWLEDGED;
      a.acknowledgedAt = new Date();
      a.acknowledgedBy = actor.name;
      this.changed(tem, a, AlertChange.ACKNOWLEDGED);
      return a;
    });
  }

  /**
   * Resolves an OPEN or ACKNOWLEDGED alert with a note and, optionally, a remediation acted on
   * through the financing services with the note as its reason. One transaction: if the
   * remediation fails, the alert stays as it was and nothing is written. The caller checks that
   * the actor may order the remediation (`assertMayRemediate`).
   */
  async resolve(id: string, note: string, actor: Actor, remediation?: RemediationInput | null, policy?: FinancingPolicy): Promise<Alert> {
    const why = requiredText('note', note, 1000);
    return this.em.transactional(async (tem) => {
      const a = await this.lock(tem, id);
      if (a.status === AlertStatus.RESOLVED) throw conflict('alert is RESOLVED already', 'id', { current: a.status });
      // The remediation first: if it throws, the alert was not touched and the whole transaction rolls back.
      const done = remediation ? await new RemediationService(tem, policy).apply(a, remediation, why, actor) : null;
      this.close(tem, a, why, actor.name, done);
      return a;
    });
  }

  private async lock(tem: EntityManager, id: string): Promise<Alert> {
    const a = await tem.findOne(Alert, { id: idArg('id', id) }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!a) throw notFound('Alert', id);
    return a;
  }

  /** Alerts matching the filter, newest first, keyset-paginated. */
  async list(filter: AlertFilterValues | null | undefined, first?: number | null, after?: string | null) {
    const limit = pageSize(first);
    const where: Record<string, unknown> = {};
    if (filter?.clientId) where.client = idArg('filter.clientId', filter.clientId);
    if (filter?.kinds?.length) where.kind = { $in: filter.kinds };
    if (filter?.statuses?.length) where.status = { $in: filter.statuses };
    if (filter?.minSeverity) where.severity = { $in: atLeast(filter.minSeverity) };
    if (filter?.assignedTo) where.assignedTo = filter.assignedTo;
    const page: Record<string, unknown> = { ...where };
    if (after) {
      const { at, id } = decodeTimeIdCursor(after);
      page.$or = [{ raisedAt: { $lt: new Date(at) } }, { raisedAt: new Date(at), id: { $lt: id } }];
    }
    const qb = this.em.createQueryBuilder(Alert, 'a').where(page).orderBy([{ raisedAt: 'desc' }, { id: 'desc' }]).limit(limit + 1);
    const rows = await readQueryRows(this.em, Alert, qb, 'a');
    return {
      rows,
      limit,
      cursorOf: (a: Row<Alert>) => encodeCursor([a.raisedAt.toISOString(), a.id]),
      count: () => this.em.count(Alert, where),
    };
  }
}
