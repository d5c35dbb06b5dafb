import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { isEvent, payloadOf } from '../events/catalogue.js';
import type { DomainEvent } from '../events/outbox.js';
import { BucketChangeCause } from '../financing/financing.enums.js';
import { FinancingTopic, type BucketChangedPayload } from '../financing/financing.events.js';
import { utilizationOf } from '../financing/money.js';
import { SHIPMENT_UPDATED, type ShipmentUpdatedPayload } from '../logistics/shipment.events.js';
import { EXCEPTION_STATUSES } from '../logistics/tracking.js';
import { AlertKind, Severity } from './alert.enums.js';
import { AlertService } from './alert.service.js';
import { carriersOfAll } from './operational.js';
import { RiskTopic, type AssessedPayload } from './risk.events.js';
import { applyConditionRule, carrierSafety, complaintUnresolved, concentration, reviewDue, shipmentDelayed } from './alert.scan.js';
import { CLIENT_CHANGED, ClientChange, type ClientChangedPayload } from '../clients/client.events.js';
import { Tier } from './scoring.js';
import { loadConfig, type RawConfig } from '../config.js';
import { sqlRows } from '../db/sql.js';

/** Thresholds of the early-warning rules (configuration). */
export interface AlertThresholds {
  /** CREDIT_DETERIORATION when a score falls by at least this many points (tier unchanged). */
  scoreDrop: number;
  /** CREDIT_LIMIT_NEAR when a line's utilisation reaches this fraction of its limit. */
  limitUtilization: number;
  /** SHIPMENT_DELAYED turns CRITICAL this many days past the expected delivery. */
  delayCriticalDays: number;
  /** CONCENTRATION when one counterparty carries this fraction of a client's exposure. */
  concentrationShare: number;
  /** COMPLAINT_UNRESOLVED this many days after a complaint was submitted. */
  complaintDays: number;
  /** CARRIER_SAFETY at this exception rate of what a logistics provider carries… */
  carrierExceptionRate: number;
  /** …once it has carried at least this many shipments. */
  carrierMinShipments: number;
  /** REVIEW_DUE turns CRITICAL this many days after the review date. */
  reviewCriticalDays: number;
}

type ThresholdVariables =
  | 'RISK_ALERT_SCORE_DROP'
  | 'RISK_ALERT_LIMIT_UTILIZATION'
  | 'RISK_ALERT_DELAY_CRITICAL_DAYS'
  | 'RISK_ALERT_CONCENTRATION_SHARE'
  | 'RISK_ALERT_COMPLAINT_DAYS'
  | 'RISK_ALERT_CARRIER_EXCEPTION_RATE'
  | 'RISK_ALERT_CARRIER_MIN_SHIPMENTS'
  | 'RISK_ALERT_REVIEW_CRITICAL_DAYS';

/** The thresholds a configuration sets (the `RISK_ALERT_*` variables). */
export function alertThresholds(config: Pick<RawConfig, ThresholdVariables>): AlertThresholds {
  return {
    scoreDrop: config.RISK_ALERT_SCORE_DROP,
    limitUtilization: Number(config.RISK_ALERT_LIMIT_UTILIZATION),
    delayCriticalDays: config.RISK_ALERT_DELAY_CRITICAL_DAYS,
    concentrationShare: Number(config.RISK_ALERT_CONCENTRATION_SHARE),
    complaintDays: config.RISK_ALERT_COMPLAINT_DAYS,
    carrierExceptionRate: Number(config.RISK_ALERT_CARRIER_EXCEPTION_RATE),
    carrierMinShipments: config.RISK_ALERT_CARRIER_MIN_SHIPMENTS,
    reviewCriticalDays: config.RISK_ALERT_REVIEW_CRITICAL_DAYS,
  };
}

/** The configuration's defaults, for callers without a config. */
export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = alertThresholds(loadConfig({}));

const TIER_RANK: Record<Tier, number> = { PREMIUM: 0, STANDARD: 1, SUBPRIME: 2 };
const BUCKET_SEVERITY: Record<string, Severity> = {
  DPD_1_30: Severity.INFO,
  DPD_31_60: Severity.WARNING,
  DPD_61_90: Severity.CRITICAL,
  DPD_90_PLUS: Severity.CRITICAL,
};
const GRAVE_REASONS = new Set(['LOST', 'DAMAGED']);

/** Topics the rules react to (client changes: only those in `ALERT_RULE_CLIENT_CHANGES`). */
export const ALERT_RULE_TOPICS: readonly string[] = [
  RiskTopic.ASSESSED,
  FinancingTopic.BUCKET_CHANGED,
  FinancingTopic.TRANSITIONED,
  FinancingTopic.REPAYMENT_RECORDED,
  FinancingTopic.CREDIT_LINE_CHANGED,
  SHIPMENT_UPDATED,
  CLIENT_CHANGED,
];
const NON_CLIENT_TOPICS: ReadonlySet<string> = new Set(ALERT_RULE_TOPICS.filter((t) => t !== CLIENT_CHANGED));
/** The client changes the rules react to; every other client change (most of them) needs nothing. */
const ALERT_RULE_CLIENT_CHANGES: ReadonlySet<string> = new Set([ClientChange.COMPLAINT_STARTED, ClientChange.COMPLAINT_RESOLVED, ClientChange.STATUS_CHANGED]);

/** Whether `applyAlertRules` may act on an event: the reactions skip the rest without a transaction. */
export function concernsAlertRules(e: DomainEvent): boolean {
  if (isEvent(e, CLIENT_CHANGED)) return ALERT_RULE_CLIENT_CHANGES.has(payloadOf(e, CLIENT_CHANGED).change);
  return NON_CLIENT_TOPICS.has(e.topic);
}

const trackingNumberOf = async (tem: EntityManager, shipmentId: string) =>
  (await sqlRows<{ n: string }>(tem, 'select tracking_number as n from shipment where id = ?', [shipmentId]))[0]?.n ?? shipmentId;

/** What the PAYMENT_OVERDUE rule reads of a bucket change. */
export type BucketChange = Pick<BucketChangedPayload, 'financingId' | 'clientId' | 'to' | 'daysPastDue' | 'asOf' | 'cause' | 'status'>;

/** Why a deal is no longer past due. */
function currentAgainNote(p: BucketChange): string {
  const asOf = p.asOf || 'today';
  switch (p.cause) {
    case BucketChangeCause.RESTRUCTURE:
      return `restructured: a new schedule from ${asOf}, nothing past due under it`;
    case BucketChangeCause.TERMINATION:
      return `terminated with recourse on ${asOf}: the whole claim is due now (overdue from tomorrow if unpaid)`;
    case BucketChangeCause.SCAN:
      return `no instalment past due as of ${asOf} (deal ${p.status})`;
    default:
      // REPAYMENT, and events from before causes were recorded (the note they always had).
      return `paid: the deal is current again (as of ${asOf})`;
  }
}

/**
 * The condition rules that shipment events call for — SHIPMENT_DELAYED on the shipments,
 * CARRIER_SAFETY on the providers carrying for clients whose shipments changed status — judged
 * once for several events: they judge the current state, so once after a batch of events comes
 * to the same as once after each.
 */
export async function applyShipmentConditionRules(tem: EntityManager, events: readonly DomainEvent[], t: AlertThresholds): Promise<void> {
  const shipments = new Set<string>();
  const moved = new Set<string>();
  for (const e of events) {
    if (!isEvent(e, SHIPMENT_UPDATED)) continue;
    const p = payloadOf(e, SHIPMENT_UPDATED);
    if (!p.clientId) continue;
    if (p.shipmentId) shipments.add(p.shipmentId);
    if (p.statusChanged || p.reasonChanged) moved.add(p.clientId);
  }
  const now = new Date();
  // Late or not: judged now, on the shipment as it is (its ETA may have moved, or it arrived).
  if (shipments.size) await applyConditionRule(tem, shipmentDelayed, t, now, [...shipments].sort());
  // The carriers of these clients' goods: their exception rate moved.
  if (moved.size) await applyConditionRule(tem, carrierSafety, t, now, await carriersOfAll(tem, [...moved].sort()));
}

/**
 * Applies the early-warning rules to one event, in the caller's transaction: raises, escalates
 * or clears alerts. Rules: CREDIT_DETERIORATION, PAYMENT_OVERDUE, SHIPMENT_EXCEPTION,
 * CREDIT_LIMIT_NEAR, and the condition rules of `alert.scan.ts` (CONCENTRATION, REVIEW_DUE,
 * COMPLAINT_UNRESOLVED) over the subjects the event touched. SHIPMENT_DELAYED and CARRIER_SAFETY
 * are `applyShipmentConditionRules`'s, once for a batch of events.
 */
export async function applyEventRules(tem: EntityManager, e: DomainEvent, t: AlertThresholds): Promise<void> {
  if (isEvent(e, RiskTopic.ASSESSED)) return onAssessed(tem, payloadOf(e, RiskTopic.ASSESSED), t);
  if (isEvent(e, FinancingTopic.BUCKET_CHANGED)) return onBucketChanged(tem, payloadOf(e, FinancingTopic.BUCKET_CHANGED));
  if (isEvent(e, CLIENT_CHANGED)) return onClientChanged(tem, payloadOf(e, CLIENT_CHANGED), t);
  if (isEvent(e, SHIPMENT_UPDATED)) return onShipmentException(tem, payloadOf(e, SHIPMENT_UPDATED));
  if (isEvent(e, FinancingTopic.CREDIT_LINE_CHANGED)) {
    const p = payloadOf(e, FinancingTopic.CREDIT_LINE_CHANGED);
    return onLineUtilisation(tem, p.clientId, p.creditLineId, t);
  }
  if (isEvent(e, FinancingTopic.TRANSITIONED)) return onDealMoved(tem, payloadOf(e, FinancingTopic.TRANSITIONED), t);
  if (isEvent(e, FinancingTopic.REPAYMENT_RECORDED)) return onDealMoved(tem, payloadOf(e, FinancingTopic.REPAYMENT_RECORDED), t);
}

async function onAssessed(tem: EntityManager, p: AssessedPayload, t: AlertThresholds): Promise<void> {
  const alerts = new AlertService(tem);
  const { clientId, tier, previousTier, score, previousScore } = p;
  if (!clientId || !previousTier || previousScore === null) return;
  if (TIER_RANK[tier] > TIER_RANK[previousTier]) {
    await alerts.raise(tem, {
      kind: AlertKind.CREDIT_DETERIORATION,
      severity: tier === Tier.SUBPRIME ? Severity.CRITICAL : Severity.WARNING,
      clientId,
      subjectType: 'CLIENT',
      subjectId: clientId,
      message: `tier fell from ${previousTier} to ${tier} (score ${previousScore} → ${score})`,
    });
  } else if (previousScore - score >= t.scoreDrop) {
    await alerts.raise(tem, {
      kind: AlertKind.CREDIT_DETERIORATION,
      severity: Severity.INFO,
      clientId,
      subjectType: 'CLIENT',
      subjectId: clientId,
      message: `score fell by ${Math.round((previousScore - score) * 10) / 10} points (${previousScore} → ${score}), tier ${tier}`,
    });
  } else if (TIER_RANK[tier] < TIER_RANK[previousTier]) {
    await alerts.clear(tem, AlertKind.CREDIT_DETERIORATION, clientId, `tier improved to ${tier} (score ${score})`);
  } else {
    // A score drop within the tier (INFO) clears when the score is back where it was before
    // the drop: the assessment before the one that raised it.
    const [before] = await sqlRows<{ score: number }>(
      tem,
      `select r.score::float as score from alert a
         join lateral (select score from risk_assessment where client_id = a.client_id and assessed_at < a.raised_at
                        order by assessed_at desc, id desc offset 1 limit 1) r on true
        where a.kind = ? and a.subject_id = ? and a.status <> 'RESOLVED' and a.severity = ?`,
      [AlertKind.CREDIT_DETERIORATION, clientId, Severity.INFO],
    );
    if (before && score >= before.score) {
      await alerts.clear(tem, AlertKind.CREDIT_DETERIORATION, clientId, `score recovered to ${score} (${before.score} before the drop), tier ${tier}`);
    }
  }
}

/** PAYMENT_OVERDUE: raised, escalated or cleared as a deal changes bucket (the demo seed calls it too). */
export async function onBucketChanged(tem: EntityManager, p: BucketChange): Promise<void> {
  if (!p.clientId || !p.financingId) return;
  const alerts = new AlertService(tem);
  const severity = BUCKET_SEVERITY[p.to];
  if (!severity) {
    await alerts.clear(tem, AlertKind.PAYMENT_OVERDUE, p.financingId, currentAgainNote(p));
  } else {
    await alerts.raise(tem, {
      kind: AlertKind.PAYMENT_OVERDUE,
      severity,
      clientId: p.clientId,
      subjectType: 'FINANCING',
      subjectId: p.financingId,
      message: `deal ${p.financingId} is ${p.daysPastDue} days past due (${p.to})`,
    });
  }
}

async function onClientChanged(tem: EntityManager, p: ClientChangedPayload, t: AlertThresholds): Promise<void> {
  if (!p.clientId) return;
  if ((p.change === ClientChange.COMPLAINT_RESOLVED || p.change === ClientChange.COMPLAINT_STARTED) && p.subjectId) {
    await applyConditionRule(tem, complaintUnresolved, t, new Date(), [p.subjectId]);
  } else if (p.change === ClientChange.STATUS_CHANGED) {
    await applyConditionRule(tem, reviewDue, t, new Date(), [p.clientId]);
  }
}

/** SHIPMENT_EXCEPTION: raised on an exception status, cleared on delivery or cancellation. */
async function onShipmentException(tem: EntityManager, p: ShipmentUpdatedPayload): Promise<void> {
  if (!p.clientId) return;
  const alerts = new AlertService(tem);
  if (EXCEPTION_STATUSES.has(p.status)) {
    const grave = p.status === 'RETURNED' || (p.reason !== null && GRAVE_REASONS.has(p.reason));
    await alerts.raise(tem, {
      kind: AlertKind.SHIPMENT_EXCEPTION,
      severity: grave ? Severity.CRITICAL : Severity.WARNING,
      clientId: p.clientId,
      subjectType: 'SHIPMENT',
      subjectId: p.shipmentId,
      message: `shipment ${await trackingNumberOf(tem, p.shipmentId)} (${p.partnerCode}) is ${p.status}${p.reason ? ` (${p.reason})` : ''}`,
    });
  } else if (p.status === 'DELIVERED' || p.status === 'CANCELLED') {
    await alerts.clear(tem, AlertKind.SHIPMENT_EXCEPTION, p.shipmentId, `shipment ${p.status.toLowerCase()}`);
  }
}

/** A deal transition or a repayment: exposure moved (CONCENTRATION), and so did its line's use. */
async function onDealMoved(tem: EntityManager, p: { financingId: string; clientId: string }, t: AlertThresholds): Promise<void> {
  if (!p.clientId || !p.financingId) return;
  const [deal] = await sqlRows<{ line: string | null; client: string; anchor: string | null }>(
    tem,
    'select credit_line_id as line, client_id as client, anchor_client_id as anchor from financing where id = ?',
    [p.financingId],
  );
  if (!deal) return;
  // Exposure moved: the borrower's concentration, and that of the chains it belongs to.
  const cores = await sqlRows<{ id: string }>(tem, 'select core_enterprise_id as id from supply_chain_link where counterparty_id = ?', [deal.client]);
  const scope = [...new Set([deal.client, ...(deal.anchor ? [deal.anchor] : []), ...cores.map((c) => c.id)])].sort();
  await applyConditionRule(tem, concentration, t, new Date(), scope);
  if (deal.line) await onLineUtilisation(tem, p.clientId, deal.line, t);
}

/** CREDIT_LIMIT_NEAR: raised, escalated or cleared as a line's utilisation moves (the demo seed calls it too). */
export async function onLineUtilisation(tem: EntityManager, clientId: string, lineId: string, t: AlertThresholds): Promise<void> {
  if (!clientId || !lineId) return;
  const alerts = new AlertService(tem);
  const [line] = await sqlRows<{ limit: string; currency: string }>(tem, 'select "limit"::text as "limit", currency from credit_line where id = ?', [lineId]);
  if (!line) return;
  const limit = new Decimal(line.limit);
  const used = (await utilizationOf(tem, [lineId])).get(lineId) ?? new Decimal(0);
  const share = limit.isZero() ? (used.isZero() ? new Decimal(0) : new Decimal(1)) : used.div(limit);
  if (share.gte(t.limitUtilization)) {
    await alerts.raise(tem, {
      kind: AlertKind.CREDIT_LIMIT_NEAR,
      severity: share.gte(1) ? Severity.CRITICAL : Severity.WARNING,
      clientId,
      subjectType: 'CREDIT_LINE',
      subjectId: lineId,
      message: `credit line ${lineId} is ${share.times(100).toDecimalPlaces(1).toFixed()}% used (${used.toFixed(2)} of ${limit.toFixed(2)} ${line.currency})`,
    });
  } else {
    await alerts.clear(tem, AlertKind.CREDIT_LIMIT_NEAR, lineId, `utilisation back to ${share.times(100).toDecimalPlaces(1).toFixed()}%`);
  }
}
