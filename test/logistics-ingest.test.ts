import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableConsumer } from '../src/events/consumer.js';
import { RISK_CONSUMER } from '../src/risk/risk.reactions.js';
import { kuaidi100PushBody } from '../src/logistics/partners/kuaidi100/kuaidi100.signature.js';
import type { TestHub } from './helpers/hub.js';
import { createClient, genericPush, getShipment, postWebhook, registerPartner, registerShipment, sql, startLogisticsHub } from './helpers/logistics.js';

let hub: TestHub;
let clientId: string;
const SECRET = 'ingest-test-secret-01';
const SALT = 'ingest-test-salt-0001';

beforeAll(async () => {
  hub = await startLogisticsHub();
  // Nothing reads the outbox here: the dispatcher's and the risk reactions' statements would
  // otherwise mix with the push's own in the count.
  await hub.hub.dispatcher.stop();
  const risk = hub.hub.consumers.get(RISK_CONSUMER);
  if (!(risk instanceof DurableConsumer)) throw new Error('the risk reactions run as a durable consumer');
  await risk.stop();
  clientId = await createClient(hub);
  await registerPartner(hub, { code: 'generic-ingest', kind: 'GENERIC', name: 'Generic', webhookSecret: SECRET });
  await registerPartner(hub, { code: 'k100-ingest', kind: 'KUAIDI100', name: 'Kuaidi100', apiBaseUrl: 'http://127.0.0.1:9', credentials: { customer: 'c', key: 'k' }, webhookSecret: SALT });
});
afterAll(async () => {
  await hub?.close();
});

const events = (n: number, from: number, status = 'IN_TRANSIT') =>
  Array.from({ length: n }, (_, i) => ({ id: `e-${from + i}`, occurredAt: new Date(Date.UTC(2026, 2, 1, 0, from + i)).toISOString(), status }));

async function push(body: unknown) {
  const p = genericPush(SECRET, body);
  return hub.countQueries(() => postWebhook(hub, 'generic-ingest', p.body, p.headers));
}

describe('POST /webhooks/:partnerCode: the cost of a push', () => {
  it('applies a push in five SQL statements in one transaction, however many events it carries', async () => {
    await registerShipment(hub, { partnerCode: 'generic-ingest', trackingNumber: 'ING-1', clientId });
    const one = await push({ trackingNumber: 'ING-1', events: events(1, 0) });
    expect(one.result.json).toMatchObject({ status: 'processed', newEvents: 1 });
    const fifty = await push({ trackingNumber: 'ING-1', events: events(50, 1) });
    expect(fifty.result.json).toMatchObject({ status: 'processed', newEvents: 50 });
    // The partner read; BEGIN; lock + new events; shipment + outbox event + inbox row; COMMIT.
    // (Concurrent pushes share all but the first of these: see the group commit below.)
    expect(one.count).toBe(5);
    expect(fifty.count).toBe(5);
    const [row] = await sql<{ n: string }>(hub, `select count(*)::text as n from tracking_event`);
    expect(Number(row!.n)).toBe(51);
  });

  it('stores and publishes nothing on a replay, in as many statements', async () => {
    const s = await registerShipment(hub, { partnerCode: 'generic-ingest', trackingNumber: 'ING-2', clientId });
    const body = { trackingNumber: 'ING-2', events: events(5, 100, 'PICKED_UP') };
    expect((await push(body)).result.json).toMatchObject({ newEvents: 5, duplicates: 0 });
    const [before] = await sql<{ outbox: string; updated: string }>(hub, `select (select count(*) from outbox_event)::text as outbox, (select updated_at::text from shipment where id = ?) as updated`, [s.id]);
    const replay = await push(body);
    expect(replay.result.json).toMatchObject({ status: 'processed', newEvents: 0, duplicates: 5 });
    expect(replay.count).toBe(5);
    const [after] = await sql<{ outbox: string; updated: string }>(hub, `select (select count(*) from outbox_event)::text as outbox, (select updated_at::text from shipment where id = ?) as updated`, [s.id]);
    // No outbox event, and the shipment row is not touched (`updatedAt` stays).
    expect(after).toEqual(before);
    expect((await getShipment(hub, s.id))!.status).toBe('PICKED_UP');
  });

  it('keeps a push for an unknown tracking number UNMATCHED in five statements', async () => {
    const res = await push({ trackingNumber: 'ING-NOT-REGISTERED', events: events(3, 200) });
    expect(res.result.json).toMatchObject({ status: 'unmatched', newEvents: 0 });
    expect(res.count).toBe(5);
    const [row] = await sql<{ outcome: string; tracking_number: string; has_body: boolean }>(
      hub,
      `select outcome, tracking_number, body is not null as has_body from webhook_inbox where tracking_number = 'ING-NOT-REGISTERED'`,
    );
    expect(row).toEqual({ outcome: 'UNMATCHED', tracking_number: 'ING-NOT-REGISTERED', has_body: true });
  });

  it('stores concurrent pushes to different shipments and to one shipment once each, acknowledging each, in order', async () => {
    const others = await Promise.all(Array.from({ length: 8 }, (_, i) => registerShipment(hub, { partnerCode: 'generic-ingest', trackingNumber: `ING-C${i}`, clientId })));
    const same = await registerShipment(hub, { partnerCode: 'generic-ingest', trackingNumber: 'ING-SAME', clientId });
    const statuses = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERY_FAILED'];
    // Eight pushes of one event each to the same shipment (times increasing with i), the same
    // bytes of the first one twice more (replays), and one push to each of eight others, at once.
    const sameBodies = Array.from({ length: 8 }, (_, i) => ({
      trackingNumber: 'ING-SAME',
      events: [{ id: `same-${i}`, occurredAt: new Date(Date.UTC(2026, 3, 1, 0, i)).toISOString(), status: statuses[i % statuses.length] }],
    }));
    const first = genericPush(SECRET, sameBodies[0]);
    const pushes = [
      ...sameBodies.map((b) => genericPush(SECRET, b)),
      first,
      first,
      ...others.map((_, i) => genericPush(SECRET, { trackingNumber: `ING-C${i}`, events: events(1, 300 + i, 'PICKED_UP') })),
    ];
    const answers = await Promise.all(pushes.map((p) => postWebhook(hub, 'generic-ingest', p.body, p.headers)));
    for (const a of answers) expect(a).toMatchObject({ status: 200, json: { status: 'processed' } });
    const news = (a: { json: unknown }) => (a.json as { newEvents: number }).newEvents;
    // The three pushes of `same-0`: one stored it, two found it stored.
    expect([answers[0]!, answers[8]!, answers[9]!].map(news).sort()).toEqual([0, 0, 1]);
    for (const a of [...answers.slice(1, 8), ...answers.slice(10)]) expect(news(a)).toBe(1);

    const stored = await sql<{ tracking_number: string; n: string }>(
      hub,
      `select s.tracking_number, count(e.id)::text as n from shipment s left join tracking_event e on e.shipment_id = s.id where s.tracking_number like 'ING-C%' or s.tracking_number = 'ING-SAME' group by 1`,
    );
    expect(Object.fromEntries(stored.map((r) => [r.tracking_number, Number(r.n)]))).toEqual({ 'ING-SAME': 8, ...Object.fromEntries(others.map((_, i) => [`ING-C${i}`, 1])) });
    const inbox = await sql<{ n: string }>(hub, `select count(*)::text as n from webhook_inbox where shipment_id = ? and outcome = 'PROCESSED'`, [same.id]);
    expect(Number(inbox[0]!.n)).toBe(10);

    // One `shipment.updated` per push that brought something new, published in the order they
    // were applied: each carries the status folded from the events of the ones before it.
    const published = await sql<{ payload: { newEventKeys: string[]; status: string } }>(
      hub,
      `select payload from outbox_event where topic = 'shipment.updated' and aggregate_id = ? order by txid, seq`,
      [same.id],
    );
    expect(published).toHaveLength(8);
    const keyOf = await sql<{ key: string; i: number }>(
      hub,
      `select key, extract(minute from occurred_at)::int as i from tracking_event where shipment_id = ?`,
      [same.id],
    );
    const indexOfKey = new Map(keyOf.map((r) => [r.key, r.i]));
    let newest = -1;
    const seen = new Set<string>();
    for (const { payload } of published) {
      expect(payload.newEventKeys).toHaveLength(1);
      const key = payload.newEventKeys[0]!;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      newest = Math.max(newest, indexOfKey.get(key)!);
      expect(payload.status).toBe(statuses[newest % statuses.length]);
    }
    const after = await getShipment(hub, same.id);
    expect(after!.status).toBe(statuses[7 % statuses.length]);
  });

  it('fails only the push that cannot be stored when pushes arrive together', async () => {
    const shipments = await Promise.all(Array.from({ length: 4 }, (_, i) => registerShipment(hub, { partnerCode: 'generic-ingest', trackingNumber: `ING-F${i}`, clientId })));
    // A NUL character cannot be stored in a text column: this push's statement fails.
    const bad = genericPush(SECRET, { trackingNumber: 'ING-F0', events: [{ id: 'nul', occurredAt: '2026-04-02T00:00:00Z', status: 'IN_TRANSIT', description: 'bad\u0000byte' }] });
    const good = shipments.map((_, i) => genericPush(SECRET, { trackingNumber: `ING-F${i}`, events: events(1, 400 + i, 'PICKED_UP') }));
    const answers = await Promise.all([bad, ...good].map((p) => postWebhook(hub, 'generic-ingest', p.body, p.headers)));
    expect(answers[0]!.status).toBe(500);
    for (const a of answers.slice(1)) expect(a).toMatchObject({ status: 200, json: { status: 'processed', newEvents: 1 } });
    const [row] = await sql<{ n: string }>(hub, `select count(*)::text as n from tracking_event e join shipment s on s.id = e.shipment_id where s.tracking_number like 'ING-F%'`);
    expect(Number(row!.n)).toBe(4);
  });

  it('keeps a terminal status against an equal-time or older event, storing both', async () => {
    const s = await registerShipment(hub, { partnerCode: 'generic-ingest', trackingNumber: 'ING-3', clientId });
    expect((await push({ trackingNumber: 'ING-3', events: [{ id: 'd', occurredAt: '2026-03-05T10:00:00+08:00', status: 'DELIVERED' }] })).result.json).toMatchObject({ newEvents: 1 });
    // Equal time and older: stored, but DELIVERED sticks.
    const late = await push({
      trackingNumber: 'ING-3',
      events: [
        { id: 'same', occurredAt: '2026-03-05T10:00:00+08:00', status: 'EXCEPTION', reason: 'DAMAGED' },
        { id: 'older', occurredAt: '2026-03-04T10:00:00+08:00', status: 'IN_TRANSIT' },
      ],
    });
    expect(late.result.json).toMatchObject({ newEvents: 2 });
    const after = await getShipment(hub, s.id);
    expect(after).toMatchObject({ status: 'DELIVERED', exceptionReason: null, nextPollAt: null });
    expect(after!.events).toHaveLength(3);
  });

  it('stops polling a shipment the partner stopped tracking, keeping the first stop and its reason', async () => {
    const s = await registerShipment(hub, { partnerCode: 'k100-ingest', trackingNumber: 'YT0000000000', carrierCode: 'yuantong', clientId });
    expect(s.nextPollAt).not.toBeNull();
    const abort = (message: string) =>
      kuaidi100PushBody(JSON.stringify({ status: 'abort', billstatus: 'check', message, lastResult: { message: 'ok', nu: 'YT0000000000', ischeck: '0', com: 'yuantong', status: '200', state: '0', data: [] } }), SALT);
    const stopped = `query($id: ID!) { shipment(id: $id) { status nextPollAt trackingStoppedAt trackingStoppedReason } }`;
    const first = await postWebhook(hub, 'k100-ingest', abort('3天查询无记录'), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(first.json).toMatchObject({ result: true });
    const after = (await hub.ok<{ shipment: { status: string; nextPollAt: string | null; trackingStoppedAt: string | null; trackingStoppedReason: string | null } }>(stopped, { id: s.id })).shipment;
    expect(after).toMatchObject({ status: 'PENDING', nextPollAt: null, trackingStoppedReason: '3天查询无记录' });
    expect(after.trackingStoppedAt).not.toBeNull();
    // A second abort changes nothing: the first stop and its reason stay.
    expect((await postWebhook(hub, 'k100-ingest', abort('60天无变化'), { 'content-type': 'application/x-www-form-urlencoded' })).json).toMatchObject({ result: true });
    expect((await hub.ok<{ shipment: unknown }>(stopped, { id: s.id })).shipment).toEqual(after);
  });
});
