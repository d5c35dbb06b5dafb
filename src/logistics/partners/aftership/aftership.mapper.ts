/**
 * AfterShip tracking webhook → canonical update. Pure.
 *
 * `msg.checkpoints` is the shipment's history (oldest first in AfterShip's payloads); offset-less
 * `checkpoint_time`s are read as UTC and flagged (see `parsePartnerTime`).
 */
import { ExceptionReason, PartnerKind, ShipmentStatus, type TrackingUpdate } from '../../tracking.js';
import { joinLocation, makeEvent, reader, type MapContext } from '../common/payload.js';

const r = reader(PartnerKind.AFTERSHIP);

export const AFTERSHIP_TAGS: Readonly<Record<string, ShipmentStatus>> = {
  Pending: ShipmentStatus.PENDING,
  InfoReceived: ShipmentStatus.INFO_RECEIVED,
  InTransit: ShipmentStatus.IN_TRANSIT,
  OutForDelivery: ShipmentStatus.OUT_FOR_DELIVERY,
  AttemptFail: ShipmentStatus.DELIVERY_FAILED,
  AvailableForPickup: ShipmentStatus.AVAILABLE_FOR_PICKUP,
  Delivered: ShipmentStatus.DELIVERED,
  Exception: ShipmentStatus.EXCEPTION,
  Expired: ShipmentStatus.EXPIRED,
};

export const AFTERSHIP_EXCEPTION_SUBTAGS: Readonly<Record<string, ExceptionReason>> = {
  Exception_003: ExceptionReason.REFUSED,
  Exception_004: ExceptionReason.CUSTOMS,
  Exception_005: ExceptionReason.DELAYED,
};

export function afterShipStatus(tag: string | null, subtag: string | null): [ShipmentStatus, ExceptionReason | null] {
  const status = (tag === null ? undefined : AFTERSHIP_TAGS[tag]) ?? ShipmentStatus.UNKNOWN;
  if (status !== ShipmentStatus.EXCEPTION) return [status, null];
  return [status, (subtag === null ? undefined : AFTERSHIP_EXCEPTION_SUBTAGS[subtag]) ?? ExceptionReason.OTHER];
}

/** Maps a parsed webhook body. Throws `PartnerPayloadError` on a malformed one. */
export function mapAfterShipWebhook(body: unknown, ctx: MapContext): TrackingUpdate & { eventId: string | null } {
  const root = r.obj(body, 'body');
  const msg = r.obj(root['msg'], 'msg');
  const trackingNumber = r.nonEmpty(msg['tracking_number'], 'msg.tracking_number');
  const checkpoints = r.arr(msg['checkpoints'] ?? [], 'msg.checkpoints');
  const events = checkpoints.map((v, i) => {
    const p = `msg.checkpoints[${i}]`;
    const c = r.obj(v, p);
    const rawTime = r.nonEmpty(c['checkpoint_time'], `${p}.checkpoint_time`);
    const { at, offsetAssumed } = r.time(rawTime, `${p}.checkpoint_time`);
    const tag = r.optStr(c['tag'], `${p}.tag`);
    const subtag = r.optStr(c['subtag'], `${p}.subtag`);
    const [status, reason] = afterShipStatus(tag, subtag);
    return makeEvent(ctx, trackingNumber, {
      status,
      reason,
      rawCode: tag,
      rawSubCode: subtag,
      description: r.optStr(c['message'], `${p}.message`) ?? '',
      rawTime,
      occurredAt: at,
      offsetAssumed,
      location:
        r.optStr(c['location'], `${p}.location`)?.trim() ||
        joinLocation(r.optStr(c['city'], `${p}.city`), r.optStr(c['country_iso3'], `${p}.country_iso3`)),
    });
  });
  // Checkpoints come oldest first; a stable sort by time keeps that order among equal times.
  const ordered = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.occurredAt.getTime() - b.e.occurredAt.getTime() || a.i - b.i)
    .map(({ e }) => e);
  const tag = r.optStr(msg['tag'], 'msg.tag');
  const [status, reason] = afterShipStatus(tag, r.optStr(msg['subtag'], 'msg.subtag'));
  const update: TrackingUpdate & { eventId: string | null } = {
    partnerKind: PartnerKind.AFTERSHIP,
    trackingNumber,
    events: ordered,
    summary: { status, reason, rawCode: tag },
    eventId: r.optStr(root['event_id'], 'event_id'),
  };
  if ('expected_delivery' in msg) {
    const eta = r.optStr(msg['expected_delivery'], 'msg.expected_delivery');
    update.estimatedDeliveryAt = eta ? r.time(eta, 'msg.expected_delivery').at : null;
  }
  if (tag === 'Expired') update.trackingStopped = { reason: r.optStr(msg['subtag_message'], 'msg.subtag_message') ?? 'Expired' };
  return update;
}
