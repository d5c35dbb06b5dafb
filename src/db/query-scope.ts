import { AsyncLocalStorage } from 'node:async_hooks';
import type { MikroORM } from '@mikro-orm/postgresql';

interface Scope {
  queries: number;
}

const scope = new AsyncLocalStorage<Scope>();

/** Runs `fn` (and everything it starts) in a scope that counts SQL statements. */
export function runInQueryScope<T>(fn: () => T): T {
  return scope.run({ queries: 0 }, fn);
}

/** SQL statements issued so far in the current scope (0 outside one). */
export function queriesInScope(): number {
  return scope.getStore()?.queries ?? 0;
}

/** Calls `onQuery` for every statement the ORM sends, and counts it in the current scope. */
export function instrumentQueries(orm: MikroORM, onQuery: () => void): void {
  orm.em
    .getConnection()
    .getKnex()
    .on('query', () => {
      onQuery();
      const s = scope.getStore();
      if (s) s.queries++;
    });
}

/**
 * Adds statements to the current scope: for work done on behalf of several scopes at once (a
 * group commit runs in a scope of its own and hands each request its share).
 */
export function addQueriesToScope(n: number): void {
  const s = scope.getStore();
  if (s) s.queries += n;
}
