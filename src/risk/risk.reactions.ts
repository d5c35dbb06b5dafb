import type { EntityManager } from '@mikro-orm/postgresql';
import { VARIABLES, type RawConfig } from '../config.js';
import { isEvent, payloadOf } from '../events/catalogue.js';
import type { ConsumerRule } from '../events/consumer.js';
import type { RetryPolicy } from '../events/consumer-retry.js';
import type { DomainEvent } from '../events/outbox.js';
import { FinancingTopic } from '../financing/financing.events.js';
import { SHIPMENT_UPDATED } from '../logistics/shipment.events.js';
import { EXCEPTION_STATUSES } from '../logistics/tracking.js';
import { sqlRows } from '../db/sql.js';
import { ALERT_RULE_TOPICS, applyEventRules, applyShipmentConditionRules, concernsAlertRules, type AlertThresholds } from './alert.rules.js';
import { carriersOf } from './operational.js';
import { AssessmentTrigger } from './risk.enums.js';
import { RiskTopic } from './risk.events.js';
import { RiskService } from './risk.service.js';

/** The durable consumer that runs the risk rules: its name in `outbox_consumer` and in dead letters. */
export const RISK_CONSUMER = 'risk.reactions';
/** The longest wait between retries of a failing event, unless `RISK_REACTION_RETRY_MS` is longer. */
const MAX_RETRY_DELAY_MS = 60_000;

/** The retry policy a configuration sets (`RISK_REACTION_MAX_ATTEMPTS`, `RISK_REACTION_RETRY_MS`). */
export function riskRetryPolicy(config: Pick<RawConfig, 'RISK_REACTION_MAX_ATTEMPTS' | 'RISK_REACTION_RETRY_MS'> = {
  RISK_REACTION_MAX_ATTEMPTS: VARIABLES.RISK_REACTION_MAX_ATTEMPTS.default,
  RISK_REACTION_RETRY_MS: VARIABLES.RISK_REACTION_RETRY_MS.default,
}): RetryPolicy {
  return { maxAttempts: config.RISK_REACTION_MAX_ATTEMPTS, firstDelayMs: config.RISK_REACTION_RETRY_MS, maxDelayMs: MAX_RETRY_DELAY_MS };
}

/** What an event asks of the re-assessment rule: which client to re-assess and why; null when nothing. */
export function reassessmentOf(e: DomainEvent): { clientId: string; trigger: AssessmentTrigger } | null {
  const of = (clientId: string, trigger: AssessmentTrigger) => (clientId ? { clientId, trigger } : null);
  if (isEvent(e, RiskTopic.STATEMENT_ADDED)) return of(payloadOf(e, RiskTopic.STATEMENT_ADDED).clientId, AssessmentTrigger.STATEMENT_ADDED);
  if (isEvent(e, FinancingTopic.BUCKET_CHANGED)) return of(payloadOf(e, FinancingTopic.BUCKET_CHANGED).clientId, AssessmentTrigger.BUCKET_CHANGED);
  if (isEvent(e, SHIPMENT_UPDATED)) {
    const p = payloadOf(e, SHIPMENT_UPDATED);
    if (EXCEPTION_STATUSES.has(p.status) && (p.statusChanged || p.reasonChanged)) return of(p.clientId, AssessmentTrigger.SHIPMENT_EXCEPTION);
  }
  return null;
}

/**
 * The risk domain's reactions to outbox events, as rules of one durable consumer
 * (`RISK_CONSUMER`, see `DurableConsumer`): the early-warning rules first, then re-assessment of
 * a client whose inputs changed — a new statement, a bucket change, a shipment exception (and,
 * for the latter, the logistics providers carrying for the client).
 */
export function riskRules(thresholds: AlertThresholds): ConsumerRule[] {
  return [
    {
      name: 'early-warning rules',
      topics: ALERT_RULE_TOPICS,
      accepts: concernsAlertRules,
      act: (tem, e) => applyEventRules(tem, e, thresholds),
      settle: (tem, events) => applyShipmentConditionRules(tem, events, thresholds),
    },
    {
      name: 're-assessment',
      topics: [RiskTopic.STATEMENT_ADDED, FinancingTopic.BUCKET_CHANGED, SHIPMENT_UPDATED],
      accepts: (e) => reassessmentOf(e) !== null,
      act: reassess,
    },
  ];
}

async function reassess(tem: EntityManager, e: DomainEvent): Promise<void> {
  const what = reassessmentOf(e);
  if (!what) return;
  const clients = [what.clientId];
  // A shipment exception also moves the operational score of the providers carrying it.
  if (what.trigger === AssessmentTrigger.SHIPMENT_EXCEPTION) clients.push(...(await carriersOf(tem, what.clientId)));
  const risk = new RiskService(tem);
  for (const clientId of clients) {
    const exists = await sqlRows<{ n: number }>(tem, 'select 1 as n from client where id = ?', [clientId]);
    if (exists.length) await risk.assessIn(tem, clientId, { trigger: what.trigger, by: 'risk reactions' });
  }
}
