import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartnerClients, PullResult } from '../src/logistics/partner-clients.js';
import { startPartnerSimulator, SIMULATOR_CREDENTIALS, type PartnerSimulator } from '../src/logistics/partners/simulator/simulator.js';
import { Poller } from '../src/logistics/poller.js';
import type { TestHub } from './helpers/hub.js';
import { createClient, getShipment, registerPartner, registerShipment, sql, startLogisticsHub } from './helpers/logistics.js';

let hub: TestHub;
let sim: PartnerSimulator;
let clientId: string;
const C = SIMULATOR_CREDENTIALS;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  hub = await startLogisticsHub();
  sim = await startPartnerSimulator({ port: 0 });
  clientId = await createClient(hub);
  await registerPartner(hub, { code: 'dhl-sim', kind: 'DHL', name: 'DHL', apiBaseUrl: sim.url, credentials: { apiKey: C.dhl.apiKey }, pollIntervalSeconds: 30 });
  await registerPartner(hub, { code: 'kuaidi100-sim', kind: 'KUAIDI100', name: 'Kuaidi100', apiBaseUrl: sim.url, credentials: { customer: C.kuaidi100.customer, key: C.kuaidi100.key }, pollIntervalSeconds: 30 });
  await registerPartner(hub, { code: 'fake', kind: 'DHL', name: 'Fake DHL', apiBaseUrl: 'http://127.0.0.1:9', credentials: { apiKey: 'x' }, pollIntervalSeconds: 30 });
});
afterAll(async () => {
  await sim?.close();
  await hub?.close();
});

const poller = (clients: PartnerClients, instanceId: string, batchSize = 20) =>
  new Poller(hub.orm, log, clients, hub.hub.logistics.secrets, { instanceId, batchSize, concurrency: 4, leaseSeconds: 60, tickMs: 1000 });

const makeDue = (ids: string[]) => sql(hub, `update shipment set next_poll_at = now() - interval '1 second' where id in (${ids.map(() => '?').join(',')})`, ids);

describe('Poller', () => {
  it('polls due shipments through the partners, keeps the schedule, and stops at a terminal status', async () => {
    const dhl = await registerShipment(hub, { partnerCode: 'dhl-sim', trackingNumber: 'JD014600006281230704', carrierCode: 'express', clientId });
    const k100 = await registerShipment(hub, { partnerCode: 'kuaidi100-sim', trackingNumber: 'YT9100000000002', carrierCode: 'yuantong', clientId });
    const p = poller(hub.hub.logistics.clients, 'hub-a');
    expect(await p.runOnce()).toBe(2);
    expect((await getShipment(hub, dhl.id))!.status).toBe('INFO_RECEIVED');
    expect((await getShipment(hub, k100.id))!.status).toBe('PICKED_UP');
    const [row] = await sql<{ next_poll_at: Date | string; leased_by: string | null; last_polled_at: Date | string | null }>(hub, 'select next_poll_at, leased_by, last_polled_at from shipment where id = ?', [dhl.id]);
    const next = new Date(row!.next_poll_at).getTime() - Date.now();
    expect(next).toBeGreaterThan(25_000);
    expect(next).toBeLessThan(35_000);
    expect(row!.leased_by).toBeNull();
    expect(row!.last_polled_at).not.toBeNull();
    // Not due yet: nothing to poll.
    expect(await p.runOnce()).toBe(0);

    sim.advance(3000); // every story has ended
    await makeDue([dhl.id, k100.id]);
    expect(await p.runOnce()).toBe(2);
    const done = await getShipment(hub, dhl.id);
    expect(done).toMatchObject({ status: 'DELIVERED', nextPollAt: null });
    expect((await getShipment(hub, k100.id))!.status).toBe('RETURNED');

    // Terminal: never claimed again, even when marked due by hand.
    const requests = sim.requests.dhl + sim.requests.kuaidi100;
    await makeDue([dhl.id, k100.id]);
    expect(await p.runOnce()).toBe(0);
    expect(sim.requests.dhl + sim.requests.kuaidi100).toBe(requests);
  });

  it('backs off after a failure and records why', async () => {
    const s = await registerShipment(hub, { partnerCode: 'dhl-sim', trackingNumber: 'JD014600006281230705', carrierCode: 'express', clientId });
    sim.setFaults({ kind: '5xx', status: 503, count: 10, target: 'dhl' });
    const p = new Poller(hub.orm, log, hub.hub.logistics.clients, hub.hub.logistics.secrets, { instanceId: 'hub-f', batchSize: 5, concurrency: 1, leaseSeconds: 60, tickMs: 1000 });
    try {
      expect(await p.runOnce()).toBe(1);
    } finally {
      sim.clearFaults();
    }
    const [row] = await sql<{ poll_failures: number; last_poll_error: string; next_poll_at: string }>(hub, 'select poll_failures, last_poll_error, next_poll_at from shipment where id = ?', [s.id]);
    expect(row!.poll_failures).toBe(1);
    expect(row!.last_poll_error).toMatch(/HTTP 503/);
    expect(new Date(row!.next_poll_at).getTime()).toBeGreaterThan(Date.now() + 25_000);
    const metrics = await (await fetch(`${hub.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/scf_partner_calls_total\{partner="dhl-sim",operation="track",outcome="failed",reason="server-error"\}/);
    expect(metrics).toMatch(/scf_partner_call_retries_total\{partner="dhl-sim",operation="track"\} [1-9]/);
    expect(metrics).toMatch(/scf_partner_circuit_state\{partner="dhl-sim"\} 0/);
  });

  it('never lets two pollers poll the same shipment (leases with FOR UPDATE SKIP LOCKED)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await registerShipment(hub, { partnerCode: 'fake', trackingNumber: `LEASE-${i}`, clientId })).id);
    const polled: string[] = [];
    const fake = {
      async pull(_p: unknown, s: { trackingNumber: string }): Promise<PullResult> {
        polled.push(s.trackingNumber);
        await new Promise((r) => setTimeout(r, 30));
        return { outcome: 'not-found-yet', message: 'fake' };
      },
    } as unknown as PartnerClients;
    const a = poller(fake, 'hub-a', 5);
    const b = poller(fake, 'hub-b', 5);
    // Both claim at once, again and again, until nothing is due.
    for (let round = 0; round < 5; round++) {
      const [na, nb] = await Promise.all([a.runOnce(), b.runOnce()]);
      if (na + nb === 0) break;
    }
    expect(polled.filter((n) => n.startsWith('LEASE-')).sort()).toEqual(ids.map((_, i) => `LEASE-${i}`).sort());
    const rows = await sql<{ leased_by: string | null }>(hub, `select leased_by from shipment where tracking_number like 'LEASE-%'`);
    expect(rows.every((r) => r.leased_by === null)).toBe(true);
  });

  it('skips a shipment another hub has leased', async () => {
    const s = await registerShipment(hub, { partnerCode: 'fake', trackingNumber: 'LEASED-ELSEWHERE', clientId });
    await sql(hub, `update shipment set leased_by = 'other-hub', leased_until = now() + interval '1 minute' where id = ?`, [s.id]);
    const polled: string[] = [];
    const fake = { async pull(_p: unknown, x: { trackingNumber: string }): Promise<PullResult> { polled.push(x.trackingNumber); return { outcome: 'not-found-yet', message: 'fake' }; } } as unknown as PartnerClients;
    await poller(fake, 'hub-c').runOnce();
    expect(polled).not.toContain('LEASED-ELSEWHERE');
  });
  it('hands back the shipments it claimed but had not started when it is stopped', async () => {
    for (let i = 0; i < 4; i++) await registerShipment(hub, { partnerCode: 'fake', trackingNumber: `STOP-${i}`, clientId });
    await sql(hub, `update shipment set next_poll_at = now() - interval '1 second' where tracking_number like 'STOP-%'`);
    let started!: () => void;
    const firstPull = new Promise<void>((r) => (started = r));
    const fake = {
      // Blocks until the poller is stopped, as a slow partner call would.
      async pull(_p: unknown, _s: unknown, signal: AbortSignal): Promise<PullResult> {
        started();
        await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r())));
        return { outcome: 'failed', message: 'cancelled' };
      },
    } as unknown as PartnerClients;
    const p = new Poller(hub.orm, log, fake, hub.hub.logistics.secrets, { instanceId: 'hub-stop', batchSize: 20, concurrency: 1, leaseSeconds: 60, tickMs: 60_000 });
    const run = p.runOnce();
    await firstPull;
    const [claimed] = await sql<{ n: string }>(hub, `select count(*)::text as n from shipment where leased_by = 'hub-stop'`);
    expect(Number(claimed!.n)).toBeGreaterThanOrEqual(4);
    await p.stop();
    await run;
    // The one in flight and the ones never started: none left leased to the stopped poller.
    expect(await sql(hub, `select id from shipment where leased_by = 'hub-stop'`)).toEqual([]);
  });
});
