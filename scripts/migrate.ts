/** Applies pending migrations to the configured database (DATABASE_URL, else the embedded one in DATA_DIR). */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config.js';
import { DataDirLockedError, startEmbeddedDatabase } from '../src/db/embedded.js';
import { initOrm, migrate } from '../src/db/orm.js';

try {
  const config = loadConfig();
  const embedded = config.DATABASE_URL ? null : await startEmbeddedDatabase({ dataDir: config.dataDir });
  const orm = await initOrm(
    embedded
      ? { socketDir: embedded.socketDir, port: embedded.port, poolSize: 1 }
      : { url: config.DATABASE_URL!, poolSize: 1 },
  );
  try {
    // On a shared PostgreSQL the same advisory lock as the hubs take: a migrate run next to
    // starting hubs applies each migration once.
    const applied = await migrate(orm, config.DATABASE_URL);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
  } finally {
    await orm.close(true);
    await embedded?.stop();
  }
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
