import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Decimal } from 'decimal.js';
import { rowById, rowsByKey, validIds } from '../graphql/batch.js';
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
  const financingById = rowById(em, Financing);
  const creditLineById = rowById(em, CreditLine);

  /** A client's credit lines, newest first. */
  const creditLinesByClient = rowsByKey(em, CreditLine, 'client', (l) => l.client.id, [['openedAt', 'desc'], ['id', 'asc']]);
  /** A client's deals, newest first. */
  const financingsByClient = rowsByKey(em, Financing, 'client', (f) => f.client.id, [['createdAt', 'desc'], ['id', 'desc']]);
  const creditLineHistory = rowsByKey(em, CreditLineChange, 'creditLine', (c) => c.creditLine.id, [['at', 'asc'], ['id', 'asc']]);
  const receivables = rowsByKey(em, Receivable, 'financing', (r) => r.financing.id, [['dueDate', 'asc'], ['invoiceNumber', 'asc']]);
  /** Every version of a deal's schedule. */
  const schedule = rowsByKey(em, ScheduleInstalment, 'financing', (s) => s.financing.id, [['version', 'asc'], ['seq', 'asc']]);
  const repayments = rowsByKey(em, Repayment, 'financing', (r) => r.financing.id, [['paidAt', 'asc'], ['id', 'asc']]);
  const transitions = rowsByKey(em, FinancingTransition, 'financing', (t) => t.financing.id, [['at', 'asc'], ['id', 'asc']]);
  const bucketChanges = rowsByKey(em, BucketChange, 'financing', (b) => b.financing.id, [['recordedAt', 'asc'], ['id', 'asc']]);
  /** A client's ledger, newest first. */
  const ledger = rowsByKey(em, LedgerEntry, 'client', (e) => e.client.id, [['occurredAt', 'desc'], ['id', 'desc']]);

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
