import 'reflect-metadata';
import pino, { type Logger } from 'pino';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Role } from '../../src/auth/api-key.entity.js';
import { generateKey } from '../../src/auth/api-key.service.js';
import { loadConfig, type RawConfig } from '../../src/config.js';
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch.js';
import type { Hub } from '../../src/graphql/context.js';
import { startHub, type RunningHub } from '../../src/hub.js';

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
}

export interface TestHub {
  baseUrl: string;
  url: string;
  wsUrl: string;
  adminKey: string;
  orm: MikroORM;
  hub: Hub;
  running: RunningHub;
  /** POSTs a GraphQL operation; `key: null` sends no Authorization header. Default: the admin key. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    opts?: { key?: string | null; headers?: Record<string, string> },
  ): Promise<GqlResponse<T>>;
  /** Like `gql` but fails the test on any error and returns `data`. */
  ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string): Promise<T>;
  /** Creates an API key of `role` through the API and returns the plain key. */
  keyFor(role: Role, partnerCode?: string): Promise<string>;
  /**
   * SQL statements the hub sent while `fn` ran: the outbox dispatcher's polls excluded, and key
   * checks too unless `keyChecks` is set (they are cached per second, so whether a request pays
   * one depends on the clock, not on what the request asks).
   */
  countQueries<T>(fn: () => Promise<T>, opts?: { keyChecks?: boolean }): Promise<{ result: T; count: number; statements: string[] }>;
  /** Stops the hub and starts it again on the same database (a new port: the fields are updated). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Each test hub's scratch database, so that a second hub can be started on the same one. */
const scratchOf = new WeakMap<TestHub, ScratchDatabase>();

/**
 * Starts the real hub (HTTP + WebSocket on a free loopback port) on a database of its own,
 * built from the migrations: a fresh PostgreSQL database when DATABASE_URL is set, else an
 * embedded in-memory PGlite. No demo seed, no poller and no background delinquency scan unless
 * asked: tests drive those explicitly.
 */
export async function startTestHub(
  overrides: Partial<RawConfig> = {},
  opts: {
    log?: Logger;
    /** The PostgreSQL server to make the scratch database on (default DATABASE_URL). */
    databaseUrl?: string;
    /** Another hub process sharing this hub's database (PostgreSQL only: PGlite is one session); its close() leaves the database. */
    sameDatabaseAs?: TestHub;
  } = {},
): Promise<TestHub> {
  const shared = opts.sameDatabaseAs ? scratchOf.get(opts.sameDatabaseAs) : undefined;
  if (opts.sameDatabaseAs && (!shared || !process.env.DATABASE_URL)) throw new Error('sameDatabaseAs needs a test hub on PostgreSQL');
  const scratch = shared ?? (await createScratchDatabase(opts.databaseUrl ?? process.env.DATABASE_URL, 5));
  const adminKey = generateKey();
  const config = loadConfig(
    { NODE_ENV: 'test' },
    { PORT: 0, HOST: '127.0.0.1', ADMIN_API_KEY: adminKey, SEED_DEMO: false, LOG_LEVEL: 'silent', OUTBOX_POLL_MS: 200, POLLER_ENABLED: false, DELINQUENCY_SCAN_ENABLED: false, RISK_SCAN_ENABLED: false, ...overrides },
  );
  config.seedDemo = overrides.SEED_DEMO ?? false;
  const log = opts.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let running: RunningHub;
  try {
    running = await startHub(config, log, scratch.target);
  } catch (err) {
    if (!shared) await scratch.drop();
    throw err;
  }
  // The outbox dispatcher's background reads follow its timer, not the request: left out.
  let queries = 0;
  // The statements behind the count, for a test that must say what differed.
  const recent: string[] = [];
  const countSql = (r: RunningHub) =>
    r.hub.orm.em
      .getConnection()
      .getKnex()
      .on('query', (q: { sql: string }) => {
        if (!/\bfrom outbox_event\b/.test(q.sql)) {
          queries++;
          recent.push(q.sql);
          // Only the last few thousand are kept; `queries` keeps counting.
          if (recent.length > 20_000) recent.splice(0, 10_000);
        }
      });
  const isKeyCheck = (sql: string) => /\bfrom "api_key"/.test(sql);
  countSql(running);

  let url = `${running.baseUrl}/graphql`;
  const gql: TestHub['gql'] = async (query, variables, opts = {}) => {
    const key = opts.key === undefined ? adminKey : opts.key;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...opts.headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: GqlResponse['body'];
    try {
      body = JSON.parse(text) as GqlResponse['body'];
    } catch {
      body = { errors: [{ message: text }] };
    }
    return { status: res.status, headers: res.headers, body } as GqlResponse<never>;
  };
  const hub: TestHub = {
    baseUrl: running.baseUrl,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    adminKey,
    orm: running.hub.orm,
    hub: running.hub,
    running,
    gql,
    async ok<T>(query: string, variables?: Record<string, unknown>, key?: string) {
      const res = await gql<T>(query, variables, key ? { key } : {});
      if (res.body.errors?.length || !res.body.data) {
        throw new Error(`GraphQL errors (HTTP ${res.status}): ${JSON.stringify(res.body.errors)}`);
      }
      return res.body.data;
    },
    async keyFor(role, partnerCode) {
      const data = await hub.ok<{ createApiKey: { key: string } }>(
        `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`,
        { input: { name: `test ${role}`, role, partnerCode } },
      );
      return data.createApiKey.key;
    },
    async countQueries(fn, opts = {}) {
      const before = queries;
      const result = await fn();
      const all = recent.slice(Math.max(0, recent.length - (queries - before)));
      const statements = opts.keyChecks ? all : all.filter((sql) => !isKeyCheck(sql));
      return { result, count: statements.length, statements };
    },
    async restart() {
      await running.stop();
      running = await startHub(config, log, scratch.target);
      countSql(running);
      url = `${running.baseUrl}/graphql`;
      Object.assign(hub, { baseUrl: running.baseUrl, url, wsUrl: url.replace(/^http/, 'ws'), orm: running.hub.orm, hub: running.hub, running });
    },
    async close() {
      await running.stop();
      if (!shared) await scratch.drop();
    },
  };
  scratchOf.set(hub, scratch);
  return hub;
}

export { Role };
