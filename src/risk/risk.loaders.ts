import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy, validIds } from '../graphql/batch.js';
import { RiskAssessment } from './risk-assessment.entity.js';
import { RiskReview } from './risk-review.entity.js';
import { FinancialStatement } from './statement.entity.js';

const groupByClient = <T extends { client: { id: string } }>(rows: readonly T[]) => groupBy(rows, (r) => r.client.id);

/** Per-request loaders of the risk domain; one result per key, in key order. */
export function createRiskLoaders(em: EntityManager) {
  /** A client's statements, newest period first. */
  const statementsByClient = new DataLoader<string, FinancialStatement[]>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length ? await em.find(FinancialStatement, { client: { $in: wanted } }, { orderBy: [{ periodEnd: 'desc' }] }) : [];
    const map = groupByClient(rows);
    return ids.map((id) => map.get(id.toLowerCase()) ?? []);
  });

  /** A client's assessments, newest first. */
  const assessmentsByClient = new DataLoader<string, RiskAssessment[]>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length
      ? await em.find(RiskAssessment, { client: { $in: wanted } }, { orderBy: [{ assessedAt: 'desc' }, { id: 'desc' }] })
      : [];
    const map = groupByClient(rows);
    return ids.map((id) => map.get(id.toLowerCase()) ?? []);
  });

  /** A client's newest assessment only (one row per client: `distinct on`). */
  const latestAssessment = new DataLoader<string, RiskAssessment | null>(async (ids) => {
    const wanted = validIds(ids);
    if (!wanted.length) return ids.map(() => null);
    const rows = await em.getConnection().execute<{ id: string }[]>(
      `select distinct on (client_id) id from risk_assessment where client_id in (?) order by client_id, assessed_at desc, id desc`,
      [wanted],
    );
    const found = rows.length ? await em.find(RiskAssessment, { id: { $in: rows.map((r) => r.id) } }) : [];
    const map = new Map(found.map((a) => [a.client.id, a]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });

  /** A client's periodic reviews, newest first. */
  const reviewsByClient = new DataLoader<string, RiskReview[]>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length
      ? await em.find(RiskReview, { client: { $in: wanted } }, { orderBy: [{ reviewedOn: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }] })
      : [];
    const map = groupByClient(rows);
    return ids.map((id) => map.get(id.toLowerCase()) ?? []);
  });

  const loaders = { statementsByClient, assessmentsByClient, latestAssessment, reviewsByClient };
  return {
    ...loaders,
    clearAll(): void {
      for (const loader of Object.values(loaders)) loader.clearAll();
    },
  };
}

export type RiskLoaders = ReturnType<typeof createRiskLoaders>;
