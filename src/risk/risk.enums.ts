import { registerEnumType } from 'type-graphql';
import { ZScoreZone } from './ratios.js';
import { RiskDimension, Tier } from './scoring.js';

/** What made an assessment happen. */
export enum AssessmentTrigger {
  /** `assessClientRisk`, by a person. */
  MANUAL = 'MANUAL',
  /** A financial statement was added. */
  STATEMENT_ADDED = 'STATEMENT_ADDED',
  /** One of the client's deals moved to another delinquency bucket. */
  BUCKET_CHANGED = 'BUCKET_CHANGED',
  /** One of the client's shipments (or, for a logistics provider, one it carries) went into exception. */
  SHIPMENT_EXCEPTION = 'SHIPMENT_EXCEPTION',
  /** The demo seed. */
  SEED = 'SEED',
}

/**
 * What a periodic risk review decided. The ones that move the client's status do it through the
 * client's status-change path; the others are recorded only, their follow-up (a limit cut, a
 * closer look) being its own operation.
 */
export enum ReviewOutcome {
  /** Nothing changes: the relationship continues as it is (a WATCHLIST client stays on watch). */
  MAINTAIN = 'MAINTAIN',
  /** The client goes on the watch list (ACTIVE → WATCHLIST), reviewed monthly from now on. */
  WATCHLIST = 'WATCHLIST',
  /** The client comes off the watch list (WATCHLIST → ACTIVE), reviewed quarterly again; only for a WATCHLIST client. */
  REINSTATE = 'REINSTATE',
  /** Exposure is to come down; recorded only: limits are cut with `adjustCreditLimit`. */
  REDUCE_EXPOSURE = 'REDUCE_EXPOSURE',
  /**
   * The desk winds the relationship down: the client is SUSPENDED (no new deals, no drawing on its
   * lines; what is outstanding runs off) and leaves the review schedule. It is not TERMINATED,
   * which is final and is for when nothing is owed any more.
   */
  EXIT = 'EXIT',
}

registerEnumType(Tier, { name: 'Tier', description: 'Credit tier: the score against the industry thresholds, with the screening gates on top' });
registerEnumType(ZScoreZone, { name: 'ZScoreZone', description: "Altman Z″ zone: SAFE above 2.6, GREY 1.1–2.6, DISTRESS below 1.1" });
registerEnumType(RiskDimension, { name: 'RiskDimension' });
registerEnumType(AssessmentTrigger, { name: 'AssessmentTrigger', description: 'What made an assessment happen' });
registerEnumType(ReviewOutcome, {
  name: 'ReviewOutcome',
  description: 'What a periodic risk review decided',
  valuesConfig: {
    MAINTAIN: { description: 'No change; a WATCHLIST client stays on watch' },
    WATCHLIST: { description: 'ACTIVE → WATCHLIST: reviewed monthly from now on' },
    REINSTATE: { description: 'WATCHLIST → ACTIVE: reviewed quarterly again (only for a WATCHLIST client)' },
    REDUCE_EXPOSURE: { description: 'Recorded only: cut limits with adjustCreditLimit' },
    EXIT: { description: 'Wind-down: the client is SUSPENDED (no new deals; outstanding deals run off) and leaves the review schedule' },
  },
});

export { RiskDimension, Tier, ZScoreZone };
