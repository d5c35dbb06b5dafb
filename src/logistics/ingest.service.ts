import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LogisticsPartner } from './partner.entity.js';
import { Shipment, TrackingEventRecord } from './shipment.entity.js';
import { recordShipmentUpdated } from './shipment.events.js';
import { foldStatus, isTerminal, type TrackingSource, type TrackingUpdate } from './tracking.js';

export interface IngestResult {
  /** null: no registered shipment of this partner has the tracking number. */
  shipment: Shipment | null;
  newEvents: number;
  duplicates: number;
  changed: boolean;
}

/** Tracking numbers are compared trimmed and upper-cased (DHL compares case-insensitively). */
export const normaliseTrackingNumber = (n: string) => n.trim().toUpperCase();

/**
 * Applies one canonical update to its shipment — the one path for pulls, webhooks and
 * `pushTrackingEvents`. Call inside a transaction (`em` is the transaction's): the shipment row
 * is locked, so concurrent updates of one shipment apply one after the other.
 *
 * Events already stored (by key) are dropped, so a replay or a full-history resend changes
 * nothing and publishes nothing; the status is folded by `foldStatus`; a `shipment.updated`
 * event is appended only when the status, reason or ETA changed or new events arrived.
 */
export async function ingestTrackingUpdate(
  em: EntityManager,
  partner: LogisticsPartner,
  update: TrackingUpdate,
  _source: TrackingSource,
  opts: { shipment?: Shipment; now?: Date } = {},
): Promise<IngestResult> {
  const now = opts.now ?? new Date();
  const shipment =
    opts.shipment ??
    (await em.findOne(
      Shipment,
      { partner, trackingNumber: normaliseTrackingNumber(update.trackingNumber) },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    ));
  if (!shipment) return { shipment: null, newEvents: 0, duplicates: 0, changed: false };

  const incomingKeys = [...new Set(update.events.map((e) => e.key))];
  const known = incomingKeys.length
    ? new Set(
        (
          await em.find(TrackingEventRecord, { shipment, key: { $in: incomingKeys } }, { fields: ['key'] })
        ).map((e) => e.key),
      )
    : new Set<string>();

  const fold = foldStatus(
    {
      status: shipment.status,
      exceptionReason: shipment.exceptionReason ?? null,
      statusAt: shipment.statusAt ?? null,
      lastEventAt: shipment.lastEventAt ?? null,
      estimatedDeliveryAt: shipment.estimatedDeliveryAt ?? null,
    },
    update.events,
    { knownEventKeys: known, ...(update.estimatedDeliveryAt !== undefined ? { estimatedDeliveryAt: update.estimatedDeliveryAt } : {}) },
  );

  for (const e of fold.newEvents) {
    em.create(TrackingEventRecord, {
      shipment,
      key: e.key,
      status: e.status,
      reason: e.reason,
      rawCode: e.rawCode?.slice(0, 100) ?? null,
      rawSubCode: e.rawSubCode?.slice(0, 200) ?? null,
      description: e.description,
      rawTime: e.rawTime.slice(0, 64),
      occurredAt: e.occurredAt,
      offsetAssumed: e.offsetAssumed,
      location: e.location?.slice(0, 300) ?? null,
      source: e.source,
      receivedAt: e.receivedAt,
    });
  }

  const { next } = fold;
  shipment.status = next.status;
  shipment.exceptionReason = next.exceptionReason;
  shipment.statusAt = next.statusAt;
  shipment.lastEventAt = next.lastEventAt;
  shipment.estimatedDeliveryAt = next.estimatedDeliveryAt;
  if (update.trackingStopped && !shipment.trackingStoppedAt) {
    shipment.trackingStoppedAt = now;
    shipment.trackingStoppedReason = update.trackingStopped.reason.slice(0, 500);
  }
  // Terminal shipments, and those the partner stopped tracking, are not polled again.
  if (isTerminal(shipment.status) || shipment.trackingStoppedAt) shipment.nextPollAt = null;

  if (fold.changed) {
    recordShipmentUpdated(em, {
      shipmentId: shipment.id,
      clientId: shipment.client.id,
      partnerCode: partner.code,
      status: shipment.status,
      reason: shipment.exceptionReason ?? null,
      statusChanged: fold.statusChanged,
      reasonChanged: fold.reasonChanged,
      etaChanged: fold.etaChanged,
      newEventKeys: fold.newEvents.map((e) => e.key),
    });
  }
  await em.flush();
  return { shipment, newEvents: fold.newEvents.length, duplicates: fold.duplicates, changed: fold.changed };
}
