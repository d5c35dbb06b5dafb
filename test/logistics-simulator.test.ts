import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mapAfterShipWebhook } from '../src/logistics/partners/aftership/aftership.mapper.js';
import { verifyAfterShipWebhook } from '../src/logistics/partners/aftership/aftership.signature.js';
import type { MapContext } from '../src/logistics/partners/common/payload.js';
import { DhlClient } from '../src/logistics/partners/dhl/dhl.client.js';
import { mapDhlShipment } from '../src/logistics/partners/dhl/dhl.mapper.js';
import { mapGenericPush } from '../src/logistics/partners/generic/generic.mapper.js';
import { verifyGenericPush } from '../src/logistics/partners/generic/generic.signature.js';
import { Kuaidi100Client } from '../src/logistics/partners/kuaidi100/kuaidi100.client.js';
import { mapKuaidi100Push, mapKuaidi100Query } from '../src/logistics/partners/kuaidi100/kuaidi100.mapper.js';
import { KUAIDI100_PUSH_ACK, verifyKuaidi100Push } from '../src/logistics/partners/kuaidi100/kuaidi100.signature.js';
import type { ScriptedShipment } from '../src/logistics/partners/simulator/scenarios.js';
import { startPartnerSimulator, type PartnerSimulator } from '../src/logistics/partners/simulator/simulator.js';
import { foldStatus, initialTrackingState, PartnerKind, ShipmentStatus, TrackingSource, type TrackingEvent } from '../src/logistics/tracking.js';

const ctx = (partner: string, source = TrackingSource.PULL): MapContext => ({ partner, source, receivedAt: new Date() });

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}

/** A stand-in hub on loopback that records pushes and answers like `answer` says. */
async function fakeHub(answer: (r: Received) => { status: number; body: string } = () => ({ status: 200, body: '{}' })) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) };
      received.push(r);
      const a = answer(r);
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The canonical view of mapped events, to compare with the script's expectations. */
const canon = (events: TrackingEvent[]) => events.map((e) => ({ status: e.status, reason: e.reason }));
const expected = (s: ScriptedShipment) => s.steps.map((st) => st.expect);
/** The status the fold must land on: the last step whose status is known. */
const finalStatus = (s: ScriptedShipment) => [...s.steps].reverse().find((st) => st.expect.status !== ShipmentStatus.UNKNOWN)?.expect;

const ackKuaidi100 = () => ({ status: 200, body: JSON.stringify(KUAIDI100_PUSH_ACK) });

describe('partner simulator', () => {
  let sim: PartnerSimulator;

  beforeAll(async () => {
    sim = await startPartnerSimulator({ port: 0, speed: 1 });
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it('plays timelines forward with simulated time, never stamping an event in the future', () => {
    const s = sim.shipments.find((x) => x.trackingNumber === 'SF1400000000001');
    expect(s).toBeDefined();
    const before = sim.visible('SF1400000000001').length;
    sim.advance(200);
    const after = sim.visible('SF1400000000001');
    expect(after.length).toBeGreaterThan(before);
    for (const v of after) expect(v.at).toBeLessThanOrEqual(Date.now());
    for (let i = 1; i < after.length; i++) expect(after[i]!.at).toBeGreaterThan(after[i - 1]!.at);
  });

  it('serves every scripted pull shipment so that the mappers give the scripted statuses', async () => {
    sim.advance(5_000);
    const dhl = new DhlClient({ partner: 'dhl', baseUrl: sim.url, apiKey: sim.credentials.dhl.apiKey, service: 'express' });
    const kd = new Kuaidi100Client({ partner: 'kd', baseUrl: sim.url, ...sim.credentials.kuaidi100 });
    const pulls = sim.shipments.filter((s) => s.partner === PartnerKind.DHL || s.partner === PartnerKind.KUAIDI100);
    expect(pulls.length).toBeGreaterThanOrEqual(7);
    for (const s of pulls) {
      let events: TrackingEvent[];
      if (s.partner === PartnerKind.DHL) {
        const r = await dhl.track(s.trackingNumber);
        if (r.outcome !== 'ok') throw new Error(`${s.trackingNumber}: ${r.outcome}`);
        events = mapDhlShipment(r.payload, s.trackingNumber, ctx('dhl'))?.events ?? [];
      } else {
        const r = await kd.query({ com: s.carrier, num: s.trackingNumber });
        if (r.outcome !== 'ok') throw new Error(`${s.trackingNumber}: ${r.outcome}`);
        events = mapKuaidi100Query(r.payload, ctx('kd')).events;
      }
      expect(canon(events), s.trackingNumber).toEqual(expected(s));
      const folded = foldStatus(initialTrackingState(), events).next;
      expect({ status: folded.status, reason: folded.exceptionReason }, s.trackingNumber).toEqual(finalStatus(s));
    }
  });

  it('flags offset-less DHL timestamps and gives them the scripted instant under the UTC assumption', async () => {
    const dhl = new DhlClient({ partner: 'dhl', baseUrl: sim.url, apiKey: sim.credentials.dhl.apiKey });
    const r = await dhl.track('JD014600006281230704');
    if (r.outcome !== 'ok') throw new Error(r.outcome);
    const events = mapDhlShipment(r.payload, 'JD014600006281230704', ctx('dhl'))?.events ?? [];
    const visible = sim.visible('JD014600006281230704');
    expect(events.map((e) => e.occurredAt.getTime())).toEqual(visible.map((v) => v.at));
    expect(events.map((e) => e.offsetAssumed)).toEqual(visible.map((v) => v.step.offsetless === true));
  });

  it('checks the DHL API key, the DHL service and the Kuaidi100 signature like the real ones', async () => {
    const noKey = await axios.get(`${sim.url}/track/shipments`, { params: { trackingNumber: 'JD014600006281230704' }, validateStatus: () => true, proxy: false });
    expect(noKey.status).toBe(401);
    const otherService = await new DhlClient({ partner: 'd', baseUrl: sim.url, apiKey: sim.credentials.dhl.apiKey, service: 'freight' }).track('JD014600006281230704');
    expect(otherService.outcome).toBe('not-found-yet');
    const badCustomer = await new Kuaidi100Client({ partner: 'k', baseUrl: sim.url, customer: 'SOMEONE', key: sim.credentials.kuaidi100.key }).query({ com: 'shunfeng', num: 'SF1400000000001' });
    expect(badCustomer).toMatchObject({ outcome: 'failed', partnerCode: '503' });
  });

  it('injects faults through its control endpoint', async () => {
    const control = axios.create({ baseURL: sim.url, proxy: false, validateStatus: () => true });
    const set = await control.post('/_control/faults', { kind: '5xx', status: 502, count: 1, target: 'dhl' });
    expect(set.data).toMatchObject({ faults: [{ kind: '5xx', status: 502, remaining: 1 }] });
    const hit = await control.get('/track/shipments', { params: { trackingNumber: 'JD014600006281230704' }, headers: { 'DHL-API-Key': sim.credentials.dhl.apiKey } });
    expect(hit.status).toBe(502);
    const next = await control.get('/track/shipments', { params: { trackingNumber: 'JD014600006281230704' }, headers: { 'DHL-API-Key': sim.credentials.dhl.apiKey } });
    expect(next.status).toBe(200);
    expect((await control.post('/_control/faults', { kind: 'gremlins' })).status).toBe(400);
    const listed = await control.get('/_control/shipments');
    expect(listed.data.shipments).toHaveLength(sim.shipments.length);
    expect((await control.get('/_control/requests')).data.dhl).toBeGreaterThan(0);
  });

  it('pushes Kuaidi100, AfterShip and generic webhooks with signatures the hub verifies, mapping to the script', async () => {
    const hub = await fakeHub((r) => (r.path.endsWith('/kuaidi100-sim') ? ackKuaidi100() : { status: 200, body: '{"ok":true}' }));
    try {
      const pushes = sim.shipments.filter((s) => s.partner !== PartnerKind.DHL);
      for (const s of pushes) {
        const result = await sim.pushTo(hub.url, s.trackingNumber);
        expect(result.acknowledged, s.trackingNumber).toBe(true);
        const got = hub.received[hub.received.length - 1]!;
        let events: TrackingEvent[];
        if (s.partner === PartnerKind.KUAIDI100) {
          expect(got.path).toBe('/webhooks/kuaidi100-sim');
          const v = verifyKuaidi100Push(got.raw, sim.credentials.kuaidi100.salt);
          if (!v.ok) throw new Error(v.reason);
          events = mapKuaidi100Push(v.value, ctx('kd', TrackingSource.PUSH)).events;
        } else if (s.partner === PartnerKind.AFTERSHIP) {
          expect(verifyAfterShipWebhook(got.raw, got.headers, sim.credentials.aftership.secret)).toEqual({ ok: true, value: undefined });
          events = mapAfterShipWebhook(JSON.parse(got.raw.toString('utf8')), ctx('as', TrackingSource.PUSH)).events;
        } else {
          expect(got.headers['x-scf-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
          expect(verifyGenericPush(got.raw, got.headers, sim.credentials.generic.secret)).toEqual({ ok: true, value: undefined });
          events = mapGenericPush(JSON.parse(got.raw.toString('utf8')), ctx('gen', TrackingSource.PUSH)).events;
        }
        expect(canon(events), s.trackingNumber).toEqual(expected(s));
      }
    } finally {
      await hub.close();
    }
  });

  it('gives the same Kuaidi100 events by push as by query', async () => {
    const hub = await fakeHub(ackKuaidi100);
    try {
      await sim.pushTo(hub.url, 'YT9100000000002');
      const v = verifyKuaidi100Push(hub.received[0]!.raw, sim.credentials.kuaidi100.salt);
      if (!v.ok) throw new Error(v.reason);
      const pushed = mapKuaidi100Push(v.value, ctx('kd', TrackingSource.PUSH)).events;
      const r = await new Kuaidi100Client({ partner: 'kd', baseUrl: sim.url, ...sim.credentials.kuaidi100 }).query({ com: 'yuantong', num: 'YT9100000000002' });
      if (r.outcome !== 'ok') throw new Error(r.outcome);
      const pulled = mapKuaidi100Query(r.payload, ctx('kd')).events;
      expect(pushed.map((e) => e.key)).toEqual(pulled.map((e) => e.key));
    } finally {
      await hub.close();
    }
  });

  it('says abort once Kuaidi100 would have given up tracking', async () => {
    const hub = await fakeHub(ackKuaidi100);
    try {
      await sim.pushTo(hub.url, 'ZT7300000000003');
      const v = verifyKuaidi100Push(hub.received[0]!.raw, sim.credentials.kuaidi100.salt);
      if (!v.ok) throw new Error(v.reason);
      expect(mapKuaidi100Push(v.value, ctx('kd', TrackingSource.PUSH))).toMatchObject({ pushStatus: 'abort', trackingStopped: { reason: '3天查询无记录' } });
    } finally {
      await hub.close();
    }
  });

  it('re-pushes what the hub did not acknowledge, and only what changed otherwise', async () => {
    let accept = false;
    const hub = await fakeHub((r) => (accept ? (r.path.endsWith('/kuaidi100-sim') ? ackKuaidi100() : { status: 204, body: '' }) : { status: 500, body: '{"result":false}' }));
    try {
      const first = await sim.pushChanged(hub.url);
      expect(first.length).toBe(5);
      expect(first.every((p) => !p.acknowledged)).toBe(true);
      accept = true;
      expect((await sim.pushChanged(hub.url)).every((p) => p.acknowledged)).toBe(true);
      expect(await sim.pushChanged(hub.url)).toEqual([]);
    } finally {
      await hub.close();
    }
  });

  it('takes a Kuaidi100 answer other than its success format as not acknowledged', async () => {
    const hub = await fakeHub(() => ({ status: 200, body: '{"ok":true}' }));
    try {
      expect((await sim.pushTo(hub.url, 'SF1400000000001')).acknowledged).toBe(false);
    } finally {
      await hub.close();
    }
  });
});

describe('partner simulator, automatic pushes', () => {
  it('pushes changed shipments to the hub on its own', async () => {
    const hub = await fakeHub((r) => (r.path.endsWith('/kuaidi100-sim') ? ackKuaidi100() : { status: 200, body: '{}' }));
    const sim = await startPartnerSimulator({ port: 0, speed: 1, hubUrl: hub.url, autoPushMs: 30, partnerCodes: { GENERIC: 'acme' } });
    try {
      const deadline = Date.now() + 3_000;
      while (hub.received.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(new Set(hub.received.map((r) => r.path))).toEqual(new Set(['/webhooks/kuaidi100-sim', '/webhooks/aftership-sim', '/webhooks/acme']));
      const count = hub.received.length;
      await new Promise((r) => setTimeout(r, 120));
      expect(hub.received.length).toBe(count);
    } finally {
      await sim.close();
      await hub.close();
    }
  });
});
