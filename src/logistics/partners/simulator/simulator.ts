/**
 * The partner simulator: DHL Unified tracking and Kuaidi100 query APIs on loopback over scripted
 * shipments whose timelines play at `speed` × real time; pushes of Kuaidi100, AfterShip and
 * generic webhooks to a hub with correct signatures; faults injected on demand.
 *
 * Time: the timeline is set in the past so that event times stay realistic (minutes and hours
 * apart) yet never in the future: at start the simulated clock reads `now − horizon`, and it
 * runs `speed` times faster than the real one. A step at minute m becomes visible when the
 * simulated clock passes `start + m`; its timestamp is that simulated instant.
 *
 * Control API (JSON):
 * - `POST /_control/faults` `{ kind, count?, ms?, retryAfter?, status?, returnCode?, target? }` (or an array)
 *   kinds: `latency` (answer after `ms`), `stall` (headers and half the body, then nothing for `ms`, then
 *   the connection is cut), `429` (with `Retry-After: retryAfter` when given), `5xx` (`status`, default 503),
 *   `malformed` (a truncated JSON body with status 200), `early404` (DHL 404 / Kuaidi100 "no result"),
 *   `reset` (connection destroyed), `error200` (Kuaidi100-style `{ result: false, returnCode }` in HTTP 200);
 *   `target`: `dhl`, `kuaidi100` or `any` (default)
 * - `GET|DELETE /_control/faults`; `GET /_control/shipments`; `GET /_control/requests`
 * - `POST /_control/advance` `{ minutes }` moves the simulated clock
 * - `POST /_control/push` `{ trackingNumber?, hub? }` pushes one (or every push) shipment to the hub now
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { PartnerKind } from '../../tracking.js';
import { afterShipSignature, AFTERSHIP_SIGNATURE_HEADER } from '../aftership/aftership.signature.js';
import { genericPushHeaders } from '../generic/generic.signature.js';
import { kuaidi100PushBody, kuaidi100QuerySign } from '../kuaidi100/kuaidi100.signature.js';
import { renderAfterShip, renderDhl, renderGeneric, renderKuaidi100PushParam, renderKuaidi100Result, type VisibleStep } from './render.js';
import { defaultScript, type ScriptedShipment } from './scenarios.js';

export type FaultKind = 'latency' | 'stall' | '429' | '5xx' | 'malformed' | 'early404' | 'reset' | 'error200';
const FAULT_KINDS = new Set<string>(['latency', 'stall', '429', '5xx', 'malformed', 'early404', 'reset', 'error200']);

export interface Fault {
  kind: FaultKind;
  /** How many requests it hits (default 1). */
  count?: number;
  ms?: number;
  /** `Retry-After` for 429: seconds, or a raw header value (an HTTP date). Omitted = no header. */
  retryAfter?: number | string;
  /** HTTP status for 5xx (default 503). */
  status?: number;
  /** Kuaidi100 `returnCode` for error200 (default 502). */
  returnCode?: string;
  target?: 'dhl' | 'kuaidi100' | 'any';
}

export interface SimulatorCredentials {
  dhl: { apiKey: string };
  kuaidi100: { customer: string; key: string; salt: string };
  aftership: { secret: string };
  generic: { secret: string };
}

/** Credentials the simulator accepts and signs with by default (demo values, not secrets). */
export const SIMULATOR_CREDENTIALS: Readonly<SimulatorCredentials> = Object.freeze({
  dhl: { apiKey: 'sim-dhl-api-key' },
  kuaidi100: { customer: 'SIMCUSTOMER0001', key: 'sim-kuaidi100-key', salt: 'sim-kuaidi100-salt' },
  aftership: { secret: 'sim-aftership-webhook-secret' },
  generic: { secret: 'sim-generic-webhook-secret' },
});

/** Partner codes the simulator pushes to (`{hub}/webhooks/{code}`) by default. */
export const SIMULATOR_PARTNER_CODES: Readonly<Record<PartnerKind, string>> = Object.freeze({
  DHL: 'dhl-sim',
  KUAIDI100: 'kuaidi100-sim',
  AFTERSHIP: 'aftership-sim',
  GENERIC: 'generic-sim',
});

export interface PartnerSimulatorOptions {
  port?: number;
  host?: string;
  /** Simulated minutes per real minute (default 60: a day plays in 24 minutes). */
  speed?: number;
  shipments?: ScriptedShipment[];
  credentials?: Partial<SimulatorCredentials>;
  partnerCodes?: Partial<Record<PartnerKind, string>>;
  /** Where pushes go by default (`http://127.0.0.1:4000`). */
  hubUrl?: string;
  /** Push changed shipments to `hubUrl` every this many real ms (0/undefined = only on demand). */
  autoPushMs?: number;
  /** Real clock, for tests. */
  now?: () => number;
  /** Real time (ms) the timeline started (default: now). A restarted simulator given its first start time continues the same story. */
  startedAt?: number;
  log?: (line: string) => void;
}

export interface PushResult {
  trackingNumber: string;
  partner: PartnerKind;
  url: string;
  status: number;
  /** The hub took it: Kuaidi100's success answer, or 2xx for the others. */
  acknowledged: boolean;
  body: string;
}

export interface PartnerSimulator {
  url: string;
  port: number;
  shipments: readonly ScriptedShipment[];
  credentials: SimulatorCredentials;
  partnerCodes: Readonly<Record<PartnerKind, string>>;
  setFaults(faults: Fault | Fault[]): void;
  addFaults(faults: Fault | Fault[]): void;
  clearFaults(): void;
  /** Faults still queued. */
  faults(): Fault[];
  /** Moves the simulated clock forward. */
  advance(minutes: number): void;
  /** Steps of a shipment that have happened, with their times. */
  visible(trackingNumber: string): VisibleStep[];
  /** API requests served, by API (`dhl`, `kuaidi100`). */
  requests: { dhl: number; kuaidi100: number };
  /** Pushes one shipment (KUAIDI100, AFTERSHIP or GENERIC) to `{hubUrl}/webhooks/{partnerCode}`. */
  pushTo(hubUrl: string, trackingNumber: string, opts?: { partnerCode?: string }): Promise<PushResult>;
  /** Pushes every push shipment whose history changed since its last push that this hub acknowledged. */
  pushChanged(hubUrl?: string): Promise<PushResult[]>;
  close(): Promise<void>;
}

const PUSH_KINDS = new Set<PartnerKind>([PartnerKind.KUAIDI100, PartnerKind.AFTERSHIP, PartnerKind.GENERIC]);
const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const problem = (status: number, title: string, detail: string, instance: string) => ({ status, title, detail, instance });

function parseFault(v: unknown): Fault {
  if (typeof v !== 'object' || v === null) throw new Error('a fault is an object');
  const o = v as Record<string, unknown>;
  if (typeof o['kind'] !== 'string' || !FAULT_KINDS.has(o['kind'])) throw new Error(`kind must be one of ${[...FAULT_KINDS].join(', ')}`);
  const f: Fault = { kind: o['kind'] as FaultKind };
  if (typeof o['count'] === 'number') f.count = o['count'];
  if (typeof o['ms'] === 'number') f.ms = o['ms'];
  if (typeof o['retryAfter'] === 'number' || typeof o['retryAfter'] === 'string') f.retryAfter = o['retryAfter'];
  if (typeof o['status'] === 'number') f.status = o['status'];
  if (typeof o['returnCode'] === 'string') f.returnCode = o['returnCode'];
  if (o['target'] === 'dhl' || o['target'] === 'kuaidi100' || o['target'] === 'any') f.target = o['target'];
  return f;
}

/** Starts the simulator on loopback (port 0 = a free port). */
export async function startPartnerSimulator(opts: PartnerSimulatorOptions = {}): Promise<PartnerSimulator> {
  const now = opts.now ?? Date.now;
  const speed = opts.speed ?? 60;
  const log = opts.log ?? (() => {});
  const script = opts.shipments ?? defaultScript();
  const credentials: SimulatorCredentials = {
    dhl: { ...SIMULATOR_CREDENTIALS.dhl, ...opts.credentials?.dhl },
    kuaidi100: { ...SIMULATOR_CREDENTIALS.kuaidi100, ...opts.credentials?.kuaidi100 },
    aftership: { ...SIMULATOR_CREDENTIALS.aftership, ...opts.credentials?.aftership },
    generic: { ...SIMULATOR_CREDENTIALS.generic, ...opts.credentials?.generic },
  };
  const partnerCodes = { ...SIMULATOR_PARTNER_CODES, ...opts.partnerCodes };

  // The simulated clock (see the module comment). Minutes are whole so rendered times are too.
  const horizonMin = Math.max(60, ...script.flatMap((s) => [...s.steps.map((st) => st.atMin), s.etaMin ?? 0, s.abortAtMin ?? 0])) + 60;
  const realStart = opts.startedAt ?? now();
  const simEpoch = Math.floor((realStart - horizonMin * 60_000) / 60_000) * 60_000;
  let advancedMs = 0;
  const simNow = () => simEpoch + (now() - realStart) * speed + advancedMs;
  const elapsedMin = () => (simNow() - simEpoch) / 60_000;

  const byNumber = new Map(script.map((s) => [s.trackingNumber.toUpperCase(), s]));
  const visible = (s: ScriptedShipment): VisibleStep[] => {
    const m = elapsedMin();
    return s.steps.filter((st) => st.atMin <= m).map((step) => ({ step, at: simEpoch + step.atMin * 60_000 }));
  };
  const etaOf = (s: ScriptedShipment): number | null => (s.etaMin === undefined ? null : simEpoch + s.etaMin * 60_000);
  const aborted = (s: ScriptedShipment) => s.abortAtMin !== undefined && s.abortAtMin <= elapsedMin();

  let queue: Array<Fault & { remaining: number }> = [];
  const requests = { dhl: 0, kuaidi100: 0 };
  const takeFault = (api: 'dhl' | 'kuaidi100'): Fault | null => {
    const f = queue.find((q) => q.remaining > 0 && (q.target === undefined || q.target === 'any' || q.target === api));
    if (!f) return null;
    f.remaining--;
    queue = queue.filter((q) => q.remaining > 0);
    return f;
  };
  const toQueue = (faults: Fault | Fault[]) => (Array.isArray(faults) ? faults : [faults]).map((f) => ({ ...f, remaining: f.count ?? 1 }));

  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  /** Sends `body` unless a fault says otherwise. */
  async function answer(api: 'dhl' | 'kuaidi100', res: ServerResponse, status: number, body: unknown): Promise<void> {
    const fault = takeFault(api);
    const text = JSON.stringify(body);
    if (!fault) return json(res, status, body);
    log(`fault ${fault.kind} on ${api}`);
    switch (fault.kind) {
      case 'latency':
        await wait(fault.ms ?? 1000);
        return json(res, status, body);
      case 'stall': {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        await wait(fault.ms ?? 30_000);
        res.destroy();
        return;
      }
      case '429': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        return json(res, 429, problem(429, 'Too many requests', 'Daily quota exceeded', '/'), headers);
      }
      case '5xx': {
        const s = fault.status ?? 503;
        return json(res, s, problem(s, 'Service unavailable', 'Try again later', '/'));
      }
      case 'malformed': {
        const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(cut) });
        res.end(cut);
        return;
      }
      case 'early404':
        if (api === 'dhl') return json(res, 404, problem(404, 'No result found', 'No shipment with given tracking number found.', '/track/shipments'));
        return json(res, 200, { result: false, returnCode: '500', message: '查询无结果，请隔段时间再查' });
      case 'reset':
        res.socket?.destroy();
        return;
      case 'error200':
        return json(res, 200, { result: false, returnCode: fault.returnCode ?? '502', message: '服务器繁忙' });
    }
  }

  async function dhlTrack(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    requests.dhl++;
    if (req.method !== 'GET') return json(res, 405, problem(405, 'Method not allowed', 'Use GET', url.pathname));
    if (req.headers['dhl-api-key'] !== credentials.dhl.apiKey) {
      return json(res, 401, problem(401, 'Unauthorized', 'Invalid or missing API key', url.pathname));
    }
    const number = url.searchParams.get('trackingNumber') ?? '';
    const service = url.searchParams.get('service');
    const s = byNumber.get(number.trim().toUpperCase());
    const steps = s && s.partner === PartnerKind.DHL && (!service || service === s.carrier) ? visible(s) : [];
    if (!s || steps.length === 0) {
      return answer('dhl', res, 404, problem(404, 'No result found', 'No shipment with given tracking number found.', `${url.pathname}${url.search}`));
    }
    return answer('dhl', res, 200, renderDhl(s, steps, etaOf(s)));
  }

  async function kuaidi100Query(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests.kuaidi100++;
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const param = form.get('param');
    const { customer, key } = credentials.kuaidi100;
    if (!param || !form.get('customer') || !form.get('sign')) return json(res, 200, { result: false, returnCode: '400', message: '提交的数据不完整' });
    if (form.get('customer') !== customer || form.get('sign') !== kuaidi100QuerySign(param, key, customer)) {
      return json(res, 200, { result: false, returnCode: '503', message: '验证签名失败' });
    }
    let p: { com?: unknown; num?: unknown };
    try {
      p = JSON.parse(param) as { com?: unknown; num?: unknown };
    } catch {
      return json(res, 200, { result: false, returnCode: '400', message: 'param 不是合法的 JSON' });
    }
    const s = typeof p.num === 'string' ? byNumber.get(p.num.trim().toUpperCase()) : undefined;
    const steps = s && s.partner === PartnerKind.KUAIDI100 && p.com === s.carrier ? visible(s) : [];
    if (!s || steps.length === 0) return answer('kuaidi100', res, 200, { result: false, returnCode: '500', message: '查询无结果，请隔段时间再查' });
    return answer('kuaidi100', res, 200, renderKuaidi100Result(s, steps));
  }

  const lastAcked = new Map<string, string>();
  const fingerprint = (s: ScriptedShipment) => `${visible(s).length}:${aborted(s)}`;

  async function pushTo(hubUrl: string, trackingNumber: string, o: { partnerCode?: string } = {}): Promise<PushResult> {
    const s = byNumber.get(trackingNumber.toUpperCase());
    if (!s || !PUSH_KINDS.has(s.partner)) throw new Error(`no push shipment ${trackingNumber}`);
    const url = `${hubUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(o.partnerCode ?? partnerCodes[s.partner])}`;
    const steps = visible(s);
    let body: string;
    let headers: Record<string, string>;
    if (s.partner === PartnerKind.KUAIDI100) {
      body = kuaidi100PushBody(renderKuaidi100PushParam(s, steps, aborted(s)), credentials.kuaidi100.salt);
      headers = { 'content-type': 'application/x-www-form-urlencoded' };
    } else if (s.partner === PartnerKind.AFTERSHIP) {
      body = JSON.stringify(renderAfterShip(s, steps, etaOf(s), randomUUID(), now()));
      headers = { 'content-type': 'application/json', [AFTERSHIP_SIGNATURE_HEADER]: afterShipSignature(body, credentials.aftership.secret) };
    } else {
      body = JSON.stringify(renderGeneric(s, steps, etaOf(s)));
      headers = { 'content-type': 'application/json', ...genericPushHeaders(body, credentials.generic.secret, now()) };
    }
    const fp = fingerprint(s);
    const res = await axios.post<string>(url, body, {
      headers,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      proxy: false,
      timeout: 10_000,
      signal: AbortSignal.timeout(15_000),
    });
    const text = typeof res.data === 'string' ? res.data : '';
    let acknowledged = res.status >= 200 && res.status < 300;
    if (s.partner === PartnerKind.KUAIDI100) {
      try {
        const ack = JSON.parse(text) as { result?: unknown; returnCode?: unknown };
        acknowledged = acknowledged && ack.result === true && String(ack.returnCode) === '200';
      } catch {
        acknowledged = false;
      }
    }
    if (acknowledged) lastAcked.set(`${hubUrl} ${s.trackingNumber}`, fp);
    log(`push ${s.partner} ${s.trackingNumber} (${steps.length} events) → ${res.status}${acknowledged ? '' : ' not acknowledged'}`);
    return { trackingNumber: s.trackingNumber, partner: s.partner, url, status: res.status, acknowledged, body: text };
  }

  async function pushChanged(hubUrl = opts.hubUrl): Promise<PushResult[]> {
    if (!hubUrl) throw new Error('no hub URL to push to');
    const out: PushResult[] = [];
    for (const s of script) {
      if (!PUSH_KINDS.has(s.partner) || visible(s).length === 0) continue;
      if (lastAcked.get(`${hubUrl} ${s.trackingNumber}`) === fingerprint(s)) continue;
      try {
        out.push(await pushTo(hubUrl, s.trackingNumber));
      } catch (err) {
        log(`push ${s.trackingNumber} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return out;
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = req.method === 'POST' ? (await readBody(req)).toString('utf8') : '';
    const input = body ? (JSON.parse(body) as unknown) : {};
    const obj = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    switch (`${req.method} ${url.pathname}`) {
      case 'POST /_control/faults':
        queue.push(...toQueue((Array.isArray(input) ? input : [input]).map(parseFault)));
        return json(res, 200, { faults: queue });
      case 'GET /_control/faults':
        return json(res, 200, { faults: queue });
      case 'DELETE /_control/faults':
        queue = [];
        return json(res, 200, { faults: queue });
      case 'GET /_control/requests':
        return json(res, 200, requests);
      case 'POST /_control/advance':
        advancedMs += (typeof obj['minutes'] === 'number' ? obj['minutes'] : 0) * 60_000;
        return json(res, 200, { simulatedNow: new Date(simNow()).toISOString() });
      case 'GET /_control/shipments':
        return json(res, 200, {
          simulatedNow: new Date(simNow()).toISOString(),
          shipments: script.map((s) => {
            const v = visible(s);
            const last = v[v.length - 1]?.step;
            return { partner: s.partner, trackingNumber: s.trackingNumber, carrier: s.carrier, story: s.story, events: v.length, of: s.steps.length, lastCode: last?.code ?? null, expected: last?.expect ?? null };
          }),
        });
      case 'POST /_control/push': {
        const hub = typeof obj['hub'] === 'string' ? obj['hub'] : opts.hubUrl;
        if (!hub) return json(res, 400, { error: 'no hub URL: pass { hub } or start with --hub' });
        const results = typeof obj['trackingNumber'] === 'string' ? [await pushTo(hub, obj['trackingNumber'])] : await pushChanged(hub);
        return json(res, 200, { results });
      }
      default:
        return json(res, 404, { error: 'unknown control endpoint' });
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = url.pathname.replace(/\/+$/, '');
    let work: Promise<void>;
    if (route === '/track/shipments') work = dhlTrack(req, res, url);
    else if (route === '/poll/query.do' && req.method === 'POST') work = kuaidi100Query(req, res);
    else if (route.startsWith('/_control/')) work = control(req, res, url);
    else work = Promise.resolve(json(res, 404, problem(404, 'Not found', 'No such endpoint', url.pathname)));
    work.catch((err: unknown) => {
      if (!res.headersSent) json(res, 400, { error: err instanceof Error ? err.message : 'bad request' });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let autoTimer: NodeJS.Timeout | null = null;
  let pushing = false;
  if (opts.autoPushMs && opts.hubUrl) {
    autoTimer = setInterval(() => {
      if (pushing) return;
      pushing = true;
      pushChanged()
        .catch(() => {})
        .finally(() => {
          pushing = false;
        });
    }, opts.autoPushMs);
    autoTimer.unref();
  }

  return {
    url,
    port: address.port,
    shipments: script,
    credentials,
    partnerCodes,
    setFaults(faults) {
      queue = toQueue(faults);
    },
    addFaults(faults) {
      queue.push(...toQueue(faults));
    },
    clearFaults() {
      queue = [];
    },
    faults: () => queue.map(({ remaining, ...f }) => ({ ...f, count: remaining })),
    advance(minutes) {
      advancedMs += minutes * 60_000;
    },
    visible(trackingNumber) {
      const s = byNumber.get(trackingNumber.toUpperCase());
      return s ? visible(s) : [];
    },
    requests,
    pushTo,
    pushChanged,
    async close() {
      if (autoTimer) clearInterval(autoTimer);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
