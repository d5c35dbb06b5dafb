import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPartnerSimulator, SIMULATOR_CREDENTIALS, type PartnerSimulator } from '../src/logistics/partners/simulator/simulator.js';
import { getSchema } from '../src/graphql/schema.js';
import { Role, startTestHub, type TestHub } from './helpers/hub.js';
import { createClient, getShipment, registerPartner, registerShipment, sql, startLogisticsHub, type ShipmentRow } from './helpers/logistics.js';
import { openStreams, subscribe, waitForStreams } from './helpers/ws.js';

let hub: TestHub;
let sim: PartnerSimulator;
let clientId: string;
const C = SIMULATOR_CREDENTIALS;
const keys = {} as Record<'partnerA' | 'partnerB' | 'viewer' | 'rm', string>;

beforeAll(async () => {
  hub = await startLogisticsHub();
  sim = await startPartnerSimulator({ port: 0 });
  clientId = await createClient(hub);
  await registerPartner(hub, { code: 'dhl-sim', kind: 'DHL', name: 'DHL (simulator)', apiBaseUrl: sim.url, credentials: { apiKey: C.dhl.apiKey }, pollIntervalSeconds: 60 });
  await registerPartner(hub, { code: 'carrier-a', kind: 'GENERIC', name: 'Carrier A', webhookSecret: 'carrier-a-secret' });
  await registerPartner(hub, { code: 'carrier-b', kind: 'GENERIC', name: 'Carrier B', webhookSecret: 'carrier-b-secret' });
  keys.partnerA = await hub.keyFor(Role.PARTNER, 'carrier-a');
  keys.partnerB = await hub.keyFor(Role.PARTNER, 'carrier-b');
  keys.viewer = await hub.keyFor(Role.VIEWER);
  keys.rm = await hub.keyFor(Role.RELATIONSHIP_MANAGER);
});
afterAll(async () => {
  await sim?.close();
  await hub?.close();
});

const PUSH = `mutation($input: PushTrackingEventsInput!) { pushTrackingEvents(input: $input) { accepted duplicates changed shipment { id status exceptionReason } } }`;
const push = (key: string, partnerCode: string, trackingNumber: string, events: Record<string, unknown>[]) =>
  hub.gql<{ pushTrackingEvents: { accepted: number; duplicates: number; changed: boolean; shipment: { status: string } } }>(PUSH, { input: { partnerCode, trackingNumber, events } }, { key });

describe('logistics partners', () => {
  it('stores credentials and webhook secrets encrypted and never returns them', async () => {
    const p = await registerPartner(hub, { code: 'k100-secret', kind: 'KUAIDI100', name: 'K', credentials: { customer: 'CUSTOMER-PLAIN', key: 'KEY-PLAIN-VALUE' }, webhookSecret: 'SALT-PLAIN-VALUE' });
    expect(p).toMatchObject({ hasCredentials: true, hasWebhookSecret: true });
    const [row] = await sql<{ credentials_sealed: string; webhook_secret_sealed: string }>(hub, `select credentials_sealed, webhook_secret_sealed from logistics_partner where code = 'k100-secret'`);
    for (const v of [row!.credentials_sealed, row!.webhook_secret_sealed]) {
      expect(v).toMatch(/^v1:/);
      expect(v).not.toMatch(/PLAIN/);
    }
    const schema = await getSchema();
    const fields = Object.keys((schema.getType('LogisticsPartner') as unknown as { getFields(): Record<string, unknown> }).getFields());
    // Only flags and rotation timestamps may name a secret: never its value.
    expect(fields.filter((f) => /credential|secret/i.test(f) && !f.startsWith('has'))).toEqual(['previousSecretExpiresAt', 'previousSecretLastUsedAt', 'secretRotatedAt']);
    const listed = JSON.stringify(await hub.ok('{ logisticsPartners { code hasCredentials hasWebhookSecret apiBaseUrl } }'));
    expect(listed).not.toMatch(/PLAIN|sim-dhl-api-key/);
  });

  it('refuses credentials on PostgreSQL without SECRETS_KEY rather than storing plaintext', async () => {
    const bare = await startTestHub();
    try {
      const res = await bare.gql(`mutation($input: RegisterLogisticsPartnerInput!) { registerLogisticsPartner(input: $input) { id } }`, {
        input: { code: 'dhl-x', kind: 'DHL', name: 'DHL', credentials: { apiKey: 'k' } },
      });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.credentials' });
      expect(res.body.errors?.[0]?.message).toMatch(/SECRETS_KEY/);
      expect(await sql(bare, 'select * from logistics_partner')).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('checks a shipment registration', async () => {
    await registerPartner(hub, { code: 'k100-reg', kind: 'KUAIDI100', name: 'K', credentials: { customer: 'c', key: 'k' } });
    const noCom = await hub.gql(`mutation($input: RegisterShipmentInput!) { registerShipment(input: $input) { id } }`, { input: { partnerCode: 'k100-reg', trackingNumber: 'SF1', clientId } });
    expect(noCom.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.carrierCode' });
    await registerShipment(hub, { partnerCode: 'carrier-a', trackingNumber: 'dup-1', clientId });
    const dup = await hub.gql(`mutation($input: RegisterShipmentInput!) { registerShipment(input: $input) { id } }`, { input: { partnerCode: 'carrier-a', trackingNumber: 'DUP-1', clientId } });
    expect(dup.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const viewer = await hub.gql(`mutation($input: RegisterShipmentInput!) { registerShipment(input: $input) { id } }`, { input: { partnerCode: 'carrier-a', trackingNumber: 'V-1', clientId } }, { key: keys.viewer });
    expect(viewer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rm = await hub.gql(`mutation($input: RegisterShipmentInput!) { registerShipment(input: $input) { id } }`, { input: { partnerCode: 'carrier-a', trackingNumber: 'RM-1', clientId } }, { key: keys.rm });
    expect(rm.body.errors).toBeUndefined();
  });

  it('pulls a DHL shipment now with refreshShipment', async () => {
    const s = await registerShipment(hub, { partnerCode: 'dhl-sim', trackingNumber: 'JD014600006281230704', carrierCode: 'express', clientId });
    expect(s.nextPollAt).not.toBeNull();
    const r = await hub.ok<{ refreshShipment: { outcome: string; newEvents: number; shipment: ShipmentRow } }>(
      `mutation($id: ID!) { refreshShipment(id: $id) { outcome newEvents shipment { status nextPollAt events { status source } } } }`,
      { id: s.id },
    );
    expect(r.refreshShipment).toMatchObject({ outcome: 'OK', newEvents: 1, shipment: { status: 'INFO_RECEIVED', events: [{ status: 'INFO_RECEIVED', source: 'PULL' }] } });
    const next = Date.parse(r.refreshShipment.shipment.nextPollAt!);
    expect(next - Date.now()).toBeGreaterThan(50_000);
    expect(next - Date.now()).toBeLessThan(70_000);
    // A brand-new DHL number answers 404 for a while: not a failure.
    const fresh = await registerShipment(hub, { partnerCode: 'dhl-sim', trackingNumber: 'JD014600006281230707', clientId });
    const early = await hub.ok<{ refreshShipment: { outcome: string } }>(`mutation($id: ID!) { refreshShipment(id: $id) { outcome } }`, { id: fresh.id });
    expect(early.refreshShipment.outcome).toBe('NOT_FOUND_YET');
  });
});

describe('pushTrackingEvents and PARTNER scoping', () => {
  it('lets a partner key push to its own shipments only, and read only those', async () => {
    const mine = await registerShipment(hub, { partnerCode: 'carrier-a', trackingNumber: 'A-100', clientId });
    const theirs = await registerShipment(hub, { partnerCode: 'carrier-b', trackingNumber: 'B-100', clientId });
    const ok = await push(keys.partnerA, 'carrier-a', 'A-100', [{ id: '1', occurredAt: '2026-03-01T08:00:00+08:00', status: 'PICKED_UP', description: 'Picked up' }]);
    expect(ok.body.data?.pushTrackingEvents).toMatchObject({ accepted: 1, duplicates: 0, changed: true, shipment: { status: 'PICKED_UP' } });
    const replay = await push(keys.partnerA, 'carrier-a', 'A-100', [{ id: '1', occurredAt: '2026-03-01T08:00:00+08:00', status: 'PICKED_UP', description: 'Picked up' }]);
    expect(replay.body.data?.pushTrackingEvents).toMatchObject({ accepted: 0, duplicates: 1, changed: false });

    const other = await push(keys.partnerA, 'carrier-b', 'B-100', [{ occurredAt: '2026-03-01T08:00:00+08:00', status: 'DELIVERED' }]);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await getShipment(hub, theirs.id))!.status).toBe('PENDING');
    const desk = await push(hub.adminKey, 'carrier-a', 'A-100', [{ occurredAt: '2026-03-01T08:00:00+08:00', status: 'DELIVERED' }]);
    expect(desk.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await push(keys.partnerA, 'carrier-a', 'A-100', [{ occurredAt: '2026-03-01 08:00', status: 'DELIVERED' }]);
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.events[0].occurredAt' });

    const list = await hub.ok<{ shipments: { totalCount: number; edges: { node: { trackingNumber: string; client: unknown } }[] } }>(
      `{ shipments(first: 100) { totalCount edges { node { trackingNumber client { id } } } } }`,
      {},
      keys.partnerA,
    );
    expect(list.shipments.edges.map((e) => e.node.trackingNumber).sort()).toEqual(['A-100', 'DUP-1', 'RM-1']);
    expect(list.shipments.totalCount).toBe(3);
    expect(list.shipments.edges.every((e) => e.node.client === null)).toBe(true);
    expect(await getShipment(hub, theirs.id, keys.partnerA)).toBeNull();
    expect((await getShipment(hub, mine.id, keys.partnerA))!.status).toBe('PICKED_UP');
    const clients = await hub.gql('{ clients(first: 1) { totalCount } }', {}, { key: keys.partnerA });
    expect(clients.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('shipmentUpdated', () => {
  const SUB = `subscription($filter: ShipmentUpdatedFilter, $after: String) {
    shipmentUpdated(filter: $filter, after: $after) { cursor statusChanged shipment { id status } newEvents { status description } }
  }`;
  type Ev = { shipmentUpdated: { cursor: string; statusChanged: boolean; shipment: { id: string; status: string }; newEvents: { status: string; description: string }[] } };

  it('delivers a change live, nothing for a replay, and replays after a cursor (prints push → subscriber latency)', async () => {
    const s = await registerShipment(hub, { partnerCode: 'carrier-a', trackingNumber: 'A-LIVE', clientId });
    const before = openStreams(hub);
    const sub = subscribe<Ev>(hub, SUB, { filter: { shipmentId: s.id } });
    const partnerB = subscribe<Ev>(hub, SUB, {}, keys.partnerB);
    const partnerA = subscribe<Ev>(hub, SUB, {}, keys.partnerA);
    await waitForStreams(hub, before + 3);
    try {
      const latencies: number[] = [];
      let firstCursor = '';
      for (const [i, status] of (['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const).entries()) {
        const t0 = performance.now();
        const res = await push(keys.partnerA, 'carrier-a', 'A-LIVE', [{ id: `live-${i}`, occurredAt: `2026-03-0${i + 1}T08:00:00+08:00`, status, description: status }]);
        expect(res.body.errors).toBeUndefined();
        const ev = await sub.next(10_000);
        latencies.push(performance.now() - t0);
        expect(ev.errors).toBeUndefined();
        expect(ev.data!.shipmentUpdated).toMatchObject({ statusChanged: true, shipment: { id: s.id, status }, newEvents: [{ status, description: status }] });
        if (i === 0) firstCursor = ev.data!.shipmentUpdated.cursor;
      }
      // A figure, not an assertion: latency is measured by `npm run bench:fanout`.
      console.log(`push → subscriber (request + commit + dispatch + delivery), ms: ${latencies.map((l) => l.toFixed(1)).join(', ')}`);

      await push(keys.partnerA, 'carrier-a', 'A-LIVE', [{ id: 'live-2', occurredAt: '2026-03-03T08:00:00+08:00', status: 'DELIVERED', description: 'DELIVERED' }]);
      await sub.expectSilence(800);

      // A partner subscriber hears of its own partner's shipments only.
      expect((await partnerA.take(3)).map((r) => r.data!.shipmentUpdated.shipment.status)).toEqual(['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']);
      await partnerB.expectSilence(200);

      const replay = subscribe<Ev>(hub, SUB, { filter: { shipmentId: s.id }, after: firstCursor });
      try {
        const missed = await replay.take(2);
        expect(missed.map((r) => r.data!.shipmentUpdated.shipment.status)).toEqual(['DELIVERED', 'DELIVERED']);
        expect(missed.map((r) => r.data!.shipmentUpdated.newEvents[0]!.status)).toEqual(['OUT_FOR_DELIVERY', 'DELIVERED']);
      } finally {
        await replay.close();
      }
    } finally {
      await sub.close();
      await partnerA.close();
      await partnerB.close();
    }
  });
});
