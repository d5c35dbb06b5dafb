/**
 * The canonical tracking model (PARTNERS.md, "Canonical model"): statuses, exception reasons,
 * the tracking event every partner payload is mapped to, event identity, partner time parsing,
 * and the pure rules that fold events into a shipment's current status.
 */
import { createHash } from 'node:crypto';
import { registerEnumType } from 'type-graphql';

export enum ShipmentStatus {
  PENDING = 'PENDING',
  INFO_RECEIVED = 'INFO_RECEIVED',
  PICKED_UP = 'PICKED_UP',
  IN_TRANSIT = 'IN_TRANSIT',
  OUT_FOR_DELIVERY = 'OUT_FOR_DELIVERY',
  AVAILABLE_FOR_PICKUP = 'AVAILABLE_FOR_PICKUP',
  DELIVERY_FAILED = 'DELIVERY_FAILED',
  EXCEPTION = 'EXCEPTION',
  RETURNING = 'RETURNING',
  RETURNED = 'RETURNED',
  DELIVERED = 'DELIVERED',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
  UNKNOWN = 'UNKNOWN',
}

/** Why a shipment is in `EXCEPTION` / `DELIVERY_FAILED`, or a note on `IN_TRANSIT`. */
export enum ExceptionReason {
  CUSTOMS = 'CUSTOMS',
  REFUSED = 'REFUSED',
  RECIPIENT_UNREACHABLE = 'RECIPIENT_UNREACHABLE',
  ADDRESS_ISSUE = 'ADDRESS_ISSUE',
  DAMAGED = 'DAMAGED',
  LOST = 'LOST',
  HELD = 'HELD',
  NOT_COLLECTED = 'NOT_COLLECTED',
  DELAYED = 'DELAYED',
  STALLED = 'STALLED',
  CARRIER_HANDOVER = 'CARRIER_HANDOVER',
  REDIRECTED = 'REDIRECTED',
  OTHER = 'OTHER',
}

/** How an event reached us. */
export enum TrackingSource {
  PULL = 'PULL',
  PUSH = 'PUSH',
}

/** The kinds of logistics partner the hub speaks to (API.md `PartnerKind`). */
export enum PartnerKind {
  DHL = 'DHL',
  KUAIDI100 = 'KUAIDI100',
  AFTERSHIP = 'AFTERSHIP',
  GENERIC = 'GENERIC',
}

registerEnumType(ShipmentStatus, { name: 'ShipmentStatus', description: 'Canonical shipment status, whatever the partner' });
registerEnumType(ExceptionReason, { name: 'ExceptionReason', description: 'Why a shipment is in exception, failed delivery, or delayed in transit' });
registerEnumType(TrackingSource, { name: 'TrackingSource', description: 'PULL: we fetched it from the partner; PUSH: the partner sent it' });
registerEnumType(PartnerKind, { name: 'PartnerKind' });

export const TERMINAL_STATUSES: ReadonlySet<ShipmentStatus> = new Set([
  ShipmentStatus.DELIVERED,
  ShipmentStatus.RETURNED,
  ShipmentStatus.CANCELLED,
  ShipmentStatus.EXPIRED,
]);

/** Statuses that are a logistics exception: what raises `SHIPMENT_EXCEPTION` and counts against the operational risk dimension. */
export const EXCEPTION_STATUSES: ReadonlySet<string> = new Set<string>([
  ShipmentStatus.EXCEPTION,
  ShipmentStatus.DELIVERY_FAILED,
  ShipmentStatus.RETURNING,
  ShipmentStatus.RETURNED,
]);

export const isTerminal = (s: ShipmentStatus): boolean => TERMINAL_STATUSES.has(s);

const STATUS_VALUES = new Set<string>(Object.values(ShipmentStatus));
const REASON_VALUES = new Set<string>(Object.values(ExceptionReason));
export const isShipmentStatus = (v: unknown): v is ShipmentStatus => typeof v === 'string' && STATUS_VALUES.has(v);
export const isExceptionReason = (v: unknown): v is ExceptionReason => typeof v === 'string' && REASON_VALUES.has(v);

/** One tracking event in both worlds: the partner's raw code and text, and our status and reason. */
export interface TrackingEvent {
  /** Event identity (see `eventKey`); replays and full-history resends carry the same key. */
  key: string;
  status: ShipmentStatus;
  reason: ExceptionReason | null;
  /** The partner's code as sent (DHL `statusCode`, Kuaidi100 `statusCode`, AfterShip `tag`, …). */
  rawCode: string | null;
  rawSubCode: string | null;
  /** The partner's text for the event. */
  description: string;
  /** The partner's time string, verbatim; part of the identity. */
  rawTime: string;
  occurredAt: Date;
  /** The raw time had no UTC offset and one was assumed (see `parsePartnerTime`). */
  offsetAssumed: boolean;
  location: string | null;
  source: TrackingSource;
  receivedAt: Date;
}

/** What one partner payload says about one shipment. */
export interface TrackingUpdate {
  partnerKind: PartnerKind;
  trackingNumber: string;
  /** Oldest first; among equal times, in the order the partner had them happen. */
  events: TrackingEvent[];
  /** `undefined`: the payload says nothing about the ETA; `null`: it says there is none. */
  estimatedDeliveryAt?: Date | null;
  /** The partner's own summary status (DHL `shipments[].status`, Kuaidi100 `state`, AfterShip `tag`). Informational: the status is folded from events. */
  summary?: { status: ShipmentStatus; reason: ExceptionReason | null; rawCode: string | null };
  /** The partner has stopped tracking this shipment (Kuaidi100 `abort`, AfterShip `Expired`), with its message. */
  trackingStopped?: { reason: string };
}

/**
 * Event identity: a hash of partner, tracking number, raw time, raw code and description.
 * The partner is the registered partner's code, so that two accounts of one kind never collide.
 * The parts are JSON-encoded before hashing so that no two different tuples hash alike.
 */
export function eventKey(partner: string, trackingNumber: string, rawTime: string, rawCode: string | null, description: string): string {
  return createHash('sha256')
    .update(JSON.stringify([partner, trackingNumber, rawTime, rawCode, description]))
    .digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Partner times

/** The zone a partner's offset-less times are in, in minutes east of UTC. */
export const CHINA_OFFSET_MINUTES = 8 * 60;

const TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A partner time string that could not be read. */
export class PartnerTimeError extends Error {
  constructor(readonly raw: string) {
    super(`not a date-time: ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)}`);
    this.name = 'PartnerTimeError';
  }
}

/**
 * Reads a partner's ISO-8601-like time: `2024-03-01T10:02:03+01:00`, `…Z`, `…+0100`, with or
 * without seconds, with a fraction of any length (nanoseconds are cut to milliseconds), with a
 * space instead of `T`, or a bare date. When the string has no offset, `assumeOffsetMinutes`
 * is applied and `offsetAssumed` is true.
 *
 * The assumptions the mappers make: Kuaidi100 documents China local time (+08:00). DHL and
 * AfterShip leave the offset out for some carriers and then mean the local time of the event's
 * location, whose zone we cannot know from a city name without a zone database; we assume UTC
 * and flag the event, so that an error of at most ±14 h is visible rather than silent.
 */
export function parsePartnerTime(raw: string, assumeOffsetMinutes = 0): { at: Date; offsetAssumed: boolean } {
  const m = TIME_RE.exec(raw.trim());
  if (!m) throw new PartnerTimeError(raw);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) throw new PartnerTimeError(raw);
  let offset = assumeOffsetMinutes;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 14 || om > 59) throw new PartnerTimeError(raw);
    offset = sign * (oh * 60 + om);
  } else if (zone) {
    offset = 0;
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  const probe = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2024-02-31 over to March: refuse instead.
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) throw new PartnerTimeError(raw);
  return { at: new Date(utc - offset * 60_000), offsetAssumed: !zone };
}

// ---------------------------------------------------------------------------------------------
// Folding events into the current status

/** What the fold needs to know about a shipment. */
export interface ShipmentTrackingState {
  status: ShipmentStatus;
  exceptionReason: ExceptionReason | null;
  /** occurredAt of the event that set `status` (the newest event with a known status); null before any. */
  statusAt: Date | null;
  /** occurredAt of the newest event of any status. */
  lastEventAt: Date | null;
  estimatedDeliveryAt: Date | null;
}

export const initialTrackingState = (): ShipmentTrackingState => ({
  status: ShipmentStatus.PENDING,
  exceptionReason: null,
  statusAt: null,
  lastEventAt: null,
  estimatedDeliveryAt: null,
});

export interface FoldResult {
  next: ShipmentTrackingState;
  /** Events not seen before, oldest first: the ones to store. */
  newEvents: TrackingEvent[];
  /** Incoming events dropped because their key was known or repeated in the batch. */
  duplicates: number;
  statusChanged: boolean;
  reasonChanged: boolean;
  etaChanged: boolean;
  /** Subscribers hear of the shipment: status, reason or ETA changed, or new events arrived. */
  changed: boolean;
}

const sameTime = (a: Date | null, b: Date | null) => (a === null ? b === null : b !== null && a.getTime() === b.getTime());

/**
 * Folds incoming events into a shipment's state (PARTNERS.md, "Current status"):
 *
 * - events whose key is in `knownEventKeys` (or repeated within the batch) are dropped, so a
 *   replay or a full-history resend changes nothing;
 * - the status is that of the newest event by `occurredAt`; of events with equal times, the
 *   later one in the (oldest-first) order wins, unless the current status is terminal;
 * - a terminal status is left only for a strictly newer event;
 * - an older event is kept (it is in `newEvents`) but does not move the status back;
 * - `UNKNOWN` never replaces a known status (it still advances `lastEventAt`);
 * - `estimatedDeliveryAt`, when given (not `undefined`), replaces the ETA.
 */
export function foldStatus(
  current: ShipmentTrackingState,
  incoming: readonly TrackingEvent[],
  opts: { knownEventKeys?: ReadonlySet<string>; estimatedDeliveryAt?: Date | null } = {},
): FoldResult {
  const known = opts.knownEventKeys ?? new Set<string>();
  const seen = new Set<string>();
  const fresh: TrackingEvent[] = [];
  let duplicates = 0;
  for (const e of incoming) {
    if (known.has(e.key) || seen.has(e.key)) {
      duplicates++;
      continue;
    }
    seen.add(e.key);
    fresh.push(e);
  }
  // A stable sort keeps the partner's order among equal times.
  const ordered = fresh
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.occurredAt.getTime() - b.e.occurredAt.getTime() || a.i - b.i)
    .map(({ e }) => e);

  const next: ShipmentTrackingState = { ...current };
  for (const e of ordered) {
    const t = e.occurredAt.getTime();
    if (next.lastEventAt === null || t > next.lastEventAt.getTime()) next.lastEventAt = e.occurredAt;
    if (e.status === ShipmentStatus.UNKNOWN) continue;
    const anchor = next.statusAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    const newer = t > anchor;
    const equal = t === anchor;
    if (newer || (equal && !isTerminal(next.status))) {
      next.status = e.status;
      next.exceptionReason = e.reason;
      next.statusAt = e.occurredAt;
    }
  }
  if (opts.estimatedDeliveryAt !== undefined) next.estimatedDeliveryAt = opts.estimatedDeliveryAt;

  const statusChanged = next.status !== current.status;
  const reasonChanged = next.exceptionReason !== current.exceptionReason;
  const etaChanged = !sameTime(next.estimatedDeliveryAt, current.estimatedDeliveryAt);
  return {
    next,
    newEvents: ordered,
    duplicates,
    statusChanged,
    reasonChanged,
    etaChanged,
    changed: statusChanged || reasonChanged || etaChanged || ordered.length > 0,
  };
}
