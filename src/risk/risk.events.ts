/** Outbox topics of the risk domain. */
export const RiskTopic = {
  /** A financial statement was added. Aggregate: the statement. Payload: clientId, periodEnd, zone. */
  STATEMENT_ADDED: 'risk.statement_added',
  /** A client was assessed. Aggregate: the assessment. Payload: clientId, score, tier, previous score and tier, trigger. */
  ASSESSED: 'risk.assessed',
} as const;
