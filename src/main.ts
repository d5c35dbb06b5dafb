import 'reflect-metadata';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/embedded.js';
import { startHub } from './hub.js';
import { createLogger } from './logger.js';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
const log = createLogger(config.LOG_LEVEL);

try {
  const running = await startHub(config, log);
  const graphqlUrl = `${running.baseUrl}/graphql`;
  // Relative when the key sits under the working directory (the default ./.data), else absolute.
  const shown = (file: string) => {
    const rel = path.relative(process.cwd(), file);
    return rel && !rel.startsWith('..') ? rel : file;
  };
  const auth = config.ADMIN_API_KEY
    ? 'authenticate with "Authorization: Bearer $ADMIN_API_KEY"'
    : running.adminKeyFile
      ? `authenticate with "Authorization: Bearer $(cat ${shown(running.adminKeyFile)})"`
      : 'authenticate with an API key ("Authorization: Bearer <key>"; ADMIN_API_KEY bootstraps one)';
  log.info({ url: graphqlUrl, ws: graphqlUrl.replace(/^http/, 'ws') }, `scf-hub listening on ${graphqlUrl} — ${auth}`);

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    log.info({ signal }, 'shutting down: no new work, finishing what is in flight');
    running.http.setDraining();
    const force = setTimeout(() => {
      log.error({ graceMs: config.SHUTDOWN_GRACE_MS }, 'shutdown grace period over: exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    force.unref();
    running
      .stop()
      .then(() => {
        log.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
} catch (err) {
  if (err instanceof DataDirLockedError) {
    log.fatal(err.message);
    process.exit(1);
  }
  log.fatal({ err }, 'start-up failed');
  process.exit(1);
}
