import { defineTopic, read } from '../events/catalogue.js';
import { ClientStatus } from '../clients/client.enums.js';
import { AlertChange, AlertKind, AlertStatus, RemediationAction, Severity } from './alert.enums.js';
import { ZScoreZone } from './ratios.js';
import { AssessmentTrigger, ReviewOutcome } from './risk.enums.js';
import { Tier } from './scoring.js';

/** A financial statement was added. Aggregate: the statement. */
export interface StatementAddedPayload {
  statementId: string;
  clientId: string;
  periodEnd: string;
  zone: ZScoreZone;
  /** Decimal string. */
  zScore: string;
}

/** A client was assessed. Aggregate: the assessment. */
export interface AssessedPayload {
  assessmentId: string;
  clientId: string;
  score: number;
  tier: Tier;
  previousScore: number | null;
  previousTier: Tier | null;
  trigger: AssessmentTrigger;
  modelVersion: string;
}

/** A periodic review was recorded. Aggregate: the review. */
export interface ReviewRecordedPayload {
  reviewId: string;
  clientId: string;
  outcome: ReviewOutcome;
  reviewedOn: string;
  /** Null after an EXIT. */
  nextReviewOn: string | null;
  /** The client's, after the review. */
  status: ClientStatus;
}

/** An alert was raised, escalated, acknowledged or resolved. Aggregate: the alert. */
export interface AlertChangedPayload {
  alertId: string;
  clientId: string;
  kind: AlertKind;
  severity: Severity;
  status: AlertStatus;
  change: AlertChange;
  /** What a resolution did, when it acted through the financing services. */
  remediation?: { action: RemediationAction; targetType: string; targetId: string };
}

declare module '../events/catalogue.js' {
  interface EventCatalogue {
    'risk.statement_added': StatementAddedPayload;
    'risk.assessed': AssessedPayload;
    'risk.review_recorded': ReviewRecordedPayload;
    'alert.changed': AlertChangedPayload;
  }
}

const TIERS = Object.values(Tier);
const tierOrNull = (raw: Record<string, unknown>, k: string): Tier | null => {
  const v = read.strOrNull(raw, k);
  return v !== null && (TIERS as string[]).includes(v) ? (v as Tier) : null;
};

/** Outbox topics of the risk domain. */
export const RiskTopic = {
  STATEMENT_ADDED: defineTopic('risk.statement_added', (raw) => ({
    statementId: read.str(raw, 'statementId'),
    clientId: read.str(raw, 'clientId'),
    periodEnd: read.str(raw, 'periodEnd'),
    zone: read.oneOf(raw, 'zone', Object.values(ZScoreZone), ZScoreZone.GREY),
    zScore: read.str(raw, 'zScore', '0'),
  })),
  ASSESSED: defineTopic('risk.assessed', (raw) => ({
    assessmentId: read.str(raw, 'assessmentId'),
    clientId: read.str(raw, 'clientId'),
    score: read.num(raw, 'score'),
    tier: read.oneOf(raw, 'tier', TIERS, Tier.STANDARD),
    previousScore: read.numOrNull(raw, 'previousScore'),
    previousTier: tierOrNull(raw, 'previousTier'),
    trigger: read.oneOf(raw, 'trigger', Object.values(AssessmentTrigger), AssessmentTrigger.MANUAL),
    modelVersion: read.str(raw, 'modelVersion'),
  })),
  REVIEW_RECORDED: defineTopic('risk.review_recorded', (raw) => ({
    reviewId: read.str(raw, 'reviewId'),
    clientId: read.str(raw, 'clientId'),
    outcome: read.oneOf(raw, 'outcome', Object.values(ReviewOutcome), ReviewOutcome.MAINTAIN),
    reviewedOn: read.str(raw, 'reviewedOn'),
    nextReviewOn: read.strOrNull(raw, 'nextReviewOn'),
    status: read.oneOf(raw, 'status', Object.values(ClientStatus), ClientStatus.ACTIVE),
  })),
} as const;

/** The outbox topic of every alert change; `alertChanged` subscribers hear of them. */
export const ALERT_CHANGED = defineTopic('alert.changed', (raw) => {
  const remediation = read.object(raw, 'remediation');
  return {
    alertId: read.str(raw, 'alertId'),
    clientId: read.str(raw, 'clientId'),
    kind: read.oneOf(raw, 'kind', Object.values(AlertKind), AlertKind.CREDIT_DETERIORATION),
    severity: read.oneOf(raw, 'severity', Object.values(Severity), Severity.INFO),
    status: read.oneOf(raw, 'status', Object.values(AlertStatus), AlertStatus.OPEN),
    change: read.oneOf(raw, 'change', Object.values(AlertChange), AlertChange.RAISED),
    ...(remediation
      ? {
          remediation: {
            action: read.oneOf(remediation, 'action', Object.values(RemediationAction), RemediationAction.EXTEND_REPAYMENT),
            targetType: read.str(remediation, 'targetType'),
            targetId: read.str(remediation, 'targetId'),
          },
        }
      : {}),
  };
});
