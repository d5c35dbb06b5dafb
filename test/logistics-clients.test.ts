import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from '../src/logistics/partners/common/circuit-breaker.js';
import { nextMidnightUtc, parseRetryAfter, type PartnerCallObserver, type ResilienceOptions } from '../src/logistics/partners/common/partner-http.js';
import { DhlClient } from '../src/logistics/partners/dhl/dhl.client.js';
import { mapDhlShipment } from '../src/logistics/partners/dhl/dhl.mapper.js';
import { Kuaidi100Client } from '../src/logistics/partners/kuaidi100/kuaidi100.client.js';
import { mapKuaidi100Query } from '../src/logistics/partners/kuaidi100/kuaidi100.mapper.js';
import { startPartnerSimulator, type PartnerSimulator } from '../src/logistics/partners/simulator/simulator.js';
import { ShipmentStatus, TrackingSource } from '../src/logistics/tracking.js';

const FAST: Partial<ResilienceOptions> = {
  attemptTimeoutMs: 300,
  deadlineMs: 3_000,
  maxRetries: 2,
  backoffBaseMs: 10,
  backoffMaxMs: 40,
  maxRetryAfterMs: 1_500,
  breakerFailureThreshold: 2,
  breakerCooldownMs: 200,
};
const DHL_NUMBER = 'JD014600006281230704';
const NEW_DHL_NUMBER = 'JD014600006281230707';

let sim: PartnerSimulator;

function recorder() {
  const calls: Parameters<NonNullable<PartnerCallObserver['onCall']>>[0][] = [];
  const circuit: CircuitState[] = [];
  const observer: PartnerCallObserver = { onCall: (e) => calls.push(e), onCircuit: (_p, s) => circuit.push(s) };
  return { calls, circuit, observer };
}

function dhl(extra: Partial<ResilienceOptions> = {}, observer?: PartnerCallObserver, apiKey = sim.credentials.dhl.apiKey) {
  return new DhlClient({ partner: 'dhl-test', baseUrl: sim.url, apiKey, service: 'express', resilience: { ...FAST, ...extra }, ...(observer ? { observer } : {}) });
}

function kuaidi100(extra: Partial<ResilienceOptions> = {}, key = sim.credentials.kuaidi100.key) {
  return new Kuaidi100Client({ partner: 'kd100-test', baseUrl: sim.url, customer: sim.credentials.kuaidi100.customer, key, resilience: { ...FAST, ...extra } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sim = await startPartnerSimulator({ port: 0, speed: 1 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.clearFaults();
});

describe('DhlClient', () => {
  it('fetches a shipment the mapper can read', async () => {
    const r = await dhl().track(DHL_NUMBER);
    expect(r).toMatchObject({ outcome: 'ok', status: 200, attempts: 1 });
    if (r.outcome !== 'ok') return;
    const update = mapDhlShipment(r.payload, DHL_NUMBER, { partner: 'dhl-test', source: TrackingSource.PULL, receivedAt: new Date() });
    expect(update?.events.map((e) => e.status)).toEqual([ShipmentStatus.INFO_RECEIVED]);
  });

  it('retries 5xx with backoff, then succeeds, and reports the retries', async () => {
    const rec = recorder();
    sim.setFaults({ kind: '5xx', count: 2 });
    const before = sim.requests.dhl;
    const r = await dhl({}, rec.observer).track(DHL_NUMBER);
    expect(r).toMatchObject({ outcome: 'ok', attempts: 3 });
    expect(sim.requests.dhl - before).toBe(3);
    expect(rec.calls).toEqual([expect.objectContaining({ partner: 'dhl-test', operation: 'track', outcome: 'ok', retries: 2 })]);
  });

  it('retries a connection reset', async () => {
    sim.setFaults({ kind: 'reset', count: 1 });
    expect(await dhl().track(DHL_NUMBER)).toMatchObject({ outcome: 'ok', attempts: 2 });
  });

  it('cuts a body that stalls half-way at the attempt deadline and retries', async () => {
    sim.setFaults({ kind: 'stall', count: 1, ms: 10_000 });
    const started = Date.now();
    const r = await dhl().track(DHL_NUMBER);
    expect(r).toMatchObject({ outcome: 'ok', attempts: 2 });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('bounds the whole call by its overall deadline when every attempt stalls', async () => {
    sim.setFaults({ kind: 'stall', count: 10, ms: 10_000 });
    const started = Date.now();
    const r = await dhl({ attemptTimeoutMs: 250, deadlineMs: 600, maxRetries: 5 }).track(DHL_NUMBER);
    const took = Date.now() - started;
    expect(r).toMatchObject({ outcome: 'failed', reason: 'timeout', retryable: true });
    expect(took).toBeGreaterThanOrEqual(500);
    expect(took).toBeLessThan(1_200);
  });

  it('waits out a short Retry-After on 429 and then succeeds', async () => {
    sim.setFaults({ kind: '429', count: 1, retryAfter: 1 });
    const started = Date.now();
    const r = await dhl().track(DHL_NUMBER);
    expect(r).toMatchObject({ outcome: 'ok', attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('surfaces a spent quota (long Retry-After) and stops calling until it resets', async () => {
    const client = dhl();
    sim.setFaults({ kind: '429', count: 5, retryAfter: 3600 });
    const before = sim.requests.dhl;
    const r = await client.track(DHL_NUMBER);
    expect(r.outcome).toBe('quota');
    if (r.outcome !== 'quota') return;
    expect(Math.abs(r.retryAt.getTime() - (Date.now() + 3_600_000))).toBeLessThan(5_000);
    const again = await client.track(DHL_NUMBER);
    expect(again).toMatchObject({ outcome: 'quota', attempts: 0, retryAt: r.retryAt });
    expect(sim.requests.dhl - before).toBe(1);
    expect(client.http.breaker.state).toBe('CLOSED');
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 7_200_000);
    sim.setFaults({ kind: '429', count: 1, retryAfter: at.toUTCString() });
    const r = await dhl().track(DHL_NUMBER);
    expect(r.outcome).toBe('quota');
    if (r.outcome === 'quota') expect(Math.abs(r.retryAt.getTime() - at.getTime())).toBeLessThan(1_000);
  });

  it('takes a 429 without Retry-After as the daily quota, reset at midnight GMT', async () => {
    sim.setFaults({ kind: '429', count: 1 });
    const r = await dhl().track(DHL_NUMBER);
    expect(r).toMatchObject({ outcome: 'quota', retryAt: nextMidnightUtc(new Date()) });
  });

  it('treats the early 404 of a new shipment as not yet known, without tripping the breaker', async () => {
    const rec = recorder();
    const client = dhl({}, rec.observer);
    for (let i = 0; i < 3; i++) {
      expect(await client.track(NEW_DHL_NUMBER)).toMatchObject({ outcome: 'not-found-yet', attempts: 1, detail: expect.stringMatching(/No result found/) });
    }
    expect(client.http.breaker.state).toBe('CLOSED');
    expect(rec.circuit).toEqual([]);
    sim.advance(30);
    expect(await client.track(NEW_DHL_NUMBER)).toMatchObject({ outcome: 'ok' });
  });

  it('opens the circuit after consecutive failures, rejects without calling, then half-opens and closes', async () => {
    const rec = recorder();
    const client = dhl({}, rec.observer);
    sim.setFaults({ kind: '5xx', count: 100 });
    expect(await client.track(DHL_NUMBER)).toMatchObject({ outcome: 'failed', reason: 'server-error', attempts: 3, partnerCode: '503' });
    expect(client.http.breaker.state).toBe('CLOSED');
    expect(await client.track(DHL_NUMBER)).toMatchObject({ outcome: 'failed', reason: 'server-error' });
    expect(client.http.breaker.state).toBe('OPEN');

    const before = sim.requests.dhl;
    const rejected = await client.track(DHL_NUMBER);
    expect(rejected).toMatchObject({ outcome: 'failed', reason: 'circuit-open', attempts: 0, retryable: true });
    expect(sim.requests.dhl).toBe(before);

    // A failed probe opens it again at once (a probe makes one attempt only).
    await sleep(250);
    expect(await client.track(DHL_NUMBER)).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect(client.http.breaker.state).toBe('OPEN');

    sim.clearFaults();
    await sleep(250);
    expect(await client.track(DHL_NUMBER)).toMatchObject({ outcome: 'ok', attempts: 1 });
    expect(rec.circuit).toEqual(['OPEN', 'HALF_OPEN', 'OPEN', 'HALF_OPEN', 'CLOSED']);
    expect(rec.calls.map((c) => c.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'ok']);
  });

  it('fails at once on a refused API key, without retrying, tripping the breaker or echoing the key', async () => {
    const client = dhl({}, undefined, 'wrong-key-do-not-echo');
    const r = await client.track(DHL_NUMBER);
    expect(r).toMatchObject({ outcome: 'failed', reason: 'unauthorized', attempts: 1, retryable: false, partnerCode: '401' });
    expect(JSON.stringify(r)).not.toContain('wrong-key-do-not-echo');
    expect(client.http.breaker.consecutiveFailures).toBe(0);
  });

  it('retries a malformed (truncated) JSON body, and gives up as malformed when it persists', async () => {
    sim.setFaults({ kind: 'malformed', count: 1 });
    expect(await dhl().track(DHL_NUMBER)).toMatchObject({ outcome: 'ok', attempts: 2 });
    sim.setFaults({ kind: 'malformed', count: 3 });
    expect(await dhl().track(DHL_NUMBER)).toMatchObject({ outcome: 'failed', reason: 'malformed', attempts: 3 });
  });

  it('stops when its caller cancels', async () => {
    sim.setFaults({ kind: 'latency', count: 1, ms: 2_000 });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    const r = await dhl({ attemptTimeoutMs: 5_000 }).track(DHL_NUMBER, { signal: ctl.signal });
    expect(r).toMatchObject({ outcome: 'failed', reason: 'aborted' });
  });
});

describe('Kuaidi100Client', () => {
  const query = { com: 'shunfeng', num: 'SF1400000000001' };

  it('signs the query and gets an answer the mapper reads', async () => {
    const r = await kuaidi100().query(query);
    expect(r.outcome).toBe('ok');
    if (r.outcome !== 'ok') return;
    const update = mapKuaidi100Query(r.payload, { partner: 'kd100-test', source: TrackingSource.PULL, receivedAt: new Date() });
    expect(update.trackingNumber).toBe('SF1400000000001');
    expect(update.events[0]?.status).toBe(ShipmentStatus.INFO_RECEIVED);
  });

  it('reads an error inside HTTP 200 as a failure with its code; a busy partner (502) is retried', async () => {
    sim.setFaults({ kind: 'error200', count: 1, returnCode: '502' });
    expect(await kuaidi100().query(query)).toMatchObject({ outcome: 'ok', attempts: 2 });
    const none = await kuaidi100().query({ com: 'shunfeng', num: 'SF-NOT-THERE' });
    expect(none).toMatchObject({ outcome: 'failed', reason: 'partner-error', partnerCode: '500', attempts: 1, retryable: false });
  });

  it('reports a refused signature as unauthorized, without the key in the message', async () => {
    const r = await kuaidi100({}, 'wrong-kuaidi-key').query(query);
    expect(r).toMatchObject({ outcome: 'failed', reason: 'unauthorized', partnerCode: '503' });
    expect(JSON.stringify(r)).not.toContain('wrong-kuaidi-key');
  });

  it('has its own breaker: DHL failures do not open it', async () => {
    sim.setFaults({ kind: '5xx', count: 100, target: 'dhl' });
    const d = dhl();
    await d.track(DHL_NUMBER);
    await d.track(DHL_NUMBER);
    expect(d.http.breaker.state).toBe('OPEN');
    expect(await kuaidi100().query(query)).toMatchObject({ outcome: 'ok' });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 2, 1, 12, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('CircuitBreaker', () => {
  function breaker() {
    let t = 0;
    const states: CircuitState[] = [];
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, now: () => t, onStateChange: (s) => states.push(s) });
    return { b, states, tick: (ms: number) => (t += ms) };
  }

  it('opens only after N consecutive failures; a success in between resets the count', () => {
    const { b } = breaker();
    b.record(false);
    b.record(false);
    b.record(true);
    b.record(false);
    b.record(false);
    expect(b.state).toBe('CLOSED');
    b.record(false);
    expect(b.state).toBe('OPEN');
    expect(b.acquire()).toEqual({ allowed: false, retryAt: new Date(1_000) });
  });

  it('lets exactly one probe through after the cool-down', () => {
    const { b, states, tick } = breaker();
    for (let i = 0; i < 3; i++) b.record(false);
    tick(999);
    expect(b.acquire().allowed).toBe(false);
    tick(1);
    expect(b.acquire()).toEqual({ allowed: true, probe: true });
    expect(b.acquire().allowed).toBe(false);
    b.record(true);
    expect(b.acquire()).toEqual({ allowed: true, probe: false });
    expect(states).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('frees the probe when its call is cancelled', () => {
    const { b, tick } = breaker();
    for (let i = 0; i < 3; i++) b.record(false);
    tick(1_000);
    expect(b.acquire().allowed).toBe(true);
    b.release();
    expect(b.acquire()).toEqual({ allowed: true, probe: true });
  });
});
