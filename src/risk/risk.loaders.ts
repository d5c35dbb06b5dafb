import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readRows } from '../db/rows.js';
import { rowsByKey, validIds } from '../graphql/batch.js';
import { RiskAssessment } from './risk-assessment.entity.js';
import { RiskReview } from './risk-review.entity.js';
import { FinancialStatement } from './statement.entity.js';

/** Per-request loaders of the risk domain (plain rows, one statement per batch); one result per key, in key order. */
export function createRiskLoaders(em: EntityManager) {
  /** A client's newest assessment only (one row per client: `distinct on`). */
  const latestAssessment = new DataLoader(async (ids: readonly string[]) => {
    const wanted = validIds(ids);
    const rows = wanted.length
      ? await readRows(em, RiskAssessment, 'select distinct on (t.client_id) {columns} from risk_assessment t where t.client_id in (?) order by t.client_id, t.assessed_at desc, t.id desc', [wanted])
      : [];
    const map = new Map(rows.map((a) => [a.client.id, a]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });

  const loaders = {
    /** A client's statements, newest period first. */
    statementsByClient: rowsByKey(em, FinancialStatement, 'client', (s) => s.client.id, [['periodEnd', 'desc']]),
    /** A client's assessments, newest first. */
    assessmentsByClient: rowsByKey(em, RiskAssessment, 'client', (a) => a.client.id, [['assessedAt', 'desc'], ['id', 'desc']]),
    latestAssessment,
    /** A client's periodic reviews, newest first. */
    reviewsByClient: rowsByKey(em, RiskReview, 'client', (r) => r.client.id, [['reviewedOn', 'desc'], ['createdAt', 'desc'], ['id', 'desc']]),
  };
  return {
    ...loaders,
    clearAll(): void {
      for (const loader of Object.values(loaders)) loader.clearAll();
    },
  };
}

export type RiskLoaders = ReturnType<typeof createRiskLoaders>;
