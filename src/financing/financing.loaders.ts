import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Decimal } from 'decimal.js';
import { groupBy, validIds } from '../graphql/batch.js';
import { readRowsWhereIn, type Row } from '../db/rows.js';
import { CreditLine, CreditLineChange } from './credit-line.entity.js';
import { BucketChange, Financing, FinancingTransition, Receivable, Repayment, ScheduleInstalment } from './financing.entity.js';
import { ZERO } from './financing.rules.js';
import { LedgerEntry } from './ledger-entry.entity.js';
import { ExposureService, type ChainExposure, type DebtorExposure } from './exposure.service.js';
import { utilizationOf } from './money.js';

/**
 * Per-request loaders of the financing domain: one statement per relation for any number of
 * parents. Batch functions return one result per key, in key order.
 */
export function createFinancingLoaders(em: EntityManager) {
  /** Rows of `entity` whose `fk` is one of the keys, grouped per key, in `orderBy` order (plain rows, not entities). */
  const children = <T extends object>(
    entity: new (...args: never[]) => T,
    fk: string,
    keyOf: (row: Row<T>) => string,
    orderBy: [property: string, direction: 'asc' | 'desc'][],
  ) =>
    new DataLoader<string, Row<T>[]>(async (ids) => {
      const rows = await readRowsWhereIn(em, entity, fk, validIds(ids), orderBy);
      const map = groupBy(rows, keyOf);
      return ids.map((id) => map.get(id.toLowerCase()) ?? []);
    });

  const byId = <T extends { id: string }>(entity: new (...args: never[]) => T) =>
    new DataLoader<string, Row<T> | null>(async (ids) => {
      const rows = (await readRowsWhereIn(em, entity, 'id', validIds(ids))) as (Row<T> & { id: string })[];
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id.toLowerCase()) ?? null);
    });

  const financingById = byId(Financing);
  const creditLineById = byId(CreditLine);

  /** A client's credit lines, newest first. */
  const creditLinesByClient = children(CreditLine, 'client', (l) => l.client.id, [['openedAt', 'desc'], ['id', 'asc']]);
  /** A client's deals, newest first. */
  const financingsByClient = children(Financing, 'client', (f) => f.client.id, [['createdAt', 'desc'], ['id', 'desc']]);
  const creditLineHistory = children(CreditLineChange, 'creditLine', (c) => c.creditLine.id, [['at', 'asc'], ['id', 'asc']]);
  const receivables = children(Receivable, 'financing', (r) => r.financing.id, [['dueDate', 'asc'], ['invoiceNumber', 'asc']]);
  /** Every version of a deal's schedule. */
  const schedule = children(ScheduleInstalment, 'financing', (s) => s.financing.id, [['version', 'asc'], ['seq', 'asc']]);
  const repayments = children(Repayment, 'financing', (r) => r.financing.id, [['paidAt', 'asc'], ['id', 'asc']]);
  const transitions = children(FinancingTransition, 'financing', (t) => t.financing.id, [['at', 'asc'], ['id', 'asc']]);
  const bucketChanges = children(BucketChange, 'financing', (b) => b.financing.id, [['recordedAt', 'asc'], ['id', 'asc']]);
  /** A client's ledger, newest first. */
  const ledger = children(LedgerEntry, 'client', (e) => e.client.id, [['occurredAt', 'desc'], ['id', 'desc']]);

  /** Approved-not-disbursed plus outstanding principal, per credit line. */
  const utilization = new DataLoader<string, Decimal>(async (ids) => {
    const map = await utilizationOf(em, validIds(ids));
    return ids.map((id) => map.get(id.toLowerCase()) ?? ZERO);
  });

  /** Exposure per debtor across a client's financed receivables. */
  const debtorExposure = new DataLoader<string, DebtorExposure[]>(async (ids) => {
    const map = await new ExposureService(em).debtorsOf(validIds(ids));
    return ids.map((id) => map.get(id.toLowerCase()) ?? []);
  });

  /** A core enterprise's chain exposure (ask only for core enterprises). */
  const chainExposure = new DataLoader<string, ChainExposure | null>(async (ids) => {
    const map = await new ExposureService(em).chainsOf(validIds(ids));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });

  const loaders = {
    financingById,
    creditLineById,
    creditLinesByClient,
    financingsByClient,
    creditLineHistory,
    receivables,
    schedule,
    repayments,
    transitions,
    bucketChanges,
    ledger,
    utilization,
    debtorExposure,
    chainExposure,
  };
  return {
    ...loaders,
    /** Forgets everything read so far: mutations call it so that their result shows the change. */
    clearAll(): void {
      for (const loader of Object.values(loaders)) loader.clearAll();
    },
  };
}

export type FinancingLoaders = ReturnType<typeof createFinancingLoaders>;
