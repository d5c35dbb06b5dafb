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

registerEnumType(Tier, { name: 'Tier', description: 'Credit tier: the score against the industry thresholds, with the screening gates on top' });
registerEnumType(ZScoreZone, { name: 'ZScoreZone', description: "Altman Z″ zone: SAFE above 2.6, GREY 1.1–2.6, DISTRESS below 1.1" });
registerEnumType(RiskDimension, { name: 'RiskDimension' });
registerEnumType(AssessmentTrigger, { name: 'AssessmentTrigger', description: 'What made an assessment happen' });

export { RiskDimension, Tier, ZScoreZone };
