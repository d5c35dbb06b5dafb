/** Helpers shared by the DataLoader batch functions of every domain. */

import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../core/text.js';
import { readRowsWhereIn, type Row } from '../db/rows.js';

/** Distinct, lower-cased ids that can exist; a malformed one matches nothing instead of failing the batch. */
export const validIds = (ids: readonly string[]): string[] => [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];

/** Rows grouped by a key, each group in the rows' order. */
export function groupBy<V>(rows: readonly V[], keyOf: (v: V) => string): Map<string, V[]> {
  const map = new Map<string, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  }
  return map;
}

type EntityClass<T> = new (...args: never[]) => T;

/**
 * A loader of `entity`'s rows whose `fk` (a column or a many-to-one reference) is one of the
 * keys, grouped per key by `keyOf`, each group in `orderBy` order: one statement per batch,
 * plain rows, not entities.
 */
export function rowsByKey<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  fk: string,
  keyOf: (row: Row<T>) => string,
  orderBy: [property: string, direction: 'asc' | 'desc'][],
): DataLoader<string, Row<T>[]> {
  return new DataLoader<string, Row<T>[]>(async (ids) => {
    const map = groupBy(await readRowsWhereIn(em, entity, fk, validIds(ids), orderBy), keyOf);
    return ids.map((id) => map.get(id.toLowerCase()) ?? []);
  });
}

/** A loader of `entity`'s rows by id (null for none): one statement per batch. */
export function rowById<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>): DataLoader<string, Row<T> | null> {
  return new DataLoader<string, Row<T> | null>(async (ids) => {
    const rows = (await readRowsWhereIn(em, entity, 'id', validIds(ids))) as (Row<T> & { id: string })[];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });
}
