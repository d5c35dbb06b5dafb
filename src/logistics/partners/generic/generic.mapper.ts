/**
 * The generic push (PARTNERS.md, "Generic partner"), in our own vocabulary. Pure. Also the shape
 * of `pushTrackingEvents`.
 *
 * ```json
 * { "trackingNumber": "GX-1",
 *   "events": [ { "id": "e-1", "occurredAt": "2026-03-01T10:00:00+08:00", "status": "IN_TRANSIT",
 *                 "reason": "DELAYED", "code": "HUB-IN", "description": "Arrived at hub",
 *                 "location": "Shanghai, CN" } ] }
 * ```
 *
 * Being our format, it is strict: `status` and `reason` must be canonical values and
 * `occurredAt` must carry an offset. An event's identity is its `id` when the partner gives one
 * (so a corrected resend under the same id is a replay: the first version stays), else raw time,
 * code and description.
 */
import { isExceptionReason, isShipmentStatus, PartnerKind, type ExceptionReason, type ShipmentStatus, type TrackingUpdate } from '../../tracking.js';
import { makeEvent, reader, type MapContext } from '../common/payload.js';

const r = reader(PartnerKind.GENERIC);

export interface GenericPushEvent {
  id?: string;
  occurredAt: string;
  status: string;
  reason?: string | null;
  code?: string | null;
  description?: string | null;
  location?: string | null;
}

export interface GenericPushBody {
  trackingNumber: string;
  events: GenericPushEvent[];
  estimatedDeliveryAt?: string | null;
}

/** The most events one push may carry. */
export const GENERIC_MAX_EVENTS = 500;

function statusOf(v: unknown, path: string): ShipmentStatus {
  const s = r.nonEmpty(v, path);
  return isShipmentStatus(s) ? s : r.fail(path, `unknown status ${JSON.stringify(s.slice(0, 40))}`);
}

function reasonOf(v: unknown, path: string): ExceptionReason | null {
  const s = r.optStr(v, path);
  if (s === null || s === '') return null;
  return isExceptionReason(s) ? s : r.fail(path, `unknown reason ${JSON.stringify(s.slice(0, 40))}`);
}

export function mapGenericPush(body: unknown, ctx: MapContext): TrackingUpdate {
  const root = r.obj(body, 'body');
  const trackingNumber = r.nonEmpty(root['trackingNumber'], 'trackingNumber');
  const list = r.arr(root['events'], 'events');
  if (list.length > GENERIC_MAX_EVENTS) r.fail('events', `at most ${GENERIC_MAX_EVENTS} events per push`);
  const events = list.map((v, i) => {
    const p = `events[${i}]`;
    const e = r.obj(v, p);
    const status = statusOf(e['status'], `${p}.status`);
    const reason = reasonOf(e['reason'], `${p}.reason`);
    const rawTime = r.nonEmpty(e['occurredAt'], `${p}.occurredAt`);
    const { at, offsetAssumed } = r.time(rawTime, `${p}.occurredAt`);
    if (offsetAssumed) r.fail(`${p}.occurredAt`, 'must carry a UTC offset (Z or ±hh:mm)');
    const id = r.optStr(e['id'], `${p}.id`);
    const code = r.optStr(e['code'], `${p}.code`);
    return makeEvent(ctx, trackingNumber, {
      status,
      reason,
      rawCode: code ?? status,
      rawSubCode: reason,
      description: r.optStr(e['description'], `${p}.description`) ?? '',
      rawTime,
      occurredAt: at,
      offsetAssumed: false,
      location: r.optStr(e['location'], `${p}.location`)?.trim() || null,
      ...(id ? { identity: `id:${id}` } : {}),
    });
  });
  const ordered = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.occurredAt.getTime() - b.e.occurredAt.getTime() || a.i - b.i)
    .map(({ e }) => e);
  const update: TrackingUpdate = { partnerKind: PartnerKind.GENERIC, trackingNumber, events: ordered };
  if ('estimatedDeliveryAt' in root) {
    const eta = r.optStr(root['estimatedDeliveryAt'], 'estimatedDeliveryAt');
    update.estimatedDeliveryAt = eta ? r.time(eta, 'estimatedDeliveryAt').at : null;
  }
  return update;
}
