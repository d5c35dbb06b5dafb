import type { EntityManager } from '@mikro-orm/postgresql';
import { defineTopic, read } from '../events/catalogue.js';
import { appendEvent, outboxInsert, type OutboxInsert } from '../events/outbox.js';

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

declare module '../events/catalogue.js' {
  interface EventCatalogue {
    /** A shipment's status, reason or ETA changed, or it got new events. Aggregate: the shipment. */
    'shipment.updated': ShipmentUpdatedPayload;
  }
}

/** Reads an outbox payload back; tolerant of missing fields. */
export function parseShipmentUpdated(raw: Record<string, unknown>): ShipmentUpdatedPayload {
  return {
    shipmentId: read.str(raw, 'shipmentId'),
    clientId: read.str(raw, 'clientId'),
    partnerCode: read.str(raw, 'partnerCode'),
    status: read.str(raw, 'status'),
    reason: read.strOrNull(raw, 'reason'),
    statusChanged: read.bool(raw, 'statusChanged'),
    reasonChanged: read.bool(raw, 'reasonChanged'),
    etaChanged: read.bool(raw, 'etaChanged'),
    newEventKeys: read.strings(raw, 'newEventKeys'),
  };
}

/** The outbox topic of a shipment whose status, reason or ETA changed, or that got new events. */
export const SHIPMENT_UPDATED = defineTopic('shipment.updated', parseShipmentUpdated);

export function recordShipmentUpdated(em: EntityManager, payload: ShipmentUpdatedPayload): void {
  appendEvent(em, SHIPMENT_UPDATED, payload.shipmentId, { ...payload });
}

/** The insert of several `shipment.updated` events, in the order given (the webhook's group commit runs it within its own statement). */
export function shipmentUpdatesInsert(payloads: readonly ShipmentUpdatedPayload[]): OutboxInsert {
  return outboxInsert(SHIPMENT_UPDATED, payloads.map((p) => ({ aggregateId: p.shipmentId, payload: { ...p } })));
}
