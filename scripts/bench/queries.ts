/**
 * Dashboard queries side by side, in one run on one seeded PostgreSQL database: the hub (built,
 * production mode), PostGraphile 5 on the same tables, and a hand-written single-SQL floor.
 *   npm run bench:queries [-- --clients 10000 --rounds 3 --seconds 5 --pages 5,20,50,100 --connections 1,10 --queries a,b]
 * The anchors (PostGraphile, the floor's pg, autocannon) are installed from their own lockfile in
 * scripts/bench/anchors on first use; they are not dependencies of the hub. The database
 * (`--database-url`, default DATABASE_URL, else scf_bench on the local server) is created and
 * seeded with `npm run migrate` and `npm run seed -- --demo --clients N` when it has no clients.
 * Rounds are interleaved (every query, page size and connection count, the three servers back to
 * back in a rotating order), so that the shared machine's noise falls on all three alike; the
 * table shows medians over rounds. Prints a markdown table and writes it to
 * scripts/bench/queries/latest.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { QUERIES, type BenchQuery } from './queries/catalogue.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ANCHORS = join(ROOT, 'scripts', 'bench', 'anchors');

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    clients: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    pages: { type: 'string', default: '5,20,50,100' },
    connections: { type: 'string', default: '1,10' },
    queries: { type: 'string' },
  },
});
const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/scf_bench';
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const pages = values.pages!.split(',').map(Number);
const connections = values.connections!.split(',').map(Number);
const queries = values.queries ? QUERIES.filter((q) => values.queries!.split(',').includes(q.name)) : QUERIES;
if (!queries.length) throw new Error(`no such query; the catalogue has ${QUERIES.map((q) => q.name).join(', ')}`);

type ServerName = 'hub' | 'postgraphile' | 'floor';
const SERVERS: ServerName[] = ['hub', 'postgraphile', 'floor'];
interface Running {
  name: ServerName;
  url: string;
  child: ChildProcess;
  headers: Record<string, string>;
  body(q: BenchQuery, first: number): string;
}
const children: ChildProcess[] = [];
const stopAll = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
};
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}

// ---- anchors ------------------------------------------------------------------------------

function installAnchors(): void {
  const marker = join(ANCHORS, 'node_modules', '.package-lock.json');
  const lock = join(ANCHORS, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('installing the anchors (PostGraphile, pg, autocannon) into scripts/bench/anchors …');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ANCHORS, stdio: 'inherit' });
}

// ---- database -----------------------------------------------------------------------------

async function prepareDatabase(): Promise<number> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const a = new pg.Client({ connectionString: admin.toString() });
  await a.connect();
  try {
    const { rowCount } = await a.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await a.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await a.end();
  }
  const count = async () => {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: number | null }>(`select case when to_regclass('public.client') is null then null else (select count(*)::int from client) end as n`);
      return rows[0]!.n ?? 0;
    } finally {
      await c.end();
    }
  };
  let clients = await count();
  const env = { ...process.env, DATABASE_URL: databaseUrl };
  if (clients === 0) {
    console.log(`seeding ${name}: the demo portfolio and ${values.clients} synthetic clients …`);
    execFileSync('npm', ['run', '--silent', 'migrate'], { cwd: ROOT, env, stdio: 'inherit' });
    execFileSync('npm', ['run', '--silent', 'seed', '--', '--demo', '--clients', values.clients!], { cwd: ROOT, env, stdio: 'inherit' });
    clients = await count();
  } else {
    console.log(`reusing ${name}: ${clients} clients`);
  }
  return clients;
}

// ---- servers ------------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function post(r: Running, q: BenchQuery, first: number): Promise<any> {
  const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body(q, first) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${r.name} answered ${res.status}: ${text.slice(0, 300)}`);
  }
  if (!res.ok || json.errors) throw new Error(`${r.name} answered ${res.status} to ${q.name}: ${JSON.stringify(json.errors ?? json).slice(0, 500)}`);
  return json.data;
}

async function start(name: ServerName, probe: BenchQuery): Promise<Running> {
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) };
  let child: ChildProcess;
  let r: Omit<Running, 'child'>;
  const json = { 'content-type': 'application/json' };
  const graphql = (query: string, first: number) => JSON.stringify({ query, variables: { first } });
  if (name === 'hub') {
    const key = randomBytes(32).toString('base64url');
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: { ...env, NODE_ENV: 'production', HOST: '127.0.0.1', ADMIN_API_KEY: key, LOG_LEVEL: 'warn', SEED_DEMO: 'false', POLLER_ENABLED: 'false', DELINQUENCY_SCAN_ENABLED: 'false', RISK_SCAN_ENABLED: 'false' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    r = { name, url: `http://127.0.0.1:${port}/graphql`, headers: { ...json, authorization: `Bearer ${key}` }, body: (q, first) => graphql(q.hub, first) };
  } else if (name === 'postgraphile') {
    child = spawn(process.execPath, ['--import', './with-resolvers.mjs', 'postgraphile.server.mjs'], { cwd: ANCHORS, env: { ...env, GRAPHILE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'ignore'] });
    r = { name, url: `http://127.0.0.1:${port}/graphql`, headers: json, body: (q, first) => graphql(q.postgraphile, first) };
  } else {
    child = spawn(process.execPath, ['floor.server.mjs'], { cwd: ANCHORS, env, stdio: ['ignore', 'ignore', 'inherit'] });
    r = { name, url: `http://127.0.0.1:${port}/`, headers: json, body: (q, first) => JSON.stringify({ name: q.name, first }) };
  }
  children.push(child);
  const running = { ...r, child };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} while starting`);
    try {
      await post(running, probe, 1);
      return running;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${name} did not answer within a minute: ${(err as Error).message}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }
}

// ---- CPU from /proc -----------------------------------------------------------------------

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

/** CPU of each PostgreSQL process (backends and background workers) of the local server, by pid. */
function postgresTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') ticks.set(Number(entry), ticksOf(Number(entry)));
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/** What the processes alive at the end spent since `before` (one that exited meanwhile is not counted). */
function postgresTicksSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, t] of postgresTicks()) total += Math.max(0, t - (before.get(pid) ?? 0));
  return total;
}

// ---- measuring ----------------------------------------------------------------------------

const autocannon = createRequire(join(ANCHORS, 'package.json'))('autocannon') as (opts: Record<string, unknown>) => Promise<any>;

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  nodeMs: number;
  pgMs: number;
  failures: number;
}

async function measure(r: Running, q: BenchQuery, first: number, conns: number): Promise<Sample> {
  const opts = { url: r.url, method: 'POST', headers: r.headers, body: r.body(q, first), connections: conns };
  await autocannon({ ...opts, duration: 1 });
  const node0 = ticksOf(r.child.pid!);
  const pg0 = postgresTicks();
  const res = await autocannon({ ...opts, duration: seconds });
  const nodeTicks = ticksOf(r.child.pid!) - node0;
  const pgTicks = postgresTicksSince(pg0);
  const n = Math.max(1, res.requests.total as number);
  return {
    rps: res.requests.average,
    p50: res.latency.p50,
    p99: res.latency.p99,
    nodeMs: (nodeTicks * TICK_MS) / n,
    pgMs: (pgTicks * TICK_MS) / n,
    failures: (res.non2xx as number) + (res.errors as number) + (res.timeouts as number),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// ---- run ----------------------------------------------------------------------------------

installAnchors();
const clients = await prepareDatabase();
console.log('building the hub …');
execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
const servers = {} as Record<ServerName, Running>;
for (const name of SERVERS) servers[name] = await start(name, queries[0]!);

// The same rows, in the same order, from all three, before anything is timed.
for (const q of queries) {
  for (const first of pages) {
    const keys = {} as Record<ServerName, string[]>;
    for (const name of SERVERS) keys[name] = q.keys[name](await post(servers[name], q, first));
    if (!keys.hub.length) throw new Error(`${q.name} (first ${first}): the hub answered no rows; the database has nothing to measure`);
    for (const name of ['postgraphile', 'floor'] as const) {
      if (JSON.stringify(keys[name]) !== JSON.stringify(keys.hub)) {
        throw new Error(`${q.name} (first ${first}): ${name} answered other rows than the hub\n hub: ${keys.hub.slice(0, 5).join(', ')}…\n ${name}: ${keys[name].slice(0, 5).join(', ')}…`);
      }
    }
  }
}
console.log(`the three agree on every page of ${queries.map((q) => q.name).join(', ')}`);

const cells: { q: BenchQuery; first: number; conns: number }[] = [];
for (const q of queries) for (const first of pages) for (const conns of connections) cells.push({ q, first, conns });
const samples = new Map<string, Sample[]>();
const keyOf = (q: string, first: number, conns: number, server: ServerName) => `${q}|${first}|${conns}|${server}`;
const started = Date.now();
for (let round = 0; round < rounds; round++) {
  for (const { q, first, conns } of cells) {
    for (let i = 0; i < SERVERS.length; i++) {
      const name = SERVERS[(i + round) % SERVERS.length]!;
      const s = await measure(servers[name], q, first, conns);
      const k = keyOf(q.name, first, conns, name);
      samples.set(k, [...(samples.get(k) ?? []), s]);
    }
    process.stdout.write(`\rround ${round + 1}/${rounds}: ${q.name} first ${first}, ${conns} connection(s)           `);
  }
}
process.stdout.write('\n');
stopAll();

const summary = (q: string, first: number, conns: number, server: ServerName) => {
  const xs = samples.get(keyOf(q, first, conns, server))!;
  return {
    rps: median(xs.map((x) => x.rps)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
    nodeMs: median(xs.map((x) => x.nodeMs)),
    pgMs: median(xs.map((x) => x.pgMs)),
    failures: xs.reduce((n, x) => n + x.failures, 0),
  };
};

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const lines = [
  '| query | first | conns | scf-hub req/s (p50 / p99 ms) | PostGraphile req/s (p50 / p99 ms) | floor req/s | hub ÷ PostGraphile | hub ÷ floor | Node ms/req hub / PG / floor | PostgreSQL ms/req hub / PG / floor |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
const verdicts: string[] = [];
let failures = 0;
for (const { q, first, conns } of cells) {
  const h = summary(q.name, first, conns, 'hub');
  const p = summary(q.name, first, conns, 'postgraphile');
  const f = summary(q.name, first, conns, 'floor');
  failures += h.failures + p.failures + f.failures;
  lines.push(
    `| ${q.name} | ${first} | ${conns} | ${f0(h.rps)} (${h.p50} / ${h.p99}) | ${f0(p.rps)} (${p.p50} / ${p.p99}) | ${f0(f.rps)} | ${(h.rps / p.rps).toFixed(2)}× | ${(h.rps / f.rps).toFixed(2)}× | ${f1(h.nodeMs)} / ${f1(p.nodeMs)} / ${f1(f.nodeMs)} | ${f1(h.pgMs)} / ${f1(p.pgMs)} / ${f1(f.pgMs)} |`,
  );
}

// The issue's targets, judged on the medians above.
const most = Math.max(...connections);
const least = Math.min(...connections);
for (const q of queries) {
  const short: string[] = [];
  for (const first of pages) {
    const h = summary(q.name, first, most, 'hub');
    const p = summary(q.name, first, most, 'postgraphile');
    const f = summary(q.name, first, most, 'floor');
    if (h.rps < p.rps) short.push(`first ${first}: ${(h.rps / p.rps).toFixed(2)}× PostGraphile`);
    if (h.rps < f.rps / 2) short.push(`first ${first}: ${(h.rps / f.rps).toFixed(2)}× the floor`);
    if (most !== least && h.rps < summary(q.name, first, least, 'hub').rps) short.push(`first ${first}: slower at ${most} connections than at ${least}`);
  }
  const lo = Math.min(...pages);
  const hi = Math.max(...pages);
  const growth = summary(q.name, hi, least, 'hub').p50 / Math.max(1, summary(q.name, lo, least, 'hub').p50);
  if (growth > hi / lo) short.push(`p50 grows ${growth.toFixed(1)}× from first ${lo} to ${hi} (more than linear)`);
  verdicts.push(`- ${q.name}: ${short.length ? `FAIL — ${short.join('; ')}` : `PASS (≥ 1.0× PostGraphile and ≥ 0.5× the floor at ${most} connections, no drop from ${least} to ${most}, latency at most linear in page size)`}`);
}

const header = [
  `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:queries -- --rounds ${rounds} --seconds ${seconds} --pages ${pages.join(',')} --connections ${connections.join(',')}\``,
  `on ${clients} clients, ${cpus().length} cores, Node ${process.version}; medians of ${rounds} interleaved round(s) of ${seconds} s; the load generator runs on the same machine.`,
  'Node ms/req is the server process\'s CPU (user + system) per answered request; PostgreSQL ms/req is every postgres process\'s CPU over the same window, per request.',
  failures ? `**${failures} requests failed (non-2xx, errors or timeouts): the figures are not comparable.**` : 'No request failed.',
];
const report = [...header, '', ...lines, '', 'Targets (issue 10):', '', ...verdicts, ''].join('\n');
console.log(`\n${report}`);
writeFileSync(join(ROOT, 'scripts', 'bench', 'queries', 'latest.md'), report);
console.log(`written to scripts/bench/queries/latest.md in ${((Date.now() - started) / 60_000).toFixed(1)} min of measuring`);
process.exit(0);
