/**
 * Subscription fan-out at scale: one hub (a child process, so that this script's client work is
 * not counted against it) on a scratch PostgreSQL database; for 1, 100, 1 000 and 5 000
 * `clientChanged` subscribers (one WebSocket each) it commits a series of client changes and
 * prints delivered/expected, p50/p99 from commit (the event's `occurredAt`) to receipt, SQL
 * statements per event (the hub's `scf_db_queries_total`) and the hub's RSS.
 *   DATABASE_URL=postgres://… npm run bench:fanout [-- --sizes 1,100,1000,5000 --events 20 --rate 10 --hub-dir .]
 * `--hub-dir` runs the hub of another checkout (for a before/after comparison).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { generateKey } from '../../src/auth/api-key.service.js';
import { usccFromNumber } from '../../src/clients/uscc.js';
import { createScratchDatabase } from '../../src/db/scratch.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,100,1000,5000' },
    events: { type: 'string', default: '20' },
    rate: { type: 'string', default: '10' },
    'hub-dir': { type: 'string', default: '.' },
    'connect-concurrency': { type: 'string', default: '500' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const EVENTS = Number(values.events);
const RATE = Number(values.rate);
const hubDir = path.resolve(values['hub-dir']);
const CONNECT_CONCURRENCY = Number(values['connect-concurrency']);

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is required (a scratch database is created on it and dropped)');
  process.exit(2);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

const scratch = await createScratchDatabase(process.env.DATABASE_URL, 10);
const adminKey = generateKey();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, [...(process.env.BENCH_HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', path.join(hubDir, 'src/main.ts')], {
  cwd: hubDir,
  env: {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: scratch.target.url,
    DATABASE_POOL_SIZE: '10',
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_API_KEY: adminKey,
    SEED_DEMO: 'false',
    DEMO_PARTNER_SIM: 'false',
    POLLER_ENABLED: 'false',
    DELINQUENCY_SCAN_ENABLED: 'false',
    RISK_SCAN_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const hubExited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

async function gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : NaN;
}

function rssMb(): number {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

interface Sub {
  client: Client;
  /** Events received, in order: their cursor and receipt time minus `occurredAt`, ms. */
  got: { cursor: string; ms: number }[];
}

/** The (txid, seq) of a cursor, for order checks. */
const positionOf = (cursor: string): [bigint, bigint] => {
  const [t, s] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  return [BigInt(t!), BigInt(s!)];
};
const before = (a: string, b: string) => {
  const [at, as] = positionOf(a);
  const [bt, bs] = positionOf(b);
  return at < bt || (at === bt && as < bs);
};

const SUB = `subscription($filter: ClientChangedFilter) { clientChanged(filter: $filter) { cursor occurredAt client { id name } } }`;

async function openSubs(n: number, clientId: string): Promise<{ subs: Sub[]; failures: Map<string, number> }> {
  const subs: Sub[] = [];
  const failures = new Map<string, number>();
  const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
  let next = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const sub: Sub = { got: [], client: null as unknown as Client };
      let connected = false;
      sub.client = createClient({
        url: `${base.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: `Bearer ${adminKey}` },
        on: {
          connected: () => {
            connected = true;
            resolve();
          },
          closed: (e) => {
            if (!connected) {
              const ev = e as { code?: number; reason?: string };
              fail(`closed before ack: ${ev.code ?? '?'} ${ev.reason ?? ''}`.trim());
              resolve();
            }
          },
          error: (err) => {
            if (!connected) fail(`error before ack: ${(err as { message?: string; code?: string })?.code ?? (err as Error)?.message ?? 'unknown'}`);
          },
        },
      });
      sub.client.subscribe<{ clientChanged: { cursor: string; occurredAt: string } }>(
        { query: SUB, variables: { filter: { clientId } } },
        {
          next: (r) => {
            const now = Date.now();
            const e = r.data?.clientChanged;
            if (e) sub.got.push({ cursor: e.cursor, ms: now - Date.parse(e.occurredAt) });
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      subs.push(sub);
    });
  await Promise.all(
    Array.from({ length: Math.min(CONNECT_CONCURRENCY, n) }, async () => {
      while (next < n) {
        next++;
        await one();
      }
    }),
  );
  return { subs, failures };
}

process.on('unhandledRejection', (err) => console.error('unhandled rejection (ignored):', (err as Error)?.message ?? String(err).slice(0, 200)));

try {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error('the hub did not become ready');
    await sleep(200);
  }
  const { createClient: created } = await gql<{ createClient: { id: string } }>(
    `mutation($input: CreateClientInput!) { createClient(input: $input) { id } }`,
    { input: { name: 'Bench client', kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: usccFromNumber(424242) } },
  );
  const clientId = created.id;
  let serial = 0;
  let failedChanges = 0;
  const rename = async () => {
    // A hub that cannot keep up may refuse the change itself (its pool exhausted): counted, not fatal.
    await gql(`mutation($input: UpdateClientInput!) { updateClient(input: $input) { id } }`, { input: { id: clientId, name: `bench ${++serial}` } }).catch(() => failedChanges++);
  };

  const rows: string[] = [];
  const header = ['subscribers', 'connected', 'connect failures', 'delivered/expected', 'p50 ms', 'p99 ms', 'max ms', 'SQL/event', 'hub RSS MB'];
  for (const n of sizes) {
    const t0 = Date.now();
    const { subs, failures } = await openSubs(n, clientId);
    const connectMs = Date.now() - t0;
    const connected = subs.length - [...failures.values()].reduce((a, b) => a + b, 0);
    // A warm-up change that every subscriber must see: then all are registered.
    await rename();
    const warmDeadline = Date.now() + 120_000;
    while (subs.filter((s) => s.got.length > 0).length < connected && Date.now() < warmDeadline) await sleep(50);
    await sleep(500);
    const warmed = subs.filter((s) => s.got.length > 0);
    const offset = new Map(warmed.map((s) => [s, s.got.length]));
    const sqlBefore = await metric('scf_db_queries_total');
    const interval = 1000 / RATE;
    for (let i = 0; i < EVENTS; i++) {
      const started = Date.now();
      await rename();
      const left = interval - (Date.now() - started);
      if (left > 0) await sleep(left);
    }
    const measured = (s: Sub) => s.got.slice(offset.get(s) ?? 0);
    const expected = warmed.length * EVENTS;
    const doneDeadline = Date.now() + 60_000;
    const deliveredNow = () => warmed.reduce((a, s) => a + measured(s).length, 0);
    while (deliveredNow() < expected && Date.now() < doneDeadline) await sleep(100);
    await sleep(1000);
    const sqlAfter = await metric('scf_db_queries_total');
    const rss = rssMb();
    const lat = warmed.flatMap((s) => measured(s).map((e) => e.ms)).sort((a, b) => a - b);
    const dupOrOutOfOrder = warmed.filter((s) => measured(s).some((e, i, all) => i > 0 && !before(all[i - 1]!.cursor, e.cursor))).length;
    const failText = failures.size ? [...failures].map(([k, v]) => `${v}× ${k}`).join('; ') : '0';
    rows.push(
      [n, `${connected} (${connectMs} ms)`, failText, `${deliveredNow()}/${n * EVENTS}${dupOrOutOfOrder ? ` (${dupOrOutOfOrder} out of order/dup)` : ''}`, pct(lat, 50), pct(lat, 99), lat.at(-1) ?? NaN, ((sqlAfter - sqlBefore) / EVENTS).toFixed(1), rss.toFixed(0)]
        .map(String)
        .join(' | '),
    );
    console.log(`| ${rows.at(-1)} |`);
    await Promise.all(subs.map((s) => Promise.resolve(s.client.dispose()).catch(() => undefined)));
    if (failedChanges) console.log(`${failedChanges} client changes refused by the hub`);
    failedChanges = 0;
    const closeDeadline = Date.now() + 30_000;
    while ((await metric('scf_ws_connections_active')) > 0 && Date.now() < closeDeadline) await sleep(200);
  }
  console.log(`\nfan-out bench: ${EVENTS} client changes at ${RATE}/s per size, hub ${hubDir} (child process), ${scratch.describe}`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => ' --- ').join('|')}|`);
  for (const r of rows) console.log(`| ${r} |`);
} finally {
  child.kill('SIGTERM');
  await Promise.race([hubExited, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
  await scratch.drop();
}
