/**
 * `npm run seed` — fills the hub's database with clients.
 *
 *   npm run seed                      the demo portfolio, if the database has no clients yet
 *   npm run seed -- --clients 10000   a synthetic portfolio of 10 000 more clients
 *
 * Connects the way the hub does: PostgreSQL when DATABASE_URL is set, else the embedded
 * database in DATA_DIR (which a running hub holds: stop it first). Applies pending migrations.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { DataDirLockedError, startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded.js';
import { initOrm, migrate, type DatabaseTarget } from '../src/db/orm.js';
import { seedDemoIfEmpty } from '../src/demo/demo.js';
import type { SeedSummary } from '../src/demo/rows.js';
import { DEFAULT_SYNTHETIC_SEED, seedSynthetic } from '../src/demo/synthetic.js';
import { describeDatabaseUrl } from '../src/logger.js';

const USAGE = `usage: npm run seed -- [--demo] [--clients N] [--seed S]

  (no option), --demo   seed the demo portfolio (five core enterprises with their suppliers,
                        distributors, logistics providers and history) if the database has
                        no clients yet
  --clients N           add a synthetic portfolio of N clients (1 to 1000000), with links,
                        contacts, interactions, surveys and complaints; with --demo, the demo
                        portfolio is seeded first when the database is empty
  --seed S              seed number of the synthetic portfolio (default ${DEFAULT_SYNTHETIC_SEED})
  --help                this text

Database: DATABASE_URL (PostgreSQL), else the embedded database in DATA_DIR (default ./.data).
The embedded database serves one process: stop a hub running on the same DATA_DIR first.`;

const MAX_CLIENTS = 1_000_000;

interface Args {
  demo: boolean;
  clients: number | null;
  seed: number;
}

function usageError(message: string): never {
  console.error(`scf-hub seed: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(raw: string, name: string, min: number, max: number): number {
  if (!/^\d[\d_]*$/.test(raw)) usageError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw.replaceAll('_', ''));
  if (n < min || n > max) usageError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function parse(argv: string[]): Args {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        demo: { type: 'boolean', default: false },
        clients: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    usageError((err as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const clients = values.clients === undefined ? null : integer(values.clients, '--clients', 1, MAX_CLIENTS);
  return {
    demo: values.demo || clients === null,
    clients,
    seed: values.seed === undefined ? DEFAULT_SYNTHETIC_SEED : integer(values.seed, '--seed', 0, 2 ** 32 - 1),
  };
}

/** A bar on a terminal; elsewhere (CI logs, pipes) a plain line every 10% or 5 seconds. */
function progressReporter(total: number): { update(done: number): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'seeding |{bar}| {percentage}% | {value}/{total} clients | {duration_formatted} elapsed, ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let lastStep = -1;
  let lastAt = 0;
  return {
    update(done) {
      const step = Math.floor((done / total) * 10);
      if (step === lastStep && Date.now() - lastAt < 5000) return;
      lastStep = step;
      lastAt = Date.now();
      console.log(`seeding: ${done}/${total} clients (${Math.floor((done / total) * 100)}%)`);
    },
    stop() {},
  };
}

async function counts(em: EntityManager): Promise<SeedSummary> {
  const [row] = await em.execute<Record<keyof SeedSummary, number>[]>(
    `select (select count(*) from "client")::int as "clients",
            (select count(*) from "supply_chain_link")::int as "links",
            (select count(*) from "contact")::int as "contacts",
            (select count(*) from "interaction")::int as "interactions",
            (select count(*) from "feedback")::int as "feedback"`,
  );
  if (!row) throw new Error('count query returned nothing');
  return row;
}

function describe(s: SeedSummary): string {
  return (
    `${s.clients} clients, ${s.links} supply-chain links, ${s.contacts} contacts, ` +
    `${s.interactions} interactions, ${s.feedback} surveys and complaints`
  );
}

function diff(after: SeedSummary, before: SeedSummary): SeedSummary {
  return {
    clients: after.clients - before.clients,
    links: after.links - before.links,
    contacts: after.contacts - before.contacts,
    interactions: after.interactions - before.interactions,
    feedback: after.feedback - before.feedback,
  };
}

async function openDatabase(config: Config): Promise<{ target: DatabaseTarget; embedded: EmbeddedDatabase | null; where: string }> {
  if (config.DATABASE_URL) {
    return { target: { url: config.DATABASE_URL, poolSize: 1 }, embedded: null, where: describeDatabaseUrl(config.DATABASE_URL) };
  }
  try {
    const embedded = await startEmbeddedDatabase({ dataDir: config.dataDir });
    return {
      target: { socketDir: embedded.socketDir, port: embedded.port, poolSize: 1 },
      embedded,
      where: `the embedded database in ${config.dataDir}`,
    };
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(
        `scf-hub seed: ${err.message}.\n` +
          'The embedded database serves one process at a time. Stop the hub, run the seed, then start ' +
          'the hub again; or add clients through the running hub’s GraphQL API (createClient).',
      );
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`scf-hub seed: ${err.message}`);
      return 1;
    }
    throw err;
  }

  const started = performance.now();
  const { target, embedded, where } = await openDatabase(config);
  // Interrupting mid-batch would lose nothing committed, but killing PGlite mid-write can damage
  // its files: the first Ctrl-C finishes the current batch and closes the database properly.
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) {
      console.error(`\nscf-hub seed: ${signal} again, exiting now`);
      process.exit(130);
    }
    console.error(`\nscf-hub seed: ${signal}: stopping after the current batch…`);
    abort.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const orm = await initOrm(target).catch(async (err: unknown) => {
    await embedded?.stop();
    throw err;
  });
  let status = 0;
  try {
    const applied = await migrate(orm);
    if (applied.length) console.log(`applied ${applied.length} migration(s) to ${where}`);
    const before = await counts(orm.em.fork());

    if (args.demo) {
      if (await seedDemoIfEmpty(orm.em.fork())) console.log('seeded the demo portfolio');
      else console.log(`the database already has ${before.clients} clients: the demo portfolio is only seeded into an empty one`);
    }

    if (args.clients !== null) {
      const progress = progressReporter(args.clients);
      let done = 0;
      try {
        await seedSynthetic(orm.em.fork(), {
          clients: args.clients,
          seed: args.seed,
          signal: abort.signal,
          onProgress: (n) => {
            done = n;
            progress.update(n);
          },
        });
      } catch (err) {
        if (!abort.signal.aborted) throw err;
        console.error(`scf-hub seed: interrupted after ${done} of ${args.clients} synthetic clients`);
        status = 130;
      } finally {
        progress.stop();
      }
    }

    // Fresh statistics for what was just loaded: until autovacuum gets to it, the planner would
    // plan for the tables as they were (seen: sequential scans of 10 000 clients per page).
    await orm.em.fork().getConnection().execute('analyze');
    const after = await counts(orm.em.fork());
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`added ${describe(diff(after, before))} in ${seconds} s`);
    console.log(`${where} now holds ${describe(after)}`);
  } finally {
    await orm.close(true);
    await embedded?.stop();
  }
  return status;
}

main().then(
  (status) => process.exit(status),
  (err: unknown) => {
    console.error('scf-hub seed failed:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
