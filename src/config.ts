import path from 'node:path';

/**
 * The only reader of `process.env`. Every variable is declared once here with its default,
 * its description and whether it is secret; `loadConfig` refuses a bad value and names it.
 * The README's configuration table is generated from the same list (`npm run config:doc`).
 */

type Parser<T> = (raw: string, name: string) => T;

interface VarSpec<T> {
  description: string;
  default?: T;
  secret?: boolean;
  parse: Parser<T>;
}

export class ConfigError extends Error {
  constructor(public readonly variable: string, rule: string) {
    super(`configuration: ${variable} ${rule}`);
    this.name = 'ConfigError';
  }
}

const str: Parser<string> = (raw) => raw;

const int =
  (min: number, max: number): Parser<number> =>
  (raw, name) => {
    if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
    return n;
  };

const bool: Parser<boolean> = (raw, name) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
};

const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw, name) => {
    if ((values as string[]).includes(raw)) return raw as T;
    throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`);
  };

const positiveDecimal: Parser<string> = (raw, name) => {
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || Number(raw) <= 0) throw new ConfigError(name, `must be a positive decimal such as 4, got "${raw}"`);
  return raw.trim();
};

const fraction: Parser<string> = (raw, name) => {
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(raw.trim()) || Number(raw) <= 0) throw new ConfigError(name, `must be a fraction above 0 and at most 1 such as 0.9, got "${raw}"`);
  return raw.trim();
};

const postgresUrl: Parser<string> = (raw, name) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL such as postgres://user@host:5432/db');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, `must use the postgres:// scheme, got "${url.protocol}"`);
  }
  return raw;
};

const aesKey: Parser<string> = (raw, name) => {
  const v = raw.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || Buffer.from(v, 'base64').length !== 32) {
    throw new ConfigError(name, 'must be 32 bytes in base64 (openssl rand -base64 32)');
  }
  return v;
};

const apiKey: Parser<string> = (raw, name) => {
  if (raw.length < 24) throw new ConfigError(name, 'must be at least 24 characters');
  return raw;
};

/** Declared variables. Order is the order of the README table. */
export const VARIABLES = {
  NODE_ENV: {
    description: '`production` turns introspection off (unless `GRAPHQL_INTROSPECTION`) and hides internal error detail',
    default: 'development',
    parse: oneOf('development', 'production', 'test'),
  },
  HOST: { description: 'listen address', default: '127.0.0.1', parse: str },
  PORT: { description: 'listen port (0 = any free port)', default: 4000, parse: int(0, 65535) },
  DATABASE_URL: {
    description: 'PostgreSQL URL; unset = the embedded database (PGlite) under `DATA_DIR`',
    secret: true,
    parse: postgresUrl,
  },
  DATABASE_POOL_SIZE: {
    description: 'connections in the pool when `DATABASE_URL` is set (the embedded database always uses one)',
    default: 10,
    parse: int(1, 200),
  },
  DATA_DIR: { description: 'where the embedded database and its lock live', default: './.data', parse: str },
  SEED_DEMO: {
    description: 'seed the demo portfolio when the database has no clients; default on for the embedded database, off with `DATABASE_URL`',
    parse: bool,
  },
  ADMIN_API_KEY: {
    description: 'when set, an `ADMIN` key with exactly this value exists after start-up (at least 24 characters)',
    secret: true,
    parse: apiKey,
  },
  LOG_LEVEL: {
    description: 'pino log level',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  GRAPHQL_INTROSPECTION: {
    description: 'allow introspection; default on outside production',
    parse: bool,
  },
  GRAPHQL_MAX_DEPTH: { description: 'deepest selection allowed', default: 10, parse: int(2, 100) },
  GRAPHQL_MAX_COST: { description: 'highest estimated cost of an operation', default: 20000, parse: int(100, 10_000_000) },
  GRAPHQL_MAX_ALIASES: { description: 'aliases allowed in one operation', default: 30, parse: int(0, 1000) },
  WS_MAX_SUBSCRIPTIONS: {
    description: 'subscriptions one WebSocket connection may hold at once',
    default: 20,
    parse: int(1, 1000),
  },
  WS_SUBSCRIBER_QUEUE: {
    description: 'events a subscription may have waiting (its client not reading) before it is ended with SUBSCRIBER_BEHIND; it may resume with `after`',
    default: 1000,
    parse: int(1, 1_000_000),
  },
  SHUTDOWN_GRACE_MS: {
    description: 'how long SIGTERM waits for in-flight work before closing anyway',
    default: 10000,
    parse: int(0, 600000),
  },
  OUTBOX_POLL_MS: {
    description: 'how often the outbox is read when nothing wakes the dispatcher',
    default: 500,
    parse: int(10, 60000),
  },
  RATE_CAP_POLICY: {
    description: '`LPR_MULTIPLE`: an annual rate above `RATE_CAP_LPR_MULTIPLE` × the one-year LPR in force on the contract date is refused; `NONE`: no cap (lenders it does not bind)',
    default: 'LPR_MULTIPLE',
    parse: oneOf('LPR_MULTIPLE', 'NONE'),
  },
  RATE_CAP_LPR_MULTIPLE: {
    description: 'the multiple of the one-year LPR that caps annual rates',
    default: '4',
    parse: positiveDecimal,
  },
  DELINQUENCY_SCAN_HOUR: {
    description: 'hour of the day (China Standard Time, 0–23) at which the daily delinquency scan moves late deals to `OVERDUE` and records bucket changes',
    default: 1,
    parse: int(0, 23),
  },
  DELINQUENCY_SCAN_ENABLED: {
    description: 'run the daily delinquency scan in this process (`runDelinquencyScan` works either way)',
    default: true,
    parse: bool,
  },
  SECRETS_KEY: {
    description: 'AES-256-GCM key (32 bytes, base64) encrypting logistics partners\' credentials and webhook secrets at rest; unset on the embedded database = generated and kept in `<DATA_DIR>/secrets.key` (mode 600); unset with `DATABASE_URL` = partners with credentials or secrets are refused',
    secret: true,
    parse: aesKey,
  },
  POLLER_ENABLED: {
    description: 'poll logistics partners (DHL, Kuaidi100) for shipments that are due, in this process',
    default: true,
    parse: bool,
  },
  POLL_TICK_MS: {
    description: 'how often the poller looks for shipments due a poll',
    default: 1000,
    parse: int(50, 600_000),
  },
  POLL_BATCH_SIZE: {
    description: 'shipments one poller tick leases at most (leased with `FOR UPDATE SKIP LOCKED`: hubs sharing a database never poll the same one)',
    default: 20,
    parse: int(1, 1000),
  },
  POLL_CONCURRENCY: {
    description: 'partner calls one poller makes at once',
    default: 4,
    parse: int(1, 100),
  },
  POLL_LEASE_SECONDS: {
    description: 'how long a leased shipment stays with the hub that leased it (longer than a partner call may take)',
    default: 120,
    parse: int(10, 3600),
  },
  RISK_ALERT_SCORE_DROP: {
    description: 'a `CREDIT_DETERIORATION` alert (INFO) is raised when a re-assessment lowers the score by at least this many points; a lower tier always raises one (WARNING, CRITICAL into SUBPRIME)',
    default: 10,
    parse: int(1, 100),
  },
  RISK_ALERT_LIMIT_UTILIZATION: {
    description: 'a `CREDIT_LIMIT_NEAR` alert is raised when a credit line is used to this fraction of its limit (WARNING; CRITICAL at 100%), and resolves itself below it',
    default: '0.9',
    parse: fraction,
  },
  RISK_ALERT_DELAY_CRITICAL_DAYS: {
    description: 'a `SHIPMENT_DELAYED` alert (raised, WARNING, when a shipment is past its expected delivery and not delivered) turns CRITICAL when it is this many days late',
    default: 7,
    parse: int(1, 365),
  },
  RISK_ALERT_CONCENTRATION_SHARE: {
    description: "a `CONCENTRATION` alert (WARNING) is raised when one counterparty carries at least this fraction of a client's exposure (a core enterprise: one chain member; anyone else: one debtor of its receivables); CRITICAL at 90% and above when the threshold is below it",
    default: '0.6',
    parse: fraction,
  },
  RISK_ALERT_COMPLAINT_DAYS: {
    description: 'a `COMPLAINT_UNRESOLVED` alert is raised for a complaint still open this many days after it was submitted (WARNING; CRITICAL at twice as many)',
    default: 14,
    parse: int(1, 365),
  },
  RISK_ALERT_CARRIER_EXCEPTION_RATE: {
    description: 'a `CARRIER_SAFETY` alert is raised when the shipments a logistics provider carries over the last year have at least this exception rate (WARNING; CRITICAL at twice the rate)',
    default: '0.2',
    parse: fraction,
  },
  RISK_ALERT_CARRIER_MIN_SHIPMENTS: {
    description: 'shipments a logistics provider must have carried before its exception rate can raise `CARRIER_SAFETY`',
    default: 5,
    parse: int(1, 100000),
  },
  RISK_ALERT_REVIEW_CRITICAL_DAYS: {
    description: 'a `REVIEW_DUE` alert (raised, WARNING, when an active client\'s next review date has come) turns CRITICAL when the review is this many days overdue',
    default: 30,
    parse: int(1, 365),
  },
  RISK_SCAN_ENABLED: {
    description: 'run the early-warning scan (`SHIPMENT_DELAYED`, `CONCENTRATION`, `REVIEW_DUE`, `COMPLAINT_UNRESOLVED`, `CARRIER_SAFETY`) in this process, at start and then every `RISK_SCAN_INTERVAL_SECONDS` (`runRiskScan` works either way)',
    default: true,
    parse: bool,
  },
  RISK_SCAN_INTERVAL_SECONDS: {
    description: 'seconds between early-warning scans',
    default: 600,
    parse: int(5, 86_400),
  },
  RISK_REACTION_MAX_ATTEMPTS: {
    description: 'failures of one outbox event (while the database answers) after which the risk reactions park it in `outbox_dead_letter` and go on with the next; see Operations',
    default: 5,
    parse: int(1, 100),
  },
  RISK_REACTION_RETRY_MS: {
    description: 'wait before the risk reactions retry a failed event; doubles with each failure, up to a minute (or this, if longer)',
    default: 1000,
    parse: int(10, 600_000),
  },
  DEMO_PARTNER_SIM: {
    description: 'run the partner simulator in-process on a loopback port, register its partners and shipments for demo clients, and let polls and pushes move them; default on for the embedded database with the demo seed, off otherwise',
    parse: bool,
  },
  DEMO_SIM_SPEED: {
    description: 'simulated minutes per real minute in the logistics demo (60: a day of shipment history plays in 24 minutes)',
    default: 60,
    parse: int(1, 100_000),
  },
} satisfies Record<string, VarSpec<unknown>>;

type Vars = typeof VARIABLES;
type ValueOf<K extends keyof Vars> = Vars[K] extends VarSpec<infer T> ? T : never;
type HasDefault<K extends keyof Vars> = Vars[K] extends { default: unknown } ? K : never;

export type RawConfig = {
  [K in keyof Vars as HasDefault<K>]: ValueOf<K>;
} & {
  [K in keyof Vars as K extends HasDefault<K> ? never : K]?: ValueOf<K>;
};

export interface Config extends RawConfig {
  /** Absolute path of `DATA_DIR`. */
  dataDir: string;
  production: boolean;
  introspection: boolean;
  /** Embedded database mode (no `DATABASE_URL`). */
  embedded: boolean;
  seedDemo: boolean;
  /** Run the partner simulator and the logistics demo in-process. */
  demoPartnerSim: boolean;
}

/** Parses `env` (default `process.env`); throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<RawConfig> = {}): Config {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(VARIABLES) as [string, VarSpec<unknown>][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (spec.default !== undefined) out[name] = spec.default;
    } else {
      out[name] = spec.parse(raw, name);
    }
  }
  Object.assign(out, overrides);
  const raw = out as RawConfig;
  const production = raw.NODE_ENV === 'production';
  return {
    ...raw,
    dataDir: path.resolve(raw.DATA_DIR),
    production,
    introspection: raw.GRAPHQL_INTROSPECTION ?? !production,
    embedded: !raw.DATABASE_URL,
    seedDemo: raw.SEED_DEMO ?? !raw.DATABASE_URL,
    demoPartnerSim: raw.DEMO_PARTNER_SIM ?? (!raw.DATABASE_URL && (raw.SEED_DEMO ?? true)),
  };
}

/** Names of the secret variables, for log redaction. */
export const SECRET_VARIABLES = Object.entries(VARIABLES as Record<string, VarSpec<unknown>>)
  .filter(([, spec]) => spec.secret)
  .map(([name]) => name);

/** Markdown table of the variables, for the README. */
export function configTable(): string {
  const rows = Object.entries(VARIABLES as Record<string, VarSpec<unknown>>).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.default === undefined ? '—' : `\`${String(spec.default)}\``} | ${spec.secret ? 'yes' : ''} | ${spec.description} |`,
  );
  return ['| variable | default | secret | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
