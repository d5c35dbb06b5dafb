import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Client } from '../clients/client.entity.js';
import { ClientStatus } from '../clients/client.enums.js';
import { addMonths, reviewCadence } from '../clients/review-schedule.js';
import { BucketChangeCause, DelinquencyBucket, FinancingStatus } from '../financing/financing.enums.js';
import { addDays, businessDate } from '../financing/financing.rules.js';
import { DEFAULT_ALERT_THRESHOLDS, onBucketChanged, onLineUtilisation, type AlertThresholds } from '../risk/alert.rules.js';
import { computeRatios } from '../risk/ratios.js';
import type { RiskAssessment } from '../risk/risk-assessment.entity.js';
import { RiskReview } from '../risk/risk-review.entity.js';
import { AssessmentTrigger, ReviewOutcome } from '../risk/risk.enums.js';
import { RiskService } from '../risk/risk.service.js';
import { FinancialStatement } from '../risk/statement.entity.js';
import { sqlRows } from '../db/sql.js';

/** Balance-sheet shapes per 1,000,000 of total assets: SAFE, GREY and DISTRESS Z″. */
const PROFILES = {
  strong: { tl: 400, ca: 600, cl: 300, re: 250, ebit: 120, rev: 1500, be: 600, ocf: 90 },
  fair: { tl: 600, ca: 500, cl: 350, re: 100, ebit: 60, rev: 1200, be: 400, ocf: 30 },
  weak: { tl: 800, ca: 400, cl: 380, re: 20, ebit: 20, rev: 900, be: 200, ocf: -10 },
} as const;

function profileOf(rating: string | null | undefined): keyof typeof PROFILES {
  if (rating === 'AAA' || rating === 'AA') return 'strong';
  if (rating === 'A' || rating === 'BBB' || !rating) return 'fair';
  return 'weak';
}

/**
 * The risk part of the demo, in the seed's transaction: a last-year statement per client (its
 * shape follows the rating), a first assessment of every client, and the early-warning rules run
 * against the seeded state (overdue deals, nearly used credit lines) so that alerts are open.
 * The seed writes rows directly, without outbox events, so the rules are given the events the
 * state would have produced. Then a few periodic reviews: see `seedDemoReviews`.
 */
export async function seedDemoRisk(tx: EntityManager, now: Date, thresholds: AlertThresholds = DEFAULT_ALERT_THRESHOLDS): Promise<void> {
  const clients = await tx.find(Client, {}, { orderBy: { id: 'asc' } });
  const periodEnd = `${now.getUTCFullYear() - 1}-12-31`;
  clients.forEach((client, i) => {
    const p = PROFILES[profileOf(client.creditRating)];
    const scale = new Decimal(1000 + ((i * 7919) % 9000)); // thousands: 1 to 10 million of assets
    const k = (v: number) => scale.times(v);
    const figures = {
      totalAssets: k(1000),
      totalLiabilities: k(p.tl),
      currentAssets: k(p.ca),
      currentLiabilities: k(p.cl),
      retainedEarnings: k(p.re),
      ebit: k(p.ebit),
      revenue: k(p.rev),
      bookEquity: k(p.be),
      operatingCashFlow: k(p.ocf),
    };
    const r = computeRatios(figures);
    tx.create(FinancialStatement, {
      client,
      periodEnd,
      totalAssets: figures.totalAssets.toFixed(2),
      totalLiabilities: figures.totalLiabilities.toFixed(2),
      currentAssets: figures.currentAssets.toFixed(2),
      currentLiabilities: figures.currentLiabilities.toFixed(2),
      retainedEarnings: figures.retainedEarnings.toFixed(2),
      ebit: figures.ebit.toFixed(2),
      revenue: figures.revenue.toFixed(2),
      bookEquity: figures.bookEquity.toFixed(2),
      operatingCashFlow: figures.operatingCashFlow.toFixed(2),
      debtRatio: r.debtRatio.toFixed(6),
      currentRatio: r.currentRatio.toFixed(6),
      operatingCashFlowCoverage: r.operatingCashFlowCoverage?.toFixed(6) ?? null,
      zScore: r.zScore.toFixed(6),
      zone: r.zone,
    });
  });
  await tx.flush();
  const risk = new RiskService(tx);
  const assessed = new Map<string, RiskAssessment>();
  for (const c of clients) assessed.set(c.id, await risk.assessIn(tx, c.id, { trigger: AssessmentTrigger.SEED, by: 'demo seed' }, now));
  seedDemoReviews(tx, clients, assessed, businessDate(now));
  await tx.flush();

  // The alerts the seeded history calls for, from the rules themselves (the seed writes rows
  // directly and appends no outbox events, so the consumer would never see this history).
  const overdue = await sqlRows<{ id: string; client_id: string; bucket: DelinquencyBucket; status: FinancingStatus; dpd: number; as_of: string }>(
    tx,
    `select f.id, f.client_id, f.recorded_bucket as bucket, f.status,
            coalesce((select b.days_past_due from bucket_change b where b.financing_id = f.id order by b.recorded_at desc limit 1), 0)::int as dpd,
            coalesce((select b.as_of::text from bucket_change b where b.financing_id = f.id order by b.recorded_at desc limit 1), '') as as_of
       from financing f where f.recorded_bucket <> 'CURRENT' order by f.id`,
  );
  const lines = await sqlRows<{ id: string; client_id: string }>(tx, `select id, client_id from credit_line order by id`);
  for (const f of overdue) {
    await onBucketChanged(tx, { financingId: f.id, clientId: f.client_id, to: f.bucket, daysPastDue: f.dpd, asOf: f.as_of, cause: BucketChangeCause.SCAN, status: f.status });
  }
  for (const l of lines) await onLineUtilisation(tx, l.client_id, l.id, thresholds);
}

const REVIEWER = 'demo seed';

/**
 * Periodic reviews of a few clients, written directly like the rest of the seed (no outbox
 * events): three ACTIVE clients and a WATCHLIST one reviewed today, with the assessment just made
 * (the first three after a review a quarter ago, before the hub assessed anyone: no tier then),
 * and four clients overdue — two ACTIVE and one WATCHLIST whose last review's next date has
 * passed, and one never reviewed whose anniversary date has — so that `riskReviewsDue` lists them.
 */
function seedDemoReviews(tx: EntityManager, clients: Client[], assessed: Map<string, RiskAssessment>, today: string): void {
  const active = clients.filter((c) => c.status === ClientStatus.ACTIVE);
  const watched = clients.filter((c) => c.status === ClientStatus.WATCHLIST);
  const review = (client: Client, daysAgo: number, outcome: ReviewOutcome, note: string): void => {
    const reviewedOn = addDays(today, -daysAgo);
    const nextReviewOn = addMonths(reviewedOn, reviewCadence(client.status)!);
    const a = daysAgo === 0 ? assessed.get(client.id) : undefined;
    tx.create(RiskReview, { client, reviewedOn, outcome, note, reviewer: REVIEWER, tier: a?.tier ?? null, score: a?.score ?? null, status: client.status, nextReviewOn });
    client.nextReviewOn = nextReviewOn;
  };

  const [a0, a1, a2, a3, a4, a5] = active;
  const [w0, w1] = watched;
  if (a0) {
    review(a0, 91, ReviewOutcome.MAINTAIN, 'Repayments on time, statements filed; no change.');
    review(a0, 0, ReviewOutcome.MAINTAIN, 'Score and tier as expected; limits adequate for the coming season.');
  }
  if (a1) {
    review(a1, 92, ReviewOutcome.MAINTAIN, 'Stable volumes with the core enterprise; no change.');
    review(a1, 0, ReviewOutcome.REDUCE_EXPOSURE, 'Exposure high for its tier; cut the unused part of the line at renewal.');
  }
  if (a2) {
    review(a2, 93, ReviewOutcome.MAINTAIN, 'First review after onboarding; documents complete.');
    review(a2, 0, ReviewOutcome.MAINTAIN, 'Orders steady; no exceptions in shipments this quarter.');
  }
  if (w0) review(w0, 0, ReviewOutcome.MAINTAIN, 'Still weak margins and a late repayment last month; stays on the watch list, reviewed monthly.');
  // Overdue.
  if (a3) review(a3, 110, ReviewOutcome.MAINTAIN, 'No change; next review at the usual quarter.');
  if (a4) review(a4, 125, ReviewOutcome.REDUCE_EXPOSURE, 'Exposure trimmed while its core enterprise pays more slowly.');
  if (w1) review(w1, 45, ReviewOutcome.WATCHLIST, 'Margins under pressure and payments slowing: on the watch list, reviewed monthly.');
  if (a5) a5.nextReviewOn = addDays(today, -4);
}
