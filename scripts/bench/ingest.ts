/**
 * Ingest throughput: signed generic-format pushes (PARTNERS.md, "Generic partner") at a fixed
 * concurrency to `POST /webhooks/:partnerCode` of a hub on PostgreSQL.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:ingest \
 *     [-- --seconds 10 --concurrency 20 --shipments 1000 --events 1,10 --cpu-prof]
 *
 * The hub runs as a child process (`node --import tsx src/main.ts`) on a scratch database made
 * here and dropped at the end, so that this load generator does not share its event loop. The
 * partner, a client and the shipments are registered through the GraphQL API. Every push
 * carries new events (unique ids, later times); one push in 20 is a replay of an acknowledged
 * one (same bytes, fresh signature), which must store nothing. One row per events-per-push
 * value: an "event" is a tracking event, and a push may carry several.
 *
 * Printed per row: accepted events/s (events in pushes acknowledged 2xx, replays left out),
 * pushes/s, p50/p99 push latency, SQL statements per push (from the hub's request log lines),
 * stored-vs-acknowledged (tracking events in the database vs events in acknowledged pushes:
 * equal means nothing lost or doubled), replays that stored nothing, and the outbox consumers'
 * backlog when the load stopped and how long they took to drain it (the risk reactions share
 * the database), with any `*lag*` gauge /metrics exposes.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateKey } from '../../src/auth/api-key.service.js';
import { usccFromNumber } from '../../src/clients/uscc.js';
import { createScratchDatabase } from '../../src/db/scratch.js';
import { genericPushHeaders } from '../../src/logistics/partners/generic/generic.signature.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '20' },
    shipments: { type: 'string', default: '1000' },
    events: { type: 'string', default: '1,10' },
    'pool-size': { type: 'string', default: '10' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const SHIPMENTS = Number(values.shipments);
const EVENTS_PER_PUSH = values.events.split(',').map(Number);
const REPLAY_EVERY = 20;

if (!process.env.DATABASE_URL) {
  console.error('bench:ingest measures the hub on PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)');
  process.exit(2);
}

const PARTNER = 'bench-generic';
const SECRET = randomBytes(24).toString('base64url');
const adminKey = generateKey();
const scratch = await createScratchDatabase(process.env.DATABASE_URL);
const dbUrl = scratch.target.url!;

// ---- the hub, as a child process; its request log lines (to a file: a pipe that this busy
// process drains late would slow the hub's logging down) give SQL statements per push ----
const logFile = path.join(os.tmpdir(), `bench-ingest-${process.pid}.log`);
const logFd = fs.openSync(logFile, 'w');
const nodeArgs = ['--import', 'tsx', ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(os.tmpdir(), 'scf-ingest-cpu-prof')}`] : []), 'src/main.ts'];
const child: ChildProcess = spawn(process.execPath, nodeArgs, {
  env: {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl,
    DATABASE_POOL_SIZE: values['pool-size'],
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_API_KEY: adminKey,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    SEED_DEMO: 'false',
    DEMO_PARTNER_SIM: 'false',
    POLLER_ENABLED: 'false',
    RISK_SCAN_ENABLED: 'false',
    DELINQUENCY_SCAN_ENABLED: 'false',
  },
  stdio: ['ignore', logFd, 'inherit'],
});
let exitCode: number | null | undefined;
const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
let logOffset = 0;
/** The hub's log lines written since the last call. */
function newLogLines(): { msg?: string; url?: string; sqlStatements?: number; level?: number }[] {
  const text = fs.readFileSync(logFile, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  const chunk = text.slice(logOffset, end);
  logOffset = end;
  return chunk.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as { msg?: string; url?: string; sqlStatements?: number; level?: number }];
    } catch {
      return [];
    }
  });
}
/** SQL statements of each push logged since the last call; errors are echoed. */
function sqlPerPush(): number[] {
  const out: number[] = [];
  for (const entry of newLogLines()) {
    if (entry.msg === 'request' && entry.url?.startsWith('/webhooks/') && typeof entry.sqlStatements === 'number') out.push(entry.sqlStatements);
    else if ((entry.level ?? 0) >= 50) console.error('hub:', JSON.stringify(entry).slice(0, 500));
  }
  return out;
}
let baseUrl = '';
while (!baseUrl) {
  if (exitCode !== undefined) throw new Error(`the hub exited (${exitCode}) before listening; its log: ${logFile}`);
  for (const entry of newLogLines()) if (entry.msg?.startsWith('scf-hub listening on ')) baseUrl = entry.msg.slice('scf-hub listening on '.length).split(' ')[0]!.replace(/\/graphql$/, '');
  await new Promise((res) => setTimeout(res, 100));
}
const { hostname, port } = new URL(baseUrl);

// ---- plain keep-alive HTTP: lighter on this process than fetch ----
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 4 });
function post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await post('/graphql', JSON.stringify({ query, variables }), { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` });
  const parsed = JSON.parse(res.text) as { data?: T; errors?: unknown[] };
  if (parsed.errors?.length || !parsed.data) throw new Error(`GraphQL: ${res.text.slice(0, 500)}`);
  return parsed.data;
}
async function inParallel(n: number, count: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < count) await fn(next++);
  }));
}

/** CPU seconds the hub process has used (user + system), from /proc: less noisy than wall time on a shared machine. */
function hubCpuSeconds(): number {
  try {
    const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const db = new pg.Client({ connectionString: dbUrl });
await db.connect();
const countEvents = async () => Number((await db.query<{ n: string }>('select count(*)::text as n from tracking_event')).rows[0]!.n);
/** Outbox events not yet consumed, per durable consumer. */
async function backlog(): Promise<Record<string, number>> {
  const { rows } = await db.query<{ name: string; n: string }>(
    `select c.name, (select count(*) from outbox_event o where (o.txid, o.seq) > (c.txid, c.seq))::text as n from outbox_consumer c order by c.name`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}
/** Seconds until every consumer has caught up with the outbox (null: not within two minutes). */
async function drained(): Promise<number | null> {
  const start = performance.now();
  while (performance.now() - start < 120_000) {
    if (Object.values(await backlog()).every((v) => v === 0)) return (performance.now() - start) / 1000;
    await new Promise((res) => setTimeout(res, 200));
  }
  return null;
}
async function lagMetrics(): Promise<string[]> {
  const res = await new Promise<string>((resolve, reject) => {
    http.get({ host: hostname, port, path: '/metrics', agent }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    }).on('error', reject);
  });
  return res.split('\n').filter((l) => /^scf_\w*lag\w*/.test(l) && !l.startsWith('scf_nodejs_'));
}

interface Row {
  eventsPerPush: number;
  pushes: number;
  failed: number;
  eventsPerSecond: number;
  pushesPerSecond: number;
  p50: number;
  p99: number;
  sql: number;
  cpuMsPerPush: number;
  stored: number;
  acknowledged: number;
  newEventsAnswered: number;
  replays: number;
  replaysNoop: number;
  backlogAtEnd: Record<string, number>;
  drainSeconds: number | null;
  lag: string[];
}

try {
  // ---- set-up through the API ----
  const { createClient } = await gql<{ createClient: { id: string } }>(
    `mutation($input: CreateClientInput!) { createClient(input: $input) { id } }`,
    { input: { name: 'Bench Supplier', kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: usccFromNumber(910_001) } },
  );
  await gql(`mutation($input: RegisterLogisticsPartnerInput!) { registerLogisticsPartner(input: $input) { id } }`, {
    input: { code: PARTNER, kind: 'GENERIC', name: 'Bench generic partner', webhookSecret: SECRET },
  });
  const tracking = Array.from({ length: SHIPMENTS }, (_, i) => `BENCH-${String(i).padStart(6, '0')}`);
  const t0 = performance.now();
  await inParallel(CONCURRENCY, SHIPMENTS, async (i) => {
    await gql(`mutation($input: RegisterShipmentInput!) { registerShipment(input: $input) { id } }`, {
      input: { partnerCode: PARTNER, trackingNumber: tracking[i], clientId: createClient.id },
    });
  });
  console.log(`hub: child process on ${scratch.describe}, pool ${values['pool-size']}; ${SHIPMENTS} shipments registered through the API in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Warm-up (JIT, pool, the first status of every shipment): one one-event push per shipment, not measured.
  const warmBase = Date.parse('2026-01-01T00:00:00Z');
  await inParallel(CONCURRENCY, Math.max(SHIPMENTS, 500), async (i) => {
    const body = JSON.stringify({ trackingNumber: tracking[i % SHIPMENTS], events: [{ id: `warm-${i}`, occurredAt: new Date(warmBase + i * 1000).toISOString(), status: 'INFO_RECEIVED' }] });
    await post(`/webhooks/${PARTNER}`, body, { 'content-type': 'application/json', ...genericPushHeaders(body, SECRET) });
  });

  await drained();

  const statuses = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'IN_TRANSIT'] as const;
  const rows: Row[] = [];
  let clock = Date.parse('2026-02-01T00:00:00Z');
  for (const [r, k] of EVENTS_PER_PUSH.entries()) {
    await new Promise((res) => setTimeout(res, 1000));
    sqlPerPush();
    const storedBefore = await countEvents();
    const latencies: number[] = [];
    const acknowledgedBodies: string[] = [];
    let pushes = 0;
    let failed = 0;
    let acknowledged = 0;
    let newEventsAnswered = 0;
    let replays = 0;
    let replaysNoop = 0;
    let seq = 0;
    const cpuBefore = hubCpuSeconds();
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline) {
          const n = seq++;
          const replay = n % REPLAY_EVERY === REPLAY_EVERY - 1 && acknowledgedBodies.length > 0;
          let body: string;
          if (replay) {
            body = acknowledgedBodies[(n * 7919) % acknowledgedBodies.length]!;
          } else {
            const events = Array.from({ length: k }, (_, j) => {
              clock += 1000;
              return { id: `r${r}-p${n}-e${j}`, occurredAt: new Date(clock).toISOString(), status: statuses[(n + j) % statuses.length], description: 'bench event', location: 'Shanghai, CN' };
            });
            body = JSON.stringify({ trackingNumber: tracking[n % SHIPMENTS], events });
          }
          const t = performance.now();
          let status = 0;
          let text = '';
          try {
            ({ status, text } = await post(`/webhooks/${PARTNER}`, body, { 'content-type': 'application/json', ...genericPushHeaders(body, SECRET) }));
          } catch {
            status = 0;
          }
          latencies.push(performance.now() - t);
          const ok = status >= 200 && status < 300;
          const answered = ok ? ((JSON.parse(text) as { newEvents?: number }).newEvents ?? 0) : 0;
          if (replay) {
            replays++;
            if (ok && answered === 0) replaysNoop++;
            if (!ok) failed++;
            continue;
          }
          pushes++;
          if (!ok) {
            failed++;
            continue;
          }
          acknowledged += k;
          newEventsAnswered += answered;
          acknowledgedBodies.push(body);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = hubCpuSeconds() - cpuBefore;
    const stored = (await countEvents()) - storedBefore;
    const backlogAtEnd = await backlog();
    const lag = await lagMetrics();
    const drainSeconds = await drained();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    const logged = sqlPerPush();
    const sql = logged.length ? logged.reduce((a, b) => a + b, 0) / logged.length : 0;
    rows.push({
      eventsPerPush: k,
      pushes,
      failed,
      eventsPerSecond: acknowledged / seconds,
      pushesPerSecond: (pushes + replays) / seconds,
      p50: pct(50),
      p99: pct(99),
      sql,
      cpuMsPerPush: (cpu * 1000) / (pushes + replays),
      stored,
      acknowledged,
      newEventsAnswered,
      replays,
      replaysNoop,
      backlogAtEnd,
      drainSeconds,
      lag,
    });
  }

  console.log(`\n${SECONDS} s per row, concurrency ${CONCURRENCY}, ${SHIPMENTS} shipments, 1 push in ${REPLAY_EVERY} a replay; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| events/push | accepted events/s | pushes/s | p50 ms | p99 ms | SQL/push | hub CPU ms/push | stored / acknowledged | non-2xx | replays stored nothing | consumer backlog at end → drained in |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |');
  for (const row of rows) {
    const b = Object.entries(row.backlogAtEnd).map(([name, n]) => `${name} ${n}`).join(', ') || 'no consumer';
    console.log(
      `| ${row.eventsPerPush} | ${row.eventsPerSecond.toFixed(0)} | ${row.pushesPerSecond.toFixed(0)} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.sql.toFixed(1)} | ${row.cpuMsPerPush.toFixed(2)} | ` +
        `${row.stored} / ${row.acknowledged}${row.stored === row.acknowledged && row.newEventsAnswered === row.acknowledged ? ' ✓' : ' ✗'} | ${row.failed} | ${row.replaysNoop}/${row.replays} | ` +
        `${b} → ${row.drainSeconds === null ? 'not in 120 s' : `${row.drainSeconds.toFixed(1)} s`} |`,
    );
  }
  for (const row of rows) if (row.lag.length) console.log(`lag metrics after the ${row.eventsPerPush}-event row: ${row.lag.join('; ')}`);
  const bad = rows.filter((row) => row.stored !== row.acknowledged || row.newEventsAnswered !== row.acknowledged || row.replaysNoop !== row.replays);
  if (bad.length) {
    console.log('LOST OR DOUBLED: stored events differ from acknowledged ones (or a replay stored something)');
    process.exitCode = 1;
  }
} finally {
  await db.end();
  agent.destroy();
  child.kill('SIGTERM');
  await exited;
  await scratch.drop();
  fs.closeSync(logFd);
  fs.rmSync(logFile, { force: true });
}
