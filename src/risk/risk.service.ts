import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Client } from '../clients/client.entity.js';
import { ClientKind, INDUSTRY_VOLATILITY } from '../clients/client.enums.js';
import { idArg } from '../core/text.js';
import { appendEvent } from '../events/outbox.js';
import { ExposureService } from '../financing/exposure.service.js';
import { notFound } from '../core/errors.js';
import { CARRIED_FOR_SQL, EXCEPTION_STATUS_LIST, IS_EXCEPTION_SQL, OPERATIONAL_WINDOW_DAYS } from './operational.js';
import { ZScoreZone } from './ratios.js';
import { RiskAssessment } from './risk-assessment.entity.js';
import { AssessmentTrigger } from './risk.enums.js';
import { RiskTopic } from './risk.events.js';
import { scoreClient, type RiskInputs } from './scoring.js';
import { FinancialStatement } from './statement.entity.js';
import { sqlRows } from '../db/sql.js';


export interface AssessmentSource {
  trigger: AssessmentTrigger;
  /** API key name, or the reaction's name. */
  by: string;
}

/**
 * Builds a client's `RiskInputs` from what the hub knows, scores it (`scoreClient`, pure) and
 * keeps the result. Everything is read in the caller's transaction.
 */
export class RiskService {
  constructor(private readonly em: EntityManager) {}

  /** Assesses one client now, in a transaction of its own. */
  async assess(clientId: string, source: AssessmentSource, now = new Date()): Promise<RiskAssessment> {
    const id = idArg('clientId', clientId);
    return this.em.transactional((tem) => this.assessIn(tem, id, source, now));
  }

  /** Assesses inside the caller's transaction (the outbox reaction advances its position in it). */
  async assessIn(tem: EntityManager, clientId: string, source: AssessmentSource, now = new Date()): Promise<RiskAssessment> {
    // Locks the client: assessments of one client are serialised, so "previous" is exact.
    const client = await tem.findOne(Client, { id: clientId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!client) throw notFound('Client', clientId);
    const inputs = await this.inputsOf(tem, client, now);
    const result = scoreClient(inputs);
    const previous = await tem.findOne(RiskAssessment, { client }, { orderBy: [{ assessedAt: 'desc' }, { id: 'desc' }] });
    const assessment = tem.create(RiskAssessment, {
      client,
      score: result.score.toFixed(1),
      tier: result.tier,
      zScore: inputs.financials?.zScore.toFixed(6) ?? null,
      zone: inputs.financials?.zone ?? null,
      dimensions: result.dimensions,
      reasons: result.reasons,
      modelVersion: result.modelVersion,
      trigger: source.trigger,
      assessedBy: source.by,
    });
    appendEvent(tem, RiskTopic.ASSESSED, assessment.id, {
      assessmentId: assessment.id,
      clientId: client.id,
      score: result.score,
      tier: result.tier,
      previousScore: previous ? Number(previous.score) : null,
      previousTier: previous?.tier ?? null,
      trigger: source.trigger,
      modelVersion: result.modelVersion,
    });
    return assessment;
  }

  /** What the scoring model needs, read from statements, financing and logistics. */
  async inputsOf(tem: EntityManager, client: Client, now = new Date()): Promise<RiskInputs> {
    const day = 86_400_000;
    const since12m = new Date(now.getTime() - 365 * day);
    const since36m = new Date(now.getTime() - 3 * 365 * day);
    const iso = (d: Date) => d.toISOString().slice(0, 10);

    const latest = await tem.findOne(FinancialStatement, { client }, { orderBy: [{ periodEnd: 'desc' }] });
    const [distress] = await sqlRows<{ n: number }>(
      tem,
      `select count(*)::int as n from financial_statement where client_id = ? and zone = ? and period_end >= ?`,
      [client.id, ZScoreZone.DISTRESS, iso(since36m)],
    );

    // Deals that had money out; days past due as recorded by bucket changes (exact to the bucket,
    // which is what the scoring thresholds — 30, 60, 90 days — look at); defaults, a termination
    // with recourse counted as one.
    const [repayment] = await sqlRows<{ deals: number; dpd12: number; dpd36: number; defaults: number }>(
      tem,
      `select
         (select count(*)::int from financing f where f.client_id = ? and f.disbursed_at is not null) as deals,
         (select coalesce(max(b.days_past_due), 0)::int from bucket_change b join financing f on f.id = b.financing_id
           where f.client_id = ? and b.as_of >= ?) as dpd12,
         (select coalesce(max(b.days_past_due), 0)::int from bucket_change b join financing f on f.id = b.financing_id
           where f.client_id = ? and b.as_of >= ?) as dpd36,
         (select count(*)::int from financing_transition t join financing f on f.id = t.financing_id
           where f.client_id = ? and t.action in ('DEFAULTED', 'TERMINATED_WITH_RECOURSE') and t.at >= ?) as defaults`,
      [client.id, client.id, iso(since12m), client.id, iso(since36m), client.id, since36m],
    );

    // Whose shipments: the client's own; for a logistics provider, those it carries.
    const shipmentOwners = client.kind === ClientKind.LOGISTICS_PROVIDER ? CARRIED_FOR_SQL : `select ?::uuid`;
    const [ops] = await sqlRows<{ shipments: number; exceptions: number; delayed: number }>(
      tem,
      `select count(*)::int as shipments,
              count(*) filter (where ${IS_EXCEPTION_SQL})::int as exceptions,
              count(*) filter (where s.expected_delivery_at is not null and (
                (s.status = 'DELIVERED' and s.status_at > s.expected_delivery_at)
                or (s.status not in ('DELIVERED', 'CANCELLED') and s.expected_delivery_at < ?)
                or s.exception_reason = 'DELAYED'))::int as delayed
         from shipment s where s.client_id in (${shipmentOwners}) and s.created_at >= ?`,
      [EXCEPTION_STATUS_LIST, now, client.id, new Date(now.getTime() - OPERATIONAL_WINDOW_DAYS * day)],
    );

    // Concentration: a core enterprise's largest chain member; anyone else's largest debtor.
    const exposure = new ExposureService(tem);
    let largest: number | null = null;
    if (client.kind === ClientKind.CORE_ENTERPRISE) {
      const chain = (await exposure.chainsOf([client.id])).get(client.id);
      const top = chain?.members[0];
      if (top && chain.members.length > 1) largest = top.share.toNumber();
    } else {
      const top = (await exposure.debtorsOf([client.id])).get(client.id)?.[0];
      if (top) largest = top.share.toNumber();
    }

    let financials: RiskInputs['financials'] = null;
    if (latest) {
      financials = {
        debtRatio: new Decimal(latest.debtRatio),
        currentRatio: new Decimal(latest.currentRatio),
        operatingCashFlowCoverage: latest.operatingCashFlowCoverage ? new Decimal(latest.operatingCashFlowCoverage) : null,
        zScore: new Decimal(latest.zScore),
        zone: latest.zone,
        operatingCashFlow: latest.operatingCashFlow ? new Decimal(latest.operatingCashFlow) : null,
      };
    }

    return {
      kind: client.kind,
      volatility: INDUSTRY_VOLATILITY[client.industry],
      rating: client.creditRating ?? null,
      financials,
      repayment: {
        deals: repayment?.deals ?? 0,
        maxDpd12m: repayment?.dpd12 ?? 0,
        maxDpd36m: repayment?.dpd36 ?? 0,
        defaultsIn36m: repayment?.defaults ?? 0,
      },
      operational: { shipments: ops?.shipments ?? 0, exceptions: ops?.exceptions ?? 0, delayed: ops?.delayed ?? 0 },
      largestConcentrationShare: largest,
      distressIn36m: (distress?.n ?? 0) > 0,
    };
  }
}
