import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** The PostgreSQL port number in the socket's file name; the pg driver reaches `<dir>/.s.PGSQL.<port>`. */
export const EMBEDDED_PORT = 5432;

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `the embedded database in ${dir} is in use by another scf-hub (pid ${pid}); ` +
        'stop it first, or give this one another DATA_DIR',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface EmbeddedDatabase {
  /** Directory to give the pg driver as `host`. */
  socketDir: string;
  port: number;
  stop(): Promise<void>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>/hub.lock` with an exclusive create. A lock left by a dead process is taken over;
 * a live one refuses, because two PGlite instances on one data directory corrupt it.
 */
function acquireLock(dir: string): () => void {
  const lockPath = path.join(dir, 'hub.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
        throw new DataDirLockedError(dir, holder);
      }
      fs.unlinkSync(lockPath); // stale: its process is gone
    }
  }
  throw new Error(`could not take the lock ${lockPath}`);
}

/**
 * Starts PGlite (stored under `dataDir/pgdata`, or in memory when `dataDir` is null-ish for
 * tests) and serves it on a unix socket in `socketDir`. PGlite is one session, so the socket
 * accepts one connection at a time and the ORM pool must be exactly one.
 */
export async function startEmbeddedDatabase(opts: {
  dataDir: string;
  inMemory?: boolean;
}): Promise<EmbeddedDatabase> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const release = acquireLock(opts.dataDir);
  try {
    const socketPath = path.join(opts.dataDir, `.s.PGSQL.${EMBEDDED_PORT}`);
    // Only our own lock holder can have left a socket here, and it is dead.
    fs.rmSync(socketPath, { force: true });
    const db = await PGlite.create(opts.inMemory ? 'memory://' : path.join(opts.dataDir, 'pgdata'));
    const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
    await server.start();
    return {
      socketDir: opts.dataDir,
      port: EMBEDDED_PORT,
      async stop() {
        await server.stop();
        await db.close();
        fs.rmSync(socketPath, { force: true });
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
