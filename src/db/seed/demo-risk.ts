import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Client } from '../../clients/client.entity.js';
import { FinancingTopic } from '../../financing/financing.events.js';
import { applyAlertRules, DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from '../../risk/alert.rules.js';
import { computeRatios } from '../../risk/ratios.js';
import { AssessmentTrigger } from '../../risk/risk.enums.js';
import { RiskService } from '../../risk/risk.service.js';
import { FinancialStatement } from '../../risk/statement.entity.js';

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
 * state would have produced.
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
  for (const c of clients) await risk.assessIn(tx, c.id, { trigger: AssessmentTrigger.SEED, by: 'demo seed' }, now);
  await tx.flush();

  const conn = tx.getConnection();
  const ctx = tx.getTransactionContext();
  const overdue = await conn.execute<{ id: string; client_id: string; bucket: string; dpd: number; as_of: string }[]>(
    `select f.id, f.client_id, f.recorded_bucket as bucket,
            coalesce((select b.days_past_due from bucket_change b where b.financing_id = f.id order by b.recorded_at desc limit 1), 0)::int as dpd,
            coalesce((select b.as_of::text from bucket_change b where b.financing_id = f.id order by b.recorded_at desc limit 1), '') as as_of
       from financing f where f.recorded_bucket <> 'CURRENT' order by f.id`,
    [],
    'all',
    ctx,
  );
  const lines = await conn.execute<{ id: string; client_id: string }[]>(`select id, client_id from credit_line order by id`, [], 'all', ctx);
  const event = (topic: string, aggregateId: string, payload: Record<string, unknown>) => ({ seq: '0', txid: '0', topic, aggregateId, payload, createdAt: now });
  for (const f of overdue) {
    await applyAlertRules(tx, event(FinancingTopic.BUCKET_CHANGED, f.id, { financingId: f.id, clientId: f.client_id, to: f.bucket, daysPastDue: f.dpd, asOf: f.as_of }), thresholds);
  }
  for (const l of lines) {
    await applyAlertRules(tx, event(FinancingTopic.CREDIT_LINE_CHANGED, l.id, { creditLineId: l.id, clientId: l.client_id }), thresholds);
  }
}
