import fs from 'node:fs';
import path from 'node:path';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { ApiKey, Role } from './auth/api-key.entity.js';
import { ApiKeyService, generateKey, hashKey } from './auth/api-key.service.js';
import type { Config } from './config.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { initOrm, migrate, type DatabaseTarget } from './db/orm.js';
import { instrumentQueries } from './db/query-scope.js';
import { OutboxConsumerRegistry } from './events/consumer-registry.js';
import { DeadLetterService } from './events/dead-letter.service.js';
import { DurableConsumer } from './events/consumer.js';
import { OutboxDispatcher } from './events/dispatcher.js';
import { DelinquencyJob } from './financing/delinquency.job.js';
import type { Hub } from './graphql/context.js';
import { getSchema } from './graphql/schema.js';
import { createMetrics } from './core/metrics.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { describeDatabaseUrl } from './logger.js';
import { Poller } from './logistics/poller.js';
import { createLogisticsRuntime } from './logistics/runtime.js';
import { embeddedSecretsKey, SecretBox } from './logistics/secrets.js';
import { RISK_CONSUMER, riskRetryPolicy, riskRules } from './risk/risk.reactions.js';
import { RiskScanJob } from './risk/risk-scan.job.js';
import { alertThresholds } from './risk/alert.rules.js';
import { KeyChecks } from './auth/key-checks.js';

/** Pending connections the kernel may queue for us (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 8192;

export interface RunningHub {
  hub: Hub;
  http: HttpServer;
  /** `http://host:port`, the port actually bound. */
  baseUrl: string;
  /** Where the generated admin key of an embedded hub is kept, if one was generated. */
  adminKeyFile: string | null;
  /** Graceful stop: no new work, subscriptions closed, in-flight finished, database closed. */
  stop(): Promise<void>;
}

/**
 * The composition root: database → migrations → bootstrap → schema → dispatcher → HTTP + WS.
 * `database` lets tests supply their own (scratch) database instead of the configured one.
 */
export async function startHub(config: Config, log: Logger, database?: DatabaseTarget): Promise<RunningHub> {
  let embedded: EmbeddedDatabase | null = null;
  let target = database;
  if (!target) {
    if (config.DATABASE_URL) {
      target = { url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE };
      log.info({ database: describeDatabaseUrl(config.DATABASE_URL), pool: config.DATABASE_POOL_SIZE }, 'using PostgreSQL');
    } else {
      embedded = await startEmbeddedDatabase({ dataDir: config.dataDir });
      target = { socketDir: embedded.socketDir, port: embedded.port, poolSize: 1 };
      log.info({ dataDir: config.dataDir }, 'using the embedded database (PGlite)');
    }
  }

  let orm: MikroORM | null = null;
  try {
    orm = await initOrm(target);
    const ormForMetrics = orm;
    const consumers = new OutboxConsumerRegistry();
    const metrics = createMetrics({
      unresolvedDeadLetters: async () => {
        const counts = await new DeadLetterService(ormForMetrics.em.fork()).unresolvedCounts();
        // Zero for the consumers that run here, so that the series exists before the first one.
        for (const name of consumers.names()) counts[name] ??= 0;
        return counts;
      },
    });
    instrumentQueries(orm, () => metrics.dbQueries.inc());
    const applied = await migrate(orm, target.url);
    if (applied.length) log.info({ migrations: applied }, 'migrations applied');

    const adminKeyFile = await bootstrapAdmin(orm, config, log, Boolean(embedded));
    if (config.seedDemo) {
      // Loaded only when wanted: production hubs never load the demo data.
      const { seedDemoIfEmpty } = await import('./demo/demo.js');
      const seeded = await seedDemoIfEmpty(orm.em.fork(), new Date(), alertThresholds(config));
      if (seeded) log.info('demo portfolio seeded');
    }

    const schema = await getSchema();
    const dispatcher = new OutboxDispatcher(orm, log.child({ component: 'outbox' }), {
      pollMs: config.OUTBOX_POLL_MS,
      // PGlite is one session: a LISTEN connection would be a second one.
      listenUrl: target.url,
      metrics,
    });
    // Partner secrets: SECRETS_KEY, else (embedded only) a key kept beside admin.key.
    const secrets = SecretBox.fromKey(config.SECRETS_KEY ?? (embedded ? embeddedSecretsKey(config.dataDir) : null));
    if (!secrets.available) log.warn('SECRETS_KEY is not set: logistics partners with credentials or webhook secrets cannot be registered');
    const logistics = createLogisticsRuntime(orm, metrics, secrets, log);
    const keys = new KeyChecks(orm, dispatcher);
    const hub: Hub = { config, orm, log, metrics, dispatcher, logistics, consumers, keys };
    await dispatcher.start();
    // Re-assessment and early-warning rules, on the one durable consumer. They resume from their
    // persisted outbox position: what changed while no hub ran is acted on now.
    const riskReactions = new DurableConsumer(orm, dispatcher, {
      name: RISK_CONSUMER,
      rules: riskRules(alertThresholds(config)),
      retry: riskRetryPolicy(config),
      log: log.child({ component: 'risk' }),
      pollMs: config.OUTBOX_POLL_MS,
      metrics,
      registry: consumers,
    });
    await riskReactions.start();
    const delinquency = config.DELINQUENCY_SCAN_ENABLED
      ? new DelinquencyJob(orm, log.child({ component: 'delinquency' }), config.DELINQUENCY_SCAN_HOUR)
      : null;
    const riskScan = config.RISK_SCAN_ENABLED
      ? new RiskScanJob(orm, log.child({ component: 'risk-scan' }), alertThresholds(config), config.RISK_SCAN_INTERVAL_SECONDS * 1000)
      : null;
    const poller = config.POLLER_ENABLED
      ? new Poller(orm, log.child({ component: 'poller' }), logistics.clients, secrets, {
          instanceId: logistics.instanceId,
          batchSize: config.POLL_BATCH_SIZE,
          concurrency: config.POLL_CONCURRENCY,
          leaseSeconds: config.POLL_LEASE_SECONDS,
          tickMs: config.POLL_TICK_MS,
          metrics,
        })
      : null;
    const http = await createHttpServer(hub, schema);
    // Thousands of subscribers reconnecting at once (a hub restart, a load balancer failing over)
    // overflow Node's default accept queue of 511 and the kernel resets the excess; the kernel
    // caps this at net.core.somaxconn.
    await http.app.listen({ host: config.HOST, port: config.PORT, backlog: LISTEN_BACKLOG });
    delinquency?.start();
    riskScan?.start();
    const address = http.app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const baseUrl = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
    // The logistics demo: the partner simulator in-process, its partners and shipments for demo clients.
    const demo = config.demoPartnerSim
      ? await (await import('./demo/demo-logistics.js')).startLogisticsDemo(orm, secrets, baseUrl, config.dataDir, log.child({ component: 'logistics-demo' }), config.DEMO_SIM_SPEED)
      : null;
    poller?.start();

    const ormToClose = orm;
    let stopping: Promise<void> | null = null;
    return {
      hub,
      http,
      baseUrl,
      adminKeyFile,
      stop() {
        stopping ??= (async () => {
          await poller?.stop();
          await demo?.stop();
          await http.close();
          log.debug('HTTP and WebSocket servers closed');
          await delinquency?.stop();
          await riskScan?.stop();
          await riskReactions.stop();
          keys.stop();
          await dispatcher.stop();
          await ormToClose.close(true);
          await embedded?.stop();
          log.debug('database closed');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await orm?.close(true).catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}

/** Not revoked and not expired. */
const workingKey = () => ({ revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] });

/**
 * ADMIN_API_KEY, when set, exists as an ADMIN key. An embedded hub with no live ADMIN key
 * generates one and keeps it in `<DATA_DIR>/admin.key` (mode 600), so that a newcomer can
 * authenticate; the key itself is never logged.
 */
async function bootstrapAdmin(orm: MikroORM, config: Config, log: Logger, embedded: boolean): Promise<string | null> {
  if (config.ADMIN_API_KEY) {
    await ensureConfiguredAdmin(orm, config.ADMIN_API_KEY);
    return null;
  }
  const em = orm.em.fork();
  const file = path.join(config.dataDir, 'admin.key');
  if (fs.existsSync(file)) {
    const key = fs.readFileSync(file, 'utf8').trim();
    if (await em.count(ApiKey, { keyHash: hashKey(key), role: Role.ADMIN, ...workingKey() })) return file;
  }
  if (await em.count(ApiKey, { role: Role.ADMIN, ...workingKey() })) return null;
  if (!embedded) {
    log.warn('no ADMIN API key exists: set ADMIN_API_KEY to create one');
    return null;
  }
  const key = generateKey();
  await new ApiKeyService(em).ensureAdminKey(key);
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  return file;
}

/**
 * The `ADMIN` key of `ADMIN_API_KEY` exists afterwards. Hubs that start together on one database
 * race to create it (both look, neither finds it, both insert): the loser of the unique key finds
 * it on a second look, instead of failing its start-up.
 */
export async function ensureConfiguredAdmin(orm: MikroORM, key: string): Promise<void> {
  try {
    await new ApiKeyService(orm.em.fork()).ensureAdminKey(key);
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
    await new ApiKeyService(orm.em.fork()).ensureAdminKey(key);
  }
}
