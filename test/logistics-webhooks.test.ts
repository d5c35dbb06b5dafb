import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterShipSignature, AFTERSHIP_SIGNATURE_HEADER } from '../src/logistics/partners/aftership/aftership.signature.js';
import { genericPushHeaders } from '../src/logistics/partners/generic/generic.signature.js';
import { kuaidi100PushBody } from '../src/logistics/partners/kuaidi100/kuaidi100.signature.js';
import { startPartnerSimulator, SIMULATOR_CREDENTIALS, type PartnerSimulator } from '../src/logistics/partners/simulator/simulator.js';
import type { TestHub } from './helpers/hub.js';
import { createClient, genericPush, getShipment, postWebhook, registerPartner, registerShipment, sql, startLogisticsHub } from './helpers/logistics.js';

let hub: TestHub;
let sim: PartnerSimulator;
let clientId: string;
const C = SIMULATOR_CREDENTIALS;

beforeAll(async () => {
  hub = await startLogisticsHub();
  sim = await startPartnerSimulator({ port: 0 });
  sim.advance(3000); // every scripted step has happened
  clientId = await createClient(hub);
  await registerPartner(hub, { code: 'kuaidi100-sim', kind: 'KUAIDI100', name: 'Kuaidi100', apiBaseUrl: sim.url, credentials: { customer: C.kuaidi100.customer, key: C.kuaidi100.key }, webhookSecret: C.kuaidi100.salt });
  await registerPartner(hub, { code: 'aftership-sim', kind: 'AFTERSHIP', name: 'AfterShip', webhookSecret: C.aftership.secret });
  await registerPartner(hub, { code: 'generic-sim', kind: 'GENERIC', name: 'Generic', webhookSecret: C.generic.secret });
  await registerPartner(hub, { code: 'generic-nosecret', kind: 'GENERIC', name: 'Generic without secret' });
});
afterAll(async () => {
  await sim?.close();
  await hub?.close();
});

const counts = async () => {
  const [row] = await sql<{ events: string; outbox: string; inbox: string }>(
    hub,
    `select (select count(*) from tracking_event)::text as events, (select count(*) from outbox_event where topic = 'shipment.updated')::text as outbox, (select count(*) from webhook_inbox)::text as inbox`,
  );
  return { events: Number(row!.events), outbox: Number(row!.outbox), inbox: Number(row!.inbox) };
};

describe('POST /webhooks/:partnerCode', () => {
  it('answers 404 to an unknown partner and writes nothing', async () => {
    const before = await counts();
    const push = genericPush(C.generic.secret, { trackingNumber: 'X1', events: [] });
    const res = await postWebhook(hub, 'nobody', push.body, push.headers);
    expect(res.status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('takes a Kuaidi100 push, answers in its format, and a replay changes nothing', async () => {
    const s = await registerShipment(hub, { partnerCode: 'kuaidi100-sim', trackingNumber: 'SF1400000000001', carrierCode: 'shunfeng', clientId });
    const first = await sim.pushTo(hub.baseUrl, 'SF1400000000001');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ result: true, returnCode: '200', message: '提交成功' });
    expect(first.acknowledged).toBe(true);
    const after = await getShipment(hub, s.id);
    expect(after).toMatchObject({ status: 'DELIVERED', exceptionReason: null });
    expect(after!.events).toHaveLength(7);
    expect(after!.events.every((e) => e.source === 'PUSH')).toBe(true);
    expect(after!.events.map((e) => e.status)).toContain('EXCEPTION');

    // The full history again (Kuaidi100 sends it every time): no new event, nothing published.
    const before = await counts();
    const replay = await sim.pushTo(hub.baseUrl, 'SF1400000000001');
    expect(replay.acknowledged).toBe(true);
    const now = await counts();
    expect(now.events).toBe(before.events);
    expect(now.outbox).toBe(before.outbox);
    expect(now.inbox).toBe(before.inbox + 1);
  });

  it('refuses a bad signature with 401 and writes nothing at all', async () => {
    const s = await registerShipment(hub, { partnerCode: 'kuaidi100-sim', trackingNumber: 'YT9100000000002', carrierCode: 'yuantong', clientId });
    const param = JSON.stringify({ status: 'polling', message: '', lastResult: { state: '3', ischeck: '1', com: 'yuantong', nu: 'YT9100000000002', data: [{ time: '2026-03-01 10:00:00', ftime: '2026-03-01 10:00:00', context: '签收', status: '签收', statusCode: '301' }] } });
    const before = await counts();
    const forged = await postWebhook(hub, 'kuaidi100-sim', kuaidi100PushBody(param, 'not-the-salt'), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(forged.status).toBe(401);
    expect(forged.json).toMatchObject({ result: false });
    const now = await counts();
    expect(now.events).toBe(before.events);
    expect(now.outbox).toBe(before.outbox);
    expect((await getShipment(hub, s.id))!.status).toBe('PENDING');
    expect(now.inbox).toBe(before.inbox);

    // AfterShip without its header; generic with a stale timestamp; a partner with no secret at all.
    const aBody = JSON.stringify({ msg: { tracking_number: 'AS1', checkpoints: [] } });
    expect((await postWebhook(hub, 'aftership-sim', aBody, { 'content-type': 'application/json' })).status).toBe(401);
    const stale = genericPush(C.generic.secret, { trackingNumber: 'GX-1', events: [] }, Date.now() - 10 * 60_000);
    expect((await postWebhook(hub, 'generic-sim', stale.body, stale.headers)).status).toBe(401);
    const unsecret = genericPush('anything-at-all', { trackingNumber: 'GX-1', events: [] });
    expect((await postWebhook(hub, 'generic-nosecret', unsecret.body, unsecret.headers)).status).toBe(401);
    expect((await counts()).events).toBe(before.events);
    expect((await counts()).inbox).toBe(before.inbox);

    const metrics = await (await fetch(`${hub.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/scf_webhook_refusals_total\{partner="kuaidi100-sim",reason="bad-signature"\} 1/);
    expect(metrics).toMatch(/scf_webhook_refusals_total\{partner="generic-nosecret",reason="no-secret"\} 1/);
    expect(metrics).toMatch(/scf_webhook_refusals_total\{partner="generic-sim",reason="stale-timestamp"\} 1/);
    expect(metrics).toMatch(/scf_webhook_refusals_total\{partner="unknown",reason="unknown-partner"\} 1/);
  });

  it('answers 400 with the reason to a signed but malformed push, writing only the inbox row', async () => {
    const before = await counts();
    const bad = genericPush(C.generic.secret, { trackingNumber: 'GX-2026-000001', events: [{ occurredAt: '2026-03-01T10:00:00', status: 'IN_TRANSIT' }] });
    const res = await postWebhook(hub, 'generic-sim', bad.body, bad.headers);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('events[0].occurredAt');
    const text = '{"trackingNumber": "GX-2026-000001", "events": [';
    const truncated = await postWebhook(hub, 'generic-sim', text, { 'content-type': 'application/json', ...genericPushHeaders(text, C.generic.secret) });
    expect(truncated.status).toBe(400);
    expect(JSON.stringify(truncated.json)).toContain('not valid JSON');
    const now = await counts();
    expect(now.events).toBe(before.events);
    expect(now.outbox).toBe(before.outbox);
    const rows = await sql<{ outcome: string; has_body: boolean }>(hub, `select outcome, body is not null as has_body from webhook_inbox order by received_at desc limit 2`);
    expect(rows).toEqual([{ outcome: 'FAILED', has_body: true }, { outcome: 'FAILED', has_body: true }]);
  });

  it('takes an AfterShip push and a generic push from the simulator', async () => {
    const a = await registerShipment(hub, { partnerCode: 'aftership-sim', trackingNumber: 'AS7700000000008', carrierCode: 'fedex', clientId });
    const g = await registerShipment(hub, { partnerCode: 'generic-sim', trackingNumber: 'GX-2026-000001', clientId });
    expect((await sim.pushTo(hub.baseUrl, 'AS7700000000008')).acknowledged).toBe(true);
    expect((await sim.pushTo(hub.baseUrl, 'GX-2026-000001')).acknowledged).toBe(true);
    const as = await getShipment(hub, a.id);
    expect(as).toMatchObject({ status: 'DELIVERED' });
    expect(as!.events.map((e) => e.status)).toEqual(['INFO_RECEIVED', 'IN_TRANSIT', 'EXCEPTION', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERY_FAILED', 'DELIVERED']);
    expect(as!.estimatedDeliveryAt).not.toBeNull();
    const gx = await getShipment(hub, g.id);
    expect(gx).toMatchObject({ status: 'DELIVERED' });
    expect(gx!.events).toHaveLength(6);
  });

  it('never moves a status backwards for an older event that arrives late', async () => {
    const s = await registerShipment(hub, { partnerCode: 'generic-sim', trackingNumber: 'GX-OOO-1', clientId });
    const newer = genericPush(C.generic.secret, { trackingNumber: 'GX-OOO-1', events: [{ id: 'e2', occurredAt: '2026-03-02T10:00:00+08:00', status: 'OUT_FOR_DELIVERY' }] });
    expect((await postWebhook(hub, 'generic-sim', newer.body, newer.headers)).status).toBe(200);
    const older = genericPush(C.generic.secret, { trackingNumber: 'GX-OOO-1', events: [{ id: 'e1', occurredAt: '2026-03-01T10:00:00+08:00', status: 'PICKED_UP' }] });
    expect((await postWebhook(hub, 'generic-sim', older.body, older.headers)).status).toBe(200);
    const after = await getShipment(hub, s.id);
    expect(after!.status).toBe('OUT_FOR_DELIVERY');
    expect(after!.events.map((e) => e.status)).toEqual(['PICKED_UP', 'OUT_FOR_DELIVERY']);
  });

  it('keeps a push for an unregistered shipment and applies it when the shipment is registered', async () => {
    const body = JSON.stringify({ ts: 1, event: 'tracking_update', event_id: 'ev-1', msg: { tracking_number: 'AS-LATE-1', slug: 'fedex', tag: 'InTransit', checkpoints: [{ checkpoint_time: '2026-03-01T10:00:00+08:00', message: 'Picked up', tag: 'InTransit', subtag: 'InTransit_002' }] } });
    const res = await postWebhook(hub, 'aftership-sim', body, { 'content-type': 'application/json', [AFTERSHIP_SIGNATURE_HEADER]: afterShipSignature(body, C.aftership.secret) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'unmatched' });
    const inbox = await hub.ok<{ webhookInbox: { edges: { node: { id: string; outcome: string; trackingNumber: string } }[] } }>(
      `{ webhookInbox(filter: { partnerCode: "aftership-sim", outcomes: [UNMATCHED] }, first: 5) { edges { node { id outcome trackingNumber } } } }`,
    );
    const row = inbox.webhookInbox.edges[0]!.node;
    expect(row).toMatchObject({ outcome: 'UNMATCHED', trackingNumber: 'AS-LATE-1' });

    // Registering the shipment applies what was held for it, in the same transaction.
    const s = await registerShipment(hub, { partnerCode: 'aftership-sim', trackingNumber: 'as-late-1', clientId });
    expect(s.status).toBe('IN_TRANSIT');
    expect(s.events.map((e) => e.description)).toEqual(['Picked up']);
    const kept = await hub.ok<{ webhookInbox: { edges: { node: { id: string; outcome: string; shipmentId: string; attempts: number } }[] } }>(
      `{ webhookInbox(filter: { partnerCode: "aftership-sim" }, first: 20) { edges { node { id outcome shipmentId attempts } } } }`,
    );
    expect(kept.webhookInbox.edges.find((e) => e.node.id === row.id)!.node).toEqual({ id: row.id, outcome: 'PROCESSED', shipmentId: s.id, attempts: 2 });

    // Re-processing it by hand is a no-op: its events are known already.
    const events = (await counts()).events;
    const again = await hub.ok<{ reprocessWebhook: { outcome: string; attempts: number } }>(`mutation($id: ID!) { reprocessWebhook(id: $id) { outcome attempts } }`, { id: row.id });
    expect(again.reprocessWebhook).toEqual({ outcome: 'PROCESSED', attempts: 3 });
    expect((await counts()).events).toBe(events);
  });

  it('applies concurrent overlapping pushes of one shipment once each: every event stored once, the newest status kept', async () => {
    const s = await registerShipment(hub, { partnerCode: 'generic-sim', trackingNumber: 'GX-RACE-1', clientId });
    const before = await counts();
    const shared = { id: 'race-shared', occurredAt: '2026-03-01T08:00:00+08:00', status: 'PICKED_UP' };
    const pushes = Array.from({ length: 12 }, (_, i) =>
      genericPush(C.generic.secret, {
        trackingNumber: 'GX-RACE-1',
        events: [shared, { id: `race-${i}`, occurredAt: `2026-03-01T${String(10 + i).padStart(2, '0')}:00:00+08:00`, status: i === 11 ? 'OUT_FOR_DELIVERY' : 'IN_TRANSIT' }],
      }),
    );
    const answers = await Promise.all(pushes.map((p) => postWebhook(hub, 'generic-sim', p.body, p.headers)));
    expect(answers.map((a) => a.status)).toEqual(pushes.map(() => 200));
    const told = answers.map((a) => a.json as { newEvents: number; duplicates: number });
    expect(told.reduce((n, a) => n + a.newEvents, 0)).toBe(13);
    expect(told.reduce((n, a) => n + a.duplicates, 0)).toBe(11);
    const now = await counts();
    expect(now.events - before.events).toBe(13);
    // Every push added an event of its own: each published one change.
    expect(now.outbox - before.outbox).toBe(12);
    expect(now.inbox - before.inbox).toBe(12);
    const after = await getShipment(hub, s.id);
    expect(after!.status).toBe('OUT_FOR_DELIVERY');
    expect(after!.events).toHaveLength(13);
  });

  it('leaves the GraphQL route parsing JSON as before', async () => {
    expect((await hub.ok<{ viewer: { role: string } }>('{ viewer { role } }')).viewer.role).toBe('ADMIN');
  });
});
