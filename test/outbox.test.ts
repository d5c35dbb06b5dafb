import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DurableConsumer } from '../src/events/consumer.js';
import { appendEvent, encodeEventCursor, positionOf, decodeEventCursor, type DomainEvent } from '../src/events/outbox.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { TEST_TOPIC } from './helpers/test-topic.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

const TOPIC = TEST_TOPIC;

/** Reads `n` events from a fresh stream (after `after`), failing after `ms`. */
async function collect(after: string | null, n: number, ms = 5000, prefix = ''): Promise<DomainEvent[]> {
  const stream = hub.hub.dispatcher.stream(
    (e) => e.topic === TOPIC && e.aggregateId.startsWith(prefix),
    after ? decodeEventCursor(after) : null,
  );
  const out: DomainEvent[] = [];
  const deadline = Date.now() + ms;
  while (out.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now()))));
    const next = await Promise.race([stream.next(), timeout]);
    clearTimeout(timer);
    if (next === 'timeout' || next.done) break;
    out.push(next.value);
  }
  // A pending next() would keep return() waiting; the stream is garbage once dropped.
  void stream.return?.(undefined);
  return out;
}

async function commitEvent(id: string): Promise<void> {
  await hub.orm.em.fork().transactional(async (em: EntityManager) => {
    appendEvent(em, TOPIC, id, { id });
  });
}

/** A transaction that has written `id`'s event and stays open until `commit()`. */
async function heldOpenWith(id: string): Promise<{ commit(): Promise<void> }> {
  let release!: () => void;
  const holds = new Promise<void>((r) => (release = r));
  let wrote!: () => void;
  const written = new Promise<void>((r) => (wrote = r));
  const tx = hub.orm.em.fork().transactional(async (em: EntityManager) => {
    appendEvent(em, TOPIC, id, { id });
    await em.flush();
    wrote();
    await holds;
  });
  await written;
  return {
    async commit() {
      release();
      await tx;
    },
  };
}

/** The id of the newest event, as a cursor to resume after. */
async function cursorNow(): Promise<string> {
  await commitEvent('marker');
  const [marker] = await hub.orm.em
    .fork()
    .getConnection()
    .execute<{ txid: string; seq: string }[]>(`select txid::text as txid, seq::text as seq from outbox_event order by seq desc limit 1`);
  return encodeEventCursor(positionOf(marker!));
}

const ids = (events: DomainEvent[]) => events.map((e) => e.aggregateId);

describe('outbox dispatcher', () => {
  it('delivers committed events live, in order, once each', async () => {
    const live = collect(null, 3, 5000, 'a');
    await new Promise((r) => setTimeout(r, 50));
    await commitEvent('a1');
    await commitEvent('a2');
    await commitEvent('a3');
    expect(ids(await live)).toEqual(['a1', 'a2', 'a3']);
  });

  it('replays what a subscriber missed after its cursor, then goes live', async () => {
    const cursor = await cursorNow();
    await commitEvent('b1');
    await commitEvent('b2');
    const resumed = collect(cursor, 3);
    await new Promise((r) => setTimeout(r, 300));
    await commitEvent('b3');
    expect(ids(await resumed)).toEqual(['b1', 'b2', 'b3']);
  });

  it('never delivers an event whose transaction rolled back', async () => {
    const cursor = await cursorNow();
    await hub.orm.em
      .fork()
      .transactional(async (em: EntityManager) => {
        appendEvent(em, TOPIC, 'rolled-back', { id: 'rolled-back' });
        await em.flush();
        throw new Error('abort');
      })
      .catch(() => undefined);
    await commitEvent('c1');
    expect(ids(await collect(cursor, 2, 1500))).toEqual(['c1']);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'delivers an event whose transaction commits after a later-numbered one (PostgreSQL: needs two sessions)',
    async () => {
      const cursor = await cursorNow();
      const live = collect(null, 2, 8000, 'late-');
      await new Promise((r) => setTimeout(r, 50));

      // B takes a transaction id first; A then writes its event (lower seq) and stays open;
      // B writes its event (higher seq) and commits first; A commits last.
      let bStarted!: () => void;
      const bHasXid = new Promise<void>((r) => (bStarted = r));
      let letBWrite!: () => void;
      const bMayWrite = new Promise<void>((r) => (letBWrite = r));

      const b = hub.orm.em.fork().transactional(async (em: EntityManager) => {
        await em.getConnection().execute('select pg_current_xact_id()', [], 'all', em.getTransactionContext());
        bStarted();
        await bMayWrite;
        appendEvent(em, TOPIC, 'late-B', { id: 'late-B' });
      });
      await bHasXid;
      const a = await heldOpenWith('late-A');
      letBWrite();
      await b;

      // B is visible, A is not yet: B must be held back or delivered, A must not be lost.
      await new Promise((r) => setTimeout(r, 400));
      await a.commit();

      const seqs = await hub.orm.em
        .fork()
        .getConnection()
        .execute<{ aggregate_id: string }[]>(
          `select aggregate_id from outbox_event where aggregate_id like 'late-%' order by seq`,
        );
      expect(seqs.map((r) => r.aggregate_id)).toEqual(['late-A', 'late-B']); // A was numbered first, committed last

      const seen = ids(await live);
      expect([...seen].sort()).toEqual(['late-A', 'late-B']);
      const replayed = ids(await collect(cursor, 2, 3000, 'late-'));
      expect(replayed).toEqual(seen);
      // Nothing twice: a third read finds nothing more.
      expect(ids(await collect(cursor, 3, 1000, 'late-'))).toEqual(seen);
    },
  );

  it('refuses a cursor it did not issue, naming the argument', () => {
    expect(() => decodeEventCursor('not-a-cursor')).toThrow(/after/);
  });
});

describe('a live subscriber without a cursor', () => {
  it.skipIf(!process.env.DATABASE_URL)(
    'does not get an event committed before it subscribed, even when delivery of it was held back (PostgreSQL)',
    async () => {
      // An open writing transaction holds every later commit below the delivery horizon.
      let release!: () => void;
      const holding = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const hasXid = new Promise<void>((r) => (started = r));
      const blocker = hub.orm.em.fork().transactional(async (em: EntityManager) => {
        await em.getConnection().execute('select pg_current_xact_id()', [], 'all', em.getTransactionContext());
        started();
        await holding;
      });
      await hasXid;
      await commitEvent('held-before');
      const live = collect(null, 2, 4000, 'held-');
      await new Promise((r) => setTimeout(r, 300));
      await commitEvent('held-after');
      release();
      await blocker;
      expect(ids(await live)).toEqual(['held-after']);
    },
  );
});

describe('the LISTEN connection', () => {
  it.skipIf(!process.env.DATABASE_URL)(
    'is opened again when it is lost, so that other processes’ commits wake the hub at once again (PostgreSQL)',
    async () => {
      // A poll so slow that only NOTIFY can deliver within the test's waits.
      const slow = await startTestHub({ OUTBOX_POLL_MS: 120_000 });
      const dbName = (await slow.orm.em.fork().getConnection().execute<{ db: string }[]>('select current_database() as db'))[0]!.db;
      const base = new URL(process.env.DATABASE_URL!);
      base.pathname = `/${dbName}`;
      const other = new pg.Client({ connectionString: base.toString() });
      try {
        await other.connect();
        // Another process's commit: a plain insert on a connection of its own (no local wake).
        const insertElsewhere = (id: string) =>
          other.query(`insert into outbox_event (topic, aggregate_id, payload) values ($1, $2, $3::jsonb)`, [TEST_TOPIC, id, JSON.stringify({ id })]);
        // A live stream skips what committed before its first next() took its snapshot, and a
        // loaded machine may take that snapshot late: insert again each second until one arrives.
        // With a two-minute poll, anything arriving within the test came by NOTIFY.
        const woken = async (prefix: string): Promise<string | undefined> => {
          const stream = slow.hub.dispatcher.stream((e) => e.aggregateId.startsWith(prefix), null);
          try {
            const first = stream.next();
            for (let i = 0; i < 10; i++) {
              await insertElsewhere(`${prefix}-${i}`);
              const got = await Promise.race([first, new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
              if (got) return got.value?.aggregateId;
            }
            return undefined;
          } finally {
            void stream.return?.(undefined);
          }
        };
        expect(await woken('notify-1')).toMatch(/^notify-1-\d$/);

        const killed = await other.query<{ n: number }>(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and query ilike 'LISTEN scf_outbox%' and pid <> pg_backend_pid()`,
          [dbName],
        );
        expect(killed.rows[0]!.n).toBe(1);
        // Back within its first backoff (half a second), listening again.
        await waitForListener(other, dbName);
        expect(await woken('notify-2')).toMatch(/^notify-2-\d$/);
      } finally {
        await other.end().catch(() => undefined);
        await slow.close();
      }
    },
    60_000,
  );
});

async function waitForListener(c: pg.Client, db: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const r = await c.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = $1 and query ilike 'LISTEN scf_outbox%'`, [db]);
    if (r.rows[0]!.n > 0) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('the hub did not LISTEN again within 10 s');
}

describe('a durable consumer that starts for the first time', () => {
  it.skipIf(!process.env.DATABASE_URL)(
    'starts at the settled horizon: an event whose transaction commits after a newer one is acted on, not skipped (PostgreSQL)',
    async () => {
      // A writes its event first (lower txid) and stays open; B's event commits while A is open.
      const a = await heldOpenWith('horizon-A');
      await commitEvent('horizon-B');

      // A consumer that never ran starts now, while A is still open: the newest row is B's.
      const seen: string[] = [];
      const consumer = new DurableConsumer(hub.orm, hub.hub.dispatcher, {
        name: `test.horizon.${Date.now()}`,
        rules: [{ name: 'record', topics: [TOPIC], accepts: (e) => e.aggregateId.startsWith('horizon-'), act: async (_tem, e) => void seen.push(e.aggregateId) }],
        retry: { maxAttempts: 3, firstDelayMs: 10, maxDelayMs: 40 },
        log: hub.hub.log,
        pollMs: 100,
      });
      await consumer.start();
      try {
        await a.commit();
        const deadline = Date.now() + 10_000;
        while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        // Both, in (txid, seq) order: A's transaction id is the lower one.
        expect(seen).toEqual(['horizon-A', 'horizon-B']);
      } finally {
        await consumer.stop();
      }
    },
  );
});
