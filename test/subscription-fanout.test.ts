import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DurableConsumer } from '../src/events/consumer.js';
import { RISK_CONSUMER } from '../src/risk/risk.reactions.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendEvent, comparePositions, decodeEventCursor as positionOfCursor } from '../src/events/outbox.js';
import { TEST_TOPIC } from './helpers/test-topic.js';
import { Role, type TestHub } from './helpers/hub.js';
import { createClient, registerPartner, registerShipment, sql, startLogisticsHub } from './helpers/logistics.js';
import { openStreams, subscribe, waitForStreams, type Collector } from './helpers/ws.js';

/** A subscriber may have this many events waiting before it is ended as behind. */
const QUEUE = 20;

let hub: TestHub;
let clientId: string;
const keys = {} as Record<'partnerA' | 'partnerB', string>;

beforeAll(async () => {
  hub = await startLogisticsHub({ WS_SUBSCRIBER_QUEUE: QUEUE, WS_MAX_SUBSCRIPTIONS: 20 });
  clientId = await createClient(hub);
  await registerPartner(hub, { code: 'carrier-a', kind: 'GENERIC', name: 'Carrier A', webhookSecret: 'carrier-a-secret' });
  await registerPartner(hub, { code: 'carrier-b', kind: 'GENERIC', name: 'Carrier B', webhookSecret: 'carrier-b-secret' });
  keys.partnerA = await hub.keyFor(Role.PARTNER, 'carrier-a');
  keys.partnerB = await hub.keyFor(Role.PARTNER, 'carrier-b');
  // The risk reactions poll and batch on their own clock: their statements are not the fan-out's
  // and would make the per-event counts below depend on timing.
  const risk = hub.hub.consumers.get(RISK_CONSUMER);
  if (!(risk instanceof DurableConsumer)) throw new Error('the risk reactions run as a durable consumer');
  await risk.stop();
}, 60_000);

afterAll(async () => {
  await hub?.close();
});

const CLIENT_SUB = `subscription($filter: ClientChangedFilter, $after: String) {
  clientChanged(filter: $filter, after: $after) { cursor change reason client { id name } }
}`;
interface ClientEv {
  clientChanged: { cursor: string; change: string; reason: string | null; client: { id: string; name: string } };
}

const SHIPMENT_SUB = `subscription($filter: ShipmentUpdatedFilter) {
  shipmentUpdated(filter: $filter) { cursor shipment { id trackingNumber status } newEvents { description } }
}`;
interface ShipmentEv {
  shipmentUpdated: { cursor: string; shipment: { id: string; trackingNumber: string; status: string }; newEvents: { description: string }[] };
}

let names = 0;
const rename = async (id: string): Promise<string> => {
  const name = `Fan-out ${++names}`;
  await hub.ok(`mutation($input: UpdateClientInput!) { updateClient(input: $input) { id } }`, { input: { id, name } });
  return name;
};

const PUSH = `mutation($input: PushTrackingEventsInput!) { pushTrackingEvents(input: $input) { accepted } }`;
let pushes = 0;
const push = async (key: string, partnerCode: string, trackingNumber: string): Promise<string> => {
  const description = `scan ${++pushes}`;
  const day = String(1 + (pushes % 27)).padStart(2, '0');
  await hub.ok(PUSH, { input: { partnerCode, trackingNumber, events: [{ id: `ev-${pushes}`, occurredAt: `2026-03-${day}T08:00:00+08:00`, status: 'IN_TRANSIT', description }] } }, key);
  return description;
};

/** Opens `n` identical subscriptions (each on its own connection) and waits until all are registered. */
async function openMany<T>(n: number, query: string, variables: Record<string, unknown>, key?: string): Promise<Collector<T>[]> {
  const before = openStreams(hub);
  const subs = Array.from({ length: n }, () => subscribe<T>(hub, query, variables, key));
  await waitForStreams(hub, before + n, 60_000);
  return subs;
}

async function closeAll(subs: Collector<unknown>[]): Promise<void> {
  await Promise.all(subs.map((s) => s.close()));
  await waitUntil(() => openStreams(hub) === 0, 'every stream closed');
}

async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** SQL statements run while `fn` ran and until the hub went quiet (background work of the events included). */
/** The statements the hub ran for `fn` and whatever it set off, until quiet. */
async function statementsFor(fn: () => Promise<void>): Promise<{ count: number; statements: string[] }> {
  // Quiet = no statement for 300 ms. From quiet, so that what the subscribers' joining set off
  // (their snapshot, their key's check) is not counted, however late a loaded machine runs it;
  // until quiet, so that later reactions to the same events count too.
  const quiet = async () => {
    for (let i = 0; i < 50; i++) {
      const window = await hub.countQueries(() => new Promise((res) => setTimeout(res, 300)));
      if (window.count === 0) return;
    }
  };
  await quiet();
  const { count, statements } = await hub.countQueries(async () => {
    await fn();
    await quiet();
  });
  return { count, statements };
}

/** What one run ran that the other did not (by statement text), for the failure message. */
function difference(a: string[], b: string[]): string[] {
  const left = [...b];
  return a.filter((sql) => {
    const i = left.indexOf(sql);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/**
 * Waits until the dispatcher has delivered everything committed so far: a marker event, which no
 * subscription takes, comes through. Otherwise an event committed before the subscribers joined
 * (the client's creation) may be dispatched late, inside a measurement, and resolved by the
 * shared execution (its members then skip it) — one resolution more in whichever run it lands.
 */
async function dispatchedSoFar(): Promise<void> {
  const id = `marker-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const stream = hub.hub.dispatcher.stream((e) => e.aggregateId === id, null);
  // The stream takes its snapshot on the first next(): asked for before the marker commits.
  const first = stream.next();
  await hub.orm.em.fork().transactional(async (em: EntityManager) => appendEvent(em, TEST_TOPIC, id, { id }));
  await first;
  void stream.return?.(undefined);
}

/** Runs `measure` for 1 and for 200 subscribers, expects the same statements of both; returns the count. */
async function expectFlatCost(measure: (n: number) => Promise<{ count: number; statements: string[] }>): Promise<number> {
  const one = await measure(1);
  const many = await measure(200);
  expect(many.count, `only with 1: ${JSON.stringify(difference(one.statements, many.statements))}; only with 200: ${JSON.stringify(difference(many.statements, one.statements))}`).toBe(one.count);
  return one.count;
}

describe('subscription fan-out', () => {
  it('resolves a clientChanged event once however many identical subscribers hear it', async () => {
    const measure = async (n: number) => {
      await dispatchedSoFar();
      const subs = await openMany<ClientEv>(n, CLIENT_SUB, { filter: { clientId } });
      try {
        const cost = await statementsFor(async () => {
          for (let i = 0; i < 3; i++) await rename(clientId);
          await Promise.all(subs.map((s) => s.take(3, 30_000)));
        });
        for (const s of subs) {
          // Each subscriber: every event once, in commit order, nothing else.
          const positions = s.received.map((r) => positionOfCursor(r.data!.clientChanged.cursor));
          expect(positions).toHaveLength(3);
          expect(positions.every((p, i) => i === 0 || comparePositions(positions[i - 1]!, p) < 0)).toBe(true);
        }
        const cursors = subs.map((s) => JSON.stringify(s.received.map((r) => r.data!.clientChanged.cursor)));
        expect(new Set(cursors).size).toBe(1);
        return cost;
      } finally {
        await closeAll(subs);
      }
    };
    expect(await expectFlatCost(measure)).toBeGreaterThan(0);
  }, 180_000);

  it('resolves a shipmentUpdated event once however many identical subscribers hear it', async () => {
    const measure = async (n: number) => {
      // A fresh shipment each time, so that both runs push the same changes.
      const trackingNumber = `FAN-${n}`;
      const s = await registerShipment(hub, { partnerCode: 'carrier-a', trackingNumber, clientId });
      await dispatchedSoFar();
      const subs = await openMany<ShipmentEv>(n, SHIPMENT_SUB, { filter: { shipmentId: s.id } });
      try {
        const expected: string[][] = [];
        const cost = await statementsFor(async () => {
          for (let i = 0; i < 3; i++) expected.push([await push(keys.partnerA, 'carrier-a', trackingNumber)]);
          await Promise.all(subs.map((sub) => sub.take(3, 30_000)));
        });
        for (const sub of subs) {
          expect(sub.received.map((r) => r.data?.shipmentUpdated.newEvents.map((e) => e.description))).toEqual(expected);
        }
        return cost;
      } finally {
        await closeAll(subs);
      }
    };
    await expectFlatCost(measure);
  }, 180_000);

  it("never shows one partner's shipments to another partner's subscribers sharing the same operation", async () => {
    await registerShipment(hub, { partnerCode: 'carrier-a', trackingNumber: 'SCOPE-A', clientId });
    await registerShipment(hub, { partnerCode: 'carrier-b', trackingNumber: 'SCOPE-B', clientId });
    const subsA = await openMany<ShipmentEv>(3, SHIPMENT_SUB, {}, keys.partnerA);
    const subsB = await openMany<ShipmentEv>(3, SHIPMENT_SUB, {}, keys.partnerB);
    const desk = await openMany<ShipmentEv>(1, SHIPMENT_SUB, {});
    try {
      const a1 = await push(keys.partnerA, 'carrier-a', 'SCOPE-A');
      const b1 = await push(keys.partnerB, 'carrier-b', 'SCOPE-B');
      const a2 = await push(keys.partnerA, 'carrier-a', 'SCOPE-A');
      // The desk sees all three: once it has, every partner's events have been dispatched.
      const all = await desk[0]!.take(3, 30_000);
      expect(all.map((r) => r.data?.shipmentUpdated.newEvents[0]?.description)).toEqual([a1, b1, a2]);
      for (const sub of subsA) {
        const got = await sub.take(2, 30_000);
        expect(got.map((r) => r.data?.shipmentUpdated.shipment.trackingNumber)).toEqual(['SCOPE-A', 'SCOPE-A']);
      }
      for (const sub of subsB) {
        const got = await sub.take(1, 30_000);
        expect(got.map((r) => r.data?.shipmentUpdated.shipment.trackingNumber)).toEqual(['SCOPE-B']);
      }
      // A later event proves nothing else was queued before it.
      const b2 = await push(keys.partnerB, 'carrier-b', 'SCOPE-B');
      for (const sub of subsB) expect((await sub.next(30_000)).data?.shipmentUpdated.newEvents[0]?.description).toBe(b2);
      for (const sub of subsA) expect(sub.received).toHaveLength(2);
    } finally {
      await closeAll([...subsA, ...subsB, ...desk]);
    }
  }, 120_000);

  it('gives a subscriber joining a running shared stream exactly the events committed after it joined', async () => {
    const [first] = await openMany<ClientEv>(1, CLIENT_SUB, { filter: { clientId } });
    try {
      // Events are told apart by cursor: the client in them is read as it is at delivery.
      const cursorsOf = (rs: { data?: ClientEv | null }[]) => rs.map((r) => r.data!.clientChanged.cursor);
      await rename(clientId);
      await rename(clientId);
      const early = cursorsOf(await first!.take(2, 30_000));
      const [joiner] = await openMany<ClientEv>(1, CLIENT_SUB, { filter: { clientId } });
      try {
        expect(hub.running.http.fanout.groupCount).toBe(1);
        await rename(clientId);
        await rename(clientId);
        const late = cursorsOf(await first!.take(2, 30_000));
        expect(cursorsOf(await joiner!.take(2, 30_000))).toEqual(late);
        await rename(clientId);
        const [last] = cursorsOf(await first!.take(1, 30_000));
        // The next one is the last change: nothing from before it joined was queued in between.
        expect(cursorsOf([await joiner!.next(30_000)])).toEqual([last]);
        expect(early.some((c) => joiner!.received.some((r) => r.data?.clientChanged.cursor === c))).toBe(false);
      } finally {
        await joiner!.close();
      }
    } finally {
      await closeAll([first!]);
    }
  }, 120_000);

  it('replays a resuming subscriber from its cursor, then shares the live stream without a gap or a duplicate', async () => {
    const [live] = await openMany<ClientEv>(1, CLIENT_SUB, { filter: { clientId } });
    const resumed: Collector<ClientEv>[] = [];
    try {
      for (let i = 0; i < 3; i++) await rename(clientId);
      const got = await live!.take(3, 30_000);
      const cursors = got.map((r) => r.data!.clientChanged.cursor);
      const { count: baseline } = await statementsFor(async () => {
        await rename(clientId);
        await live!.take(1, 30_000);
      });
      const fourth = live!.received[3]!.data!.clientChanged.cursor;
      resumed.push(...(await openMany<ClientEv>(1, CLIENT_SUB, { filter: { clientId }, after: cursors[0] })));
      resumed.push(...(await openMany<ClientEv>(1, CLIENT_SUB, { filter: { clientId }, after: cursors[1] })));
      // Replayed events show the client as it is now; their cursors say which events they are.
      expect((await resumed[0]!.take(3, 30_000)).map((r) => r.data?.clientChanged.cursor)).toEqual([cursors[1], cursors[2], fourth]);
      expect((await resumed[1]!.take(2, 30_000)).map((r) => r.data?.clientChanged.cursor)).toEqual([cursors[2], fourth]);
      // Live now: one shared resolution for all three subscribers.
      let next = '';
      const { count: shared } = await statementsFor(async () => {
        next = await rename(clientId);
        await Promise.all([live!, ...resumed].map((s) => s.take(1, 30_000)));
      });
      for (const s of [live!, ...resumed]) expect(s.received.at(-1)?.data?.clientChanged.client.name).toBe(next);
      expect(shared).toBe(baseline);
      expect(hub.running.http.fanout.groupCount).toBe(1);
      const again = await rename(clientId);
      for (const s of [live!, ...resumed]) expect((await s.next(30_000)).data?.clientChanged.client.name).toBe(again);
    } finally {
      await closeAll([live!, ...resumed]);
    }
  }, 120_000);

  it('ends a subscriber that stops reading with SUBSCRIBER_BEHIND and its resume cursor, while a healthy one goes on', async () => {
    const reader = await rawSubscriber(CLIENT_SUB, { filter: { clientId } });
    const [healthy] = await openMany<ClientEv>(1, CLIENT_SUB, { filter: { clientId } });
    try {
      // The stalled client reads nothing; once the kernel's socket buffers are full, its queue fills.
      reader.socket.pause();
      const behindBefore = hub.running.http.fanout.behind;
      let inserted = 0;
      while (hub.running.http.fanout.behind === behindBefore) {
        expect(inserted).toBeLessThan(5000);
        await insertBigClientEvents(clientId, 50);
        inserted += 50;
        await waitUntil(() => healthy!.received.length >= inserted || hub.running.http.fanout.behind > behindBefore, 'the healthy subscriber to catch up');
      }
      await rename(clientId);
      await waitUntil(() => healthy!.received.length >= inserted + 1, 'the healthy subscriber to hear every change');
      await healthy!.expectSilence(200);
      expect(healthy!.received).toHaveLength(inserted + 1);
      expect(healthy!.received.at(-1)?.data?.clientChanged.reason).toBeNull();
      const healthyCursors = healthy!.received.map((r) => r.data!.clientChanged.cursor);
      expect(new Set(healthyCursors).size).toBe(inserted + 1);
      expect(healthy!.received.slice(0, -1).every((r) => r.data?.clientChanged.reason?.startsWith('bulk '))).toBe(true);

      // Reading again: what was sent before it fell behind, then the error that says where to resume.
      reader.socket.resume();
      const end = await reader.ended;
      expect(end.error?.extensions?.code).toBe('SUBSCRIBER_BEHIND');
      const delivered = reader.nexts.map((n) => (n as ClientEv).clientChanged.cursor);
      expect(delivered.length).toBeGreaterThan(0);
      expect(delivered.length).toBeLessThan(inserted);
      expect(delivered).toEqual(healthyCursors.slice(0, delivered.length));
      const resumeAfter = end.error?.extensions?.resumeAfter;
      expect(resumeAfter).toBe(delivered.at(-1));

      // Resuming from there misses nothing and repeats nothing.
      const [back] = await openMany<ClientEv>(1, CLIENT_SUB, { filter: { clientId }, after: resumeAfter });
      try {
        const rest = await back!.take(inserted + 1 - delivered.length, 60_000);
        expect(rest.map((r) => r.data!.clientChanged.cursor)).toEqual(healthyCursors.slice(delivered.length));
      } finally {
        await back!.close();
      }
    } finally {
      reader.socket.terminate();
      await closeAll([healthy!]);
    }
  }, 180_000);
});

/** `n` committed client.changed events with a 16 kB reason each, in one statement. */
async function insertBigClientEvents(id: string, n: number): Promise<void> {
  await sql(
    hub,
    `insert into outbox_event (topic, aggregate_id, payload)
     select 'client.changed', ?, jsonb_build_object('change', 'UPDATED', 'fields', '[]'::jsonb, 'reason', 'bulk ' || g || ' ' || repeat('x', 16000))
       from generate_series(1, ?) g`,
    [id, n],
  );
}

interface RawSubscriber {
  socket: WebSocket;
  nexts: unknown[];
  ended: Promise<{ error?: { message: string; extensions?: Record<string, unknown> } }>;
}

/** A bare graphql-transport-ws client, so that the test can stop reading its socket. */
async function rawSubscriber(query: string, variables: Record<string, unknown>): Promise<RawSubscriber> {
  const before = openStreams(hub);
  const socket = new WebSocket(hub.wsUrl, 'graphql-transport-ws');
  const nexts: unknown[] = [];
  let acked: () => void = () => undefined;
  const ack = new Promise<void>((r) => (acked = r));
  const ended = new Promise<{ error?: { message: string; extensions?: Record<string, unknown> } }>((resolve) => {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; payload?: unknown };
      if (msg.type === 'connection_ack') acked();
      else if (msg.type === 'next') nexts.push((msg.payload as { data: unknown }).data);
      else if (msg.type === 'error') resolve({ error: (msg.payload as { message: string; extensions?: Record<string, unknown> }[])[0] });
      else if (msg.type === 'complete') resolve({});
    });
    socket.on('close', () => resolve({}));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${hub.adminKey}` } }));
  await ack;
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  await waitForStreams(hub, before + 1, 30_000);
  return { socket, nexts, ended };
}
