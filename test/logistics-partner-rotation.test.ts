import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/api-key.entity.js';
import { afterShipSignature, AFTERSHIP_SIGNATURE_HEADER } from '../src/logistics/partners/aftership/aftership.signature.js';
import { kuaidi100PushBody } from '../src/logistics/partners/kuaidi100/kuaidi100.signature.js';
import { startPartnerSimulator, SIMULATOR_CREDENTIALS, type PartnerSimulator } from '../src/logistics/partners/simulator/simulator.js';
import { Poller } from '../src/logistics/poller.js';
import type { TestHub } from './helpers/hub.js';
import { createClient, genericPush, getShipment, postWebhook, registerPartner, registerShipment, sql, startLogisticsHub } from './helpers/logistics.js';

let hub: TestHub;
let sim: PartnerSimulator;
let clientId: string;
const C = SIMULATOR_CREDENTIALS;

// Every secret this file hands the hub: none may come back in a response or a log line.
const OLD = 'generic-old-secret-0001';
const NEW = 'generic-new-secret-0002';
const NEWER = 'generic-newer-secret-0003';
const AS_OLD = 'aftership-old-secret-01';
const AS_NEW = 'aftership-new-secret-02';
const K_OLD = 'kuaidi100-old-salt-0001';
const K_NEW = 'kuaidi100-new-salt-0002';
const WRONG_DHL_KEY = 'wrong-dhl-api-key-0001';
const SECRETS = [OLD, NEW, NEWER, AS_OLD, AS_NEW, K_OLD, K_NEW, WRONG_DHL_KEY, C.dhl.apiKey];

const logLines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});
const responses: string[] = [];

const PARTNER_FIELDS = 'code name apiBaseUrl pollIntervalSeconds active hasCredentials hasWebhookSecret secretRotatedAt previousSecretExpiresAt previousSecretLastUsedAt';
interface Partner {
  code: string;
  name: string;
  apiBaseUrl: string | null;
  pollIntervalSeconds: number;
  active: boolean;
  hasCredentials: boolean;
  hasWebhookSecret: boolean;
  secretRotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  previousSecretLastUsedAt: string | null;
}
const UPDATE = `mutation($input: UpdateLogisticsPartnerInput!) { updateLogisticsPartner(input: $input) { ${PARTNER_FIELDS} } }`;

async function update(input: Record<string, unknown>, key?: string | null) {
  const res = await hub.gql<{ updateLogisticsPartner: Partner }>(UPDATE, { input }, key === undefined ? {} : { key });
  responses.push(JSON.stringify(res.body));
  return res;
}
async function updated(input: Record<string, unknown>): Promise<Partner> {
  const res = await update(input);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data!.updateLogisticsPartner;
}
async function partner(code: string): Promise<Partner> {
  const data = await hub.ok<{ logisticsPartners: Partner[] }>(`{ logisticsPartners { ${PARTNER_FIELDS} } }`);
  responses.push(JSON.stringify(data));
  return data.logisticsPartners.find((p) => p.code === code)!;
}
async function post(code: string, body: string, headers: Record<string, string>) {
  const res = await postWebhook(hub, code, body, headers);
  responses.push(JSON.stringify(res.json));
  return res;
}
const pushEvent = (secret: string, trackingNumber: string, id: string, status = 'IN_TRANSIT') =>
  genericPush(secret, { trackingNumber, events: [{ id, occurredAt: '2026-03-01T10:00:00+08:00', status }] });

const counts = async () => {
  const [row] = await sql<{ events: string; inbox: string }>(hub, `select (select count(*) from tracking_event)::text as events, (select count(*) from webhook_inbox)::text as inbox`);
  return { events: Number(row!.events), inbox: Number(row!.inbox) };
};
const metrics = async () => (await fetch(`${hub.baseUrl}/metrics`)).text();

const poller = (instanceId: string) =>
  new Poller(hub.orm, pino({ level: 'silent' }), hub.hub.logistics.clients, hub.hub.logistics.secrets, { instanceId, batchSize: 20, concurrency: 2, leaseSeconds: 60, tickMs: 1000 });
const makeDue = (ids: string[]) => sql(hub, `update shipment set next_poll_at = now() - interval '1 second' where id in (${ids.map(() => '?').join(',')})`, ids);

beforeAll(async () => {
  hub = await startLogisticsHub({}, { log: pino({ level: 'debug' }, sink) });
  sim = await startPartnerSimulator({ port: 0 });
  clientId = await createClient(hub);
  await registerPartner(hub, { code: 'generic-rot', kind: 'GENERIC', name: 'Generic', webhookSecret: OLD });
  await registerPartner(hub, { code: 'aftership-rot', kind: 'AFTERSHIP', name: 'AfterShip', webhookSecret: AS_OLD });
  await registerPartner(hub, { code: 'k100-rot', kind: 'KUAIDI100', name: 'Kuaidi100', apiBaseUrl: sim.url, credentials: { customer: C.kuaidi100.customer, key: C.kuaidi100.key }, webhookSecret: K_OLD });
  await registerPartner(hub, { code: 'dhl-rot', kind: 'DHL', name: 'DHL', apiBaseUrl: sim.url, credentials: { apiKey: WRONG_DHL_KEY }, pollIntervalSeconds: 30 });
});
afterAll(async () => {
  await sim?.close();
  await hub?.close();
});

describe('updateLogisticsPartner: webhook secret rotation', () => {
  it('keeps the old secret valid through the grace window, takes the new one, and says when the old one was last used', async () => {
    const s = await registerShipment(hub, { partnerCode: 'generic-rot', trackingNumber: 'ROT-1', clientId });
    const before = Date.now();
    const p = await updated({ code: 'generic-rot', webhookSecret: NEW });
    expect(p).toMatchObject({ active: true, hasWebhookSecret: true, previousSecretLastUsedAt: null });
    expect(new Date(p.secretRotatedAt!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    // Default window: 24 h.
    const window = new Date(p.previousSecretExpiresAt!).getTime() - new Date(p.secretRotatedAt!).getTime();
    expect(window).toBe(86_400_000);

    const old = pushEvent(OLD, 'ROT-1', 'r1-a', 'PICKED_UP');
    const a = await post('generic-rot', old.body, old.headers);
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ status: 'processed', newEvents: 1 });
    const fresh = pushEvent(NEW, 'ROT-1', 'r1-b', 'IN_TRANSIT');
    const b = await post('generic-rot', fresh.body, fresh.headers);
    expect(b.status).toBe(200);
    expect(b.json).toMatchObject({ status: 'processed', newEvents: 1 });
    const after = await getShipment(hub, s.id);
    expect(after!.status).toBe('IN_TRANSIT');
    expect(after!.events.map((e) => e.status)).toEqual(['PICKED_UP', 'IN_TRANSIT']);

    expect(await metrics()).toMatch(/scf_webhook_previous_secret_total\{partner="generic-rot"\} 1\b/);
    const listed = await partner('generic-rot');
    expect(listed.previousSecretLastUsedAt).not.toBeNull();
    expect(logLines.join('')).toContain('webhook verified by the previous secret');

    // Both secrets are sealed at rest, each bound to its own column.
    const [row] = await sql<{ webhook_secret_sealed: string; previous_webhook_secret_sealed: string }>(hub, `select webhook_secret_sealed, previous_webhook_secret_sealed from logistics_partner where code = 'generic-rot'`);
    for (const v of [row!.webhook_secret_sealed, row!.previous_webhook_secret_sealed]) {
      expect(v).toMatch(/^v1:/);
      expect(v).not.toContain('secret-000');
    }
  });

  it('refuses the old secret with 401 once its window has passed, writing nothing', async () => {
    await sql(hub, `update logistics_partner set previous_secret_expires_at = now() - interval '1 second' where code = 'generic-rot'`);
    const before = await counts();
    const old = pushEvent(OLD, 'ROT-1', 'r1-expired', 'DELIVERED');
    const res = await post('generic-rot', old.body, old.headers);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: 'unauthorized: bad-signature' });
    expect(await counts()).toEqual(before);
    const fresh = pushEvent(NEW, 'ROT-1', 'r1-c', 'OUT_FOR_DELIVERY');
    expect((await post('generic-rot', fresh.body, fresh.headers)).status).toBe(200);
  });

  it('with a 0-second window refuses the old secret at once', async () => {
    const p = await updated({ code: 'generic-rot', webhookSecret: NEWER, previousSecretValidForSeconds: 0 });
    expect(p.previousSecretExpiresAt).toBeNull();
    expect(p.previousSecretLastUsedAt).toBeNull();
    const before = await counts();
    const stale = pushEvent(NEW, 'ROT-1', 'r1-d');
    expect((await post('generic-rot', stale.body, stale.headers)).status).toBe(401);
    expect(await counts()).toEqual(before);
    const fresh = pushEvent(NEWER, 'ROT-1', 'r1-e', 'OUT_FOR_DELIVERY');
    expect((await post('generic-rot', fresh.body, fresh.headers)).status).toBe(200);
  });

  it('honours a short window and lets it lapse on its own', async () => {
    await updated({ code: 'generic-rot', webhookSecret: NEW, previousSecretValidForSeconds: 1 });
    const inWindow = pushEvent(NEWER, 'ROT-1', 'r1-f');
    expect((await post('generic-rot', inWindow.body, inWindow.headers)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    const lapsed = pushEvent(NEWER, 'ROT-1', 'r1-g');
    expect((await post('generic-rot', lapsed.body, lapsed.headers)).status).toBe(401);
  });

  it('tries the previous secret for AfterShip and Kuaidi100 pushes too', async () => {
    await updated({ code: 'aftership-rot', webhookSecret: AS_NEW, previousSecretValidForSeconds: 3600 });
    const body = JSON.stringify({ ts: 1, event: 'tracking_update', event_id: 'rot-as-1', msg: { tracking_number: 'AS-ROT-1', slug: 'fedex', tag: 'InTransit', checkpoints: [] } });
    for (const secret of [AS_OLD, AS_NEW]) {
      const res = await post('aftership-rot', body, { 'content-type': 'application/json', [AFTERSHIP_SIGNATURE_HEADER]: afterShipSignature(body, secret) });
      expect(res.status, secret === AS_OLD ? 'old' : 'new').toBe(200);
    }
    const forged = await post('aftership-rot', body, { 'content-type': 'application/json', [AFTERSHIP_SIGNATURE_HEADER]: afterShipSignature(body, 'neither-of-them') });
    expect(forged.status).toBe(401);

    await updated({ code: 'k100-rot', webhookSecret: K_NEW });
    const param = JSON.stringify({ status: 'polling', message: '', lastResult: { state: '0', ischeck: '0', com: 'shunfeng', nu: 'SF-ROT-1', data: [{ time: '2026-03-01 10:00:00', ftime: '2026-03-01 10:00:00', context: '运输中', status: '在途', statusCode: '1002' }] } });
    for (const salt of [K_OLD, K_NEW]) {
      const res = await post('k100-rot', kuaidi100PushBody(param, salt), { 'content-type': 'application/x-www-form-urlencoded' });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ result: true });
    }
    const m = await metrics();
    expect(m).toMatch(/scf_webhook_previous_secret_total\{partner="aftership-rot"\} 1\b/);
    expect(m).toMatch(/scf_webhook_previous_secret_total\{partner="k100-rot"\} 1\b/);
  });
});

describe('updateLogisticsPartner: credentials, pause, other fields', () => {
  it('uses rotated credentials from the next poll, without a restart', async () => {
    const s = await registerShipment(hub, { partnerCode: 'dhl-rot', trackingNumber: 'JD014600006281230704', carrierCode: 'express', clientId });
    const p = poller('rot-a');
    expect(await p.runOnce()).toBe(1);
    const [failed] = await sql<{ last_poll_error: string | null }>(hub, 'select last_poll_error from shipment where id = ?', [s.id]);
    expect(failed!.last_poll_error).toMatch(/401/);
    expect((await getShipment(hub, s.id))!.status).toBe('PENDING');

    const changed = await updated({ code: 'dhl-rot', credentials: { apiKey: C.dhl.apiKey } });
    expect(changed.hasCredentials).toBe(true);
    await makeDue([s.id]);
    expect(await p.runOnce()).toBe(1);
    expect((await getShipment(hub, s.id))!.status).toBe('INFO_RECEIVED');
  });

  it('pauses a partner: pushes answered like an unknown code, nothing polled or refreshed; resuming restores both', async () => {
    // Pushes.
    const paused = await updated({ code: 'generic-rot', active: false });
    expect(paused.active).toBe(false);
    const before = await counts();
    const push = pushEvent(NEW, 'ROT-1', 'r1-paused');
    const refused = await post('generic-rot', push.body, push.headers);
    const unknown = await post('no-such-partner', push.body, push.headers);
    expect(refused.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(refused.json).replace('generic-rot', 'X')).toBe(JSON.stringify(unknown.json).replace('no-such-partner', 'X'));
    expect(await metrics()).toMatch(/scf_webhook_refusals_total\{partner="generic-rot",reason="paused"\} 1\b/);
    const partnerKey = await hub.keyFor(Role.PARTNER, 'generic-rot');
    const viaApi = await hub.gql(`mutation($input: PushTrackingEventsInput!) { pushTrackingEvents(input: $input) { accepted } }`, {
      input: { partnerCode: 'generic-rot', trackingNumber: 'ROT-1', events: [{ id: 'r1-api', occurredAt: '2026-03-01T10:00:00+08:00', status: 'IN_TRANSIT' }] },
    }, { key: partnerKey });
    expect(viaApi.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.partnerCode' });
    expect(await counts()).toEqual(before);

    // Polls.
    await updated({ code: 'dhl-rot', active: false });
    const [due] = await sql<{ id: string }>(hub, `select s.id from shipment s join logistics_partner p on p.id = s.partner_id where p.code = 'dhl-rot'`);
    await makeDue([due!.id]);
    const during = await registerShipment(hub, { partnerCode: 'dhl-rot', trackingNumber: 'JD014600006281230705', carrierCode: 'express', clientId });
    expect(during.nextPollAt).toBeNull();
    const requests = sim.requests.dhl;
    expect(await poller('rot-b').runOnce()).toBe(0);
    const refresh = await hub.gql(`mutation($id: ID!) { refreshShipment(id: $id) { outcome } }`, { id: due!.id });
    expect(refresh.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(sim.requests.dhl).toBe(requests);

    // Resumed: the push goes through, and both shipments are polled (the one registered while paused included).
    expect((await updated({ code: 'generic-rot', active: true })).active).toBe(true);
    expect((await post('generic-rot', push.body, push.headers)).status).toBe(200);
    await updated({ code: 'dhl-rot', active: true });
    expect((await getShipment(hub, during.id))!.nextPollAt).not.toBeNull();
    expect(await poller('rot-c').runOnce()).toBe(2);
    expect(sim.requests.dhl).toBeGreaterThan(requests);
  });

  it('changes only the fields given', async () => {
    const before = await partner('dhl-rot');
    const p = await updated({ code: 'dhl-rot', name: 'DHL Express (EU)', pollIntervalSeconds: 60, apiBaseUrl: `${sim.url}/` });
    expect(p).toEqual({ ...before, name: 'DHL Express (EU)', pollIntervalSeconds: 60 });
    const same = await updated({ code: 'dhl-rot', name: null, credentials: null, webhookSecret: null });
    expect(same).toEqual(p);
  });

  it('refuses invalid input naming the field and the rule, changing nothing', async () => {
    const before = await partner('generic-rot');
    const [sealedBefore] = await sql(hub, `select * from logistics_partner where code = 'generic-rot'`);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ code: 'generic-rot', pollIntervalSeconds: 1 }, 'input.pollIntervalSeconds', 'BAD_USER_INPUT'],
      [{ code: 'generic-rot', name: '   ' }, 'input.name', 'BAD_USER_INPUT'],
      [{ code: 'generic-rot', apiBaseUrl: 'ftp://example.com' }, 'input.apiBaseUrl', 'BAD_USER_INPUT'],
      [{ code: 'generic-rot', webhookSecret: 'short' }, 'input.webhookSecret', 'BAD_USER_INPUT'],
      [{ code: 'generic-rot', webhookSecret: '' }, 'input.webhookSecret', 'BAD_USER_INPUT'],
      [{ code: 'generic-rot', webhookSecret: NEW }, 'input.webhookSecret', 'BAD_USER_INPUT'], // the current one
      [{ code: 'generic-rot', webhookSecret: 'a-fresh-secret-9', previousSecretValidForSeconds: 604_801 }, 'input.previousSecretValidForSeconds', 'BAD_USER_INPUT'],
      [{ code: 'generic-rot', webhookSecret: 'a-fresh-secret-9', previousSecretValidForSeconds: -1 }, 'input.previousSecretValidForSeconds', 'BAD_USER_INPUT'],
      [{ code: 'generic-rot', previousSecretValidForSeconds: 60 }, 'input.previousSecretValidForSeconds', 'BAD_USER_INPUT'],
      [{ code: 'generic-rot', credentials: {} }, 'input.credentials', 'BAD_USER_INPUT'],
      [{ code: 'generic-rot', credentials: { apiKey: 'x' } }, 'input.credentials.apiKey', 'BAD_USER_INPUT'],
      [{ code: 'dhl-rot', credentials: { service: 'express' } }, 'input.credentials.apiKey', 'BAD_USER_INPUT'],
      [{ code: 'nobody-here', active: false }, 'input.code', 'NOT_FOUND'],
    ];
    for (const [input, field, code] of cases) {
      const res = await update(input);
      const err = res.body.errors?.[0];
      expect(err?.extensions, JSON.stringify(input)).toMatchObject({ code, field });
      expect(err?.message).toContain(field === 'input.code' ? 'nobody-here' : field);
    }
    expect(await partner('generic-rot')).toEqual(before);
    const [sealedAfter] = await sql(hub, `select * from logistics_partner where code = 'generic-rot'`);
    expect(sealedAfter).toEqual(sealedBefore);
  });

  it('is for ADMIN keys only', async () => {
    for (const role of [Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER, Role.VIEWER, Role.PARTNER]) {
      const key = await hub.keyFor(role, role === Role.PARTNER ? 'generic-rot' : undefined);
      const res = await update({ code: 'generic-rot', active: false }, key);
      expect(res.body.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN');
    }
    expect((await update({ code: 'generic-rot', active: false }, null)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await partner('generic-rot')).active).toBe(true);
  });

  it('never puts a secret in a response or a log line', async () => {
    expect(logLines.length).toBeGreaterThan(0);
    const logs = logLines.join('');
    const said = responses.join('\n');
    for (const secret of SECRETS) {
      expect(logs.includes(secret), 'logs').toBe(false);
      expect(said.includes(secret), 'responses').toBe(false);
    }
  });
});
