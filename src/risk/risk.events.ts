/** Outbox topics of the risk domain. */
export const RiskTopic = {
  /** A financial statement was added. Aggregate: the statement. Payload: clientId, periodEnd, zone. */
  STATEMENT_ADDED: 'risk.statement_added',
  /** A client was assessed. Aggregate: the assessment. Payload: clientId, score, tier, previous score and tier, trigger. */
  ASSESSED: 'risk.assessed',
  /**
   * A periodic review was recorded. Aggregate: the review. Payload: reviewId, clientId, outcome,
   * reviewedOn, nextReviewOn (null after an EXIT), status (the client's, after the review).
   */
  REVIEW_RECORDED: 'risk.review_recorded',
} as const;
