/**
 * DHL Shipment Tracking — Unified API: response body → canonical updates. Pure.
 *
 * Offset-less timestamps are read as UTC and flagged (see `parsePartnerTime`).
 */
import { ExceptionReason, PartnerKind, ShipmentStatus, type TrackingEvent, type TrackingUpdate } from '../../tracking.js';
import { joinLocation, makeEvent, oldestFirst, reader, type JsonObject, type MapContext } from '../common/payload.js';

const r = reader(PartnerKind.DHL);

/** DHL `statusCode` → canonical status. `delivered` becomes RETURNED on a shipment flagged as a return. */
export const DHL_STATUS_CODES: Readonly<Record<string, ShipmentStatus>> = {
  'pre-transit': ShipmentStatus.INFO_RECEIVED,
  transit: ShipmentStatus.IN_TRANSIT,
  delivered: ShipmentStatus.DELIVERED,
  failure: ShipmentStatus.EXCEPTION,
  unknown: ShipmentStatus.UNKNOWN,
};

export function dhlStatus(statusCode: string | null, returnFlag: boolean): ShipmentStatus {
  const s = statusCode === null ? undefined : DHL_STATUS_CODES[statusCode.toLowerCase()];
  if (s === undefined) return ShipmentStatus.UNKNOWN;
  return s === ShipmentStatus.DELIVERED && returnFlag ? ShipmentStatus.RETURNED : s;
}

function location(v: unknown, path: string): string | null {
  const loc = r.optObj(v, path);
  const addr = loc ? r.optObj(loc['address'], `${path}.address`) : null;
  if (!addr) return null;
  return joinLocation(
    r.optStr(addr['addressLocality'], `${path}.address.addressLocality`),
    r.optStr(addr['postalCode'], `${path}.address.postalCode`),
    r.optStr(addr['countryCode'], `${path}.address.countryCode`),
  );
}

/**
 * Whether DHL marks the shipment as a return. The flag's place in the Unified API is not
 * confirmed by the public docs: it is read from the shipment and from its `details`.
 */
function returnFlagOf(shipment: JsonObject, path: string): boolean {
  const details = r.optObj(shipment['details'], `${path}.details`);
  return shipment['returnFlag'] === true || details?.['returnFlag'] === true;
}

function mapEvent(ctx: MapContext, trackingNumber: string, v: unknown, returnFlag: boolean, path: string): TrackingEvent {
  const e = r.obj(v, path);
  const rawTime = r.nonEmpty(e['timestamp'], `${path}.timestamp`);
  const { at, offsetAssumed } = r.time(rawTime, `${path}.timestamp`);
  const rawCode = r.optStr(e['statusCode'], `${path}.statusCode`);
  const statusText = r.optStr(e['status'], `${path}.status`);
  const description = r.optStr(e['description'], `${path}.description`) ?? statusText ?? '';
  const status = dhlStatus(rawCode, returnFlag);
  return makeEvent(ctx, trackingNumber, {
    status,
    // DHL gives no reason codes; a failure is an exception of unstated cause.
    reason: status === ShipmentStatus.EXCEPTION ? ExceptionReason.OTHER : null,
    rawCode,
    rawSubCode: statusText,
    description,
    rawTime,
    occurredAt: at,
    offsetAssumed,
    location: location(e['location'], `${path}.location`),
  });
}

/**
 * One update per shipment in the response (without `service`, DHL may answer with shipments of
 * several divisions under one number). Throws `PartnerPayloadError` on a malformed body.
 */
export function mapDhlResponse(body: unknown, ctx: MapContext): TrackingUpdate[] {
  const root = r.obj(body, 'body');
  const shipments = r.arr(root['shipments'], 'shipments');
  return shipments.map((sv, i): TrackingUpdate => {
    const path = `shipments[${i}]`;
    const s = r.obj(sv, path);
    const trackingNumber = r.nonEmpty(s['id'], `${path}.id`);
    const returnFlag = returnFlagOf(s, path);
    const events = r.arr(s['events'] ?? [], `${path}.events`).map((ev, j) => mapEvent(ctx, trackingNumber, ev, returnFlag, `${path}.events[${j}]`));
    const update: TrackingUpdate = { partnerKind: PartnerKind.DHL, trackingNumber, events: oldestFirst(events) };
    const statusObj = r.optObj(s['status'], `${path}.status`);
    if (statusObj) {
      const rawCode = r.optStr(statusObj['statusCode'], `${path}.status.statusCode`);
      const status = dhlStatus(rawCode, returnFlag);
      update.summary = { status, reason: status === ShipmentStatus.EXCEPTION ? ExceptionReason.OTHER : null, rawCode };
    }
    if ('estimatedTimeOfDelivery' in s) {
      const eta = r.optStr(s['estimatedTimeOfDelivery'], `${path}.estimatedTimeOfDelivery`);
      update.estimatedDeliveryAt = eta ? r.time(eta, `${path}.estimatedTimeOfDelivery`).at : null;
    }
    return update;
  });
}

/** The update for one tracking number (DHL ids compare case-insensitively), or null if the body has none. */
export function mapDhlShipment(body: unknown, trackingNumber: string, ctx: MapContext): TrackingUpdate | null {
  const want = trackingNumber.trim().toUpperCase();
  return mapDhlResponse(body, ctx).find((u) => u.trackingNumber.toUpperCase() === want) ?? null;
}
