import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createClient as createWsClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccFromNumber } from '../src/clients/uscc.js';
import { createScratchDatabase, type ScratchDatabase } from '../src/db/scratch.js';
import { encodeEventCursor } from '../src/events/outbox.js';
import { genericPushHeaders } from '../src/logistics/partners/generic/generic.signature.js';

/**
 * Three real hub processes (`src/main.ts`, each in its own process) on one PostgreSQL database,
 * as a load balancer would run them. Everything is checked against the database itself: what a
 * subscriber must receive is the outbox in `(txid, seq)` order, what a partner was told was
 * stored must be in the inbox, the tracking events and the outbox together.
 *
 * PostgreSQL only: the embedded database (PGlite) is one session inside one process, so a
 * second hub process cannot share it.
 */

const PARTNER = 'multi-generic';
const SECRET = randomBytes(24).toString('base64url');
const ADMIN_KEY = `mh_${randomBytes(24).toString('base64url')}`;
const SECRETS_KEY = randomBytes(32).toString('base64');
const SHIPMENTS = 12;
/** A start on a loaded 2-core machine: three `tsx` processes compiling and migrating at once. */
const START_TIMEOUT_MS = 180_000;
/** How long every subscriber may take to receive what the database holds. */
const CATCH_UP_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, describeState?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describeState ? `: ${describeState()}` : ''}`);
    await sleep(200);
  }
}

// ---- hub processes -------------------------------------------------------------------------

interface HubProcess {
  name: string;
  baseUrl: string;
  wsUrl: string;
  child: ChildProcess;
  /** The last lines it wrote (warnings and errors only: LOG_LEVEL=warn), for failure messages. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
// A worker that dies without running afterAll must not leave hubs behind.
process.once('exit', killAll);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Each hub gets an IPC channel it never uses but for this: when the test process goes away
 * (even by SIGKILL), the channel disconnects and the hub exits, so no hub outlives its test.
 */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent("process.on('disconnect',()=>process.exit(1));process.channel?.unref();")}`;

async function launch(name: string, databaseUrl: string): Promise<HubProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '4',
    ADMIN_API_KEY: ADMIN_KEY,
    SECRETS_KEY,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    DEMO_PARTNER_SIM: 'false',
    POLLER_ENABLED: 'false',
    DELINQUENCY_SCAN_ENABLED: 'false',
    RISK_SCAN_ENABLED: 'false',
    OUTBOX_POLL_MS: '200',
    SHUTDOWN_GRACE_MS: '5000',
  };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', EXIT_WITH_PARENT, 'src/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const baseUrl = `http://127.0.0.1:${port}`;
  return { name, baseUrl, wsUrl: `ws://127.0.0.1:${port}/graphql`, child, output, exited };
}

/** Polls /readyz until 200 (the database answers and the migrations are applied). */
async function ready(hub: HubProcess): Promise<void> {
  await waitFor(
    `${hub.name} to be ready`,
    async () => {
      if (hub.child.exitCode !== null) throw new Error(`${hub.name} exited ${hub.child.exitCode}:\n${hub.output.join('\n')}`);
      try {
        const res = await fetch(`${hub.baseUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
        return res.status === 200;
      } catch {
        return false;
      }
    },
    START_TIMEOUT_MS,
    () => hub.output.slice(-20).join('\n'),
  );
}

/** Starts a hub; a port taken between choosing it and binding it (another test) is chosen again. */
async function startHubProcess(name: string, databaseUrl: string): Promise<HubProcess> {
  for (let attempt = 1; ; attempt++) {
    const hub = await launch(name, databaseUrl);
    try {
      await ready(hub);
      return hub;
    } catch (err) {
      if (attempt < 3 && hub.output.some((l) => l.includes('EADDRINUSE'))) continue;
      throw err;
    }
  }
}

async function stopHubProcess(hub: HubProcess): Promise<void> {
  if (hub.child.exitCode !== null || hub.child.signalCode !== null) return;
  hub.child.kill('SIGTERM');
  const done = await Promise.race([hub.exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!done) hub.child.kill('SIGKILL');
}

// ---- GraphQL over HTTP, pushes, SQL ---------------------------------------------------------

async function gql<T>(hub: HubProcess, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${hub.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`${hub.name}: GraphQL errors (HTTP ${res.status}): ${JSON.stringify(body.errors)}`);
  return body.data;
}

type PushOutcome = 'acknowledged' | 'no answer' | `refused ${number}`;

interface PushRecord {
  id: string;
  hub: string;
  outcome: PushOutcome;
}

let pushSerial = 0;
/** A signed generic push adding one new event (its id doubles as its description) to a shipment. */
async function push(hub: HubProcess, trackingNumber: string, event: { status: string; reason?: string } = { status: 'IN_TRANSIT' }): Promise<PushRecord> {
  const n = ++pushSerial;
  const id = `mh-${n}`;
  const body = JSON.stringify({
    trackingNumber,
    events: [{ id, occurredAt: new Date(Date.UTC(2026, 2, 1) + n * 60_000).toISOString(), ...event, description: id }],
  });
  try {
    const res = await fetch(`${hub.baseUrl}/webhooks/${PARTNER}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...genericPushHeaders(body, SECRET) },
      body,
      signal: AbortSignal.timeout(60_000),
    });
    // Acknowledged once the status is in: the hub answers 200 only after its transaction committed.
    const outcome: PushOutcome = res.status === 200 ? 'acknowledged' : `refused ${res.status}`;
    await res.text().catch(() => '');
    return { id, hub: hub.name, outcome };
  } catch {
    return { id, hub: hub.name, outcome: 'no answer' };
  }
}

let db: pg.Pool;
async function rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(text, params)).rows as T[];
}

/** The cursors a subscriber of `topic` must have received after `after`, in delivery order. */
async function expectedCursors(topic: string, after: { txid: string; seq: string }): Promise<string[]> {
  // Aliases differ from the column names: ORDER BY must sort the xid8/bigint columns, not text.
  const r = await rows<{ t: string; s: string }>(
    `select txid::text as t, seq::text as s from outbox_event
      where topic = $1 and (txid, seq) > ($2::text::xid8, $3::bigint)
      order by outbox_event.txid, outbox_event.seq`,
    [topic, after.txid, after.seq],
  );
  return r.map((x) => encodeEventCursor({ txid: BigInt(x.t), seq: BigInt(x.s) }));
}

/** Per push id: whether its inbox row, its tracking event and its outbox event exist. */
async function storedParts(ids: string[]): Promise<Map<string, { inbox: number; tracking: number; outbox: number }>> {
  const r = await rows<{ id: string; inbox: string; tracking: string; outbox: string }>(
    `with p as (select unnest($1::text[]) as id),
          i as (select convert_from(body, 'UTF8')::jsonb #>> '{events,0,id}' as id from webhook_inbox where outcome = 'PROCESSED' and body is not null),
          t as (select description as id, key from tracking_event),
          o as (select jsonb_array_elements_text(payload->'newEventKeys') as key from outbox_event where topic = 'shipment.updated')
     select p.id, coalesce(ni.n, 0)::text as inbox, coalesce(nt.n, 0)::text as tracking, coalesce(co.n, 0)::text as outbox
       from p
       left join (select id, count(*) as n from i group by id) ni on ni.id = p.id
       left join (select id, count(*) as n from t group by id) nt on nt.id = p.id
       left join (select t.id, count(*) as n from o join t on t.key = o.key group by t.id) co on co.id = p.id`,
    [ids],
  );
  return new Map(r.map((x) => [x.id, { inbox: Number(x.inbox), tracking: Number(x.tracking), outbox: Number(x.outbox) }]));
}

// ---- subscribers ----------------------------------------------------------------------------

const SUBSCRIPTIONS = {
  shipmentUpdated: 'subscription($after: String) { shipmentUpdated(after: $after) { cursor shipment { id } newEvents { description } } }',
  clientChanged: 'subscription($after: String) { clientChanged(after: $after) { cursor change client { id } } }',
} as const;
const TOPIC = { shipmentUpdated: 'shipment.updated', clientChanged: 'client.changed' } as const;
type Field = keyof typeof SUBSCRIPTIONS;

interface Received {
  cursor: string;
  /** shipmentUpdated: the push ids (descriptions) of the events it added. */
  pushIds: string[];
  at: number;
}

/** One subscription that can move to another hub, resuming with `after` = the last cursor it received. */
class Subscriber {
  readonly received: Received[] = [];
  readonly errors: string[] = [];
  hub!: HubProcess;
  /** Received-count at each (re)connection. */
  readonly connections: { hub: string; from: number; at: number }[] = [];
  private client: Client | null = null;
  private endedResolve: (why: string) => void = () => undefined;
  ended: Promise<string> = new Promise(() => undefined);

  constructor(
    readonly name: string,
    readonly field: Field,
    private readonly start: string,
  ) {}

  get lastCursor(): string {
    return this.received.at(-1)?.cursor ?? this.start;
  }

  connect(hub: HubProcess): void {
    this.hub = hub;
    this.connections.push({ hub: hub.name, from: this.received.length, at: Date.now() });
    this.ended = new Promise((r) => (this.endedResolve = r));
    const client = createWsClient({
      url: hub.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: { authorization: `Bearer ${ADMIN_KEY}` },
      on: { error: () => undefined },
      // The loss of the killed hub's socket is expected: reported through `ended`, not logged.
      onNonLazyError: () => undefined,
    });
    this.client = client;
    client.subscribe<Record<Field, { cursor: string; newEvents?: { description: string }[] }>>(
      { query: SUBSCRIPTIONS[this.field], variables: { after: this.lastCursor } },
      {
        next: (result) => {
          if (result.errors?.length) {
            this.errors.push(JSON.stringify(result.errors));
            return;
          }
          const data = result.data?.[this.field];
          if (!data) return;
          this.received.push({ cursor: data.cursor, pushIds: (data.newEvents ?? []).map((e) => e.description), at: Date.now() });
        },
        error: (err) => this.endedResolve(`error: ${err instanceof Error ? err.message : JSON.stringify((err as { code?: number }).code ?? err)}`),
        complete: () => this.endedResolve('complete'),
      },
    );
  }

  cursors(): string[] {
    return this.received.map((r) => r.cursor);
  }

  async close(): Promise<void> {
    await this.client?.dispose();
  }
}

/** Waits until `subs` each received exactly the cursors the database holds for their topic. */
async function allCaughtUp(subs: Subscriber[], start: { txid: string; seq: string }): Promise<Record<Field, string[]>> {
  const expected = {} as Record<Field, string[]>;
  await waitFor(
    'every subscriber to receive every event',
    async () => {
      expected.shipmentUpdated = await expectedCursors(TOPIC.shipmentUpdated, start);
      expected.clientChanged = await expectedCursors(TOPIC.clientChanged, start);
      return subs.every((s) => s.received.length >= expected[s.field].length);
    },
    CATCH_UP_MS,
    () => subs.map((s) => `${s.name}: ${s.received.length}/${expected[s.field]?.length}`).join(', '),
  );
  for (const s of subs) {
    expect(s.errors, s.name).toEqual([]);
    // Same cursors in the same order: every event once, in commit order, nothing missing or doubled.
    expect(s.cursors(), `${s.name} (connected to ${s.connections.map((c) => c.hub).join(' then ')})`).toEqual(expected[s.field]);
  }
  return expected;
}

// ---- the scenario ---------------------------------------------------------------------------

describe.skipIf(!process.env.DATABASE_URL)(
  'several hubs on one database (PostgreSQL only: the embedded database is a single session in one process)',
  () => {
    let scratch: ScratchDatabase;
    const hubs: HubProcess[] = [];
    let clientId = '';
    const trackingNumbers: string[] = [];
    let start: { txid: string; seq: string };
    const subs: Subscriber[] = [];

    beforeAll(async () => {
      scratch = await createScratchDatabase(process.env.DATABASE_URL, 2);
      db = new pg.Pool({ connectionString: scratch.target.url, max: 2 });
      // pool.end() resolves before its clients' sockets close; dropping the database (FORCE)
      // then sends them a FATAL that would surface as an unhandled error.
      db.on('connect', (client) => client.on('error', () => undefined));
      // Started together: the advisory lock lets one migrate while the others wait.
      const t0 = Date.now();
      hubs.push(...(await Promise.all(['hub-a', 'hub-b', 'hub-c'].map((name) => startHubProcess(name, scratch.target.url!)))));
      console.log(`multi-hub: 3 hub processes ready in ${Date.now() - t0} ms`);
      const [a, b, c] = hubs as [HubProcess, HubProcess, HubProcess];

      await gql(a, `mutation($input: RegisterLogisticsPartnerInput!) { registerLogisticsPartner(input: $input) { id } }`, {
        input: { code: PARTNER, kind: 'GENERIC', name: 'Multi-hub generic partner', webhookSecret: SECRET },
      });
      const created = await gql<{ createClient: { id: string } }>(b, `mutation($input: CreateClientInput!) { createClient(input: $input) { id } }`, {
        input: { name: 'Multi-hub supplier', kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: usccFromNumber(900_001) },
      });
      clientId = created.createClient.id;
      for (let i = 0; i < SHIPMENTS; i++) {
        const tn = `MH-${i}`;
        await gql(hubs[i % 3]!, `mutation($input: RegisterShipmentInput!) { registerShipment(input: $input) { id } }`, {
          input: { partnerCode: PARTNER, trackingNumber: tn, clientId },
        });
        trackingNumbers.push(tn);
      }
      // Subscribers start after the newest event now: what they must receive is exactly what
      // the outbox holds after it, whenever their subscription happens to become live.
      const [newest] = await rows<{ t: string; s: string }>(`select txid::text as t, seq::text as s from outbox_event order by outbox_event.txid desc, outbox_event.seq desc limit 1`);
      start = { txid: newest?.t ?? '0', seq: newest?.s ?? '0' };
      const startCursor = encodeEventCursor({ txid: BigInt(start.txid), seq: BigInt(start.seq) });
      for (const hub of [a, b, c]) {
        for (const field of ['shipmentUpdated', 'clientChanged'] as const) {
          const s = new Subscriber(`${field}@${hub.name}`, field, startCursor);
          s.connect(hub);
          subs.push(s);
        }
      }
    }, START_TIMEOUT_MS + 120_000);

    afterAll(async () => {
      // What the hubs logged at warn and above (LOG_LEVEL=warn), for the record.
      for (const h of hubs) {
        const lines = h.output.filter((l) => !l.includes('"level":30'));
        if (lines.length) console.log(`multi-hub: ${h.name} logged ${lines.length} warning/error lines (last 200 kept):\n${lines.slice(-10).join('\n')}`);
      }
      await Promise.all(subs.map((s) => s.close().catch(() => undefined)));
      await Promise.all(hubs.map((h) => stopHubProcess(h)));
      killAll();
      await db?.end().catch(() => undefined);
      await scratch?.drop();
    }, 60_000);

    it('delivers every event once, in commit order, to subscribers on every hub, whichever hub wrote it', async () => {
      const writes: Record<string, number> = {};
      // Client changes and pushes, round-robin over the hubs, one request per hub at a time.
      await Promise.all(
        hubs.map(async (hub, h) => {
          for (let i = 0; i < 10; i++) {
            await gql(hub, `mutation($input: UpdateClientInput!) { updateClient(input: $input) { id } }`, { input: { id: clientId, city: `City ${h}-${i}` } });
            const p = await push(hub, trackingNumbers[(h * 10 + i) % SHIPMENTS]!);
            expect(p.outcome, p.id).toBe('acknowledged');
            writes[hub.name] = (writes[hub.name] ?? 0) + 2;
          }
        }),
      );
      const expected = await allCaughtUp(subs, start);
      expect(expected.clientChanged.length).toBeGreaterThanOrEqual(30);
      expect(expected.shipmentUpdated.length).toBe(30);
      console.log(
        `multi-hub (a): writes per hub ${JSON.stringify(writes)}; events per subscriber ${subs.map((s) => `${s.name}=${s.received.length}`).join(' ')}`,
      );
    }, 240_000);

    it('stores and delivers every push when pushes are spread over all three hubs', async () => {
      const ids: string[] = [];
      const perHub: Record<string, number> = {};
      const t0 = Date.now();
      // Three concurrent partners per hub, 50 pushes per hub.
      await Promise.all(
        hubs.flatMap((hub, h) =>
          [0, 1, 2].map(async (lane) => {
            for (let i = lane; i < 50; i += 3) {
              const p = await push(hub, trackingNumbers[(h * 4 + i) % SHIPMENTS]!);
              expect(p.outcome, `${p.id} to ${hub.name}`).toBe('acknowledged');
              ids.push(p.id);
              perHub[hub.name] = (perHub[hub.name] ?? 0) + 1;
            }
          }),
        ),
      );
      const seconds = (Date.now() - t0) / 1000;
      expect(ids).toHaveLength(150);

      const parts = await storedParts(ids);
      for (const id of ids) expect(parts.get(id), id).toEqual({ inbox: 1, tracking: 1, outbox: 1 });

      await allCaughtUp(subs, start);
      for (const s of subs.filter((x) => x.field === 'shipmentUpdated')) {
        const delivered = new Set(s.received.flatMap((r) => r.pushIds));
        const missing = ids.filter((id) => !delivered.has(id));
        expect(missing, s.name).toEqual([]);
      }
      console.log(
        `multi-hub (b): ${ids.length} pushes in ${seconds.toFixed(1)} s (${(ids.length / seconds).toFixed(0)}/s) spread ${JSON.stringify(perHub)}; all stored; delivered to ${subs.filter((x) => x.field === 'shipmentUpdated').length} shipmentUpdated subscribers`,
      );
    }, 240_000);

    it('acts on each event once across hubs: one re-assessment per shipment exception, whichever hub took the push', async () => {
      const trackingNumber = 'MH-RISK';
      const exceptions = async () =>
        Number(
          (await rows<{ n: string }>(`select count(*)::text as n from risk_assessment where client_id = $1 and trigger = 'SHIPMENT_EXCEPTION'`, [clientId]))[0]!.n,
        );
      const before = await exceptions();
      await gql(hubs[0]!, `mutation($input: RegisterShipmentInput!) { registerShipment(input: $input) { id } }`, {
        input: { partnerCode: PARTNER, trackingNumber, clientId },
      });
      // One push at a time, round-robin: each one changes the exception reason, so each asks
      // the risk reactions of all three hubs for exactly one re-assessment.
      const reasons = ['CUSTOMS', 'DAMAGED'];
      const sent = 15;
      for (let i = 0; i < sent; i++) {
        const p = await push(hubs[i % 3]!, trackingNumber, { status: 'EXCEPTION', reason: reasons[i % 2]! });
        expect(p.outcome, p.id).toBe('acknowledged');
      }
      let seen = 0;
      await waitFor(`${sent} re-assessments`, async () => (seen = (await exceptions()) - before) >= sent, CATCH_UP_MS, () => `${seen} so far`);
      // A last one behind them: once it is acted on, every hub's reactions have passed the 15.
      const last = await push(hubs[1]!, trackingNumber, { status: 'EXCEPTION', reason: reasons[sent % 2]! });
      expect(last.outcome).toBe('acknowledged');
      await waitFor('the last re-assessment', async () => (await exceptions()) - before >= sent + 1, CATCH_UP_MS);
      expect((await exceptions()) - before).toBe(sent + 1);
      await allCaughtUp(subs, start);
      console.log(`multi-hub (risk): ${sent + 1} exception pushes over 3 hubs, ${(await exceptions()) - before} SHIPMENT_EXCEPTION re-assessments`);
    }, 240_000);

    it('loses no acknowledged push when a hub is killed mid-ingest, and its subscribers resume on another hub with `after`', async () => {
      const [a, b, c] = hubs as [HubProcess, HubProcess, HubProcess];
      const records: PushRecord[] = [];
      let inFlightToC = 0;
      let inFlightAtKill = -1;
      let killedAt = 0;
      let stopAfterKill = false;
      let afterKillPushes = 0;

      const lane = async (hub: HubProcess, offset: number) => {
        for (let i = offset; ; i++) {
          if (hub === c && killedAt) return;
          if (stopAfterKill) return;
          if (hub === c) inFlightToC++;
          const p = await push(hub, trackingNumbers[i % SHIPMENTS]!);
          if (hub === c) inFlightToC--;
          records.push(p);
          if (killedAt && hub !== c && ++afterKillPushes >= 60) stopAfterKill = true;
        }
      };
      const changes = async (hub: HubProcess, h: number) => {
        for (let i = 0; !stopAfterKill; i++) {
          if (hub === c && killedAt) return;
          try {
            await gql(hub, `mutation($input: UpdateClientInput!) { updateClient(input: $input) { id } }`, { input: { id: clientId, city: `Kill ${h}-${i}` } });
          } catch (err) {
            if (hub !== c) throw err;
            return;
          }
        }
      };
      const cSubs = subs.filter((s) => s.hub === c);
      const survivors = subs.filter((s) => s.hub !== c);

      // Pushes in flight to all three hubs, the most to the one that will be killed.
      const load = Promise.all([
        ...[0, 1, 2, 3, 4, 5].map((k) => lane(c, k * 2)),
        ...[0, 1].map((k) => lane(a, k * 5 + 1)),
        ...[0, 1].map((k) => lane(b, k * 5 + 3)),
        ...[a, b, c].map((hub, h) => changes(hub, h)),
      ]);
      await waitFor('hub-c to acknowledge 30 pushes', () => records.filter((r) => r.hub === c.name && r.outcome === 'acknowledged').length >= 30, 120_000);
      const receivedBeforeKill = cSubs.map((s) => s.received.length);
      inFlightAtKill = inFlightToC;
      killedAt = Date.now();
      c.child.kill('SIGKILL');
      const exit = await c.exited;
      expect(exit.signal).toBe('SIGKILL');

      // Its subscribers lose their socket and move to the other hubs, resuming after their last cursor.
      const resumed = await Promise.all(
        cSubs.map(async (s, i) => {
          const why = await s.ended;
          const lostAt = Date.now();
          s.connect(i % 2 ? b : a);
          return { name: s.name, why, lostMs: lostAt - killedAt, from: s.received.length };
        }),
      );
      await load;
      const lastWrite = Date.now();

      const expected = await allCaughtUp([...survivors, ...cSubs], start);

      // Acknowledged pushes: all stored, whole. Unanswered ones: whole or not at all.
      const parts = await storedParts(records.map((r) => r.id));
      const acknowledged = records.filter((r) => r.outcome === 'acknowledged');
      const unanswered = records.filter((r) => r.outcome === 'no answer');
      const refused = records.filter((r) => r.outcome.startsWith('refused'));
      expect(refused, 'no push was refused').toEqual([]);
      expect(unanswered.every((r) => r.hub === c.name), 'only the killed hub left pushes unanswered').toBe(true);
      for (const r of acknowledged) expect(parts.get(r.id), `${r.id} acknowledged by ${r.hub}`).toEqual({ inbox: 1, tracking: 1, outbox: 1 });
      let storedUnanswered = 0;
      for (const r of unanswered) {
        const got = parts.get(r.id)!;
        expect([{ inbox: 0, tracking: 0, outbox: 0 }, { inbox: 1, tracking: 1, outbox: 1 }], `${r.id} (no answer) is whole or absent`).toContainEqual(got);
        if (got.inbox) storedUnanswered++;
      }
      // Nothing half-written anywhere: as many processed pushes as tracking events as shipment events.
      const [totals] = await rows<{ inbox: string; tracking: string; outbox: string }>(
        `select (select count(*) from webhook_inbox where outcome = 'PROCESSED')::text as inbox,
                (select count(*) from tracking_event)::text as tracking,
                (select count(*) from outbox_event where topic = 'shipment.updated' and jsonb_array_length(payload->'newEventKeys') > 0)::text as outbox`,
      );
      expect(Number(totals!.tracking)).toBe(Number(totals!.inbox));
      expect(Number(totals!.outbox)).toBe(Number(totals!.inbox));

      // Every subscriber of the killed hub got, across both connections, exactly the outbox: the
      // events before the kill from hub-c, the rest from the hub it resumed on, none twice.
      for (const s of cSubs) {
        expect(s.connections.map((x) => x.hub)).toEqual([c.name, s.hub.name]);
        const second = s.received.slice(s.connections[1]!.from);
        expect(second.length, `${s.name} received events after resuming`).toBeGreaterThan(0);
      }
      expect(inFlightAtKill, 'pushes were in flight to hub-c when it was killed').toBeGreaterThan(0);

      const resumeFigures = cSubs.map((s, i) => {
        const first = s.received[s.connections[1]!.from];
        return `${s.name}: ${receivedBeforeKill[i]} events before the kill, socket lost after ${resumed[i]!.lostMs} ms (${resumed[i]!.why}), resumed on ${s.hub.name}, first event ${first ? first.at - killedAt : '—'} ms after the kill, ${s.received.length - s.connections[1]!.from} events after resuming`;
      });
      console.log(
        [
          `multi-hub (c): hub-c killed with ${inFlightAtKill} pushes in flight to it; pushes: ${acknowledged.length} acknowledged (all stored), ${unanswered.length} unanswered (${storedUnanswered} stored whole, ${unanswered.length - storedUnanswered} absent, none partial)`,
          ...resumeFigures.map((f) => `  ${f}`),
          `  all subscribers caught up ${Date.now() - lastWrite} ms after the last write; shipment.updated events: ${expected.shipmentUpdated.length}, client.changed events: ${expected.clientChanged.length}`,
          `  events per subscriber: ${[...survivors, ...cSubs].map((s) => `${s.name}=${s.received.length}`).join(' ')}`,
        ].join('\n'),
      );
    }, 300_000);
    it('drains on SIGTERM: subscriptions closed with 1001, exit 0, and the subscribers resume on the last hub with `after`', async () => {
      const [a, b] = hubs as [HubProcess, HubProcess, HubProcess];
      const onB = subs.filter((s) => s.hub === b);
      expect(onB.length).toBeGreaterThan(0);
      const signalledAt = Date.now();
      b.child.kill('SIGTERM');
      const whys = await Promise.all(onB.map((s) => s.ended));
      const exit = await b.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      for (const why of whys) expect(why).toBe('error: 1001');
      const drainedMs = Date.now() - signalledAt;
      for (const s of onB) s.connect(a);
      // Something to resume to: a push and a client change, both through the last hub.
      expect((await push(a, trackingNumbers[0]!)).outcome).toBe('acknowledged');
      await gql(a, `mutation($input: UpdateClientInput!) { updateClient(input: $input) { id } }`, { input: { id: clientId, city: 'After drain' } });
      await allCaughtUp(subs, start);
      console.log(`multi-hub (SIGTERM): hub-b drained and exited 0 in ${drainedMs} ms; ${onB.length} subscribers resumed on hub-a, all ${subs.length} caught up`);
    }, 240_000);
  },
);
