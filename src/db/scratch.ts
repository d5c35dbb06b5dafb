import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedDatabase } from './embedded.js';
import type { DatabaseTarget } from './orm.js';

export interface ScratchDatabase {
  target: DatabaseTarget;
  /** Human-readable, for logs. */
  describe: string;
  drop(): Promise<void>;
}

/**
 * A throw-away database: on the PostgreSQL of `baseUrl` a freshly created database (dropped by
 * `drop`), else an in-memory embedded PGlite on a socket in a temporary directory.
 * Tests and the migration tools build their schema in it from the migrations.
 */
export async function createScratchDatabase(baseUrl: string | undefined, poolSize = 5): Promise<ScratchDatabase> {
  if (baseUrl) {
    const name = `scf_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return {
      target: { url: url.toString(), poolSize },
      describe: `postgres database ${name}`,
      async drop() {
        const c = new pg.Client({ connectionString: baseUrl });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scf-hub-'));
  const embedded = await startEmbeddedDatabase({ dataDir: dir, inMemory: true });
  return {
    target: { socketDir: embedded.socketDir, port: embedded.port, poolSize: 1 },
    describe: `embedded database in ${dir}`,
    async drop() {
      await embedded.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
