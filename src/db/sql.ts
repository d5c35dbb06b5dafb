import type { EntityManager } from '@mikro-orm/postgresql';

/** Raw SQL through `em`, in its transaction when it has one. `?` placeholders; arrays expand for `in (?)`. */
export function sqlRows<T>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, [...params], 'all', em.getTransactionContext());
}
