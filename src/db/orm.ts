import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

export interface DatabaseTarget {
  /** A postgres:// URL, or an embedded socket. */
  url?: string;
  socketDir?: string;
  port?: number;
  dbName?: string;
  poolSize: number;
}

/** MikroORM options for a target. The embedded database must get `poolSize: 1`. */
export function ormOptions(target: DatabaseTarget): Options {
  const connection = target.url
    ? { clientUrl: target.url }
    : { host: target.socketDir, port: target.port, user: 'postgres', dbName: target.dbName ?? 'postgres' };
  return {
    ...connection,
    entities: ENTITIES,
    extensions: [Migrator],
    pool: { min: target.poolSize === 1 ? 1 : 0, max: target.poolSize },
    // Transactions are explicit (services use em.transactional); an implicit one per flush is enough otherwise.
    implicitTransactions: true,
    forceUtcTimezone: true,
    allowGlobalContext: false,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
      emit: 'ts',
      path: 'src/db/migrations',
    },
    debug: false,
  };
}

export async function initOrm(target: DatabaseTarget): Promise<MikroORM> {
  return MikroORM.init(ormOptions(target));
}

/** Advisory-lock key serialising migrations between hub instances that start together. */
const MIGRATION_LOCK = 727_001;

/**
 * Applies pending migrations; returns their names. With `lockUrl` (a shared PostgreSQL) the run
 * holds a session advisory lock on a connection of its own, so that instances starting together
 * migrate one after the other and the later ones find nothing pending.
 */
export async function migrate(orm: MikroORM, lockUrl?: string): Promise<string[]> {
  if (!lockUrl) return (await orm.getMigrator().up()).map((m) => m.name);
  const lock = new pg.Client({ connectionString: lockUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return (await orm.getMigrator().up()).map((m) => m.name);
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}

/** True when no migration is pending. */
export async function migrationsApplied(orm: MikroORM): Promise<boolean> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.length === 0;
}
