import { LockMode } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { LogisticsPartner } from './partner.entity.js';
import { Shipment, TrackingEventRecord } from './shipment.entity.js';
import { recordShipmentUpdated, type ShipmentUpdatedPayload } from './shipment.events.js';
import {
  foldStatus,
  isTerminal,
  type ExceptionReason,
  type FoldResult,
  type ShipmentStatus,
  type ShipmentTrackingState,
  type TrackingEvent,
  type TrackingSource,
  type TrackingUpdate,
} from './tracking.js';
import { WebhookOutcome } from './webhook-inbox.entity.js';

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
      ...cutToColumns(e),
      description: e.description,
      occurredAt: e.occurredAt,
      offsetAssumed: e.offsetAssumed,
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

  if (fold.changed) announce(em, { shipmentId: shipment.id, clientId: shipment.client.id, partnerCode: partner.code, status: shipment.status, reason: shipment.exceptionReason ?? null }, fold);
  await em.flush();
  return { shipment, newEvents: fold.newEvents.length, duplicates: fold.duplicates, changed: fold.changed };
}

/** A tracking event's partner-supplied text, cut to its columns' lengths (both storing paths). */
export function cutToColumns(e: TrackingEvent) {
  return {
    rawCode: e.rawCode?.slice(0, 100) ?? null,
    rawSubCode: e.rawSubCode?.slice(0, 200) ?? null,
    rawTime: e.rawTime.slice(0, 64),
    location: e.location?.slice(0, 300) ?? null,
  };
}

/** The `shipment.updated` event of a fold that changed something (both storing paths). */
function announce(
  em: EntityManager,
  shipment: Pick<ShipmentUpdatedPayload, 'shipmentId' | 'clientId' | 'partnerCode' | 'status' | 'reason'>,
  fold: FoldResult,
): void {
  recordShipmentUpdated(em, {
    ...shipment,
    statusChanged: fold.statusChanged,
    reasonChanged: fold.reasonChanged,
    etaChanged: fold.etaChanged,
    newEventKeys: fold.newEvents.map((e) => e.key),
  });
}

// ---------------------------------------------------------------------------------------------
// The webhook path: the same rules in plain SQL

/** Where a verified push is kept (`webhook_inbox`), written in the same transaction as its effect. */
export interface PushInboxRow {
  partnerCode: string;
  headers: Record<string, string>;
  body: Buffer;
  receivedAt: Date;
}

export interface PushIngestResult {
  /** null: no registered shipment of this partner has the tracking number (the push is kept UNMATCHED). */
  shipmentId: string | null;
  newEvents: number;
  duplicates: number;
  changed: boolean;
}

/** The shipment's row as the fold needs it, locked, with the keys of the events this statement stored. */
export interface LockedShipmentRow {
  id: string;
  client_id: string;
  status: ShipmentStatus;
  exception_reason: ExceptionReason | null;
  // The ORM's driver hands timestamps over as strings.
  status_at: string | Date | null;
  last_event_at: string | Date | null;
  estimated_delivery_at: string | Date | null;
  tracking_stopped_at: string | Date | null;
  next_poll_at: string | Date | null;
  inserted: string[];
}

/**
 * One statement: lock the shipment row (concurrent pushes of one shipment apply one after the
 * other) and store the incoming events that are not stored yet. `on conflict do nothing` against
 * the `(shipment_id, key)` unique index is the replay check: what it returns is exactly the new
 * events, so the keys need no read of their own. It runs after the lock, so a push that waited
 * for another one sees that one's events.
 */
const LOCK_AND_STORE_EVENTS = `
with s as materialized (
  select id, client_id, status, exception_reason, status_at, last_event_at, estimated_delivery_at, tracking_stopped_at, next_poll_at
    from shipment
   where partner_id = ? and tracking_number = ?
     for update
), ins as (
  insert into tracking_event (id, shipment_id, key, status, reason, raw_code, raw_sub_code, description, raw_time, occurred_at, offset_assumed, location, source, received_at)
  select gen_random_uuid(), s.id, e.key, e.status, e.reason, e.raw_code, e.raw_sub_code, e.description, e.raw_time, e.occurred_at, e.offset_assumed, e.location, e.source, e.received_at
    from s
   cross join jsonb_to_recordset(?::jsonb) as e(key text, status text, reason text, raw_code text, raw_sub_code text, description text, raw_time text,
                                                occurred_at timestamptz, offset_assumed boolean, location text, source text, received_at timestamptz)
  on conflict (shipment_id, key) do nothing
  returning key
)
select s.*, array(select key::text from ins) as inserted from s`;

const INSERT_INBOX = `insert into webhook_inbox (id, partner_code, received_at, headers, body, outcome, reason, tracking_number, shipment_id, processed_at, attempts)
values (gen_random_uuid(), ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, 1)`;

/** Plain SQL with bound parameters, in `em`'s transaction: no entity hydration, no client-side formatting. */
async function rows<T>(em: EntityManager, sql: string, bindings: readonly (string | number | boolean | Date | Buffer | null)[]): Promise<T[]> {
  const query = em.getConnection().getKnex().raw(sql, [...bindings]);
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (trx) void query.transacting(trx);
  const result = (await query) as { rows: T[] };
  return result.rows;
}

export const instant = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));
export const sameInstant = (a: Date | null, b: Date | null) => (a === null ? b === null : b !== null && a.getTime() === b.getTime());

/** A tracking event as the set-based inserts read it (`jsonb_to_recordset`): its columns, cut to their lengths. */
export function eventRow(e: TrackingEvent) {
  const cut = cutToColumns(e);
  return {
    key: e.key,
    status: e.status,
    reason: e.reason,
    raw_code: cut.rawCode,
    raw_sub_code: cut.rawSubCode,
    description: e.description,
    raw_time: cut.rawTime,
    occurred_at: e.occurredAt.toISOString(),
    offset_assumed: e.offsetAssumed,
    location: cut.location,
    source: e.source,
    received_at: e.receivedAt.toISOString(),
  };
}

/**
 * Applies a verified push and keeps it in the inbox, in the caller's transaction (`em` is the
 * transaction's): the rules of `ingestTrackingUpdate` — replays dropped by key, the status
 * folded by `foldStatus`, `shipment.updated` appended only when something changed — in three
 * statements whatever the number of events (lock and store the events; update the shipment and
 * insert the inbox row; the outbox row), instead of entity loads and a unit-of-work flush.
 */
export async function applyPushedUpdate(em: EntityManager, partner: { id: string; code: string }, update: TrackingUpdate, inbox: PushInboxRow, now: Date): Promise<PushIngestResult> {
  const trackingNumber = normaliseTrackingNumber(update.trackingNumber);
  // The first event of each key, as `foldStatus` keeps it.
  const firsts = new Map<string, TrackingEvent>();
  for (const e of update.events) if (!firsts.has(e.key)) firsts.set(e.key, e);
  const events = [...firsts.values()].map(eventRow);
  const [s] = await rows<LockedShipmentRow>(em, LOCK_AND_STORE_EVENTS, [partner.id, trackingNumber, JSON.stringify(events)]);
  const kept = trackingNumber.slice(0, 64);
  const inboxParams = (outcome: WebhookOutcome, reason: string | null, shipmentId: string | null) =>
    [inbox.partnerCode, inbox.receivedAt, JSON.stringify(inbox.headers), inbox.body, outcome, reason, kept, shipmentId, new Date()] as const;
  if (!s) {
    await rows(em, INSERT_INBOX, inboxParams(WebhookOutcome.UNMATCHED, `no shipment ${trackingNumber} registered for ${partner.code}`, null));
    return { shipmentId: null, newEvents: 0, duplicates: 0, changed: false };
  }

  const inserted = new Set(s.inserted);
  const current: ShipmentTrackingState = {
    status: s.status,
    exceptionReason: s.exception_reason,
    statusAt: instant(s.status_at),
    lastEventAt: instant(s.last_event_at),
    estimatedDeliveryAt: instant(s.estimated_delivery_at),
  };
  const stoppedBefore = instant(s.tracking_stopped_at);
  const polledNext = instant(s.next_poll_at);
  const fold = foldStatus(current, update.events, {
    knownEventKeys: new Set([...firsts.keys()].filter((k) => !inserted.has(k))),
    ...(update.estimatedDeliveryAt !== undefined ? { estimatedDeliveryAt: update.estimatedDeliveryAt } : {}),
  });
  const { next } = fold;
  const stopping = update.trackingStopped !== undefined && stoppedBefore === null;
  const stoppedAt = stoppedBefore ?? (stopping ? now : null);
  // Terminal shipments, and those the partner stopped tracking, are not polled again.
  const nextPollAt = isTerminal(next.status) || stoppedAt ? null : polledNext;

  // Only what changed is written, as the unit of work would (and `updated_at` moves only then).
  const set: string[] = [];
  const params: (string | Date | null)[] = [];
  const assign = (column: string, value: string | Date | null) => {
    set.push(`${column} = ?`);
    params.push(value);
  };
  if (next.status !== current.status) assign('status', next.status);
  if (next.exceptionReason !== current.exceptionReason) assign('exception_reason', next.exceptionReason);
  if (!sameInstant(next.statusAt, current.statusAt)) assign('status_at', next.statusAt);
  if (!sameInstant(next.lastEventAt, current.lastEventAt)) assign('last_event_at', next.lastEventAt);
  if (!sameInstant(next.estimatedDeliveryAt, current.estimatedDeliveryAt)) assign('estimated_delivery_at', next.estimatedDeliveryAt);
  if (stopping) {
    assign('tracking_stopped_at', now);
    assign('tracking_stopped_reason', update.trackingStopped!.reason.slice(0, 500));
  }
  if (!sameInstant(nextPollAt, polledNext)) assign('next_poll_at', nextPollAt);
  const inboxRow = inboxParams(WebhookOutcome.PROCESSED, null, s.id);
  if (set.length) {
    assign('updated_at', new Date());
    await rows(em, `with updated as (update shipment set ${set.join(', ')} where id = ?) ${INSERT_INBOX}`, [...params, s.id, ...inboxRow]);
  } else {
    await rows(em, INSERT_INBOX, inboxRow);
  }

  if (fold.changed) {
    announce(em, { shipmentId: s.id, clientId: s.client_id, partnerCode: partner.code, status: next.status, reason: next.exceptionReason ?? null }, fold);
    await em.flush();
  }
  return { shipmentId: s.id, newEvents: fold.newEvents.length, duplicates: fold.duplicates, changed: fold.changed };
}
