/**
 * Renders scripted shipments in each partner's documented format, as far as the timeline has
 * played. Pure: the simulator server and tests share it.
 */
import { ISO3, type ScriptedShipment, type ScriptStep } from './scenarios.js';

/** A step that has happened, with its absolute time. */
export interface VisibleStep {
  step: ScriptStep;
  at: number;
}

/** Standard offsets of the script's countries, minutes east of UTC (no DST: a simulator). */
const ZONE: Readonly<Record<string, number>> = { CN: 480, DE: 60, NL: 60, US: -300 };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function wall(ms: number, offsetMin: number): string {
  const d = new Date(ms + offsetMin * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function offsetText(offsetMin: number): string {
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** The step's time in the way the partner writes it: local time with offset, or offset-less UTC. */
export function isoTime(v: VisibleStep): string {
  if (v.step.offsetless) return wall(v.at, 0);
  const off = ZONE[v.step.location.country] ?? 0;
  return `${wall(v.at, off)}${offsetText(off)}`;
}

/** Kuaidi100's China local time, `YYYY-MM-DD HH:mm:ss`. */
export const chinaTime = (ms: number): string => wall(ms, 480).replace('T', ' ');

const newestFirst = (steps: readonly VisibleStep[]) => [...steps].reverse();

export function renderDhl(s: ScriptedShipment, steps: readonly VisibleStep[], etaAt: number | null) {
  const returnFlag = steps.some((v) => v.step.returnFlag);
  const events = newestFirst(steps).map((v) => ({
    timestamp: isoTime(v),
    location: { address: { addressLocality: v.step.location.city, postalCode: v.step.location.postalCode, countryCode: v.step.location.country } },
    statusCode: v.step.code,
    status: v.step.subCode ?? v.step.code,
    description: v.step.description,
  }));
  const first = steps[0]?.step.location;
  const latest = events[0];
  return {
    shipments: [
      {
        id: s.trackingNumber,
        service: s.carrier,
        origin: first ? { address: { addressLocality: first.city, countryCode: first.country } } : undefined,
        status: latest,
        ...(etaAt !== null ? { estimatedTimeOfDelivery: new Date(etaAt).toISOString() } : {}),
        details: { ...(returnFlag ? { returnFlag: true } : {}) },
        events,
      },
    ],
  };
}

/** The object that is both Kuaidi100's query answer and a push's `lastResult`. */
export function renderKuaidi100Result(s: ScriptedShipment, steps: readonly VisibleStep[]) {
  const latest = steps[steps.length - 1]?.step;
  const state = latest?.state ?? '0';
  return {
    message: 'ok',
    nu: s.trackingNumber,
    ischeck: state === '3' || state === '4' ? '1' : '0',
    condition: 'F00',
    com: s.carrier,
    status: '200',
    state,
    data: newestFirst(steps).map((v) => ({
      time: chinaTime(v.at),
      ftime: chinaTime(v.at),
      context: v.step.description,
      status: v.step.subCode ?? '',
      statusCode: v.step.code,
      areaName: v.step.location.city,
      location: v.step.location.city,
    })),
  };
}

/** A push callback's `param` JSON string. */
export function renderKuaidi100PushParam(s: ScriptedShipment, steps: readonly VisibleStep[], aborted: boolean): string {
  const lastResult = renderKuaidi100Result(s, steps);
  const status = aborted ? 'abort' : lastResult.ischeck === '1' ? 'shutdown' : 'polling';
  return JSON.stringify({ status, billstatus: 'got', message: aborted ? '3天查询无记录' : '', lastResult });
}

export function renderAfterShip(s: ScriptedShipment, steps: readonly VisibleStep[], etaAt: number | null, eventId: string, nowMs: number) {
  const latest = steps[steps.length - 1]?.step;
  return {
    event: 'tracking_update',
    event_id: eventId,
    is_tracking_first_tag: steps.length === 1,
    ts: Math.floor(nowMs / 1000),
    msg: {
      id: `sim-${s.trackingNumber}`,
      tracking_number: s.trackingNumber,
      slug: s.carrier,
      tag: latest?.code ?? 'Pending',
      subtag: latest?.subCode ?? 'Pending_001',
      subtag_message: latest?.description ?? 'Pending',
      expected_delivery: etaAt !== null ? new Date(etaAt).toISOString() : null,
      checkpoints: steps.map((v) => ({
        checkpoint_time: isoTime(v),
        message: v.step.description,
        tag: v.step.code,
        subtag: v.step.subCode ?? null,
        location: `${v.step.location.city}, ${v.step.location.country}`,
        city: v.step.location.city,
        country_iso3: ISO3[v.step.location.country] ?? null,
      })),
    },
  };
}

export function renderGeneric(s: ScriptedShipment, steps: readonly VisibleStep[], etaAt: number | null) {
  return {
    trackingNumber: s.trackingNumber,
    ...(etaAt !== null ? { estimatedDeliveryAt: new Date(etaAt).toISOString() } : {}),
    events: steps.map((v, i) => ({
      id: `${s.trackingNumber}-${i + 1}`,
      occurredAt: new Date(v.at).toISOString(),
      status: v.step.code,
      ...(v.step.subCode ? { reason: v.step.subCode } : {}),
      description: v.step.description,
      location: `${v.step.location.city}, ${v.step.location.country}`,
    })),
  };
}
