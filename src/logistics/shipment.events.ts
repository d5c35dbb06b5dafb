import type { EntityManager } from '@mikro-orm/postgresql';
import { appendEvent } from '../events/outbox.js';

/** The outbox topic of a shipment whose status, reason or ETA changed, or that got new events. */
export const SHIPMENT_UPDATED = 'shipment.updated';

export interface ShipmentUpdatedPayload {
  shipmentId: string;
  clientId: string;
  partnerCode: string;
  status: string;
  reason: string | null;
  statusChanged: boolean;
  reasonChanged: boolean;
  etaChanged: boolean;
  /** Keys of the events this update added, oldest first. */
  newEventKeys: string[];
}

export function recordShipmentUpdated(em: EntityManager, payload: ShipmentUpdatedPayload): void {
  appendEvent(em, SHIPMENT_UPDATED, payload.shipmentId, { ...payload });
}

/** Reads an outbox payload back; tolerant of missing fields. */
export function parseShipmentUpdated(payload: Record<string, unknown>): ShipmentUpdatedPayload {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    shipmentId: str(payload.shipmentId),
    clientId: str(payload.clientId),
    partnerCode: str(payload.partnerCode),
    status: str(payload.status),
    reason: typeof payload.reason === 'string' ? payload.reason : null,
    statusChanged: payload.statusChanged === true,
    reasonChanged: payload.reasonChanged === true,
    etaChanged: payload.etaChanged === true,
    newEventKeys: Array.isArray(payload.newEventKeys) ? payload.newEventKeys.filter((k): k is string => typeof k === 'string') : [],
  };
}
